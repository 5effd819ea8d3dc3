"""The household part of the record screen in words: members with their kinship and open alerts, the visit's
proposed family alerts, the alerts raised, the banner of alerts about the resident, this site's prescriptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final

from flows.alerts import FamilyAlert, FamilyAlertStatus
from flows.patient import Medicine
from flows.record import HouseholdMember
from flows.rules.family import ProposedAlert
from tui import labels
from tui.i18n import _
from tui.screens import record_words as w

BANNER_LINES: Final = 3  # at 80×24 the banner must leave room for the record itself
Rows = list[tuple[str, ...]]


def members(found: Sequence[HouseholdMember], alerts: Sequence[FamilyAlert], today: dt.date) -> Rows:
    rows: Rows = []
    for m in found:
        mine = [
            a
            for a in alerts
            if m.resident_id in (a.relative_id, a.source_id) and a.status is not FamilyAlertStatus.DONE
        ]
        rows.append(
            (
                m.name,
                f"{labels.word(labels.SEX, m.sex)} {labels.age(m.birth_date, today)}",
                w.word(w.RELATION, m.relation) if m.relation else _("not set: Enter"),
                _("{n} open").format(n=len(mine)) if mine else "—",
            )
        )
    return rows


def proposals(found: Sequence[ProposedAlert], names: dict[int, str]) -> Rows:
    return [
        (
            names.get(p.relative_id, str(p.relative_id)),
            w.word(w.RELATION, p.relation) + " " + w.word(w.CONDITION, p.condition),
            w.word(w.ALERT, p.code),
            p.clauses[0],
        )
        for p in found
    ]


def alerts(found: Sequence[FamilyAlert]) -> Rows:
    return [
        (a.relative_name, a.source_name, w.word(w.ALERT, a.code), w.word(w.STATUS, a.status)) for a in found
    ]


def banner(about: Sequence[FamilyAlert]) -> str:
    """Alerts about the resident (a relative's condition concerns them) still to act on, at most
    BANNER_LINES of them (the household section lists them all); empty when there are none."""
    shown = [a for a in about if a.status is not FamilyAlertStatus.DONE]
    lines = [
        "⚠ "
        + w.alert_line(a.code, a.relation, a.source_name, a.condition)
        + f" [{w.word(w.STATUS, a.status)}]"
        for a in shown[:BANNER_LINES]
    ]
    if len(shown) > BANNER_LINES:
        lines.append(_("… and {n} more in the household section").format(n=len(shown) - BANNER_LINES))
    return "\n".join([_("Family health alerts for this resident:"), *lines]) if lines else ""


def prescriptions(found: Sequence[Medicine]) -> str:
    text = "; ".join(
        " ".join(p for p in (m.drug, m.dose, m.frequency, _("long-term") if m.long_term else "") if p)
        for m in found
    )
    return _("Prescribed here (read-only): {drugs}").format(drugs=text or _("none"))
