"""The base of every step screen of a visit: the visit bar, the shared keys, and moving the visit on.

A step screen composes its own form in `compose_step`, and its `next_step` action saves what the step
needs and calls `advance(move)`; the move goes to the API with the step it expects (another terminal that
moved the visit first gets a 409, shown in place), and the next step's screen replaces this one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.message import Message
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from flows.model import Move, Step, Visit
from tui.flow import VisitContext, back_to_intake, show_step
from tui.i18n import _
from tui.screens.base import DeskScreen
from tui.widgets.status_bar import StatusBar
from tui.widgets.visit_bar import VisitBar

if TYPE_CHECKING:
    from textual.app import ComposeResult


class VisitMoved(Message):
    """The API accepted a move; the visit as it is now."""

    def __init__(self, visit: Visit) -> None:
        super().__init__()
        self.visit = visit


class VisitScreen(DeskScreen):
    """Subclasses set KEYS (keep the VISIT_KEYS in them) and compose their form in `compose_step`."""

    VISIT_KEYS: ClassVar[tuple[str, ...]] = ("visit.next", "visit.leave", "visit.cancel", "app.quit")
    KEYS: ClassVar[tuple[str, ...]] = VISIT_KEYS

    def __init__(self, ctx: VisitContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.moving = False  # a move is on its way: a second F10 must not send a second move

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield VisitBar(self.ctx)
        yield from self.compose_step()
        yield Footer()

    def compose_step(self) -> ComposeResult:
        """The step's own widgets, between the visit bar and the footer."""
        return iter(())

    # --- moving the visit ------------------------------------------------------------------------------

    def advance(self, move: Move, *, reason: str | None = None, team_id: int | None = None) -> None:
        if self.moving:
            return
        self.moving = True
        self._move(move, reason, team_id)

    @work(thread=True, exit_on_error=False, exclusive=True, group="visit-move")
    def _move(self, move: Move, reason: str | None, team_id: int | None) -> None:
        from tui.endpoints.visits import move_visit

        moved = move_visit(self.desk.client, self.ctx.visit, move, reason=reason, team_id=team_id)
        self.post_message(VisitMoved(moved))

    def on_visit_moved(self, message: VisitMoved) -> None:
        self.moving = False
        self.ctx = self.ctx.moved(message.visit)
        self.after_move(self.ctx)

    def after_move(self, ctx: VisitContext) -> None:
        """The next step's screen replaces this one; a screen that stays (e.g. triage) overrides this."""
        if ctx.visit.step is Step.CANCELLED:
            self.app.notify(_("The visit is cancelled."), timeout=5)
            self.finish_at_intake()
            return
        show_step(self.app, ctx)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "visit-move" and event.state is WorkerState.ERROR:
            self.moving = False
        super().on_worker_state_changed(event)

    # --- the shared keys ----------------------------------------------------------------------------

    def action_next_step(self) -> None:
        """Subclasses save their step and call `advance`; the default only moves."""

    def action_leave(self) -> None:
        """Back to where the visit was started from; it stays open at this step and can be resumed."""
        self.app.pop_screen()

    def action_cancel_visit(self) -> None:
        from tui.screens.reason import ReasonDialog

        def cancel(reason: str | None) -> None:
            if reason:
                self.advance(Move.CANCEL, reason=reason)

        self.app.push_screen(
            ReasonDialog(
                _("Cancel this visit"),
                _("Why does the visit end here?"),
                choices=(_("The resident left"), _("Registered by mistake"), _("Will come back another day")),
            ),
            cancel,
        )

    def finish_at_intake(self) -> None:
        """After the desk's last step: every screen above intake closes, ready for the next resident."""
        back_to_intake(self.app)
