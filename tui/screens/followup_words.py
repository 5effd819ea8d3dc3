"""Words of the follow-up screen: the classes, intervals and modes, and the form's prefilled lines in short."""

from __future__ import annotations

from typing import Final

from flows.clinical import FollowupMode
from flows.followup_form import FloatLine, FollowupForm, IntLine
from flows.rules.base import CLAUSES
from flows.rules.copd import OPTION_LABELS as COPD_LABELS
from flows.rules.diabetes_care import SYMPTOM_LABELS as DM_SYMPTOMS
from flows.rules.followup_override import ClassDecision
from flows.rules.htn_form import LABELS as HTN_LABELS
from tui import labels
from tui.i18n import N_, _
from tui.screens.questionnaire import local

CLASS: Final = {
    "controlled": N_("controlled"),
    "uncontrolled": N_("uncontrolled"),
    "adverse_reaction": N_("adverse reaction"),
    "complication": N_("complication"),
    "stable": N_("stable"),
    "unstable": N_("unstable"),
}
MODE: Final = {
    FollowupMode.CLINIC: N_("clinic"),
    FollowupMode.HOME: N_("home"),
    FollowupMode.PHONE: N_("phone"),
}
ADHERENCE: Final = {
    "regular": N_("regular"),
    "intermittent": N_("intermittent"),
    "not_taking": N_("not taking"),
}
DATE_REASONS: Final = (
    N_("The resident is away then"),
    N_("Market day: the resident comes on another day"),
    N_("The doctor wants to see the resident sooner"),
)
CLASS_REASONS: Final = (
    N_("Home BP readings tell otherwise"),
    N_("Measured once only: judged on the whole picture"),
    N_("Adverse reaction reported by the resident"),
)


def interval(days: int) -> str:
    """BPHS-2017 wording: within 3 months (90 days), within 2 weeks (14 days), else days."""
    if days % 30 == 0 and days >= 60:
        return _("within {n} months").format(n=days // 30)
    if days % 7 == 0:
        return _("within {n} weeks").format(n=days // 7)
    return _("within {n} days").format(n=days)


def source(decision: ClassDecision) -> str:
    """The document of the clause that set the class (BPHS-2017, COPD-2024), as the line cites it."""
    for clause_id in decision.clauses:
        if clause_id.startswith(("FU.", "COPD.followup")):
            return CLAUSES[clause_id].source.value
    return CLAUSES[decision.clauses[0]].source.value if decision.clauses else ""


def decision_line(decision: ClassDecision) -> str:
    """ "控制满意 · 3个月内 · BPHS-2017 → 2026-08-02", and the rules' class when the doctor changed it."""
    line = (
        " · ".join((labels.word(CLASS, decision.cls), interval(decision.interval_days), source(decision)))
        + f" → {decision.next_date.isoformat()}"
    )
    if decision.overridden:
        line += "  " + _("(rules: {cls})").format(cls=labels.word(CLASS, decision.rules_class))
    return line


def _pair(line: IntLine | FloatLine, unit: str) -> str | None:
    now, target = line.now, line.target
    if now is None and target is None:
        return None
    shown = [labels.fmt_value(v) if v is not None else "—" for v in (now, target)]
    return f"{shown[0]}→{shown[1]}{unit}"


def symptoms_line(form: FollowupForm) -> str:
    words: list[str] = []
    if form.hypertension is not None:
        words += [local(*HTN_LABELS[s]) for s in form.hypertension.symptoms]
    if form.diabetes is not None:
        words += [local(*DM_SYMPTOMS[s]) for s in form.diabetes.symptoms]
    if form.copd is not None:
        words += [local(*COPD_LABELS[s]) for s in form.copd.symptoms]
    return "、".join(dict.fromkeys(words)) or "—"


def lifestyle_line(form: FollowupForm) -> str:
    life = form.lifestyle
    parts = [
        (_("smoking"), _pair(life.cigarettes_per_day, _("/day"))),
        (_("drinking"), _pair(life.drinks_liang_per_day, _(" liang"))),
        (_("exercise"), _pair(life.exercise_times_per_week, _("/week"))),
    ]
    shown = [f"{name} {value}" for name, value in parts if value is not None]
    if life.salt.now is not None or life.salt.target is not None:
        now = local(*HTN_LABELS[life.salt.now]) if life.salt.now else "—"
        target = local(*HTN_LABELS[life.salt.target]) if life.salt.target else "—"
        shown.append(_("salt {now}→{target}").format(now=now, target=target))
    return "  ".join(shown) or "—"


def drugs_line(form: FollowupForm) -> str:
    lines = []
    for med in form.medications:
        text = med.drug
        if med.times_per_day is not None:
            text += " " + _("{n}×/day").format(n=med.times_per_day)
        if med.mg_per_dose is not None:
            text += f" {labels.fmt_value(med.mg_per_dose)}mg"
        lines.append(text)
    adherence = labels.word(ADHERENCE, form.adherence.value) if form.adherence else "—"
    return ("；".join(lines) or _("no drugs")) + "  " + _("adherence: {a}").format(a=adherence)
