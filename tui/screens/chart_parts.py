"""The chart's blocks as styled text: one function a block, from flows.chart to Textual Content.

Colour is never the only signal (a screen may be monochrome, a doctor colour-blind): a value beyond its
threshold also says "high" or "low" with the threshold, an alert starts with "!", an allergy says so in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from rich.cells import cell_len
from textual.content import Content

from flows.chart import AlertKind, AlertLevel, Chart, ChartAlert, ChartCondition, ChartMeasure
from flows.chart_marks import Flag
from flows.identity import mask_phone
from flows.model import ObservationSource
from flows.rules.copd import CopdFollowupClass
from flows.rules.followup import FollowupClass
from tui import labels
from tui.i18n import N_, _
from tui.screens import record_words
from tui.widgets.findings_words import title as finding_title
from tui.widgets.sparkline import sparkline

WARN: Final = "$text-warning"
DANGER: Final = "bold $text-error"
QUIET: Final = "$text-muted"

FOLLOWUP_CLASS: Final[dict[str, str]] = {  # the two class schemes: BPHS-2017 and COPD-2024
    FollowupClass.CONTROLLED: N_("controlled"),
    FollowupClass.UNCONTROLLED: N_("uncontrolled"),
    FollowupClass.ADVERSE_REACTION: N_("adverse reaction"),
    FollowupClass.COMPLICATION: N_("complication"),
    CopdFollowupClass.STABLE: N_("stable"),
    CopdFollowupClass.UNSTABLE: N_("unstable"),
}
SOURCE: Final = {
    ObservationSource.DEVICE: N_("device"),
    ObservationSource.MANUAL: N_("typed"),
    ObservationSource.SELF_CHECK: N_("self-check"),
    ObservationSource.HOME: N_("home"),
}
DIRECTION: Final = {
    "up": N_("referred up"),
    "down": N_("referred down"),
    "emergency": N_("emergency referral"),
}


def _cls(value: str | None) -> str:
    return _(FOLLOWUP_CLASS[value]) if value in FOLLOWUP_CLASS else (value or _("no follow-up yet"))


def _pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - cell_len(text))


def block(title: str, lines: Sequence[Content], gutter: int) -> Content:
    """`title` in a left gutter of `gutter` cells, the lines beside it (the later ones indented under it)."""
    head = Content.styled(_pad(title, gutter), "bold")
    if not lines:
        return head + Content.styled(_("none"), QUIET)
    indent = Content(" " * gutter)
    return Content("\n").join([(head if i == 0 else indent) + line for i, line in enumerate(lines)])


def header(c: Chart) -> Content:
    person = Content.styled(c.name, "bold") + Content(
        "  {sex}  {age}".format(sex=labels.word(labels.SEX, c.sex), age=_("{age} years").format(age=c.age))
    )
    k = c.contract
    if k is None:
        contract = Content.styled(_("not signed"), QUIET)
    elif not k.in_force:
        contract = Content.styled(
            _("contract not in force ({start} – {end})").format(start=k.start_date, end=k.end_date), WARN
        )
    else:
        text = _("signed: {team}, until {end}").format(team=k.team, end=k.end_date)
        contract = Content.styled(text, WARN) if k.renewal_due else Content(text)
    return person + Content("  ·  ") + contract


def alert_text(a: ChartAlert) -> str:
    if a.kind is AlertKind.EMERGENCY:
        return _("Emergency: {what}").format(what=_(", ").join(finding_title(f) for f in a.findings))
    if a.kind is AlertKind.ALLERGY:
        return _("Allergy: {what}").format(what=_(", ").join(a.names))
    if a.kind is AlertKind.OVERDUE and a.condition is not None:
        return _("{condition} follow-up overdue {days} days").format(
            condition=labels.word(labels.CONDITION, a.condition), days=a.count
        )
    if a.kind is AlertKind.FAMILY and a.family is not None:
        f = a.family
        return _("Family alert: {relation} {name}, {alert}").format(
            relation=record_words.word(record_words.RELATION, f.relation),
            name=f.source_name,
            alert=record_words.word(record_words.ALERT, f.code),
        )
    if a.kind is AlertKind.POLYPHARMACY:
        return _("{count} drugs: pharmacist review").format(count=a.count)
    if a.kind is AlertKind.CONTRACT:
        return _("Contract ends in {days} days: renew").format(days=a.count)
    return a.summary


def alerts(items: Sequence[ChartAlert]) -> Content:
    """Every alert on as few lines as fit: `! text` in red (danger) or yellow (warning)."""
    parts = [
        Content.styled("! " + alert_text(a), DANGER if a.level is AlertLevel.DANGER else WARN) for a in items
    ]
    return Content("   ").join(parts)


def _condition(c: ChartCondition) -> Content:
    name = labels.word(labels.CONDITION, c.condition)
    if c.status != "confirmed":
        name = _("{condition} (suspected)").format(condition=name)
    line = Content.styled(name, "bold") + Content(f" {c.icd10} {c.diagnosed_on}  ")
    uncontrolled = c.follow_up_class not in (None, FollowupClass.CONTROLLED, CopdFollowupClass.STABLE)
    line += Content.styled(_cls(c.follow_up_class), WARN if uncontrolled else "")
    if c.next_due is not None:
        due = _("next {date}").format(date=c.next_due)
        line += Content("  ") + (
            Content.styled(due + " " + _("overdue"), WARN) if c.overdue else Content(due)
        )
    return line


def conditions(c: Chart, gutter: int) -> Content:
    return block(_("Conditions"), [_condition(x) for x in c.conditions], gutter)


def measure_lines(measures: Sequence[ChartMeasure]) -> list[Content]:
    """One line a measure: name, latest value and unit, date, source, sparkline, and the mark in words."""
    names = [labels.word(labels.OBSERVATION, m.code) for m in measures]
    width = max((cell_len(n) for n in names), default=0)
    out = []
    for m, name in zip(measures, names, strict=True):
        value = f"{labels.fmt_value(m.value)} {m.unit}"
        style = WARN if m.flag is not None else ""
        line = Content(_pad(name, width) + "  ") + Content.styled(_pad(value, 12), style)
        line += Content.styled(f" {m.observed_on} {_pad(labels.word(SOURCE, m.source), 6)} ", QUIET)
        bars = sparkline([p.value for p in m.series])
        for bar, point in zip(bars, m.series, strict=True):
            line += Content.styled(bar, WARN if point.flag is not None else "$text-primary")
        if m.flag is not None and m.limit is not None:
            word = _("{limit} high") if m.flag is Flag.HIGH else _("{limit} low")
            line += Content(" " * (13 - len(bars))) + Content.styled(word.format(limit=m.limit), WARN)
        out.append(line)
    return out


def values(c: Chart, gutter: int) -> Content:
    if not c.measures:
        return block(_("Values"), [], gutter)
    return Content("\n").join(measure_lines(c.measures))


def medicines(c: Chart, gutter: int) -> Content:
    lines = []
    for m in c.medicines:
        text = " ".join(x for x in (m.drug, m.dose, m.frequency) if x)
        line = Content(text)
        if m.outside:
            line += Content.styled("  " + _("from {where}").format(where=m.source or _("elsewhere")), QUIET)
        if m.long_term:
            line += Content.styled("  " + _("long-term"), "bold")
        if m.days_left is not None:
            left = _("{days} days left").format(days=m.days_left)
            line += Content.styled("  " + left, WARN if m.days_left <= 7 else QUIET)
        lines.append(line)
    return block(_("Medicines"), lines, gutter)


def allergies(c: Chart, gutter: int) -> Content:
    lines = [
        Content.styled(
            a.substance
            + (f"（{a.reaction}）" if a.reaction else "")
            + f"  {record_words.word(record_words.ALLERGY, a.kind)}",
            DANGER,
        )
        for a in c.allergies
    ]
    return block(_("Allergies"), lines, gutter)


def plans(c: Chart, gutter: int) -> Content:
    lines = []
    for p in c.plans:
        line = Content(labels.word(labels.CONDITION, p.condition) + "  ")
        if p.management_class is not None:
            line += Content(_cls(p.management_class) + "  ")
        line += Content(_("follow up within {days} days").format(days=p.next_followup_days))
        if p.drug_review:
            line += Content.styled("  " + _("review drugs"), WARN)
        if p.pharmacist_review:
            line += Content.styled("  " + _("pharmacist review"), WARN)
        lines.append(line)
    return block(_("Plans"), lines, gutter)


def visits(c: Chart, gutter: int) -> Content:
    lines = []
    for v in c.visits:
        line = Content(f"{v.visit_date}  {labels.word(labels.STEP, v.step)}")
        if not v.closed:
            line += Content.styled("  " + _("open"), QUIET)
        if v.referral_direction:
            line += Content.styled("  " + labels.word(DIRECTION, v.referral_direction), WARN)
        lines.append(line)
    return block(_("Recent visits"), lines, gutter)


def identity(c: Chart, gutter: int) -> Content:
    lines = [
        Content(f"{c.id_number_masked}  {c.record_number}"),
        Content(
            _("born {date}, phone {phone}").format(date=c.birth_date, phone=mask_phone(c.phone) or _("none"))
        ),
    ]
    return block(_("Resident"), lines, gutter)


def gutter() -> int:
    """The width of the section titles' column in the active language."""
    titles = (
        _("Conditions"),
        _("Values"),
        _("Medicines"),
        _("Allergies"),
        _("Plans"),
        _("Recent visits"),
        _("Resident"),
    )
    return max(cell_len(t) for t in titles) + 2
