"""Starting (or resuming) a visit from intake: open today's visit, move it into screening, show its step.

Shared by the search and summary screens and the lists of bookings and referrals: whichever way the
resident arrived, the same request sequence runs, and a visit already open today is continued, not doubled.
"""

from __future__ import annotations

from textual import work
from textual.message import Message
from textual.worker import Worker, WorkerState

from flows.model import Move, ResidentSummary, Step, Visit
from tui.flow import VisitContext, show_step
from tui.screens.base import DeskScreen


class VisitReady(Message):
    def __init__(self, ctx: VisitContext) -> None:
        super().__init__()
        self.ctx = ctx


class VisitStarter(DeskScreen):
    """A desk screen that can open a resident's visit (one at a time: a second Enter waits for the first)."""

    starting = False

    def start_visit_for(
        self, resident_id: int, *, visit: Visit | None = None, summary: ResidentSummary | None = None
    ) -> None:
        if self.starting:
            return
        self.starting = True
        self._start(resident_id, visit, summary)

    @work(thread=True, exit_on_error=False, exclusive=True, group="start-visit")
    def _start(self, resident_id: int, visit: Visit | None, summary: ResidentSummary | None) -> None:
        from tui.endpoints.visits import move_visit, open_visit

        client = self.desk.client
        if summary is None:
            summary = client.resident_summary(resident_id)
        if visit is None:
            visit = open_visit(client, resident_id)
        if visit.step is Step.INTAKE:
            # Intake is this very screen: the visit goes straight on to screening.
            visit = move_visit(client, visit, Move.START_SCREENING)
        self.post_message(VisitReady(VisitContext(visit=visit, summary=summary)))

    def on_visit_ready(self, message: VisitReady) -> None:
        self.starting = False
        show_step(self.app, message.ctx)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "start-visit" and event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.starting = False
        super().on_worker_state_changed(event)
