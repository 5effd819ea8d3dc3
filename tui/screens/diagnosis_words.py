"""The diagnosis screen's text: history, examination and tests, screening findings, and each condition's
criteria with their evidence and clauses, in the desk's words (the rules' evidence lines arrive in Chinese).

Pure functions of the data the screen loaded: the screen only places their output.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from rich.text import Text

from flows.clinical import DiagnosisRecord, ScreeningReport
from flows.model import Condition, Observation, Step
from flows.record import HealthRecord
from flows.rules.base import Severity
from flows.rules.diagnosis import Criterion, Status
from tui import labels
from tui.i18n import N_, _
from tui.screens import record_words as rw
from tui.widgets import findings_words, readings_fields

STATUS = {
    Status.MET: N_("criteria met"),
    Status.NEEDS_CONFIRMATION: N_("to confirm"),
    Status.NOT_MET: N_("not met"),
}


class Decided(enum.StrEnum):
    """Where a condition stands for this resident: the latest decision, or none yet."""

    CONFIRMED = "confirmed"
    RULED_OUT = "ruled_out"
    UNDECIDED = "undecided"


DECIDED = {
    Decided.CONFIRMED: N_("confirmed"),
    Decided.RULED_OUT: N_("ruled out"),
    Decided.UNDECIDED: N_("undecided"),
}
_MARK = {Decided.CONFIRMED: "✔", Decided.RULED_OUT: "✘", Decided.UNDECIDED: "?"}


def decided(condition: Condition, decisions: Sequence[DiagnosisRecord]) -> Decided:
    """A confirmation stands (the API refuses to rule out a confirmed condition); else the latest ruling-out."""
    mine = [d for d in decisions if d.condition is condition]
    if any(d.status == Decided.CONFIRMED for d in mine):
        return Decided.CONFIRMED
    return Decided.RULED_OUT if mine else Decided.UNDECIDED


def to_decide(criterion: Criterion, decisions: Sequence[DiagnosisRecord]) -> bool:
    """Offered for a decision: the rules see it (met or to confirm) and the doctor has not confirmed it."""
    return (
        criterion.status is not Status.NOT_MET
        and decided(criterion.condition, decisions) is Decided.UNDECIDED
    )


def condition_line(
    number: int, criterion: Criterion, decisions: Sequence[DiagnosisRecord], chosen: bool
) -> Text:
    """`▶1 ✔ 高血压 I10  符合标准 · 已确诊`: the number to press, the decision, the criteria."""
    now = decided(criterion.condition, decisions)
    line = Text("▶" if chosen else " ", style="bold")
    line.append(f"{number} {_MARK[now]} ", style="bold")
    line.append(labels.word(labels.CONDITION, criterion.condition), style="bold" if chosen else "")
    line.append(f" {criterion.icd10}  ", style="dim")
    style = {Status.MET: "bold red", Status.NEEDS_CONFIRMATION: "yellow"}.get(criterion.status, "dim")
    line.append(_(STATUS[criterion.status]), style=style)
    line.append(f" · {_(DECIDED[now])}")
    return line


def criterion_text(criterion: Criterion) -> Text:
    """The chosen condition's basis sentence, its evidence (dated), what to do next and the clauses."""
    out = Text()
    out.append(criterion.basis + "\n", style="bold")
    for line in criterion.evidence:
        out.append(f"· {line}\n")
    if not criterion.evidence:
        out.append(_("No evidence in the last year.") + "\n", style="dim")
    for step in criterion.next_steps:
        due = f" ({step.due})" if step.due else ""
        out.append(f"› {findings_words.step_title(step)}{due}\n")
    out.append(_("basis: {clauses}").format(clauses=", ".join(criterion.clauses)), style="dim")
    return out


def history_text(record: HealthRecord) -> Text:
    """Past history, family history and lifestyle from the health record."""
    out = Text()
    out.append(_("Past history") + "\n", style="bold underline")
    for d in record.diseases:
        when = f" {d.diagnosed_on:%Y-%m}" if d.diagnosed_on else ""
        out.append(f"· {rw.word(rw.CONDITION, d.condition)}{when}\n")
    for e in record.events:
        when = f" {e.occurred_on:%Y-%m}" if e.occurred_on else ""
        out.append(f"· {rw.word(rw.EVENT, e.kind)}: {e.name}{when}\n")
    if not record.diseases and not record.events:
        out.append(_("none recorded") + "\n", style="dim")
    out.append(_("Family history") + "\n", style="bold underline")
    for f in record.family_history:
        out.append(f"· {rw.word(rw.RELATION, f.relation)}: {rw.word(rw.CONDITION, f.condition)}\n")
    if not record.family_history:
        out.append(_("none recorded") + "\n", style="dim")
    out.append(_("Lifestyle") + "\n", style="bold underline")
    life = record.lifestyle
    parts = [
        (_("smoking"), rw.word(rw.SMOKING, life.smoking) if life.smoking else None),
        (_("alcohol"), rw.word(rw.ALCOHOL, life.alcohol) if life.alcohol else None),
        (_("exercise"), rw.word(rw.EXERCISE, life.exercise) if life.exercise else None),
        (_("salt"), rw.word(rw.SALT, life.salt) if life.salt else None),
    ]
    known = [f"{name} {value}" for name, value in parts if value]
    out.append(("· " + "，".join(known)) if known else _("not asked"), style="" if known else "dim")
    return out


def exam_text(latest: Sequence[Observation], visit_id: int, findings: ScreeningReport) -> Text:
    """This visit's values (older values dated), then the screening's findings with their values."""
    out = Text()
    out.append(_("Examination and tests") + "\n", style="bold underline")
    for o in latest:
        value = f"{readings_fields.fmt(o.code, o.value)} {readings_fields.unit(o.code)}".rstrip()
        when = "" if o.visit_id == visit_id else f" ({o.observed_at:%Y-%m-%d})"
        out.append(f"· {readings_fields.name(o.code)} {value}{when}\n", style="" if not when else "dim")
    if not latest:
        out.append(_("nothing measured") + "\n", style="dim")
    out.append(_("Screening findings") + "\n", style="bold underline")
    shown = [f for f in findings.findings if f.severity is not Severity.INFO]
    for f in shown:
        values = findings_words.values_text(f)
        out.append(f"· {findings_words.title(f)}" + (f"（{values}）" if values else "") + "\n")
    if not shown:
        out.append(_("nothing of note"), style="dim")
    return out


def assessment(criteria: Sequence[Criterion], decisions: Sequence[DiagnosisRecord]) -> str:
    """The assessment line: what is confirmed, what waits for a decision, and where F10 goes."""
    confirmed = [
        labels.word(labels.CONDITION, c) for c in Condition if decided(c, decisions) is Decided.CONFIRMED
    ]
    pending = [labels.word(labels.CONDITION, c.condition) for c in criteria if to_decide(c, decisions)]
    parts = [
        _("Confirmed: {names}").format(names="、".join(confirmed))
        if confirmed
        else _("No chronic condition confirmed")
    ]
    if pending:
        parts.append(_("to decide: {names}").format(names="、".join(pending)))
    goes = labels.word(labels.STEP, Step.GRADED_INTERVENTION if confirmed else Step.HEALTH_EDUCATION)
    parts.append(_("F10 → {step}").format(step=goes))
    return "；".join(parts)
