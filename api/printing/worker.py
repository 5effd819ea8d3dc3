"""The print worker: one asyncio task per printer sends the queued jobs, asks the printer's status, retries
with back-off, and keeps the desk told what the printer is doing.

Per job: claim (→ sending) · render once (the bytes are stored, so a retry sends the same ticket) · ask
`DLE EOT` · send · ask again. A fault before sending puts the job back with a delay (flows.printing
retry_delay). A fault after the bytes went out (paper ran out, cover opened mid-ticket) marks the job
uncertain: it may be on paper, so only staff may print it again. A link that died before the printer
answered after the job (hardware/printer/stream.py: a reset with bytes unread) means the ticket did not
arrive whole, so it is sent again, whole. A job older than `printer.expire_s` is
never sent (some printers print a whole backlog once paper is loaded; DEVICES.md §1).

Blocking transport calls run in a thread (asyncio.to_thread) with the printer's short timeouts, so a
silent printer never stalls the API's event loop, and issuing a ticket never waits for the printer.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import zoneinfo
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import msgspec

from api.patient.tokens import issue as issue_link
from api.patient.tokens import page_url
from db import print_jobs
from db.audit import record_audit
from db.engine import Database, write_transaction
from db.queues import ticket_for_print
from flows.access import AccessScope, NewAccessToken
from flows.identity import mask_name
from flows.printing import DocumentContent, JobKind, retry_delay
from flows.printing import PrintJob as JobStruct
from flows.queue import QueueDef, Ticket, find_queue
from onestop.config import Settings

if TYPE_CHECKING:
    from hardware.printer.status import PrinterStatus
    from hardware.printer.transport import Transport

log = logging.getLogger("onestop.printer")

Clock = Callable[[], dt.datetime]


class PrinterReport(msgspec.Struct, frozen=True, kw_only=True):
    """The printer as the desk sees it (GET /api/v1/printer)."""

    url: str
    state: str  # hardware.printer.errors.PrinterState
    detail: str
    can_print: bool
    checked_at: dt.datetime | None
    queued: int = 0
    offered: int = 0  # expired or uncertain jobs waiting for staff to decide
    last_error: str | None = None


@dataclass
class PrintWorker:
    settings: Settings
    clock: Clock
    queues: Callable[[], Awaitable[list[QueueDef]]]  # the API's site queues (cached there)
    printer: str = "default"
    report: PrinterReport | None = None
    _db: Database | None = None
    _transport: Transport | None = None
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None
    _last_check: dt.datetime | None = None
    _last_sweep: dt.datetime | None = None

    # --- life ----------------------------------------------------------------------------------------

    async def start(self, db: Database) -> None:
        self._db = db
        uncertain, expired = await print_jobs.recover(
            db, self.printer, now=self.clock(), expire_s=self.settings.printer.expire_s
        )
        if uncertain or expired:
            log.warning(
                "printer %s: %d uncertain and %d expired jobs wait for staff",
                self.printer,
                uncertain,
                expired,
            )
        self._task = asyncio.create_task(self._run(), name=f"print-worker-{self.printer}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._transport is not None:
            await asyncio.to_thread(self._transport.close)
            self._transport = None

    def wake(self) -> None:
        """A job was queued: look now instead of at the next poll."""
        self._wake.set()

    # --- the loop ------------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            # Cleared BEFORE looking for work: a job queued while we look sets it again, so the wait
            # below returns at once. (Cleared after looking, a wake in between was lost until the next
            # idle check: a ticket stuck for idle_check_s.)
            self._wake.clear()
            try:
                worked = await self._one()
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug or a database outage must not kill printing for the day
                log.exception("print worker %s: unexpected error; retrying in 1 s", self.printer)
                worked = False
                await asyncio.sleep(1.0)
            if not worked:
                await self._idle()

    async def _idle(self) -> None:
        now = self.clock()
        if (
            self._last_check is None
            or (now - self._last_check).total_seconds() >= self.settings.printer.idle_check_s
        ):
            await self.check()
        due = await print_jobs.next_due(self.printer)
        wait = self.settings.printer.idle_check_s
        if due is not None:
            wait = max(0.05, min(wait, (due - self.clock()).total_seconds()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _one(self) -> bool:
        """Send one due job. False when there was none."""
        db = self._require_db()
        now = self.clock()
        # Expired jobs are swept at most once a second: at rush hour every claim is a write transaction
        # competing with the desk's tickets for SQLite's one writer.
        sweep = self._last_sweep is None or (now - self._last_sweep).total_seconds() >= 1.0
        if sweep:
            self._last_sweep = now
        job = await print_jobs.claim(
            db, self.printer, now=now, expire_s=self.settings.printer.expire_s, sweep=sweep
        )
        if job is None:
            return False
        # A first attempt renders; a retry sends exactly the bytes a failed attempt stored. The bytes are
        # stored only when an attempt fails: the usual job costs two writes (claim, printed), not three.
        payload = await print_jobs.payload_of(job.id) if job.attempts > 1 else b""
        content: str | None = None
        if not payload:
            payload, content = await self._render(job)
        before = await self.check()
        if not before.can_print:
            await print_jobs.save_payload(job.id, payload, content, now=self.clock())
            await self._retry(job, f"{before.detail} ({before.state})", before.state)
            return True
        from hardware.printer.errors import PrinterError

        try:
            await asyncio.to_thread(self.transport.send, payload)
        except PrinterError as exc:
            self._note(exc.state, exc.message)
            await print_jobs.save_payload(job.id, payload, content, now=self.clock())
            await self._retry(job, exc.message, exc.state.value)
            return True
        after = await self.check()
        if after.state not in {"ready", "paper_near_end"}:
            await print_jobs.save_payload(job.id, payload, content, now=self.clock())
        if after.state == "disconnected":
            # The link died before the printer answered after the job: it did not read all of it (an
            # orderly close after reading everything is not reported; hardware/printer/stream.py). No cut
            # arrived, so the ticket is not on paper whole: send it again, whole, after ESC @.
            await self._retry(job, after.detail, after.state)
        elif after.state in ("paper_out", "cover_open", "no_answer", "error"):
            # The bytes went out but the printer stopped or fell silent: part or all of the ticket may be
            # on paper. Only staff, looking at the printer, may print it again.
            await print_jobs.mark_failed(
                job.id,
                now=self.clock(),
                error=f"sent, then: {after.detail}",
                state=after.state,
                retry_at=None,
            )
        else:
            await print_jobs.mark_printed(job.id, now=self.clock(), state=after.state, content=content)
        return True

    async def _retry(self, job: JobStruct, error: str, state: str) -> None:
        retry_at = self.clock() + dt.timedelta(seconds=retry_delay(job.attempts))
        await print_jobs.mark_failed(job.id, now=self.clock(), error=error, state=state, retry_at=retry_at)

    # --- status --------------------------------------------------------------------------------------

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            from hardware.printer.transport import open_transport

            printer = self.settings.printer
            self._transport = open_transport(
                printer.url, timeout_s=printer.timeout_s, paper_mm=printer.paper_mm
            )
        return self._transport

    async def check(self) -> PrinterReport:
        """Ask the printer now (DLE EOT under short timeouts) and update the report."""
        from hardware.printer.errors import PrinterError, PrinterState

        self._last_check = self.clock()
        try:
            status: PrinterStatus = await asyncio.to_thread(self.transport.status)
            state, detail = status.state, status.detail
        except PrinterError as exc:
            state, detail = exc.state, exc.message
        except ValueError as exc:  # a malformed URL: config check refuses it, but never crash the worker
            state, detail = PrinterState.REFUSED, str(exc)
        return self._note(state, detail)

    def _note(self, state: object, detail: str) -> PrinterReport:
        from hardware.printer.errors import PrinterState

        state = PrinterState(str(state))
        previous = self.report.state if self.report else None
        if previous != state.value:
            log.log(
                logging.INFO if state.can_print else logging.WARNING,
                "printer %s: %s (%s)",
                self.printer,
                state.value,
                detail,
            )
        self.report = PrinterReport(
            url=self.settings.printer.url,
            state=state.value,
            detail=detail,
            can_print=state.can_print,
            checked_at=self.clock(),
            last_error=None if state.can_print else detail,
        )
        return self.report

    # --- rendering -----------------------------------------------------------------------------------

    async def _render(self, job: JobStruct) -> tuple[bytes, str | None]:
        from hardware.printer.document import render_document
        from hardware.printer.ticket import TicketContent, render_test_ticket, render_ticket

        paper, native = self.settings.printer.paper_mm, self.settings.printer.native_qr
        zone = zoneinfo.ZoneInfo(self.settings.site.timezone)
        if job.ticket_id is None and job.kind in (JobKind.DOCUMENT, JobKind.REPRINT):
            document = await self._document(job)
            if document is not None:
                # The content goes back with the bytes: a failed attempt stores both, and keeps the page.
                data = await asyncio.to_thread(render_document, document, paper_mm=paper)
                return data, msgspec.json.encode(document).decode()
        if job.kind is JobKind.TEST or job.ticket_id is None:
            data = await asyncio.to_thread(
                render_test_ticket,
                site_name=self.settings.site.name,
                printed_at=self.clock().astimezone(zone),
                paper_mm=paper,
                native_qr=native,
            )
            return data, None
        ticket, name = await ticket_for_print(job.ticket_id)
        queue = find_queue(await self.queues(), ticket.queue_id)
        link, token_id = await self._visit_link(job, ticket)
        content = TicketContent(
            site_name=self.settings.site.name,
            label=ticket.label,
            queue_name=queue.name,
            room=ticket.room,
            ahead=ticket.ahead_at_issue,
            masked_name=mask_name(name),
            issued_at=ticket.issued_at.astimezone(zone),
            qr_url=link,
            emergency=ticket.emergency,
            priority_note="签约优先" if 0 < ticket.priority < 100 else None,
            reprint=job.kind is JobKind.REPRINT,
            footer="请留意叫号屏与语音提示，过号请到分诊台",
        )
        data = await asyncio.to_thread(render_ticket, content, paper_mm=paper, native_qr=native)
        # The job row keeps what the ticket said, but not the link's secret: only its hash is stored.
        kept = msgspec.structs.replace(
            content, qr_url=f"{page_url(self.settings, '')}[access_token={token_id}]"
        )
        return data, msgspec.json.encode(kept).decode()

    async def _document(self, job: JobStruct) -> DocumentContent | None:
        """A document job's page; a reprint of one (no ticket) prints the page of the job it repeats."""
        from db.print_documents import document_of

        found = await document_of(job.id)
        if found is None and job.kind is JobKind.REPRINT and job.reprint_of is not None:
            found = await document_of(job.reprint_of)
        return found

    async def _visit_link(self, job: JobStruct, ticket: Ticket) -> tuple[str, int]:
        """A fresh patient link for the ticket's visit (flows.access, scope "visit", until the day ends).

        Made at render time, so its secret exists only in the printer's bytes: a reprint (补打) makes a new
        one and revokes the old, so a lost ticket's QR code stops working once the desk reprints it."""
        request = NewAccessToken(
            resident_id=ticket.resident_id, scope=AccessScope.VISIT, visit_id=ticket.visit_id
        )
        db = self._require_db()
        async with write_transaction(db):
            issued = await issue_link(
                db,
                self.settings,
                request,
                now=self.clock(),
                created_by=job.requested_by,
                ticket_id=ticket.id,
                with_qr=False,
            )
            await record_audit(
                db,
                actor_id=job.requested_by,
                action="token.issue",
                entity="resident",
                entity_id=ticket.resident_id,
                detail=f"access_token={issued.token.id} visit ticket={ticket.id}",
                now=self.clock(),
            )
        return issued.url, issued.token.id

    def _require_db(self) -> Database:
        if self._db is None:
            raise RuntimeError("the print worker has not been started")
        return self._db
