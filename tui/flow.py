"""Which screen shows which step of a visit, and how the desk moves between them (GUIDE-2025 one-stop flow).

The front desk owns intake → screening → record update → signing check → triage; a visit past triage shows
its ticket. Screens are imported when a visit reaches them, never at start-up.
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

# The front desk's order of steps, for the progress line of every visit screen.
DESK_STEPS: Final = (Step.SCREENING, Step.RECORD_UPDATE, Step.SIGNING_CHECK, Step.TRIAGE)


def screen_for(ctx: VisitContext) -> VisitScreen:
    module, name = STEP_SCREENS.get(ctx.visit.step, TICKET_SCREEN)
    screen_class: type[VisitScreen] = getattr(importlib.import_module(module), name)
    return screen_class(ctx)


def show_step(app: App[None], ctx: VisitContext) -> None:
    """The visit's current step on screen: it replaces the previous step's screen, or opens over intake."""
    from tui.screens.visit import VisitScreen

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
