"""Work indicators (CLINICAL_RULES.md §10): the four BPHS-2017 rates, a HEARTS-style cohort, the overdue list.

Pure: the caller (db/indicators.py) hands in patients, done follow-up records (or, for the rates, their
per-patient `summarise_period`) and open bookings. Our rules, each tested in tests/flows/rules/test_indicators.py:
- Period: the dates start..end inclusive; an end after `today` is cut to today (a year in progress counts the
  days so far). Breakdowns by month, quarter or year are one call per period.
- Under management in the period: a confirmed diagnosis (`registered_on`) on or before the end.
- Managed to the spec [U]: at least `required_face_to_face` face-to-face follow-ups (clinic or home) in the
  period: per_year × days / 365 rounded half up, at least 1 — a whole year → 4, a quarter → 1, a half year → 2.
  A patient registered during the period needs the same, as the national text reads; with the setting
  `prorate_new_patients` the days count from the registration instead (registered on 1 October → 1 in the
  year), as some provincial assessment rules do. The "required intervals" and "complete forms" of the
  definition are not checked (nothing records completeness).
- Controlled: the LATEST follow-up of the period, of any mode, met the programme threshold (hypertension at
  the age on that date; diabetes FPG). A latest follow-up without the value is not controlled — an older
  reading is never reused — and a patient with no follow-up in the period is not controlled.
- Filters: team = the team of the patient's contract covering the end (the caller sets `team_id`); doctor =
  the staff member who did the patient's latest follow-up of the period (none in the period → left out).
  Several records of one day: the later in the input is the later (db/indicators.py passes them by time).
- HEARTS-style cohort at a date [U] (Simple.org's measures, CLINICAL_RULES.md §10 "worth adding"): every done
  follow-up, phone included, is a visit; see `hearts_cohort`. Overdue list: see `overdue_list`.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import Final, TypeVar

import msgspec

from flows.model import Condition
from flows.rules import diabetes, hypertension
from flows.rules.base import DAYS_PER_YEAR, Confidence, RuleError, Source, add_months, age_on, clause

_WORK = "工作指标"
_HEARTS = "工作指标 — HEARTS-style addition (Simple.org), not in the BPHS text"

C_HTN_SPEC: Final = clause(
    "IND.htn.managed_to_spec", Source.BPHS_2017, _WORK, Confidence.V,
    "高血压患者规范管理率 = patients managed to the spec in the year ÷ hypertension patients managed that year.",
)  # fmt: skip
C_DM_SPEC: Final = clause(
    "IND.dm.managed_to_spec", Source.BPHS_2017, _WORK, Confidence.V,
    "2型糖尿病患者规范管理率 = patients managed to the spec in the year ÷ diabetes patients managed that year.",
)  # fmt: skip
C_SPEC: Final = clause(
    "IND.spec.face_to_face", Source.BPHS_2017, _WORK, Confidence.U,
    "Managed to the spec: at least 4 face-to-face follow-ups in the year (unconfirmed; overridable).",
)  # fmt: skip
C_HTN_CONTROLLED: Final = clause(
    "IND.htn.bp_controlled", Source.BPHS_2017, _WORK, Confidence.V,
    "管理人群血压控制率 = patients whose latest follow-up BP of the year met the threshold ÷ patients managed; "
    "lost to follow-up counts as not controlled.",
)  # fmt: skip
C_DM_CONTROLLED: Final = clause(
    "IND.dm.fpg_controlled", Source.BPHS_2017, _WORK, Confidence.V,
    "管理人群血糖控制率 = patients whose latest follow-up FPG of the year was <7.0 mmol/L ÷ patients managed.",
)  # fmt: skip
C_NO_REUSE: Final = clause(
    "IND.latest.no_reuse", Source.BPHS_2017, _WORK, Confidence.V,
    "A latest follow-up without the value does not reuse an older reading: the patient is not controlled.",
)  # fmt: skip
C_COHORT: Final = clause(
    "IND.cohort", Source.BPHS_2017, _HEARTS, Confidence.U,
    "Among patients registered more than 3 months ago and not lost: controlled, uncontrolled or without a "
    "measure at their last visit in the last 3 months, or no visit in 3 months.",
)  # fmt: skip
C_LOST: Final = clause(
    "IND.cohort.lost", Source.BPHS_2017, _HEARTS, Confidence.U,
    "Lost to follow-up: no visit in the last 12 months (registered at least 12 months ago).",
)  # fmt: skip
C_OVERDUE: Final = clause(
    "IND.overdue.order", Source.BPHS_2017, _HEARTS, Confidence.U,
    "Overdue bookings are listed high risk first, then by days overdue.",
)  # fmt: skip
C_RISK_SEVERE_BP: Final = clause(
    "IND.overdue.risk.severe_bp", Source.BPHS_2017, _HEARTS, Confidence.U,
    "High risk: at least 30 days overdue and the last BP ≥180 and/or ≥110 mmHg.",
)  # fmt: skip
C_RISK_PRIOR_CVD: Final = clause(
    "IND.overdue.risk.prior_cvd", Source.BPHS_2017, _HEARTS, Confidence.U,
    "High risk: a prior heart attack or stroke and the last BP ≥140 and/or ≥90 mmHg.",
)  # fmt: skip
C_RISK_GLUCOSE: Final = clause(
    "IND.overdue.risk.glucose", Source.BPHS_2017, _HEARTS, Confidence.U,
    "High risk: the last fasting glucose was uncontrolled (≥7.0 mmol/L).",
)  # fmt: skip

# The programme thresholds behind the hypertension control rates (age on the date of the follow-up).
_HTN_THRESHOLD: Final = (hypertension.C_CONTROL, hypertension.C_CONTROL_65)

MANAGED: Final = (Condition.HYPERTENSION, Condition.DIABETES)  # the conditions BPHS-2017 counts
# ICD-10 of a prior heart attack or stroke (I21–I23 acute/subsequent MI, I25.2 old MI, I60–I64 stroke,
# I69 its sequelae): db/indicators.py reads the diagnoses with these prefixes.
PRIOR_CVD_ICD10: Final = ("I21", "I22", "I23", "I25.2", "I60", "I61", "I62", "I63", "I64", "I69")


class IndicatorSettings(msgspec.Struct, frozen=True, kw_only=True):
    """The [U] values of §10. [U] — a site can override it in `[rules.indicators]` of its configuration."""

    face_to_face_per_year: int = 4  # BPHS-2017 工作指标 [U]: "to the spec" = ≥4 face-to-face a year
    prorate_new_patients: bool = False  # [U]: a patient registered in the period needs the share since then
    cohort_registered_months: int = 3  # HEARTS [U]: the cohort is registered more than 3 months ago
    cohort_visit_months: int = 3  # HEARTS [U]: the last visit counts when in the last 3 months
    lost_months: int = 12  # HEARTS [U]: lost to follow-up after 12 months without a visit
    risk_overdue_days: int = 30  # HEARTS [U]: severe BP makes an overdue patient high risk after 30 days
    risk_severe_sbp: int = 180  # HEARTS [U]: last SBP ≥180 …
    risk_severe_dbp: int = 110  # … and/or DBP ≥110
    risk_prior_cvd_sbp: int = 140  # HEARTS [U]: prior MI or stroke with last SBP ≥140 …
    risk_prior_cvd_dbp: int = 90  # … and/or DBP ≥90


DEFAULT_SETTINGS: Final = IndicatorSettings()
_K = TypeVar("_K")


class Patient(msgspec.Struct, frozen=True, kw_only=True):
    """One managed condition of one resident."""

    resident_id: int
    condition: Condition  # hypertension or diabetes
    birth_date: dt.date
    registered_on: dt.date  # the date of the confirmed diagnosis
    team_id: int | None = None  # the team of the contract covering the period end (the date of the cohort)
    prior_mi_or_stroke: bool = False


class FollowupRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A done follow-up; a value not measured at this follow-up is None."""

    resident_id: int
    condition: Condition
    done_on: dt.date  # local date
    face_to_face: bool  # mode clinic or home
    sbp: int | None = None
    dbp: int | None = None
    fpg: float | None = None
    staff_id: int | None = None


class Booking(msgspec.Struct, frozen=True, kw_only=True):
    """An open booking (a follow-up row not done yet)."""

    id: int
    resident_id: int
    condition: Condition
    due_date: dt.date


class IndicatorCode(enum.StrEnum):
    HTN_MANAGED_TO_SPEC = "htn.managed_to_spec"
    HTN_BP_CONTROLLED = "htn.bp_controlled"
    DM_MANAGED_TO_SPEC = "dm.managed_to_spec"
    DM_FPG_CONTROLLED = "dm.fpg_controlled"
    COHORT_CONTROLLED = "cohort.controlled"
    COHORT_UNCONTROLLED = "cohort.uncontrolled"
    COHORT_NO_MEASURE = "cohort.visit_no_measure"
    COHORT_MISSED_VISIT = "cohort.missed_visit"
    COHORT_LOST = "cohort.lost_to_follow_up"


class RiskReason(enum.StrEnum):
    SEVERE_BP = "severe_bp"
    PRIOR_CVD_BP = "prior_cvd_bp"
    UNCONTROLLED_GLUCOSE = "uncontrolled_glucose"


# (zh, en) labels shown to users.
LABELS: Final[dict[enum.StrEnum, tuple[str, str]]] = {
    IndicatorCode.HTN_MANAGED_TO_SPEC: ("高血压患者规范管理率", "hypertension patients managed to the spec"),
    IndicatorCode.HTN_BP_CONTROLLED: ("管理人群血压控制率", "managed patients with BP controlled"),
    IndicatorCode.DM_MANAGED_TO_SPEC: ("2型糖尿病患者规范管理率", "diabetes patients managed to the spec"),
    IndicatorCode.DM_FPG_CONTROLLED: ("管理人群血糖控制率", "managed patients with glucose controlled"),
    IndicatorCode.COHORT_CONTROLLED: ("近3个月末次随访控制", "controlled at the last visit in 3 months"),
    IndicatorCode.COHORT_UNCONTROLLED: (
        "近3个月末次随访未控制",
        "uncontrolled at the last visit in 3 months",
    ),
    IndicatorCode.COHORT_NO_MEASURE: ("近3个月末次随访未测量", "visit in 3 months without a measure"),
    IndicatorCode.COHORT_MISSED_VISIT: ("近3个月未随访", "no visit in 3 months"),
    IndicatorCode.COHORT_LOST: ("失访（12个月未随访）", "lost to follow-up (12 months without a visit)"),
    RiskReason.SEVERE_BP: ("逾期≥30天且末次血压≥180/110", "≥30 days overdue, last BP ≥180/110"),
    RiskReason.PRIOR_CVD_BP: ("既往心梗或脑卒中且血压≥140/90", "prior heart attack or stroke, BP ≥140/90"),
    RiskReason.UNCONTROLLED_GLUCOSE: ("末次空腹血糖未控制", "last fasting glucose uncontrolled"),
}


class Rate(msgspec.Struct, frozen=True, kw_only=True):
    code: IndicatorCode
    numerator: int
    denominator: int
    rate: float | None  # None when the denominator is 0
    clauses: tuple[str, ...]


def _rate(code: IndicatorCode, numerator: int, denominator: int, clauses: tuple[str, ...]) -> Rate:
    rate = numerator / denominator if denominator else None
    return Rate(code=code, numerator=numerator, denominator=denominator, rate=rate, clauses=clauses)


class IndicatorReport(msgspec.Struct, frozen=True, kw_only=True):
    start: dt.date
    end: dt.date  # the end used: the asked end cut to today
    team_id: int | None
    doctor_id: int | None
    required_face_to_face: int  # for a patient managed the whole period
    rates: tuple[Rate, ...]

    def rate(self, code: IndicatorCode) -> Rate:
        return next(r for r in self.rates if r.code is code)


class CohortReport(msgspec.Struct, frozen=True, kw_only=True):
    """HEARTS-style cohort at a date: `registered` splits into lost + under care; under care into 4 groups."""

    at: dt.date
    condition: Condition
    registered_before: dt.date  # the cohort: registered before this date
    visit_since: dt.date  # "a visit in the last 3 months": done after this date
    registered: int
    under_care: int
    controlled: Rate
    uncontrolled: Rate
    visit_no_measure: Rate
    missed_visit: Rate
    lost_to_follow_up: Rate  # of `registered`


class OverdueItem(msgspec.Struct, frozen=True, kw_only=True):
    booking_id: int
    resident_id: int
    condition: Condition
    due_date: dt.date
    days_overdue: int
    high_risk: bool
    reasons: tuple[RiskReason, ...]
    last_sbp: int | None
    last_dbp: int | None
    last_bp_on: dt.date | None  # the latest follow-up that measured BP (for triage, not for the rates)
    last_fpg: float | None
    last_fpg_on: dt.date | None
    clauses: tuple[str, ...]


class IndicatorDashboard(msgspec.Struct, frozen=True, kw_only=True):
    """What the indicators screen shows at once: the BPHS rates of a period, the cohorts today, the overdue."""

    rates: IndicatorReport
    hypertension: CohortReport
    diabetes: CohortReport
    overdue: tuple[OverdueItem, ...]


def months_before(day: dt.date, months: int) -> dt.date:
    """`base.add_months` backwards (31 May − 3 months → 28/29 February); kept for callers of this module."""
    return add_months(day, -months)


def required_face_to_face(start: dt.date, end: dt.date, settings: IndicatorSettings | None = None) -> int:
    """Face-to-face follow-ups the spec asks for in start..end (inclusive): the yearly minimum, scaled."""
    s = settings or DEFAULT_SETTINGS
    days = (end - start).days + 1
    # per_year × days / 365, rounded half up in integers
    return max(1, (2 * s.face_to_face_per_year * days + DAYS_PER_YEAR) // (2 * DAYS_PER_YEAR))


def _check_condition(condition: Condition, field: str) -> None:
    if condition not in MANAGED:
        raise RuleError(f"indicators count hypertension and diabetes, got {condition!r}", field=field)


# The dashboard asks this of every follow-up of a year (≈ 60,000 for a 50,000-resident township), and BPs,
# ages and glucose values repeat: the answers are cached (the checks of a value still run once per value).
_bp_controlled = functools.lru_cache(maxsize=65536)(hypertension.is_controlled)
_fpg_controlled = functools.lru_cache(maxsize=4096)(diabetes.is_fpg_controlled)


def controlled_at(r: FollowupRecord, birth_date: dt.date) -> bool | None:
    """The record's own value against the programme threshold; None when not measured at this follow-up."""
    if r.condition is Condition.HYPERTENSION:
        if r.sbp is None or r.dbp is None:
            return None
        return _bp_controlled(r.sbp, r.dbp, age_on(birth_date, r.done_on))
    return None if r.fpg is None else _fpg_controlled(r.fpg)


def _keep_latest(latest: dict[_K, FollowupRecord], key: _K, r: FollowupRecord) -> None:
    """Keep `r` under `key` unless a later record is there; of one day, the later in the input is the later."""
    seen = latest.get(key)
    if seen is None or r.done_on >= seen.done_on:
        latest[key] = r


def _latest(records: Iterable[FollowupRecord], until: dt.date) -> dict[tuple[int, Condition], FollowupRecord]:
    latest: dict[tuple[int, Condition], FollowupRecord] = {}
    for r in records:
        if r.done_on <= until:
            _keep_latest(latest, (r.resident_id, r.condition), r)
    return latest


class PeriodSummary(msgspec.Struct, frozen=True, kw_only=True):
    """One patient's follow-ups of a period, all the rates read: how many were face to face, and the latest."""

    face_to_face: int
    latest: FollowupRecord


def summarise_period(
    records: Iterable[FollowupRecord], start: dt.date, end: dt.date
) -> dict[tuple[int, Condition], PeriodSummary]:
    """Per (resident, condition), the records done start..end (db/indicators.py computes the same in SQL)."""
    f2f: dict[tuple[int, Condition], int] = {}
    latest: dict[tuple[int, Condition], FollowupRecord] = {}
    for r in records:
        if start <= r.done_on <= end:
            key = (r.resident_id, r.condition)
            f2f[key] = f2f.get(key, 0) + r.face_to_face
            _keep_latest(latest, key, r)
    return {key: PeriodSummary(face_to_face=f2f[key], latest=last) for key, last in latest.items()}


def bphs_indicators(
    patients: Iterable[Patient],
    records: Iterable[FollowupRecord],
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    condition: Condition | None = None,
    team_id: int | None = None,
    doctor_id: int | None = None,
    settings: IndicatorSettings | None = None,
) -> IndicatorReport:
    """The four BPHS-2017 rates for start..end, or the two of `condition` (module docstring: every rule)."""
    summaries = summarise_period(records, start, min(end, today))
    return bphs_from_summaries(
        patients, summaries, start=start, end=end, today=today, condition=condition, team_id=team_id,
        doctor_id=doctor_id, settings=settings,
    )  # fmt: skip


def bphs_from_summaries(
    patients: Iterable[Patient],
    summaries: Mapping[tuple[int, Condition], PeriodSummary],
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    condition: Condition | None = None,
    team_id: int | None = None,
    doctor_id: int | None = None,
    settings: IndicatorSettings | None = None,
) -> IndicatorReport:
    """bphs_indicators from the summaries of start..min(end, today) (`summarise_period` or the database's)."""
    if start > end:
        raise RuleError(f"the period starts {start} after it ends {end}", field="start")
    if condition is not None:
        _check_condition(condition, "condition")
    s = settings or DEFAULT_SETTINGS
    end = min(end, today)
    if end < start:  # a period that has not begun yet: nobody is counted
        patients, summaries = (), {}
    counts = {c: [0, 0, 0] for c in MANAGED}  # denominator, to the spec, controlled
    whole = required_face_to_face(start, end, s)  # for the patients managed the whole period
    for p in patients:
        n = counts.get(p.condition)
        if n is None:
            _check_condition(p.condition, "condition")  # raises: only the managed conditions are counted
            continue
        if p.registered_on > end or (team_id is not None and p.team_id != team_id):
            continue
        summary = summaries.get((p.resident_id, p.condition))
        if summary is None:
            # No follow-up in the period (most patients in a month): never to the spec — it asks for at least
            # one — and not controlled (lost counts as not controlled, §10); only the denominator counts them.
            # A doctor's figures have only the patients whose latest follow-up was theirs, so none of these.
            if doctor_id is None:
                n[0] += 1
            continue
        last = summary.latest
        if doctor_id is not None and last.staff_id != doctor_id:
            continue
        n[0] += 1
        seen = summary.face_to_face
        late = s.prorate_new_patients and p.registered_on > start
        needed = required_face_to_face(p.registered_on, end, s) if late else whole
        n[1] += seen >= needed
        n[2] += last is not None and controlled_at(last, p.birth_date) is True
    htn, dm = counts[Condition.HYPERTENSION], counts[Condition.DIABETES]
    C = IndicatorCode
    rates: list[Rate] = []
    if condition in (None, Condition.HYPERTENSION):
        rates.append(_rate(C.HTN_MANAGED_TO_SPEC, htn[1], htn[0], (C_HTN_SPEC, C_SPEC)))
        rates.append(
            _rate(C.HTN_BP_CONTROLLED, htn[2], htn[0], (C_HTN_CONTROLLED, *_HTN_THRESHOLD, C_NO_REUSE))
        )
    if condition in (None, Condition.DIABETES):
        rates.append(_rate(C.DM_MANAGED_TO_SPEC, dm[1], dm[0], (C_DM_SPEC, C_SPEC)))
        rates.append(
            _rate(C.DM_FPG_CONTROLLED, dm[2], dm[0], (C_DM_CONTROLLED, diabetes.C_CONTROL, C_NO_REUSE))
        )
    return IndicatorReport(
        start=start,
        end=end,
        team_id=team_id,
        doctor_id=doctor_id,
        required_face_to_face=required_face_to_face(start, end, s) if start <= end else 0,
        rates=tuple(rates),
    )


def hearts_cohort(
    patients: Iterable[Patient],
    records: Iterable[FollowupRecord],
    *,
    at: dt.date,
    condition: Condition,
    team_id: int | None = None,
    doctor_id: int | None = None,
    settings: IndicatorSettings | None = None,
) -> CohortReport:
    """HEARTS-style figures at `at`: every record done on or before `at` counts as a visit (any mode).

    Lost = registered at least `lost_months` ago and no visit since; they leave the under-care denominator.
    `doctor_id` keeps the patients whose latest visit up to `at` was done by that staff member.
    """
    _check_condition(condition, "condition")
    s = settings or DEFAULT_SETTINGS
    registered_before = months_before(at, s.cohort_registered_months)
    visit_since = months_before(at, s.cohort_visit_months)
    lost_since = months_before(at, s.lost_months)
    latest = _latest((r for r in records if r.condition is condition), at)
    registered = lost = controlled = uncontrolled = no_measure = missed = 0
    for p in patients:
        if p.condition is not condition or p.registered_on >= registered_before:
            continue
        if team_id is not None and p.team_id != team_id:
            continue
        last = latest.get((p.resident_id, condition))
        if doctor_id is not None and (last is None or last.staff_id != doctor_id):
            continue
        registered += 1
        if max(last.done_on if last else p.registered_on, p.registered_on) <= lost_since:
            lost += 1
        elif last is None or last.done_on <= visit_since:
            missed += 1
        else:
            verdict = controlled_at(last, p.birth_date)
            controlled += verdict is True
            uncontrolled += verdict is False
            no_measure += verdict is None
    under_care = registered - lost
    C, clauses = IndicatorCode, (C_COHORT, C_LOST)
    threshold = _HTN_THRESHOLD if condition is Condition.HYPERTENSION else (diabetes.C_CONTROL,)
    return CohortReport(
        at=at,
        condition=condition,
        registered_before=registered_before,
        visit_since=visit_since,
        registered=registered,
        under_care=under_care,
        controlled=_rate(C.COHORT_CONTROLLED, controlled, under_care, (*clauses, *threshold)),
        uncontrolled=_rate(C.COHORT_UNCONTROLLED, uncontrolled, under_care, (*clauses, *threshold)),
        visit_no_measure=_rate(C.COHORT_NO_MEASURE, no_measure, under_care, (*clauses, C_NO_REUSE)),
        missed_visit=_rate(C.COHORT_MISSED_VISIT, missed, under_care, clauses),
        lost_to_follow_up=_rate(C.COHORT_LOST, lost, registered, (C_LOST,)),
    )


def residents_of(patients: Iterable[Patient]) -> tuple[dict[int, int | None], frozenset[int]]:
    """The per-resident inputs of `overdue_list` from patient rows: team by resident, residents with a prior
    heart attack or stroke."""
    teams: dict[int, int | None] = {}
    prior: set[int] = set()
    for p in patients:
        teams.setdefault(p.resident_id, p.team_id)
        if p.prior_mi_or_stroke:
            prior.add(p.resident_id)
    return teams, frozenset(prior)


def overdue_list(
    bookings: Iterable[Booking],
    records: Iterable[FollowupRecord],
    *,
    today: dt.date,
    teams: Mapping[int, int | None] | None = None,
    prior_mi_or_stroke: AbstractSet[int] = frozenset(),
    condition: Condition | None = None,
    team_id: int | None = None,
    limit: int | None = None,
    settings: IndicatorSettings | None = None,
) -> tuple[OverdueItem, ...]:
    """Open bookings due before today, high risk first, then most days overdue, then booking id.

    Risk is the resident's: the last BP is that of the latest follow-up (any condition) that measured one
    and the last FPG likewise — for triage an older measured value is what there is (the rates never do this).
    `teams` (resident → contract team today) and `prior_mi_or_stroke` (residents) are per resident, as
    `residents_of` reads them off Patient rows.
    """
    s = settings or DEFAULT_SETTINGS
    team = teams or {}
    prior = prior_mi_or_stroke
    last_bp: dict[int, FollowupRecord] = {}
    last_fpg: dict[int, FollowupRecord] = {}
    for r in records:
        if r.done_on > today:
            continue
        if r.sbp is not None and r.dbp is not None:
            _keep_latest(last_bp, r.resident_id, r)
        if r.fpg is not None:
            _keep_latest(last_fpg, r.resident_id, r)
    items: list[OverdueItem] = []
    for b in bookings:
        if b.due_date >= today or (condition is not None and b.condition is not condition):
            continue
        if team_id is not None and team.get(b.resident_id) != team_id:
            continue
        days = (today - b.due_date).days
        bp, fpg = last_bp.get(b.resident_id), last_fpg.get(b.resident_id)
        reasons: list[RiskReason] = []
        clauses = [C_OVERDUE]
        if bp is not None and bp.sbp is not None and bp.dbp is not None:
            severe = bp.sbp >= s.risk_severe_sbp or bp.dbp >= s.risk_severe_dbp
            if severe and days >= s.risk_overdue_days:
                reasons.append(RiskReason.SEVERE_BP)
                clauses.append(C_RISK_SEVERE_BP)
            raised = bp.sbp >= s.risk_prior_cvd_sbp or bp.dbp >= s.risk_prior_cvd_dbp
            if raised and b.resident_id in prior:
                reasons.append(RiskReason.PRIOR_CVD_BP)
                clauses.append(C_RISK_PRIOR_CVD)
        if fpg is not None and fpg.fpg is not None and not diabetes.is_fpg_controlled(fpg.fpg):
            reasons.append(RiskReason.UNCONTROLLED_GLUCOSE)
            clauses.extend((C_RISK_GLUCOSE, diabetes.C_CONTROL))
        items.append(
            OverdueItem(
                booking_id=b.id,
                resident_id=b.resident_id,
                condition=b.condition,
                due_date=b.due_date,
                days_overdue=days,
                high_risk=bool(reasons),
                reasons=tuple(reasons),
                last_sbp=bp.sbp if bp else None,
                last_dbp=bp.dbp if bp else None,
                last_bp_on=bp.done_on if bp else None,
                last_fpg=fpg.fpg if fpg else None,
                last_fpg_on=fpg.done_on if fpg else None,
                clauses=tuple(clauses),
            )
        )
    items.sort(key=lambda i: (not i.high_risk, -i.days_overdue, i.booking_id))
    return tuple(items if limit is None else items[: max(0, limit)])
