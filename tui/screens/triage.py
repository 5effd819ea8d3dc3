"""Triage (分诊): the queue, room and priority the rules chose, why, an override with a reason, and print.

F10 issues the ticket (the API triages, numbers it, queues the print and moves the visit to diagnosis in one
transaction) and the ticket screen shows the number large with its QR code, printed or not.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, Static

from flows.queue import IssuedTicket, Priority, QueueSummary, TriagePreview, TriageRequest
from tui import labels
from tui.errors import describe
from tui.flow import VisitContext
from tui.i18n import N_, _
from tui.screens.override import Override
from tui.screens.visit import VisitScreen

# flows.queue.triage's `why`, in the desk's words.
WHY = {
    "emergency": N_("emergency: seen first"),
    "signed: own family doctor team first": N_("signed: own family doctor team, seen first"),
    "general practice": N_("not signed: general practice"),
}


def priority_words(priority: int, emergency: bool) -> str:
    if emergency or priority >= Priority.EMERGENCY:
        return _("emergency (top of the queue)")
    if priority >= 50:
        return _("priority by staff ({value})").format(value=priority)
    if priority >= Priority.SIGNED:
        return _("signed resident first")
    return _("normal order")


class Previewed(Message):
    def __init__(self, preview: TriagePreview) -> None:
        super().__init__()
        self.preview = preview


class Issued(Message):
    def __init__(self, issued: IssuedTicket) -> None:
        super().__init__()
        self.issued = issued


class QueuesLoaded(Message):
    def __init__(self, queues: list[QueueSummary]) -> None:
        super().__init__()
        self.queues = queues


class TriageScreen(VisitScreen):
    CSS_PATH = "triage.tcss"
    KEYS: ClassVar[tuple[str, ...]] = (
        "triage.print",
        "triage.override",
        "triage.undo",
        "visit.leave",
        "visit.cancel",
        "app.quit",
    )

    def __init__(self, ctx: VisitContext) -> None:
        super().__init__(ctx)
        self.preview: TriagePreview | None = None
        self.override: Override | None = None
        self.reason: str | None = None

    def compose_step(self) -> ComposeResult:
        with Vertical(id="triage-box"):
            yield Static(_("Working out the queue…"), id="triage-decision", markup=False)
            yield Label("", id="triage-message", markup=False)

    def on_mount(self) -> None:
        self.query_one("#triage-box").border_title = _("Triage")
        self._preview(self._request())

    def _request(self) -> TriageRequest:
        o = self.override
        if o is None:
            return TriageRequest(visit_id=self.ctx.visit.id)
        return TriageRequest(
            visit_id=self.ctx.visit.id, queue_id=o.queue_id, priority=o.priority, reason=self.reason
        )

    @work(thread=True, exit_on_error=False, exclusive=True, group="triage")
    def _preview(self, request: TriageRequest) -> None:
        from tui.endpoints.tickets import preview

        self.post_message(Previewed(preview(self.desk.client, request)))

    def on_previewed(self, message: Previewed) -> None:
        p = message.preview
        self.preview = p
        rows = [
            (_("Queue"), f"{p.queue.name} ({p.queue.prefix})"),
            (_("Room"), p.queue.room),
            (_("Priority"), priority_words(p.priority, p.emergency)),
            (_("Why"), _(WHY[p.why]) if p.why in WHY else p.why),
            (_("Ahead"), _("{count} waiting before").format(count=p.ahead)),
        ]
        if p.override_reason:
            rows.append((_("Changed by hand"), p.override_reason))
        if p.existing is not None:
            rows.append(
                (_("Today's ticket"), _("{label}: printing again reprints it").format(label=p.existing.label))
            )
        box = self.query_one("#triage-decision", Static)
        box.update(labels.pairs(rows))
        box.set_class(p.emergency, "-emergency")
        self._say(_("F10 prints the ticket. O changes the queue."))
        self.refresh_bindings()

    # --- override ----------------------------------------------------------------------------------

    def action_override(self) -> None:
        self._load_queues()

    @work(thread=True, exit_on_error=False, exclusive=True, group="triage")
    def _load_queues(self) -> None:
        from tui.endpoints.tickets import queues

        self.post_message(QueuesLoaded(queues(self.desk.client)))

    def on_queues_loaded(self, message: QueuesLoaded) -> None:
        from tui.screens.override import OverrideDialog
        from tui.screens.reason import ReasonDialog

        current = self.preview.queue.id if self.preview is not None else ""

        def chosen(override: Override | None) -> None:
            if override is None:
                return

            def reasoned(reason: str | None) -> None:
                if reason:
                    self.override, self.reason = override, reason
                    self._preview(self._request())

            self.app.push_screen(
                ReasonDialog(
                    _("Change the queue"),
                    _("Why is triage's choice changed?"),
                    choices=(
                        _("Family doctor is away"),
                        _("Only collecting medicines"),
                        _("Resident's request"),
                    ),
                ),
                reasoned,
            )

        self.app.push_screen(OverrideDialog(message.queues, current_queue=current), chosen)

    def action_undo_override(self) -> None:
        self.override, self.reason = None, None
        self._preview(self._request())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo_override":
            return self.override is not None or None
        if action == "next_step":
            return self.preview is not None or None
        return True

    # --- print -------------------------------------------------------------------------------------

    def action_next_step(self) -> None:
        if self.preview is None or self.moving:
            return
        self.moving = True
        self._say(_("Printing…"))
        self._issue(self._request())

    @work(thread=True, exit_on_error=False, exclusive=True, group="visit-move")
    def _issue(self, request: TriageRequest) -> None:
        from tui.endpoints.tickets import issue
        from tui.endpoints.visits import get_visit

        issued = issue(self.desk.client, request)
        self.ctx = self.ctx.moved(get_visit(self.desk.client, self.ctx.visit.id))
        self.post_message(Issued(issued))

    def on_issued(self, message: Issued) -> None:
        from tui.screens.ticket import TicketScreen

        self.moving = False
        self.app.switch_screen(TicketScreen(self.ctx, issued=message.issued))

    # --- words -------------------------------------------------------------------------------------

    def _say(self, text: str, *, error: bool = False) -> None:
        label = self.query_one("#triage-message", Label)
        label.update(text)
        label.set_class(error, "-error")

    def show_error(self, error: BaseException) -> None:
        self._say(describe(error), error=True)
