"""The patient in one screen (the doctor's chart): what GET /residents/{id}/chart returns, and its pure parts.

The chart gathers what the doctor needs at a glance: conditions with their follow-up class and next date, the
latest values with their recent series, plans, running medicines, allergies, the contract, recent visits and
the alerts computed from all of these. It is a read model: every block is built from the stored record.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import Final

from flows.alerts import FamilyAlert
from flows.chart_marks import Flag
from flows.model import Condition, ObservationSource, Sex, Step, Struct
from flows.record import Allergy
from flows.rules.base import Finding
from flows.rules.contracts import CL_RENEWAL_WINDOW
from flows.rules.multimorbidity import CL_POLYPHARMACY

SERIES_POINTS: Final = 12  # days in a sparkline: a year of monthly visits, or a quarter's fortnightly ones


class ChartPoint(Struct, frozen=True, kw_only=True):
    day: dt.date  # the site's local date
    value: float
    flag: Flag | None = None


class ChartMeasure(Struct, frozen=True, kw_only=True):
    """One code's latest value and its series (one point a day, the day's last value; oldest first)."""

    code: str
    unit: str
    value: float
    observed_at: dt.datetime
    observed_on: dt.date  # the site's local date of observed_at
    source: ObservationSource
    series: tuple[ChartPoint, ...]
    flag: Flag | None = None  # the latest value against its threshold (flows.chart_marks)
    limit: str | None = None  # the threshold it met, e.g. "≥140"
    clauses: tuple[str, ...] = ()


class ChartCondition(Struct, frozen=True, kw_only=True):
    condition: Condition
    status: str  # confirmed | suspected
    icd10: str
    diagnosed_at: dt.datetime
    diagnosed_on: dt.date  # the site's local date of diagnosed_at
    follow_up_class: str | None = None  # the latest done follow-up's class (flows.rules.followup / copd)
    last_followup: dt.date | None = None
    next_due: dt.date | None = None  # the open booking's due date
    overdue: bool = False  # the open booking is due before today


class ChartPlan(Struct, frozen=True, kw_only=True):
    condition: Condition
    management_class: str | None  # the class the plan was made at; None for obesity and dyslipidaemia
    next_followup_days: int
    drug_review: bool
    pharmacist_review: bool
    created_at: dt.datetime


class ChartMedicine(Struct, frozen=True, kw_only=True):
    """A running prescription of this site, or a medicine from elsewhere on the health record (`outside`)."""

    drug: str
    dose: str | None = None
    frequency: str | None = None
    long_term: bool = False
    end_date: dt.date | None = None
    days_left: int | None = None  # days after today until the end date (0: ends today); None when open-ended
    outside: bool = False
    source: str | None = None  # outside: from where (县医院, 药店 …)


class ChartContract(Struct, frozen=True, kw_only=True):
    team: str
    room: str
    package: str
    start_date: dt.date
    end_date: dt.date
    in_force: bool  # covers today (flows.rules.contracts.in_force_on)
    renewal_due: bool  # in force and ends within the renewal window (flows.rules.contracts.renewal_due)
    days_left: int  # days after today until the end date (negative once it has ended)


class ChartVisit(Struct, frozen=True, kw_only=True):
    id: int
    visit_date: dt.date
    step: Step  # the step reached (the current one while open)
    closed: bool
    referral_direction: str | None = None  # up | down | emergency


class AlertKind(enum.StrEnum):
    EMERGENCY = "emergency"  # an open emergency flag (紧急转诊)
    ALLERGY = "allergy"
    OVERDUE = "overdue"  # a follow-up booking past its due date
    FAMILY = "family"  # an open family alert (家属健康提示) about this resident
    POLYPHARMACY = "polypharmacy"  # ≥5 drugs (多重用药)
    CONTRACT = "contract"  # the contract ends within the renewal window


class AlertLevel(enum.StrEnum):
    DANGER = "danger"
    WARNING = "warning"


class ChartAlert(Struct, frozen=True, kw_only=True):
    """One alert; the fields its kind needs are set, `summary` is a plain English line for API readers."""

    kind: AlertKind
    level: AlertLevel
    summary: str
    condition: Condition | None = None  # overdue
    day: dt.date | None = None  # emergency: detected on; overdue: due; contract: ends
    count: int | None = None  # overdue: days late; polypharmacy: drugs; contract: days left
    names: tuple[str, ...] = ()  # allergy: the substances
    findings: tuple[Finding, ...] = ()  # emergency
    family: FamilyAlert | None = None  # family
    clauses: tuple[str, ...] = ()


class Chart(Struct, frozen=True, kw_only=True):
    resident_id: int
    name: str
    sex: Sex
    age: int
    birth_date: dt.date
    id_number_masked: str
    record_number: str
    phone: str | None
    today: dt.date
    alerts: tuple[ChartAlert, ...] = ()
    conditions: tuple[ChartCondition, ...] = ()
    measures: tuple[ChartMeasure, ...] = ()
    plans: tuple[ChartPlan, ...] = ()
    medicines: tuple[ChartMedicine, ...] = ()
    allergies: tuple[Allergy, ...] = ()
    contract: ChartContract | None = None
    visits: tuple[ChartVisit, ...] = ()


# --- pure parts ---------------------------------------------------------------------------------------------


def daily(points: Iterable[ChartPoint], keep: int = SERIES_POINTS) -> tuple[ChartPoint, ...]:
    """One point a day, the day's last value (a re-measured BP replaces the first), the newest `keep` days;
    `points` oldest first."""
    by_day: dict[dt.date, ChartPoint] = {}
    for point in points:
        by_day[point.day] = point
    return tuple(by_day.values())[-keep:] if keep > 0 else ()


def days_left(end: dt.date, today: dt.date) -> int:
    """Days after today until `end`: 0 when it ends today, negative once it has ended."""
    return (end - today).days


def drug_count(medicines: Sequence[ChartMedicine]) -> int:
    """Different drugs taken, ours and from elsewhere: the same name twice (a prescription renewed, or a
    bought box of what we prescribe) counts once."""
    return len({m.drug.strip() for m in medicines})


def alerts(
    *,
    today: dt.date,
    emergencies: Sequence[tuple[dt.date, tuple[Finding, ...]]],
    allergies: Sequence[Allergy],
    conditions: Sequence[ChartCondition],
    family: Sequence[FamilyAlert],
    medicines: Sequence[ChartMedicine],
    contract: ChartContract | None,
    polypharmacy_drugs: int,
) -> tuple[ChartAlert, ...]:
    """The chart's alerts, the dangers (emergencies, allergies) first, then the warnings."""
    out: list[ChartAlert] = [
        ChartAlert(
            kind=AlertKind.EMERGENCY,
            level=AlertLevel.DANGER,
            summary="open emergency: " + "; ".join(f.summary for f in findings),
            day=day,
            findings=findings,
            clauses=tuple(dict.fromkeys(c for f in findings for c in f.clauses)),
        )
        for day, findings in emergencies
    ]
    if allergies:
        out.append(
            ChartAlert(
                kind=AlertKind.ALLERGY,
                level=AlertLevel.DANGER,
                summary="allergies: " + ", ".join(a.substance for a in allergies),
                count=len(allergies),
                names=tuple(a.substance for a in allergies),
            )
        )
    out.extend(
        ChartAlert(
            kind=AlertKind.OVERDUE,
            level=AlertLevel.WARNING,
            summary=f"{c.condition.value} follow-up overdue since {c.next_due}",
            condition=c.condition,
            day=c.next_due,
            count=(today - c.next_due).days,
        )
        for c in conditions
        if c.overdue and c.next_due is not None
    )
    out.extend(
        ChartAlert(
            kind=AlertKind.FAMILY, level=AlertLevel.WARNING, summary=a.summary, family=a, clauses=a.clauses
        )
        for a in family
    )
    drugs = drug_count(medicines)
    if drugs >= polypharmacy_drugs:  # CLINICAL_RULES §11, OPINION-2025 [U]: ≥5 drugs → pharmacist review
        out.append(
            ChartAlert(
                kind=AlertKind.POLYPHARMACY,
                level=AlertLevel.WARNING,
                summary=f"{drugs} drugs (≥{polypharmacy_drugs}): pharmacist medication review",
                count=drugs,
                clauses=(CL_POLYPHARMACY,),
            )
        )
    # The renewal window (CONTRACT.renewal_window [U], our worklist default: 30 days before the end).
    if contract is not None and contract.renewal_due:
        out.append(
            ChartAlert(
                kind=AlertKind.CONTRACT,
                level=AlertLevel.WARNING,
                summary=f"contract ends on {contract.end_date}: renew",
                day=contract.end_date,
                count=contract.days_left,
                clauses=(CL_RENEWAL_WINDOW,),
            )
        )
    return tuple(out)
