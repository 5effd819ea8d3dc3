"""The visit's ticket on screen: the number large, queue, room, people ahead, the print in words, the QR.

Shown after triage, and for a visit past triage when it is opened again. The number and the QR code are on
the screen whatever the printer does: a printer that is off or out of paper must not stop the resident,
who can photograph the screen or be told the number; what to do about the printer is said in words.
A visit referred as an emergency that has no ticket yet gets one at once (emergency priority).
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Label, Static

from flows.model import QueueKind
from flows.printing import JobStatus, PrintJob
from flows.queue import IssuedTicket, Ticket, TriageRequest
from tui import labels
from tui.errors import describe
from tui.flow import VisitContext
from tui.i18n import N_, _
from tui.screens.triage import priority_words
from tui.screens.visit import VisitScreen
from tui.widgets.big_text import big
from tui.widgets.qr import QrCode

POLL_S = 0.25  # a print takes a fraction of a second: the nurse should see "printed" as it happens

# What the nurse does about each printer state (hardware.printer.errors.PrinterState).
PRINTER_ADVICE = {
    "paper_out": N_("The printer is out of paper: load a roll; the ticket prints by itself once it can."),
    "paper_near_end": N_("The paper is nearly out: have a new roll ready."),
    "cover_open": N_("The printer cover is open: close it; the ticket prints by itself."),
    "offline": N_("The printer is offline: check its power and cable; the ticket prints by itself."),
    "no_answer": N_("The printer does not answer: check its power and cable; the ticket prints by itself."),
    "refused": N_("The printer cannot be reached: check its power and network cable."),
    "disconnected": N_("The printer connection was lost: check the cable; the ticket prints by itself."),
    "error": N_("The printer reports an error: switch it off and on; then press R to reprint."),
}
_DONE = frozenset({JobStatus.PRINTED})
_FAILED = frozenset({JobStatus.EXPIRED, JobStatus.UNCERTAIN, JobStatus.CANCELLED})


class TicketShown(Message):
    def __init__(self, ticket: Ticket | None, job_id: int | None) -> None:
        super().__init__()
        self.ticket = ticket
        self.job_id = job_id


class JobState(Message):
    def __init__(self, job: PrintJob) -> None:
        super().__init__()
        self.job = job


class LinkReady(Message):
    def __init__(self, qr: list[str], url: str) -> None:
        super().__init__()
        self.qr = qr
        self.url = url


class TicketScreen(VisitScreen):
    CSS_PATH = "ticket.tcss"
    KEYS: ClassVar[tuple[str, ...]] = (
        "ticket.next",
        "ticket.reprint",
        "ticket.qr",
        "visit.leave",
        "app.quit",
    )

    def __init__(self, ctx: VisitContext, *, issued: IssuedTicket | None = None) -> None:
        super().__init__(ctx)
        self.ticket = issued.ticket if issued else None
        self.job_id = issued.print_job_id if issued else None
        self.job: PrintJob | None = None
        self._poll: Timer | None = None

    def compose_step(self) -> ComposeResult:
        with Horizontal(id="ticket-row"):
            with Vertical(id="ticket-left"):
                yield Static("", id="ticket-number", markup=False)
                yield Static("", id="ticket-details", markup=False)
                yield Label("", id="ticket-print", markup=False)
                yield Label("", id="ticket-url", markup=False)
            with Vertical(id="ticket-right"):
                yield QrCode(id="ticket-qr")

    def on_mount(self) -> None:
        if self.ticket is None:
            self._find()
        else:
            self._show_ticket()
        self._link()

    # --- the ticket --------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="ticket")
    def _find(self) -> None:
        from tui.endpoints.tickets import issue, of_visit

        tickets = of_visit(self.desk.client, self.ctx.visit.id)
        if tickets:
            self.post_message(TicketShown(tickets[-1], None))
        elif self.ctx.visit.queue_kind is QueueKind.EMERGENCY:
            issued = issue(self.desk.client, TriageRequest(visit_id=self.ctx.visit.id))
            self.post_message(TicketShown(issued.ticket, issued.print_job_id))
        else:
            self.post_message(TicketShown(None, None))

    def on_ticket_shown(self, message: TicketShown) -> None:
        self.ticket, self.job_id = message.ticket, message.job_id
        self._show_ticket()

    def _show_ticket(self) -> None:
        t = self.ticket
        number = self.query_one("#ticket-number", Static)
        details = self.query_one("#ticket-details", Static)
        if t is None:
            number.update("")
            details.update(_("This visit has no ticket."))
            return
        number.update("\n".join(big(t.label)))
        number.set_class(t.emergency, "-emergency")
        rows = [
            (_("Number"), t.label),
            (_("Room"), t.room),
            (_("Priority"), priority_words(t.priority, t.emergency)),
            (_("Status"), labels.word(labels.TICKET_STATUS, t.status)),
            (_("Ahead"), _("{count} waiting before").format(count=t.ahead_at_issue)),
        ]
        details.update(labels.pairs(rows))
        self.refresh_bindings()
        if self.job_id is not None:
            self._say(_("Printing…"))
            self._watch_job()
        else:
            self._say(_("Press R to print the ticket again."))

    # --- the print job -----------------------------------------------------------------------------

    def _watch_job(self) -> None:
        if self._poll is None:
            self._poll = self.set_interval(POLL_S, self._ask_job)
        self._ask_job()

    def _ask_job(self) -> None:
        if self.job_id is not None:
            self._read_job(self.job_id)

    @work(thread=True, exit_on_error=False, exclusive=True, group="print-job")
    def _read_job(self, job_id: int) -> None:
        from tui.endpoints.tickets import print_job

        self.post_message(JobState(print_job(self.desk.client, job_id)))

    def on_job_state(self, message: JobState) -> None:
        job = self.job = message.job
        if job.status in _DONE:
            self._stop_polling()
            self._say(_("Printed. Hand the ticket to the resident."))
            return
        advice = _(PRINTER_ADVICE[job.printer_state]) if job.printer_state in PRINTER_ADVICE else ""
        if job.status in _FAILED:
            self._stop_polling()
            text = _(
                "Not printed. Tell the resident the number on the screen, or let them photograph the QR code."
            )
            again = _("Press R to reprint.")
            self._say(f"{text} {advice} {again}".strip(), error=True)
        elif job.attempts > 0:
            text = _("Not printed yet (attempt {n}).").format(n=job.attempts)
            self._say(f"{text} {advice}".strip(), error=True)
        else:
            self._say(_("Printing…"))

    def _stop_polling(self) -> None:
        if self._poll is not None:
            self._poll.stop()
            self._poll = None

    def action_reprint(self) -> None:
        if self.ticket is None:
            return
        self._reprint(self.ticket.visit_id)

    @work(thread=True, exit_on_error=False, exclusive=True, group="ticket")
    def _reprint(self, visit_id: int) -> None:
        from tui.endpoints.tickets import issue

        # Issuing again for the visit prints the same number marked 补打 (the API never gives a second one).
        issued = issue(self.desk.client, TriageRequest(visit_id=visit_id))
        self.post_message(TicketShown(issued.ticket, issued.print_job_id))

    # --- the QR code of the visit --------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="link")
    def _link(self) -> None:
        issued = self.desk.client.issue_access_token(
            self.ctx.visit.resident_id, "visit", visit_id=self.ctx.visit.id
        )
        self.post_message(LinkReady(issued.qr, issued.url))

    def on_link_ready(self, message: LinkReady) -> None:
        self.query_one("#ticket-qr", QrCode).show(message.qr)
        self.query_one("#ticket-url", Label).update(
            _("Scan to follow the queue: {url}").format(url=message.url)
        )

    def action_toggle_qr(self) -> None:
        right = self.query_one("#ticket-right")
        right.display = not right.display

    # --- leaving -----------------------------------------------------------------------------------

    def action_next_resident(self) -> None:
        self._stop_polling()
        self.finish_at_intake()

    def action_leave(self) -> None:
        self.action_next_resident()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reprint":
            return self.ticket is not None or None
        return True

    def _say(self, text: str, *, error: bool = False) -> None:
        label = self.query_one("#ticket-print", Label)
        label.update(text)
        label.set_class(error, "-error")

    def show_error(self, error: BaseException) -> None:
        self._say(describe(error), error=True)
