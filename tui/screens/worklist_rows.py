"""The worklist screen's words: each list's title, columns and cells, and the detail line of a row.

Risk is never colour alone: the high-risk mark is red *and* says so (a red-green blind doctor, a monochrome
terminal). Widths fit 80 columns; from 110 a few columns more.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from rich.text import Text

from flows.appointments import ReferralDirection
from flows.model import Condition
from flows.rules.indicators import RiskReason
from flows.worklists import (
    CallOutcome,
    CallState,
    ContractExpiring,
    DueTodayItem,
    OverdueEntry,
    PrescriptionExpiring,
    ReferralAwaiting,
    RemovalReason,
)
from tui import labels
from tui.i18n import N_, _

Item = DueTodayItem | OverdueEntry | ContractExpiring | PrescriptionExpiring | ReferralAwaiting

TITLES: Final = {  # the tab line: short, five fit 80 columns with their counts
    "due-today": N_("Today"),
    "overdue": N_("Overdue"),
    "contracts-expiring": N_("Contracts"),
    "prescriptions-expiring": N_("Drugs"),
    "referrals-awaiting": N_("Referrals"),
}
EMPTY: Final = {
    "due-today": N_("Nobody is due today."),
    "overdue": N_("Nobody is overdue."),
    "contracts-expiring": N_("No contract ends within the window."),
    "prescriptions-expiring": N_("No long-term prescription ends this week."),
    "referrals-awaiting": N_("No referral is awaiting its result."),
}
CALL: Final = {
    CallOutcome.AGREED: N_("agreed"),
    CallOutcome.CALL_LATER: N_("call later"),
    CallOutcome.REMOVED: N_("removed"),
}
REMOVAL: Final = {
    RemovalReason.DIED: N_("died"),
    RemovalReason.MOVED_AWAY: N_("moved away"),
    RemovalReason.REFUSED: N_("refused"),
    RemovalReason.FOLLOWED_ELSEWHERE: N_("already followed elsewhere"),
    RemovalReason.OTHER: N_("other"),
}
DIRECTION: Final = {
    ReferralDirection.UP: N_("referred up"),
    ReferralDirection.EMERGENCY: N_("emergency referral"),
}
# The words of flows.rules.indicators.LABELS (CLINICAL_RULES §10), as msgids of this catalog.
RISK: Final = {
    RiskReason.SEVERE_BP: N_("≥30 days overdue, last BP ≥180/110"),
    RiskReason.PRIOR_CVD_BP: N_("prior heart attack or stroke, BP ≥140/90"),
    RiskReason.UNCONTROLLED_GLUCOSE: N_("last fasting glucose uncontrolled"),
}
PACKAGE_SHORT: Final = {"basic": N_("basic"), "personalised": N_("personalised")}


def columns(name: str, wide: bool) -> list[str]:
    """The msgids of a list's columns."""
    who = [N_("Name"), N_("Phone")]
    if name == "due-today":
        return [N_("Time"), *who, N_("Conditions"), N_("Last BP"), *([N_("Last FPG")] if wide else [])]
    if name == "overdue":
        return [N_("Risk"), *who, N_("Condition"), N_("Days"), N_("Last BP"), N_("Call")]
    if name == "contracts-expiring":
        return [*who, N_("Team"), *([N_("Package")] if wide else []), N_("Ends"), N_("Days left")]
    if name == "prescriptions-expiring":
        return [*who, N_("Drug"), *([N_("Dose")] if wide else []), N_("Ends"), N_("Days left")]
    return [*who, N_("Referral"), N_("To"), N_("Days since")]


def cells(item: Item, wide: bool, zone: dt.tzinfo | None) -> list[str | Text]:
    """A row's cells; times in the site's zone (`zone`; None: this PC's)."""
    who: list[str | Text] = [labels.clip(item.resident.name, 8), item.resident.phone or "—"]
    if isinstance(item, DueTodayItem):
        when = item.scheduled_for.astimezone(zone).strftime("%H:%M") if item.scheduled_for else _("follow-up")
        fpg = [labels.fmt_value(item.last_fpg) if item.last_fpg is not None else "—"] if wide else []
        bp = _bp(item.last_sbp, item.last_dbp)
        return [when, *who, conditions(item.resident.conditions, 12 if wide else 8), bp, *fpg]
    if isinstance(item, OverdueEntry):
        risk = Text(_("! high"), style="bold red") if item.high_risk else Text(_("routine"), style="dim")
        condition = labels.word(labels.CONDITION, item.condition)
        days = str(item.days_overdue)
        return [risk, *who, condition, days, _bp(item.last_sbp, item.last_dbp), call_mark(item.call)]
    if isinstance(item, ContractExpiring):
        package = [labels.word(PACKAGE_SHORT, item.package)] if wide else []
        team = labels.clip(item.team_name, 24 if wide else 16)
        return [*who, team, *package, item.end_date.isoformat(), str(item.days_left)]
    if isinstance(item, PrescriptionExpiring):
        dose = [f"{item.dose} {item.frequency}"] if wide else []
        drug = labels.clip(item.drug, 24 if wide else 18)
        return [*who, drug, *dose, item.end_date.isoformat(), str(item.days_left)]
    style = "bold red" if item.direction is ReferralDirection.EMERGENCY else ""
    kind = Text(labels.word(DIRECTION, item.direction), style=style)
    to = labels.clip(f"{item.destination} {item.department or ''}".strip(), 24 if wide else 14)
    return [*who, kind, to, str(item.days_since)]


def detail(item: Item, today: dt.date) -> str:
    """Under the table: the highlighted row in full."""
    r = item.resident
    head = f"{r.name}  {labels.word(labels.SEX, r.sex)} {labels.age(r.birth_date, today)}  {r.phone or '—'}"
    lines = [f"{head}  {conditions(r.conditions, 40)}"]
    if isinstance(item, OverdueEntry):
        due = _("Due {due}, {days} days overdue.").format(due=item.due_date, days=item.days_overdue)
        reasons = _(", ").join(labels.word(RISK, reason) for reason in item.reasons)
        lines.append(f"{due} {reasons}".strip())
        if item.call is not None:
            lines.append(call_words(item.call))
    elif isinstance(item, DueTodayItem) and item.follow_up_conditions:
        due = _(", ").join(labels.word(labels.CONDITION, c) for c in item.follow_up_conditions)
        lines.append(_("Follow-up due: {conditions}").format(conditions=due))
    elif isinstance(item, ReferralAwaiting):
        lines.append(labels.clip(item.reasons, 150))
    return "\n".join(lines)


def conditions(found: tuple[Condition, ...], cells_: int) -> str:
    if not found:
        return "—"
    return labels.clip(_(", ").join(labels.word(labels.CONDITION, c) for c in found), cells_)


def call_mark(call: CallState | None) -> Text:
    if call is None:
        return Text("—", style="dim")
    style = "green" if call.outcome is CallOutcome.AGREED else ""
    return Text(labels.word(CALL, call.outcome), style=style)


def call_words(call: CallState) -> str:
    """The last call in a sentence: its outcome, its day or reason, and its note."""
    outcome = labels.word(CALL, call.outcome)
    parts = [_("Last call: {outcome}").format(outcome=outcome)]
    if call.reason is not None:
        parts.append(labels.word(REMOVAL, call.reason))
    if call.call_again_on is not None:
        parts.append(call.call_again_on.isoformat())
    if call.note:
        parts.append(call.note)
    return " — ".join(parts)


def _bp(sbp: int | None, dbp: int | None) -> str:
    return f"{sbp}/{dbp}" if sbp is not None and dbp is not None else "—"
