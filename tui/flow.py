"""Which screen shows which step of a visit, and how the desk moves between them (GUIDE-2025 one-stop flow).

The front desk owns intake → screening → record update → signing check → triage; at the front desk a visit
past triage shows its ticket. The doctor's desk owns diagnosis → graded intervention → follow-up booking, and
the side paths health education and referral; a visit the doctor closes goes back to the doctor's queue with
its ticket finished. Screens are imported when a visit reaches them, never at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Final

import msgspec

from flows.model import ResidentSummary, Step, Visit

if TYPE_CHECKING:
    from textual.app import App

    from tui.screens.visit import VisitScreen


class VisitContext(msgspec.Struct, frozen=True, kw_only=True):
    """What every step screen starts from: the visit as last saved and the resident's summary."""

    visit: Visit
    summary: ResidentSummary
    # The doctor's desk: the visit was called from a queue. Its ticket is finished when the visit closes, and
    # the doctor's step screens (not the ticket) show the steps past triage.
    doctor: bool = False
    ticket_id: int | None = None

    def moved(self, visit: Visit) -> VisitContext:
        return msgspec.structs.replace(self, visit=visit)


# (module, class) per step; steps not listed (past triage, or closed) show the visit's ticket.
STEP_SCREENS: Final[dict[Step, tuple[str, str]]] = {
    Step.SCREENING: ("tui.screens.screening", "ScreeningScreen"),
    Step.RECORD_UPDATE: ("tui.screens.record", "RecordScreen"),
    Step.SIGNING_CHECK: ("tui.screens.signing", "SigningScreen"),
    Step.TRIAGE: ("tui.screens.triage", "TriageScreen"),
}
TICKET_SCREEN: Final = ("tui.screens.ticket", "TicketScreen")
# The doctor's steps (GUIDE-2025 one-stop flow: diagnosis, graded management, follow-up; education and referral).
DOCTOR_SCREENS: Final[dict[Step, tuple[str, str]]] = {
    Step.DIAGNOSIS: ("tui.screens.diagnosis", "DiagnosisScreen"),
    Step.HEALTH_EDUCATION: ("tui.screens.education", "EducationScreen"),
    Step.GRADED_INTERVENTION: ("tui.screens.plan", "PlanScreen"),
    Step.FOLLOWUP_BOOKING: ("tui.screens.followup", "FollowupScreen"),
    Step.REFERRAL: ("tui.screens.referral", "ReferralScreen"),
}

# The front desk's order of steps, for the progress line of every visit screen.
DESK_STEPS: Final = (Step.SCREENING, Step.RECORD_UPDATE, Step.SIGNING_CHECK, Step.TRIAGE)
DOCTOR_STEPS: Final = (Step.DIAGNOSIS, Step.GRADED_INTERVENTION, Step.FOLLOWUP_BOOKING)


def screen_for(ctx: VisitContext) -> VisitScreen:
    if ctx.doctor and ctx.visit.step in DOCTOR_SCREENS:
        module, name = DOCTOR_SCREENS[ctx.visit.step]
    else:
        module, name = STEP_SCREENS.get(ctx.visit.step, TICKET_SCREEN)
    screen_class: type[VisitScreen] = getattr(importlib.import_module(module), name)
    return screen_class(ctx)


def show_step(app: App[None], ctx: VisitContext) -> None:
    """The visit's current step on screen: it replaces the previous step's screen, or opens over intake.

    At the doctor's desk a closed visit (done) finishes its ticket and goes back to the queue."""
    from tui.screens.visit import VisitScreen

    if ctx.doctor and ctx.visit.step is Step.DONE:
        finish_consultation(app, ctx)
        return
    screen = screen_for(ctx)
    if isinstance(app.screen, VisitScreen):
        app.switch_screen(screen)
    else:
        app.push_screen(screen)


def back_to_intake(app: App[None]) -> None:
    """Close every screen above intake (the desk mode's first screen), e.g. after the ticket is printed."""
    while len(app.screen_stack) > 1:
        app.pop_screen()
    ready = getattr(app.screen, "ready_for_next", None)
    if callable(ready):
        ready()


def finish_consultation(app: App[None], ctx: VisitContext) -> None:
    """The doctor closed the visit: its ticket is finished (the board stops showing it) and the doctor is back
    at the queue, ready to call the next patient."""
    if ctx.ticket_id is not None:
        _finish_ticket(app, ctx.ticket_id)
    back_to_intake(app)


def _finish_ticket(app: App[None], ticket_id: int) -> None:
    from tui.endpoints.queue import finish_ticket

    def finish() -> None:
        try:
            finish_ticket(app.client, ticket_id)  # type: ignore[attr-defined]
        except Exception as error:  # the visit is closed either way; the queue shows the ticket still open
            app.call_from_thread(app.notify, str(error), severity="warning", timeout=8)

    app.run_worker(finish, thread=True, exit_on_error=False, group="ticket-finish")
