"""The base of the doctor's step screens (diagnosis, graded intervention, follow-up, education, referral).

Besides the visit's keys (F10 next, Esc leave, ctrl+x cancel), every doctor's step screen opens the patient's
chart (F2) and refers: up to the lead hospital (F6), as an emergency (F7, allowed at every open step), and
down to the village clinic (F8, where the flow allows it: graded intervention and follow-up booking). A
referral is a form (tui/screens/referral.py) that moves the visit to the referral step when it is sent.
"""

from __future__ import annotations

from typing import Any, ClassVar

from flows.model import Step
from tui.i18n import _
from tui.screens.visit import VisitScreen

# Where the flow allows each referral (flows.visit.TRANSITIONS): the keys say so instead of a 409.
_UP_FROM = frozenset({Step.DIAGNOSIS, Step.GRADED_INTERVENTION, Step.FOLLOWUP_BOOKING})
_DOWN_FROM = frozenset({Step.GRADED_INTERVENTION, Step.FOLLOWUP_BOOKING})


class DoctorScreen(VisitScreen):
    """Subclasses set KEYS (keep DOCTOR_KEYS in them) and compose their form in `compose_step`."""

    DOCTOR_KEYS: ClassVar[tuple[str, ...]] = (
        *VisitScreen.VISIT_KEYS,
        "doctor.chart",
        "doctor.refer_up",
        "doctor.refer_emergency",
        "doctor.refer_down",
    )
    KEYS: ClassVar[tuple[str, ...]] = DOCTOR_KEYS

    def __init_subclass__(cls, **kwargs: Any) -> None:  # Textual passes its own options (can_focus …)
        """The footer shows keys in KEYS order and cuts off at 80 columns: F10 first, then the step's own keys,
        then the shared ones (chart, referrals, leave, cancel — also in the ctrl+p palette)."""
        super().__init_subclass__(**kwargs)
        shared = DoctorScreen.DOCTOR_KEYS
        own = tuple(k for k in cls.KEYS if k not in shared)
        rest = tuple(k for k in cls.KEYS if k in shared and k != "visit.next")
        cls.KEYS = (*(("visit.next",) if "visit.next" in cls.KEYS else ()), *own, *rest)

    def action_open_chart(self) -> None:
        from tui.screens.chart import ChartScreen

        self.app.push_screen(ChartScreen(self.ctx.summary.resident.id))

    def action_refer_up(self) -> None:
        if self.ctx.visit.step not in _UP_FROM:
            self.notify(
                _("A referral up is made at diagnosis, graded intervention or follow-up."), severity="warning"
            )
            return
        self._refer("up")

    def action_refer_emergency(self) -> None:
        self._refer("emergency")

    def action_refer_down(self) -> None:
        if self.ctx.visit.step not in _DOWN_FROM:
            self.notify(
                _("A referral down is made once the plan is set (graded intervention or follow-up)."),
                severity="warning",
            )
            return
        self._refer("down")

    def _refer(self, direction: str) -> None:
        from tui.screens.referral import ReferralScreen

        self.app.push_screen(ReferralScreen(self.ctx, direction=direction))
