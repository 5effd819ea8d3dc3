"""Choose the queue and priority by hand (a staff override of triage): digits pick, Enter takes the row.

The reason is asked next, by the triage screen (tui/screens/reason.py): the API refuses an override
without one, and the audit trail keeps it.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label

from flows.queue import Priority, QueueSummary
from tui.i18n import N_, _
from tui.keys import bindings

# Priorities staff may give by hand (flows.queue.OVERRIDE_MAX: never above an emergency).
PRIORITIES: tuple[tuple[int, str], ...] = (
    (int(Priority.NORMAL), N_("normal")),
    (int(Priority.SIGNED), N_("signed resident")),
    (50, N_("priority: elderly, disabled or frail")),
)


class Override(NamedTuple):
    queue_id: str
    priority: int


class OverrideDialog(ModalScreen[Override | None]):
    CSS_PATH = "override.tcss"
    KEYS: ClassVar[tuple[str, ...]] = ("override.back",)

    def __init__(self, queues: list[QueueSummary], *, current_queue: str) -> None:
        super().__init__()
        inherited = [binding for _key, binding in self._bindings]
        self._bindings = BindingsMap([*inherited, *bindings(*self.KEYS)])
        self._queues = queues
        self._current = current_queue
        self._queue_id: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="override-box"):
            yield Label(_("Choose the queue"), id="override-title")
            yield DataTable(id="override-table", cursor_type="row")
            yield Label(_("Arrows or a number choose; Enter takes it; Esc goes back."), id="override-hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#override-table", DataTable)
        table.add_columns("#", _("Queue"), _("Room"), _("Waiting"))
        for i, q in enumerate(self._queues, start=1):
            table.add_row(str(i), q.queue.name, q.queue.room, str(q.waiting), key=q.queue.id)
        ids = [q.queue.id for q in self._queues]
        if self._current in ids:
            table.move_cursor(row=ids.index(self._current))
        table.focus()

    def on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character.isdigit():
            table = self.query_one("#override-table", DataTable)
            row = int(event.character) - 1
            if 0 <= row < table.row_count:
                table.move_cursor(row=row)
                event.stop()
                self._take(row)

    @on(DataTable.RowSelected, "#override-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._take(event.cursor_row)

    def _take(self, row: int) -> None:
        table = self.query_one("#override-table", DataTable)
        if self._queue_id is None:
            self._queue_id = self._queues[row].queue.id
            self.query_one("#override-title", Label).update(_("Choose the priority"))
            table.clear(columns=True)
            table.add_columns("#", _("Priority"))
            for i, (_value, word) in enumerate(PRIORITIES, start=1):
                table.add_row(str(i), _(word))
            table.move_cursor(row=0)
            return
        self.dismiss(Override(self._queue_id, PRIORITIES[row][0]))

    def action_back(self) -> None:
        self.dismiss(None)
