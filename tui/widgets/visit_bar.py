"""The visit's line under the header: who the resident is, and where the visit stands in the desk's steps."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from flows.identity import mask_id_number
from flows.model import Step
from tui import labels
from tui.flow import DESK_STEPS, DOCTOR_STEPS, VisitContext
from tui.i18n import _

if TYPE_CHECKING:
    from tui.app import OnestopApp


def progress(step: Step, *, doctor: bool = False) -> str:
    """`✓筛查 › ▶更新档案 › 签约核验 › 分诊`: done, current and to come, in marks as well as colour (the doctor's
    desk shows its own steps: 诊断 › 分级干预 › 随访预约)."""
    steps = DOCTOR_STEPS if doctor else DESK_STEPS
    position = steps.index(step) if step in steps else len(steps)
    parts = []
    for i, s in enumerate(steps):
        mark = "✓" if i < position else "▶" if i == position else " "
        parts.append(f"{mark}{labels.word(labels.STEP, s)}")
    return " › ".join(parts)


def who(ctx: VisitContext, today: dt.date) -> str:
    r = ctx.summary.resident
    sex = labels.word(labels.SEX, r.sex)
    age = _("{age} y").format(age=labels.age(r.birth_date, today))
    return f"{r.name}  {sex} {age}  {mask_id_number(r.id_number)}  {r.record_number}"


class VisitBar(Vertical):
    """Two lines: the resident, then the progress; `update` follows a move without rebuilding the screen."""

    def __init__(self, ctx: VisitContext) -> None:
        super().__init__(id="visit-bar")
        self._ctx = ctx

    def compose(self) -> ComposeResult:
        yield Label(who(self._ctx, self._today()), id="visit-who", markup=False)
        yield Label(
            progress(self._ctx.visit.step, doctor=self._ctx.doctor), id="visit-progress", markup=False
        )

    def _today(self) -> dt.date:
        return cast("OnestopApp", self.app).today()

    def update(self, ctx: VisitContext) -> None:
        self._ctx = ctx
        self.query_one("#visit-who", Label).update(who(ctx, self._today()))
        self.query_one("#visit-progress", Label).update(progress(ctx.visit.step, doctor=ctx.doctor))
