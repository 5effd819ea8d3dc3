"""The words and values of the plan screen: class and frequency words, the drug rows, the goals' edit.

Pure functions over flows values, so the screen modules keep to widgets and workers.
"""

from __future__ import annotations

import math
from typing import Final

import msgspec

from flows.medicines import EssentialMedicine
from flows.prescriptions import PrescriptionRecord
from flows.rules.copd import CopdFollowupClass
from flows.rules.followup import FollowupClass
from flows.rules.multimorbidity import DiseaseAssessment
from flows.rules.plans import LifestyleGoals, ManagementPlan, Monitoring, PlanEdit
from flows.rules.prescribing import LONG_TERM_MAX_DAYS, REGULAR_MAX_DAYS
from tui import labels
from tui.i18n import N_, _

CLASS: Final = {
    FollowupClass.CONTROLLED: N_("controlled"),
    FollowupClass.UNCONTROLLED: N_("uncontrolled"),
    FollowupClass.ADVERSE_REACTION: N_("adverse reaction"),
    FollowupClass.COMPLICATION: N_("complication"),
    CopdFollowupClass.STABLE: N_("stable"),
    CopdFollowupClass.UNSTABLE: N_("unstable"),
}
FREQUENCY: Final = {
    "qd": N_("once a day"),
    "bid": N_("twice a day"),
    "tid": N_("three times a day"),
    "qn": N_("every night"),
    "qod": N_("every other day"),
    "prn": N_("as needed"),
}
# The goals the doctor edits: (PlanEdit field, label, whole number?)
GOALS: Final[tuple[tuple[str, str, bool], ...]] = (
    ("salt_g_per_day_max", N_("Salt g/day <"), False),
    ("exercise_min_per_week", N_("Exercise min/week"), True),
    ("exercise_sessions_per_week", N_("sessions/week"), True),
    ("alcohol_g_per_day_max", N_("Alcohol g/day <"), False),
    ("target_weight_kg", N_("Target weight kg"), False),
)


class NewDrug(msgspec.Struct, frozen=True, kw_only=True):
    """A drug the doctor added on this screen, sent with F10 (a dose change also stops `replaces`)."""

    medicine: EssentialMedicine
    dose: str
    frequency: str
    long_term: bool
    days: int
    shortage: bool = False
    replaces: int | None = None  # the running prescription whose dose or frequency this changes


def frequency_word(code: str) -> str:
    return f"{code} {_(FREQUENCY[code])}" if code in FREQUENCY else code


def class_word(plan: ManagementPlan) -> str:
    cc = plan.conditions[0]
    cls = cc.cls or cc.copd_cls
    return _(CLASS[cls]) if cls is not None else _("no follow-up class")


def today_word(found: DiseaseAssessment | None) -> str:
    """Today's class from today's values (classifyFollowup), when they were measured."""
    if found is None:
        return ""
    cls = found.cls or found.copd_cls
    return _("today {cls}").format(cls=_(CLASS[cls])) if cls is not None else ""


def condition_line(plan: ManagementPlan | str, condition_word: str, today: DiseaseAssessment | None) -> str:
    """One condition: its class, today's class, the follow-up interval, whether drugs need a review."""
    if isinstance(plan, str):
        return f"{condition_word}: {plan}"
    parts = [condition_word, class_word(plan)]
    if word := today_word(today):
        parts.append(word)
    parts.append(_("follow-up within {days} days").format(days=plan.next_followup_days))
    if plan.drug_review or (today is not None and not today.controlled):
        parts.append(_("review the drugs"))
    return " · ".join(parts)


def monitoring_line(m: Monitoring) -> str:
    parts = [_("weigh every {n} days").format(n=m.weigh_every_days)]
    if m.home_bp_days_per_week:
        parts.append(_("home BP {n} days/week").format(n=m.home_bp_days_per_week))
    if m.glucose_days_per_week:
        parts.append(_("glucose {n} days/week").format(n=m.glucose_days_per_week))
    if m.hba1c_every_months:
        parts.append(_("HbA1c every {n} months").format(n=m.hba1c_every_months))
    if m.lipids_every_months:
        parts.append(_("lipids every {n} months").format(n=m.lipids_every_months))
    if m.yearly_health_check:
        parts.append(_("yearly health check"))
    return _("Monitoring: {what}").format(what=", ".join(parts))


def goal_text(goals: LifestyleGoals, field: str) -> str:
    value = getattr(goals, field)
    return labels.fmt_value(float(value))


def goals_edit(goals: LifestyleGoals, typed: dict[str, str], no_smoking: bool) -> PlanEdit:
    """The fields the doctor changed, as a PlanEdit; ValueError names a field that is not a number."""
    changes: dict[str, object] = {}
    for field, _label, whole in GOALS:
        text = typed.get(field, "").strip()
        try:
            value: float = int(text) if whole else float(text)
        except ValueError:
            raise ValueError(field) from None
        if not math.isfinite(value):
            raise ValueError(field)
        if value != getattr(goals, field):
            changes[field] = value
    if no_smoking != goals.no_smoking:
        changes["no_smoking"] = no_smoking
    return msgspec.convert(changes, PlanEdit)


def days_error(text: str, long_term: bool) -> str | None:
    """The refusal shown next to the days field, or None when the number is allowed."""
    limit = LONG_TERM_MAX_DAYS if long_term else REGULAR_MAX_DAYS
    if not text.strip().isdigit() or not 1 <= int(text) <= limit:
        if long_term:
            return _("1–{n} days: a long-term prescription is at most 12 weeks").format(n=limit)
        return _("1–{n} days; longer is a long-term prescription").format(n=limit)
    return None


def running_row(p: PrescriptionRecord, stop_reason: str | None) -> tuple[str, ...]:
    if stop_reason is not None:
        state = _("stop: {reason}").format(reason=stop_reason)
    elif p.shortage:
        state = _("continue (out of stock)")
    else:
        state = _("continue")
    left = _("{n} days left").format(n=p.days_left) if p.days_left is not None else "—"
    return (p.drug, p.dose, frequency_word(p.frequency), _("long-term") if p.long_term else "", left, state)


def new_row(d: NewDrug) -> tuple[str, ...]:
    state = _("new") if d.replaces is None else _("new dose")
    if d.shortage:
        state += " · " + _("out of stock")
    return (
        d.medicine.drug,
        d.dose,
        frequency_word(d.frequency),
        _("long-term") if d.long_term else "",
        _("{n} days").format(n=d.days),
        state,
    )
