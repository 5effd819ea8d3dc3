"""Print jobs in the database: queued with the ticket, claimed one at a time by the printer's worker.

The job row is written in the same transaction as its ticket (db.queues), so an issued ticket always has
its job, and a crash after the commit loses nothing: the worker finds the job at its next start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import msgspec

from db import convert
from db.engine import Database, write_transaction
from db.tables import PrintJob
from flows.errors import Conflict, NotFound
from flows.printing import JobKind, JobStatus, is_expired
from flows.printing import PrintJob as JobStruct
from flows.queue import label

_COLUMNS = (
    "j.id, j.ticket, j.printer, j.kind, j.status, j.attempts, j.last_error, j.printer_state, "
    "j.requested_by, j.reprint_of, j.next_attempt_at, j.printed_at, j.created_at, t.prefix, t.number"
)
_FROM = "FROM print_job j LEFT JOIN queue_ticket t ON t.id = j.ticket"


def _job(row: dict[str, Any]) -> JobStruct:
    def opt(value: Any) -> dt.datetime | None:
        return convert.aware(value) if value is not None else None

    return JobStruct(
        id=row["id"],
        ticket_id=row["ticket"],
        label=label(row["prefix"], row["number"]) if row["prefix"] is not None else None,
        kind=JobKind(row["kind"]),
        status=JobStatus(row["status"]),
        attempts=row["attempts"],
        created_at=convert.aware(row["created_at"]),
        printer=row["printer"],
        last_error=row["last_error"],
        printer_state=row["printer_state"],
        next_attempt_at=opt(row["next_attempt_at"]),
        printed_at=opt(row["printed_at"]),
        requested_by=row["requested_by"],
        reprint_of=row["reprint_of"],
    )


async def queue_job(
    ticket_id: int | None,
    *,
    kind: str,
    requested_by: int | None,
    now: dt.datetime,
    printer: str = "default",
    reprint_of: int | None = None,
) -> int:
    """Queue a job (inside the caller's transaction). Rendering waits for the worker."""
    at = convert.utc(now)
    rows = await PrintJob.insert(
        PrintJob(
            ticket=ticket_id,
            printer=printer,
            kind=JobKind(kind).value,
            status=JobStatus.QUEUED.value,
            requested_by=requested_by,
            reprint_of=reprint_of,
            created_at=at,
            updated_at=at,
        )
    )
    return int(rows[0]["id"])


async def get_job(job_id: int) -> JobStruct:
    rows = await PrintJob.raw(f"SELECT {_COLUMNS} {_FROM} WHERE j.id = {{}}", job_id)
    if not rows:
        raise NotFound(f"no print job with id {job_id}", field="job_id", details={"id": job_id})
    return _job(rows[0])


async def list_jobs(
    *, statuses: Sequence[JobStatus] = (), since: dt.datetime | None = None, limit: int = 100
) -> list[JobStruct]:
    where: list[str] = ["1 = 1"]
    args: list[Any] = []
    if statuses:
        where.append("j.status IN (" + ", ".join("{}" for _ in statuses) + ")")
        args.extend(s.value for s in statuses)
    if since is not None:
        where.append("j.created_at >= {}")
        args.append(convert.utc(since))
    rows = await PrintJob.raw(
        f"SELECT {_COLUMNS} {_FROM} WHERE {' AND '.join(where)} ORDER BY j.id DESC LIMIT {int(limit)}",
        *args,
    )
    return [_job(r) for r in rows]


async def reprint(db: Database, job_id: int, *, requested_by: int, now: dt.datetime) -> JobStruct:
    """Staff ask for a job again: a new job (kind reprint) for the same ticket; the old one is closed as
    cancelled if it was still waiting, so the ticket is never printed twice unless asked."""
    async with write_transaction(db):
        old = await get_job(job_id)
        if old.status is JobStatus.SENDING:
            raise Conflict(f"print job {job_id} is being sent right now; wait for its result", field="job_id")
        if old.status is JobStatus.QUEUED:
            await _set(job_id, now, status=JobStatus.CANCELLED, last_error="replaced by a reprint")
        kind = JobKind.TEST if old.kind is JobKind.TEST else JobKind.REPRINT
        new_id = await queue_job(
            old.ticket_id, kind=kind.value, requested_by=requested_by, now=now, reprint_of=job_id
        )
        return await get_job(new_id)


async def recover(db: Database, printer: str, *, now: dt.datetime, expire_s: float) -> tuple[int, int]:
    """At worker start: a job left `sending` by a stopped API may have printed → uncertain (offered to
    staff); a queued job older than expire_s → expired. Returns (uncertain, expired) counts."""
    async with write_transaction(db):
        uncertain = await PrintJob.raw(
            "UPDATE print_job SET status = {}, last_error = {}, updated_at = {} "
            "WHERE printer = {} AND status = {} RETURNING id",
            JobStatus.UNCERTAIN.value,
            "the service stopped while this was being sent: it may have printed",
            convert.utc(now),
            printer,
            JobStatus.SENDING.value,
        )
        expired = await expire(printer, now=now, expire_s=expire_s)
    return len(uncertain), expired


async def expire(printer: str, *, now: dt.datetime, expire_s: float) -> int:
    cutoff = convert.utc(now) - dt.timedelta(seconds=expire_s)
    rows = await PrintJob.raw(
        "UPDATE print_job SET status = {}, last_error = COALESCE(last_error, {}), updated_at = {} "
        "WHERE printer = {} AND status = {} AND created_at < {} RETURNING id",
        JobStatus.EXPIRED.value,
        f"not printed within {expire_s:g} s",
        convert.utc(now),
        printer,
        JobStatus.QUEUED.value,
        cutoff,
    )
    return len(rows)


async def claim(
    db: Database, printer: str, *, now: dt.datetime, expire_s: float, sweep: bool = True
) -> JobStruct | None:
    """The oldest due job of this printer, marked `sending` with one more attempt (None: nothing due).
    With `sweep`, expired jobs are closed first, so a backlog older than expire_s is never sent; a job
    found expired is never returned either way."""
    at = convert.utc(now)
    async with write_transaction(db):
        if sweep:
            await expire(printer, now=now, expire_s=expire_s)
        rows = await PrintJob.raw(
            f"SELECT {_COLUMNS} {_FROM} WHERE j.printer = {{}} AND j.status = {{}} "
            "AND (j.next_attempt_at IS NULL OR j.next_attempt_at <= {}) ORDER BY j.id LIMIT 1",
            printer,
            JobStatus.QUEUED.value,
            at,
        )
        if not rows:
            return None
        job = _job(rows[0])
        if is_expired(job.created_at, at, expire_s):
            return None
        await _set(job.id, now, status=JobStatus.SENDING, attempts=job.attempts + 1)
    return msgspec.structs.replace(job, status=JobStatus.SENDING, attempts=job.attempts + 1)


async def next_due(printer: str) -> dt.datetime | None:
    """When the next queued job becomes due (the worker sleeps until then or until woken)."""
    rows = await PrintJob.raw(
        "SELECT MIN(COALESCE(next_attempt_at, created_at)) AS due FROM print_job "
        "WHERE printer = {} AND status = {}",
        printer,
        JobStatus.QUEUED.value,
    )
    due = rows[0]["due"] if rows else None
    if due is None:
        return None
    return convert.aware(due) if isinstance(due, dt.datetime) else dt.datetime.fromisoformat(str(due))


async def _set(job_id: int, now: dt.datetime, **values: Any) -> None:
    changes: dict[Any, Any] = {PrintJob.updated_at: convert.utc(now)}
    for key, value in values.items():
        changes[getattr(PrintJob, key)] = value.value if isinstance(value, JobStatus) else value
    await PrintJob.update(changes).where(PrintJob.id == job_id)


async def save_payload(job_id: int, payload: bytes, content: str | None, *, now: dt.datetime) -> None:
    await _set(job_id, now, payload=payload, content=content)


async def payload_of(job_id: int) -> bytes:
    rows = await PrintJob.select(PrintJob.payload).where(PrintJob.id == job_id)
    return bytes(rows[0]["payload"] or b"") if rows else b""


async def mark_printed(job_id: int, *, now: dt.datetime, state: str, content: str | None = None) -> None:
    """Printed: one write, with what the ticket said. The bytes were only kept for a retry, and they hold the
    secret of the ticket's patient link (api.patient): they go."""
    values: dict[str, Any] = {"content": content} if content is not None else {}
    values["payload"] = b""
    await _set(
        job_id,
        now,
        status=JobStatus.PRINTED,
        printed_at=convert.utc(now),
        printer_state=state,
        last_error=None,
        **values,
    )


async def mark_failed(
    job_id: int, *, now: dt.datetime, error: str, state: str, retry_at: dt.datetime | None
) -> None:
    """A failed attempt: back to the queue for `retry_at`, or (None) uncertain — it may be on paper."""
    status = JobStatus.QUEUED if retry_at is not None else JobStatus.UNCERTAIN
    await _set(
        job_id,
        now,
        status=status,
        last_error=error,
        printer_state=state,
        next_attempt_at=convert.utc(retry_at) if retry_at else None,
    )


async def count_jobs(statuses: Sequence[JobStatus]) -> int:
    """How many jobs are in these states (print_job.status is indexed)."""
    rows = await PrintJob.raw(
        f"SELECT COUNT(*) AS n FROM print_job WHERE status IN ({', '.join('{}' for _ in statuses)})",
        *(s.value for s in statuses),
    )
    return int(rows[0]["n"])
