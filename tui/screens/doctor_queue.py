"""My queue: the doctor's desk home. Today's patients of the doctor's queues with name, age, priority and
minutes waited; call the next (the waiting-room board shows and speaks it), call again, mark a missed call,
transfer to another queue, and Enter starts the consultation at the visit's step (tui/flow.py).

The list is read every REFRESH_S and after every move: other doctors call from the same queues, the desk
issues tickets. A move another terminal made first comes back as a 409, shown on the info line, and the
list is read again.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar, Final

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.widgets import DataTable, Footer, Label, Static

from flows.doctor_queue import QueuePatient
from flows.queue import QueueDef, Ticket, TicketMove, TicketStatus
from tui.client import ApiClientError
from tui.errors import describe
from tui.flow import VisitContext, show_step
from tui.i18n import _
from tui.screens import doctor_queue_rows as rows
from tui.screens.base import DeskScreen
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.events import Key, Resize

REFRESH_S: Final = 10.0
TICK_S: Final = 30.0  # the minutes waited, re-drawn between loads
TRANSFER_REASONS: Final = ("患者要求", "需其他医生诊治", "签约团队医生不在")
# The moves that bring a ticket to the consultation (flows.queue.TICKET_TRANSITIONS), from each status.
TO_SERVICE: Final = {
    TicketStatus.WAITING: (TicketMove.CALL, TicketMove.START),
    TicketStatus.CALLED: (TicketMove.START,),
    TicketStatus.RECALLED: (TicketMove.START,),
    TicketStatus.SKIPPED: (TicketMove.RECALL, TicketMove.START),
    TicketStatus.IN_SERVICE: (),
}


class QueuesLoaded(Message):
    def __init__(self, queues: list[QueueDef], patients: dict[str, list[QueuePatient]]) -> None:
        super().__init__()
        self.queues = queues
        self.patients = patients


class TicketDone(Message):
    """A move went through: what to say, and the ticket to keep highlighted."""

    def __init__(self, info: str, ticket_id: int | None) -> None:
        super().__init__()
        self.info = info
        self.ticket_id = ticket_id


class ConsultationReady(Message):
    def __init__(self, ctx: VisitContext) -> None:
        super().__init__()
        self.ctx = ctx


class DoctorQueueScreen(DeskScreen):
    CSS_PATH = "doctor_queue.tcss"
    KEYS: ClassVar[tuple[str, ...]] = (
        "queue.start",
        "queue.call_next",
        "queue.recall",
        "queue.skip",
        "queue.transfer",
        "queue.switch",
        "queue.chart",
        "queue.worklists",
        "queue.dashboard",
        "queue.refresh",
        "app.quit",
    )

    def __init__(self) -> None:
        super().__init__()
        self.queues: list[QueueDef] = []  # the doctor's queues, own team first (rows.doctor_queues)
        self.patients: dict[str, list[QueuePatient]] | None = None  # by queue id, as last loaded
        self.loaded_at = 0.0  # time.monotonic() of that load: the minutes tick from it
        self.view = 0
        self.shown: list[QueuePatient] = []
        self.current_id: int | None = None  # the ticket this doctor last called or started
        self.busy = False  # a move is on its way: a second key must not send a second one
        self.choosing: QueuePatient | None = None  # `t` pressed: waiting for the target queue's digit
        self._keep_info = False

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Label(id="queue-title")
        yield Label(id="queue-now")
        yield DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="queue-detail", markup=False)
        yield Label(_("Loading the queues…"), id="queue-info", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#queue-table", DataTable).focus()
        self.set_interval(REFRESH_S, self._load)
        self.set_interval(TICK_S, self._show)
        self._load()

    def ready_for_next(self) -> None:
        """Back from a consultation (tui.flow.back_to_intake): read the queues again."""
        self.busy = False
        self.query_one("#queue-table", DataTable).focus()
        self._load()

    # --- loading -------------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="queue-load")
    def _load(self) -> None:
        from tui.endpoints.queue import list_queues, queue_patients

        client = self.desk.client
        queues = self.queues
        if not queues:
            team_id = self.desk.session.staff.team_id if self.desk.session else None
            queues = rows.doctor_queues([s.queue for s in list_queues(client)], team_id)
        patients = {q.id: queue_patients(client, q.id) for q in queues}
        self.post_message(QueuesLoaded(queues, patients))

    def on_queues_loaded(self, message: QueuesLoaded) -> None:
        self.queues = message.queues
        self.patients = message.patients
        self.loaded_at = time.monotonic()
        self._show()

    def on_resize(self, event: Resize) -> None:
        if self.patients is not None:
            self._show()

    def _show(self) -> None:
        """The shown queue(s) in the table; the highlighted ticket stays highlighted across reloads."""
        if self.patients is None:
            return
        table = self.query_one("#queue-table", DataTable)
        keep = self._selected()
        _title, ids = self._views()[self.view]
        several = len(ids) > 1
        wide = self.size.width >= rows.WIDE
        elapsed = time.monotonic() - self.loaded_at
        names = {q.id: q.name for q in self.queues}
        self.shown = rows.in_call_order([p for i in ids for p in self.patients.get(i, [])])
        table.clear(columns=True)
        for column in rows.columns(wide, several):
            table.add_column(_(column))
        today = self.desk.today()
        for p in self.shown:
            queue_name = names.get(p.ticket.queue_id, p.ticket.queue_id) if several else None
            cells = rows.cells(p, today=today, elapsed_s=elapsed, wide=wide, queue_name=queue_name)
            table.add_row(*cells, key=str(p.ticket.id))
        if keep is not None and any(p.ticket.id == keep.ticket.id for p in self.shown):
            table.move_cursor(row=table.get_row_index(str(keep.ticket.id)))
        self._title()
        self.query_one("#queue-now", Label).update(rows.now_line(self._current()))
        self._detail()
        if self._keep_info:
            self._keep_info = False
        elif self.choosing is None and not self.busy:
            self._info(
                _("N calls the next patient; Enter starts the consultation.")
                if self.shown
                else _("Nobody is waiting in this queue.")
            )

    def _views(self) -> list[tuple[str, tuple[str, ...]]]:
        return rows.views(self.queues) or [(_("No queue"), ())]

    def _title(self) -> None:
        title = Text()
        for i, (name, ids) in enumerate(self._views()):
            count = sum(len((self.patients or {}).get(q, [])) for q in ids)
            title.append(f" {name} ({count}) ", style="reverse bold" if i == self.view else "dim")
            title.append(" ")
        hidden = sum(
            p.ticket.emergency for q, ps in (self.patients or {}).items() for p in ps if q not in self._ids()
        )
        if hidden:
            title.append(_("! {n} emergency in another queue").format(n=hidden), style=rows.EMERGENCY_STYLE)
        self.query_one("#queue-title", Label).update(title)

    def _ids(self) -> tuple[str, ...]:
        return self._views()[self.view][1]

    # --- the highlighted and the current patient ----------------------------------------------------------

    def _selected(self) -> QueuePatient | None:
        table = self.query_one("#queue-table", DataTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def _current(self) -> QueuePatient | None:
        """The ticket this doctor called or started, else the first one called or in service in view."""
        mine = [p for p in self.shown if p.ticket.id == self.current_id and p.ticket.status in rows.CURRENT]
        return next(iter(mine), None) or next(
            (p for p in self.shown if p.ticket.status in rows.CURRENT), None
        )

    @on(DataTable.RowHighlighted, "#queue-table")
    def _highlighted(self) -> None:
        self._detail()

    def _detail(self) -> None:
        p = self._selected()
        text = ""
        if p is not None:
            name = next((q.name for q in self.queues if q.id == p.ticket.queue_id), p.ticket.queue_id)
            elapsed = time.monotonic() - self.loaded_at
            text = rows.detail(p, today=self.desk.today(), queue_name=name, elapsed_s=elapsed)
        self.query_one("#queue-detail", Static).update(text)

    # --- keys ----------------------------------------------------------------------------------------

    def action_switch_queue(self) -> None:
        if self._drop_choice():
            return
        self.view = (self.view + 1) % len(self._views())
        self.shown = []  # the highlighted row of another queue is not kept across
        self._show()

    def action_refresh(self) -> None:
        self._info(_("Loading the queues…"))
        self._load()

    def action_call_next(self) -> None:
        ids = self._ids()
        waiting = [p for p in self.shown if p.ticket.status is TicketStatus.WAITING]
        if not ids or self.busy:
            return
        # In a view of several queues the next is the first waiting in the merged call order.
        queue_id = waiting[0].ticket.queue_id if waiting else ids[0]
        self._begin(_("Calling the next patient…"))
        self._call_next(queue_id)

    @work(thread=True, exit_on_error=False, exclusive=True, group="queue-move")
    def _call_next(self, queue_id: str) -> None:
        from tui.endpoints.queue import call_next

        ticket = call_next(self.desk.client, queue_id)
        info = _("Called {label}: the board shows the number, room {room}.")
        self.post_message(TicketDone(info.format(label=ticket.label, room=ticket.room), ticket.id))

    def action_recall(self) -> None:
        self._move_selected(
            TicketMove.RECALL, (TicketStatus.CALLED, TicketStatus.RECALLED, TicketStatus.SKIPPED)
        )

    def action_skip(self) -> None:
        self._move_selected(TicketMove.SKIP, (TicketStatus.CALLED, TicketStatus.RECALLED))

    def _move_selected(self, move: TicketMove, allowed: tuple[TicketStatus, ...]) -> None:
        p = self._selected()
        if p is None or self.busy:
            return
        if p.ticket.status not in allowed:
            self._info(
                _("{label} has not been called: press N to call.").format(label=p.ticket.label), error=True
            )
            return
        self._begin(_("Sending…"))
        self._move(p.ticket, move, None, None)

    @work(thread=True, exit_on_error=False, exclusive=True, group="queue-move")
    def _move(self, ticket: Ticket, move: TicketMove, reason: str | None, queue_id: str | None) -> None:
        from tui.endpoints.queue import move_ticket

        moved = move_ticket(self.desk.client, ticket, move, reason=reason, queue_id=queue_id)
        label = moved.ticket.label
        if moved.transferred_to is not None:
            info = _("{label} transferred: new ticket {new}.").format(
                label=label, new=moved.transferred_to.label
            )
        elif move is TicketMove.SKIP:
            info = _("{label} marked as missed; R calls again.").format(label=label)
        else:
            info = _("{label} called again.").format(label=label)
        self.post_message(TicketDone(info, moved.ticket.id))

    def on_ticket_done(self, message: TicketDone) -> None:
        self.busy = False
        self.current_id = message.ticket_id or self.current_id
        self._info(message.info)
        self._keep_info = True
        self._load()

    def action_transfer(self) -> None:
        p = self._selected()
        if p is None or self.busy:
            return
        targets = self._targets(p)
        if not targets:
            self._info(_("There is no other queue to transfer to."), error=True)
            return
        self.choosing = p
        listed = "  ".join(f"{i} {q.name}" for i, q in enumerate(targets, start=1))
        self._info(
            _("Transfer {label} to: {queues}  (Esc: cancel)").format(label=p.ticket.label, queues=listed)
        )

    def _targets(self, p: QueuePatient) -> list[QueueDef]:
        return [q for q in self.queues if q.id != p.ticket.queue_id][:9]

    def on_key(self, event: Key) -> None:
        """While a transfer waits for its target: a digit picks the queue, Esc gives up."""
        chosen = self.choosing
        if chosen is None:
            return
        event.stop()
        event.prevent_default()
        self.choosing = None
        targets = self._targets(chosen)
        if event.character and event.character.isdigit() and 1 <= int(event.character) <= len(targets):
            self._ask_reason(chosen, targets[int(event.character) - 1])
            return
        self._info(_("Transfer cancelled."))

    def _drop_choice(self) -> bool:
        """Enter and Tab are priority keys, seen before on_key: while a transfer waits for its queue they
        give the transfer up instead of acting."""
        if self.choosing is None:
            return False
        self.choosing = None
        self._info(_("Transfer cancelled."))
        return True

    def _ask_reason(self, p: QueuePatient, target: QueueDef) -> None:
        from tui.screens.reason import ReasonDialog

        def answered(reason: str | None) -> None:
            if reason is None:
                self._info(_("Transfer cancelled."))
                return
            self._begin(_("Sending…"))
            self._move(p.ticket, TicketMove.TRANSFER, reason, target.id)

        title = _("Transfer {label} to {queue}").format(label=p.ticket.label, queue=target.name)
        self.app.push_screen(ReasonDialog(title, _("Why?"), choices=TRANSFER_REASONS), answered)

    def action_start(self) -> None:
        if self._drop_choice():
            return
        p = self._selected()
        if p is None or self.busy:
            return
        self._begin(_("Opening the consultation of {name}…").format(name=p.name))
        self.current_id = p.ticket.id
        self._start(p.ticket)

    @work(thread=True, exit_on_error=False, exclusive=True, group="queue-move")
    def _start(self, ticket: Ticket) -> None:
        from tui.endpoints.queue import move_ticket
        from tui.endpoints.visits import get_visit

        client = self.desk.client
        for move in TO_SERVICE.get(ticket.status, ()):
            ticket = move_ticket(client, ticket, move).ticket
        visit = get_visit(client, ticket.visit_id)
        summary = client.resident_summary(ticket.resident_id)
        ctx = VisitContext(visit=visit, summary=summary, doctor=True, ticket_id=ticket.id)
        self.post_message(ConsultationReady(ctx))

    def on_consultation_ready(self, message: ConsultationReady) -> None:
        self.busy = False
        self._info("")
        self._keep_info = True
        self._load()
        show_step(self.app, message.ctx)

    def action_open_chart(self) -> None:
        p = self._selected()
        if p is None:
            return
        from tui.screens.chart import ChartScreen

        self.app.push_screen(ChartScreen(p.ticket.resident_id))

    def action_worklists(self) -> None:
        from tui.screens.worklists import WorklistScreen

        self.app.push_screen(WorklistScreen())

    def action_dashboard(self) -> None:
        from tui.screens.dashboard import DashboardScreen

        self.app.push_screen(DashboardScreen())

    # --- words ---------------------------------------------------------------------------------------

    def _begin(self, text: str) -> None:
        self.busy = True
        self._info(text)

    def _info(self, text: str, *, error: bool = False) -> None:
        info = self.query_one("#queue-info", Label)
        info.update(text)
        info.set_class(error, "-error")

    def show_error(self, error: BaseException) -> None:
        """A refused move (another doctor called the patient first: 409) is said in place; the list is
        read again so the screen shows the ticket as it is now."""
        self.busy = False
        self._info(describe(error), error=True)
        if isinstance(error, ApiClientError) and error.code in ("conflict", "not_found", "move_not_allowed"):
            self._keep_info = True
            self._load()
