"""Work indicators (CLINICAL_RULES.md §10) on a small hand-built cohort whose answers are worked out below.

The cohort (TODAY = 2025-12-31; the period is the year 2025; doctors 501 and 502; teams 1 and 2).
f2f = face-to-face follow-ups (clinic or home) in 2025; "latest" = the latest follow-up of 2025.

| id | cond | born       | registered | team | 2025 follow-ups (f2f)   | latest (doctor)            | spec | ctrl |
|----|------|------------|------------|------|-------------------------|----------------------------|------|------|
| 1  | HTN  | 1970-03-01 | 2020-01-10 | 1    | 4 (one at home)         | 11-10 130/84 (501)         | yes  | yes  |
| 2  | HTN  | 1972-04-04 | 2019-05-05 | 1    | 3 + a phone call        | 12-01 phone, no BP (502)   | no   | NO: earlier 128/78 not reused |
| 3  | HTN  | 1960-11-10 | 2018-01-01 | 2    | 4                       | 11-10 145/85 (502), age 65 | yes  | yes (<150/90 at 65) |
| 4  | HTN  | 1960-11-11 | 2018-01-01 | 2    | 4                       | 11-10 145/85 (501), age 64 | yes  | no (≥140 at 64) |
| 5  | HTN  | 1950-02-02 | 2016-03-03 | 1    | 0 (last 2024-06-20)     | —                          | no   | no (lost) |
| 6  | HTN  | 1975-05-05 | 2025-10-31 | 2    | 1 (of 4)                | 11-20 130/80 (501)         | no   | yes  |
| 7  | HTN  | 1975-07-07 | 2025-08-31 | 1    | 1 (of 4)                | 09-15 150/92 (502)         | no   | no   |
| 8  | HTN  | 1955-08-08 | 2015-06-06 | 2    | 4, prior stroke         | 12-06 145/91 (501), age 70 | yes  | no (DBP ≥90) |
| 9  | HTN  | 1965-09-09 | 2017-07-07 | 1    | 4                       | 10-20 185/112 (501)        | yes  | no   |
| 10 | HTN  | 1966-10-10 | 2017-08-08 | 2    | 4                       | 11-27 182/100 (502)        | yes  | no   |
| 11 | DM   | 1958-01-01 | 2019-02-02 | 1    | 4                       | 11-01 FPG 8.1 (501)        | yes  | no   |
| 12 | DM   | 1962-02-02 | 2020-03-03 | 2    | 4 (one at home)         | 12-10 FPG 6.9 (502)        | yes  | yes (<7.0) |
| 13 | DM   | 1980-03-03 | 2022-04-04 | 1    | 3 + a phone call        | 10-20 FPG 7.0 (501)        | no   | no (not <7.0) |

BPHS-2017, 2025:  hypertension to the spec 6/10 (1, 3, 4, 8, 9, 10), BP controlled 3/10 (1, 3, 6);
                  diabetes to the spec 2/3 (11, 12), glucose controlled 1/3 (12).
                  With `prorate_new_patients`, 6 (62 days → needs 1) and 7 (123 days → needs 1) pass too: 8/10.
Team 1 (1, 2, 5, 7, 9, 11, 13): HTN spec 2/5 (1, 9), controlled 1/5 (1); DM spec 1/2, controlled 0/2.
Team 2 (3, 4, 6, 8, 10, 12):    HTN spec 4/5 (all but 6), controlled 2/5 (3, 6); DM spec 1/1, controlled 1/1.
Doctor 501 (latest by 501: 1, 4, 6, 8, 9, 11, 13; 5 has none in 2025 and drops out):
                  HTN spec 4/5 (all but 6), controlled 2/5 (1, 6); DM spec 1/2 (11), controlled 0/2.

HEARTS-style cohort, hypertension, at 2025-12-31: registered before 2025-09-30 (3 months), a visit counts after
2025-09-30, lost when nothing after 2024-12-31 (12 months).
  6 registered 2 months ago → not in the cohort; 7 registered 4 months ago → in it: registered = 9.
  lost: 5 (last visit 2024-06-20) → 1 of 9; under care 8:
  controlled 1, 3 → 2; uncontrolled 4, 8, 9, 10 → 4; visit without a measure 2 → 1; missed visit 7 → 1.

Overdue at 2025-12-31 (booking: resident, due, days overdue, last BP / FPG):
  104: 9,  2025-11-03, 58, 185/112 → high (≥30 days and ≥180/110)
  109: 13, 2025-11-03, 58, FPG 7.0 → high (glucose uncontrolled)   — tie with 104 on days: booking id decides
  106: 11, 2025-11-15, 46, FPG 8.1 → high (glucose)
  103: 8,  2025-12-20, 11, 145/91 + prior stroke → high (prior CVD with ≥140/90; no 30-day condition)
  101: 5,  2024-07-04, 545, 150/95 → not high
  102: 7,  2025-09-29, 93, 150/92 → not high
  105: 10, 2025-12-11, 20, 182/100 → not high (severe BP but under 30 days)
  not overdue: 107 (1, due 2026-02-08), 108 (2, due today).
"""

from __future__ import annotations

import datetime as dt

import pytest

from flows.model import Condition
from flows.rules import indicators as ind
from flows.rules.base import CLAUSES, Confidence, RuleError

D = dt.date
HTN, DM = Condition.HYPERTENSION, Condition.DIABETES
K = ind.IndicatorCode
R = ind.RiskReason
TODAY = D(2025, 12, 31)
YEAR = (D(2025, 1, 1), D(2025, 12, 31))
PRIOR_STROKE = 8  # resident 8 had a stroke (I63) before

PATIENTS: tuple[ind.Patient, ...] = tuple(
    ind.Patient(
        resident_id=rid,
        condition=cond,
        birth_date=born,
        registered_on=registered,
        team_id=team,
        prior_mi_or_stroke=rid == PRIOR_STROKE,
    )
    for rid, cond, born, registered, team in [
        (1, HTN, D(1970, 3, 1), D(2020, 1, 10), 1),
        (2, HTN, D(1972, 4, 4), D(2019, 5, 5), 1),
        (3, HTN, D(1960, 11, 10), D(2018, 1, 1), 2),
        (4, HTN, D(1960, 11, 11), D(2018, 1, 1), 2),
        (5, HTN, D(1950, 2, 2), D(2016, 3, 3), 1),
        (6, HTN, D(1975, 5, 5), D(2025, 10, 31), 2),
        (7, HTN, D(1975, 7, 7), D(2025, 8, 31), 1),
        (8, HTN, D(1955, 8, 8), D(2015, 6, 6), 2),
        (9, HTN, D(1965, 9, 9), D(2017, 7, 7), 1),
        (10, HTN, D(1966, 10, 10), D(2017, 8, 8), 2),
        (11, DM, D(1958, 1, 1), D(2019, 2, 2), 1),
        (12, DM, D(1962, 2, 2), D(2020, 3, 3), 2),
        (13, DM, D(1980, 3, 3), D(2022, 4, 4), 1),
    ]
)


def _bp(
    rid: int, day: D, sbp: int | None, dbp: int | None, staff: int, *, mode: str = "clinic"
) -> ind.FollowupRecord:
    return ind.FollowupRecord(
        resident_id=rid, condition=HTN, done_on=day, face_to_face=mode != "phone", sbp=sbp, dbp=dbp,
        staff_id=staff,
    )  # fmt: skip


def _fpg(rid: int, day: D, fpg: float | None, staff: int, *, mode: str = "clinic") -> ind.FollowupRecord:
    # The diabetes form records BP too; a phone call measures nothing.
    sbp, dbp = (None, None) if mode == "phone" else (128, 78)
    return ind.FollowupRecord(
        resident_id=rid, condition=DM, done_on=day, face_to_face=mode != "phone", sbp=sbp, dbp=dbp, fpg=fpg,
        staff_id=staff,
    )  # fmt: skip


# Mode is one of clinic | home | phone (MODES); the database test writes them as they are.
RECORDS: tuple[ind.FollowupRecord, ...] = (
    _bp(1, D(2025, 2, 10), 132, 82, 501),
    _bp(1, D(2025, 5, 12), 128, 80, 501),
    _bp(1, D(2025, 8, 11), 135, 85, 502, mode="home"),
    _bp(1, D(2025, 11, 10), 130, 84, 501),
    _bp(2, D(2025, 3, 1), 130, 80, 502),
    _bp(2, D(2025, 6, 1), 132, 82, 502),
    _bp(2, D(2025, 9, 1), 128, 78, 502),  # controlled, but not the latest
    _bp(2, D(2025, 12, 1), None, None, 502, mode="phone"),  # latest: no BP → not controlled
    *(_bp(3, D(2025, m, 15), 138, 84, 502) for m in (1, 4, 7)),
    _bp(3, D(2025, 11, 10), 145, 85, 502),  # 65th birthday that day: <150/90 → controlled
    *(_bp(4, D(2025, m, 15), 138, 84, 501) for m in (1, 4, 7)),
    _bp(4, D(2025, 11, 10), 145, 85, 501),  # 64 until tomorrow: ≥140 → not controlled
    _bp(5, D(2024, 6, 20), 150, 95, 501),  # before the period; lost since
    _bp(6, D(2025, 11, 20), 130, 80, 501),
    _bp(7, D(2025, 9, 15), 150, 92, 502),
    *(_bp(8, D(2025, m, 3), 142, 88, 502) for m in (3, 6, 9)),
    _bp(8, D(2025, 12, 6), 145, 91, 501),
    _bp(9, D(2025, 1, 5), 185, 112, 501),
    _bp(9, D(2025, 4, 10), 170, 100, 501),
    _bp(9, D(2025, 7, 15), 165, 98, 501),
    _bp(9, D(2025, 10, 20), 185, 112, 501),
    *(_bp(10, D(2025, m, 27), 160, 95, 502) for m in (2, 5, 8)),
    _bp(10, D(2025, 11, 27), 182, 100, 502),
    _fpg(11, D(2025, 2, 1), 6.5, 501),
    _fpg(11, D(2025, 5, 1), 6.8, 501),
    _fpg(11, D(2025, 8, 1), 6.2, 501),
    _fpg(11, D(2025, 11, 1), 8.1, 501),
    _fpg(12, D(2025, 3, 10), 6.1, 502),
    _fpg(12, D(2025, 6, 10), 6.3, 502),
    _fpg(12, D(2025, 9, 10), 6.0, 502, mode="home"),
    _fpg(12, D(2025, 12, 10), 6.9, 502),
    _fpg(13, D(2025, 1, 20), 6.5, 501),
    _fpg(13, D(2025, 4, 20), None, 501, mode="phone"),
    _fpg(13, D(2025, 7, 20), 6.5, 501),
    _fpg(13, D(2025, 10, 20), 7.0, 501),
)
# The mode of each record, for the database test (phone ↔ not face to face; the home visits are marked here).
HOME = {(1, D(2025, 8, 11)), (12, D(2025, 9, 10))}

BOOKINGS: tuple[ind.Booking, ...] = tuple(
    ind.Booking(id=bid, resident_id=rid, condition=cond, due_date=due)
    for bid, rid, cond, due in [
        (101, 5, HTN, D(2024, 7, 4)),
        (102, 7, HTN, D(2025, 9, 29)),
        (103, 8, HTN, D(2025, 12, 20)),
        (104, 9, HTN, D(2025, 11, 3)),
        (105, 10, HTN, D(2025, 12, 11)),
        (106, 11, DM, D(2025, 11, 15)),
        (107, 1, HTN, D(2026, 2, 8)),
        (108, 2, HTN, D(2025, 12, 31)),
        (109, 13, DM, D(2025, 11, 3)),
    ]
)

TEAMS, PRIOR = ind.residents_of(PATIENTS)  # the per-resident inputs of the overdue list

# (code, numerator, denominator) per filter, from the table in the module docstring.
EXPECTED_RATES: dict[str, dict[K, tuple[int, int]]] = {
    "all": {
        K.HTN_MANAGED_TO_SPEC: (6, 10),
        K.HTN_BP_CONTROLLED: (3, 10),
        K.DM_MANAGED_TO_SPEC: (2, 3),
        K.DM_FPG_CONTROLLED: (1, 3),
    },
    "team 1": {
        K.HTN_MANAGED_TO_SPEC: (2, 5),
        K.HTN_BP_CONTROLLED: (1, 5),
        K.DM_MANAGED_TO_SPEC: (1, 2),
        K.DM_FPG_CONTROLLED: (0, 2),
    },
    "team 2": {
        K.HTN_MANAGED_TO_SPEC: (4, 5),
        K.HTN_BP_CONTROLLED: (2, 5),
        K.DM_MANAGED_TO_SPEC: (1, 1),
        K.DM_FPG_CONTROLLED: (1, 1),
    },
    "doctor 501": {
        K.HTN_MANAGED_TO_SPEC: (4, 5),
        K.HTN_BP_CONTROLLED: (2, 5),
        K.DM_MANAGED_TO_SPEC: (1, 2),
        K.DM_FPG_CONTROLLED: (0, 2),
    },
}
# name → (team_id, doctor_id)
FILTERS: dict[str, tuple[int | None, int | None]] = {
    "all": (None, None),
    "team 1": (1, None),
    "team 2": (2, None),
    "doctor 501": (None, 501),
}
# HEARTS-style cohort of hypertension at TODAY: registered, under care, then each group.
EXPECTED_COHORT = {
    "registered": 9,
    "under_care": 8,
    "controlled": 2,
    "uncontrolled": 4,
    "visit_no_measure": 1,
    "missed_visit": 1,
    "lost_to_follow_up": 1,
}
# Overdue at TODAY: (booking, high risk, reasons), in order.
EXPECTED_OVERDUE = [
    (104, True, (R.SEVERE_BP,)),
    (109, True, (R.UNCONTROLLED_GLUCOSE,)),
    (106, True, (R.UNCONTROLLED_GLUCOSE,)),
    (103, True, (R.PRIOR_CVD_BP,)),
    (101, False, ()),
    (102, False, ()),
    (105, False, ()),
]


def counts(report: ind.IndicatorReport) -> dict[K, tuple[int, int]]:
    return {r.code: (r.numerator, r.denominator) for r in report.rates}


def cohort_counts(report: ind.CohortReport) -> dict[str, int]:
    return {
        "registered": report.registered,
        "under_care": report.under_care,
        **{
            name: getattr(report, name).numerator
            for name in (
                "controlled",
                "uncontrolled",
                "visit_no_measure",
                "missed_visit",
                "lost_to_follow_up",
            )
        },
    }


def overdue_summary(items: tuple[ind.OverdueItem, ...]) -> list[tuple[int, bool, tuple[ind.RiskReason, ...]]]:
    return [(i.booking_id, i.high_risk, i.reasons) for i in items]


# --- BPHS-2017 rates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("all", id="BPHS-2017 工作指标: the four rates of the year, whole site"),
        pytest.param("team 1", id="BPHS-2017 工作指标: filtered by the contract team at the period end (1)"),
        pytest.param("team 2", id="BPHS-2017 工作指标: filtered by the contract team at the period end (2)"),
        pytest.param("doctor 501", id="BPHS-2017 工作指标: filtered by the doctor of the latest follow-up"),
    ],
)
def test_bphs_rates_of_the_cohort(name: str) -> None:
    team, doctor = FILTERS[name]
    report = ind.bphs_indicators(
        PATIENTS, RECORDS, start=YEAR[0], end=YEAR[1], today=TODAY, team_id=team, doctor_id=doctor
    )
    assert counts(report) == EXPECTED_RATES[name]
    assert report.required_face_to_face == 4
    for rate in report.rates:
        assert rate.rate == pytest.approx(rate.numerator / rate.denominator)
        assert rate.clauses
        assert all(c in CLAUSES for c in rate.clauses)


def _single(records: tuple[ind.FollowupRecord, ...], patient_id: int) -> dict[K, tuple[int, int]]:
    patient = next(p for p in PATIENTS if p.resident_id == patient_id)
    report = ind.bphs_indicators([patient], records, start=YEAR[0], end=YEAR[1], today=TODAY)
    return counts(report)


def test_latest_follow_up_without_bp_is_not_controlled_even_after_a_controlled_one() -> None:
    # IND.latest.no_reuse: resident 2 was 128/78 in September; the December phone call measured nothing.
    assert _single(RECORDS, 2)[K.HTN_BP_CONTROLLED] == (0, 1)
    without_the_call = tuple(r for r in RECORDS if not (r.resident_id == 2 and r.sbp is None))
    assert _single(without_the_call, 2)[K.HTN_BP_CONTROLLED] == (1, 1)
    report = ind.bphs_indicators(PATIENTS, RECORDS, start=YEAR[0], end=YEAR[1], today=TODAY)
    assert ind.C_NO_REUSE in report.rate(K.HTN_BP_CONTROLLED).clauses


def test_latest_follow_up_without_fpg_is_not_controlled() -> None:
    last = ind.FollowupRecord(
        resident_id=12, condition=DM, done_on=D(2025, 12, 20), face_to_face=False, staff_id=502
    )
    assert _single(RECORDS, 12)[K.DM_FPG_CONTROLLED] == (1, 1)
    assert _single((*RECORDS, last), 12)[K.DM_FPG_CONTROLLED] == (0, 1)


@pytest.mark.parametrize(
    ("patient_id", "controlled"),
    [
        pytest.param(3, (1, 1), id="BPHS-2017 指标定义: 145/85 on the 65th birthday → controlled (<150/90)"),
        pytest.param(4, (0, 1), id="BPHS-2017 §分类: 145/85 a day before turning 65 → not controlled (≥140)"),
    ],
)
def test_programme_threshold_uses_the_age_on_the_date_of_the_follow_up(
    patient_id: int, controlled: tuple[int, int]
) -> None:
    assert _single(RECORDS, patient_id)[K.HTN_BP_CONTROLLED] == controlled


def test_lost_patient_stays_in_the_denominator_and_is_neither_to_the_spec_nor_controlled() -> None:
    assert _single(RECORDS, 5) == {
        K.HTN_MANAGED_TO_SPEC: (0, 1),
        K.HTN_BP_CONTROLLED: (0, 1),
        K.DM_MANAGED_TO_SPEC: (0, 0),
        K.DM_FPG_CONTROLLED: (0, 0),
    }


def test_phone_follow_ups_do_not_count_as_face_to_face() -> None:
    # Resident 2: three clinic visits and a phone call → 3 of the 4 required; resident 1: a home visit counts.
    assert _single(RECORDS, 2)[K.HTN_MANAGED_TO_SPEC] == (0, 1)
    assert _single(RECORDS, 1)[K.HTN_MANAGED_TO_SPEC] == (1, 1)


@pytest.mark.parametrize(
    ("start", "end", "required"),
    [
        pytest.param(D(2025, 1, 1), D(2025, 12, 31), 4, id="[U] a year → 4"),
        pytest.param(D(2024, 1, 1), D(2024, 12, 31), 4, id="[U] a leap year → 4"),
        pytest.param(D(2025, 7, 1), D(2025, 9, 30), 1, id="[U] a quarter of 92 days → 1"),
        pytest.param(D(2025, 1, 1), D(2025, 3, 31), 1, id="[U] a quarter of 90 days → 1"),
        pytest.param(D(2025, 1, 1), D(2025, 6, 30), 2, id="[U] a half year → 2"),
        pytest.param(D(2025, 2, 1), D(2025, 2, 28), 1, id="[U] a month → at least 1"),
        pytest.param(D(2025, 1, 1), D(2025, 5, 17), 2, id="[U] 137 days → 1.50… rounds up to 2"),
        pytest.param(D(2025, 1, 1), D(2025, 5, 16), 1, id="[U] 136 days → 1.49… rounds down to 1"),
    ],
)
def test_required_face_to_face_scales_with_the_period(start: D, end: D, required: int) -> None:
    assert ind.required_face_to_face(start, end) == required
    assert CLAUSES[ind.C_SPEC].confidence is Confidence.U


def test_settings_override_the_unconfirmed_minimum() -> None:
    strict = ind.IndicatorSettings(face_to_face_per_year=6)
    assert ind.required_face_to_face(*YEAR, strict) == 6
    report = ind.bphs_indicators(PATIENTS, RECORDS, start=YEAR[0], end=YEAR[1], today=TODAY, settings=strict)
    assert report.required_face_to_face == 6
    assert report.rate(K.HTN_MANAGED_TO_SPEC).numerator == 0  # nobody has 6
    # Prorated as well: resident 6 needs 6 × 62/365 → 1 and has 1 (passes); 7 needs 6 × 123/365 → 2, has 1.
    both = ind.IndicatorSettings(face_to_face_per_year=6, prorate_new_patients=True)
    report = ind.bphs_indicators(PATIENTS, RECORDS, start=YEAR[0], end=YEAR[1], today=TODAY, settings=both)
    assert report.rate(K.HTN_MANAGED_TO_SPEC).numerator == 1


@pytest.mark.parametrize(
    ("prorate", "to_spec"),
    [
        pytest.param(
            False, (6, 10), id="[U] registered in the year: 4 face-to-face still required (national text)"
        ),
        pytest.param(
            True, (8, 10), id="[U] prorated: registered 2 and 4 months ago, one follow-up is enough"
        ),
    ],
)
def test_patients_registered_during_the_period(prorate: bool, to_spec: tuple[int, int]) -> None:
    settings = ind.IndicatorSettings(prorate_new_patients=prorate)
    report = ind.bphs_indicators(
        PATIENTS, RECORDS, start=YEAR[0], end=YEAR[1], today=TODAY, condition=HTN, settings=settings
    )
    assert counts(report)[K.HTN_MANAGED_TO_SPEC] == to_spec
    assert report.rate(K.HTN_BP_CONTROLLED).numerator == 3  # control does not depend on it


def test_a_year_in_progress_counts_the_days_so_far() -> None:
    report = ind.bphs_indicators(
        PATIENTS, RECORDS, start=D(2025, 1, 1), end=D(2025, 12, 31), today=D(2025, 6, 30)
    )
    assert report.end == D(2025, 6, 30)
    assert report.required_face_to_face == 2
    # Registered by 30 June: 1-5 and 8-10 (6 and 7 came later); 1: Feb, May → 2 ≥ 2 ✓; 2: Mar, Jun ✓;
    # 3, 4: Jan, Apr ✓; 5: none; 8: Mar, Jun ✓; 9: Jan, Apr ✓; 10: Feb, May ✓.
    assert counts(report)[K.HTN_MANAGED_TO_SPEC] == (7, 8)


def test_a_period_not_begun_counts_nobody_and_rates_are_none() -> None:
    report = ind.bphs_indicators(PATIENTS, RECORDS, start=D(2026, 1, 1), end=D(2026, 3, 31), today=TODAY)
    assert all((r.numerator, r.denominator, r.rate) == (0, 0, None) for r in report.rates)


def test_one_condition_gives_its_two_rates() -> None:
    report = ind.bphs_indicators(PATIENTS, RECORDS, start=YEAR[0], end=YEAR[1], today=TODAY, condition=DM)
    assert [r.code for r in report.rates] == [K.DM_MANAGED_TO_SPEC, K.DM_FPG_CONTROLLED]


def test_bad_input_is_refused_naming_the_field() -> None:
    with pytest.raises(RuleError) as caught:
        ind.bphs_indicators(PATIENTS, RECORDS, start=D(2025, 2, 1), end=D(2025, 1, 1), today=TODAY)
    assert caught.value.field == "start"
    with pytest.raises(RuleError) as caught:
        ind.hearts_cohort(PATIENTS, RECORDS, at=TODAY, condition=Condition.COPD)
    assert caught.value.field == "condition"


# --- HEARTS-style cohort -----------------------------------------------------------------------------------


def test_hearts_cohort_of_hypertension() -> None:
    report = ind.hearts_cohort(PATIENTS, RECORDS, at=TODAY, condition=HTN)
    assert (report.registered_before, report.visit_since) == (D(2025, 9, 30), D(2025, 9, 30))
    assert cohort_counts(report) == EXPECTED_COHORT
    assert report.controlled.rate == pytest.approx(2 / 8)
    assert report.lost_to_follow_up.rate == pytest.approx(1 / 9)
    for rate in (report.controlled, report.uncontrolled, report.visit_no_measure, report.missed_visit):
        assert rate.denominator == report.under_care
        assert all(c in CLAUSES for c in rate.clauses)
    assert ind.C_LOST in report.lost_to_follow_up.clauses


@pytest.mark.parametrize(
    ("registered", "in_cohort"),
    [
        pytest.param(D(2025, 10, 31), False, id="HEARTS [U]: registered 2 months ago → not in the cohort"),
        pytest.param(D(2025, 9, 30), False, id="HEARTS [U]: registered exactly 3 months ago → not yet"),
        pytest.param(D(2025, 9, 29), True, id="HEARTS [U]: registered 3 months and a day ago → in"),
        pytest.param(D(2025, 8, 31), True, id="HEARTS [U]: registered 4 months ago → in the cohort"),
    ],
)
def test_cohort_is_registered_more_than_three_months_ago(registered: D, in_cohort: bool) -> None:
    patient = ind.Patient(resident_id=99, condition=HTN, birth_date=D(1970, 1, 1), registered_on=registered)
    report = ind.hearts_cohort([patient], [], at=TODAY, condition=HTN)
    assert report.registered == int(in_cohort)
    assert report.missed_visit.numerator == int(
        in_cohort
    )  # never seen, not registered long enough to be lost


@pytest.mark.parametrize(
    ("last_visit", "lost"),
    [
        pytest.param(D(2024, 12, 31), True, id="HEARTS [U]: last visit exactly 12 months ago → lost"),
        pytest.param(D(2025, 1, 1), False, id="HEARTS [U]: last visit under 12 months ago → missed visit"),
    ],
)
def test_lost_to_follow_up_after_twelve_months(last_visit: D, lost: bool) -> None:
    patient = ind.Patient(
        resident_id=99, condition=HTN, birth_date=D(1970, 1, 1), registered_on=D(2020, 1, 1)
    )
    visit = _bp(99, last_visit, 130, 80, 501)
    report = ind.hearts_cohort([patient], [visit], at=TODAY, condition=HTN)
    assert (report.lost_to_follow_up.numerator, report.missed_visit.numerator) == (int(lost), int(not lost))


def test_hearts_cohort_of_diabetes_and_team_filter() -> None:
    # 11: 11-01 FPG 8.1 → uncontrolled; 12: 12-10 FPG 6.9 → controlled; 13: 10-20 FPG 7.0 → uncontrolled.
    report = ind.hearts_cohort(PATIENTS, RECORDS, at=TODAY, condition=DM)
    assert (report.registered, report.controlled.numerator, report.uncontrolled.numerator) == (3, 1, 2)
    team1 = ind.hearts_cohort(PATIENTS, RECORDS, at=TODAY, condition=DM, team_id=1)
    assert (team1.registered, team1.controlled.numerator) == (2, 0)
    by_doctor = ind.hearts_cohort(PATIENTS, RECORDS, at=TODAY, condition=HTN, doctor_id=502)
    # Latest visit by 502: 2 (no measure), 3 (controlled), 7 (missed), 10 (uncontrolled).
    assert cohort_counts(by_doctor)["registered"] == 4


# --- overdue list ------------------------------------------------------------------------------------------


def test_overdue_list_is_ordered_by_risk_then_days_overdue() -> None:
    items = ind.overdue_list(BOOKINGS, RECORDS, today=TODAY, teams=TEAMS, prior_mi_or_stroke=PRIOR)
    assert overdue_summary(items) == EXPECTED_OVERDUE
    assert [i.days_overdue for i in items] == [58, 58, 46, 11, 545, 93, 20]
    first = items[0]
    assert (first.last_sbp, first.last_dbp, first.last_bp_on) == (185, 112, D(2025, 10, 20))
    for item in items:
        assert ind.C_OVERDUE in item.clauses
        assert all(c in CLAUSES for c in item.clauses)
    reasons = {i.booking_id: i.clauses for i in items}
    assert ind.C_RISK_SEVERE_BP in reasons[104]
    assert ind.C_RISK_GLUCOSE in reasons[109]
    assert ind.C_RISK_PRIOR_CVD in reasons[103]


@pytest.mark.parametrize(
    ("days", "sbp", "dbp", "prior", "reasons"),
    [
        pytest.param(30, 180, 100, False, (R.SEVERE_BP,), id="HEARTS [U]: 30 days overdue, SBP 180 → high"),
        pytest.param(30, 170, 110, False, (R.SEVERE_BP,), id="HEARTS [U]: 30 days overdue, DBP 110 → high"),
        pytest.param(29, 180, 110, False, (), id="HEARTS [U]: 29 days overdue, 180/110 → not yet high"),
        pytest.param(30, 179, 109, False, (), id="HEARTS [U]: 30 days overdue, 179/109 → not high"),
        pytest.param(1, 140, 80, True, (R.PRIOR_CVD_BP,), id="HEARTS [U]: prior stroke, SBP 140 → high"),
        pytest.param(1, 130, 90, True, (R.PRIOR_CVD_BP,), id="HEARTS [U]: prior stroke, DBP 90 → high"),
        pytest.param(1, 139, 89, True, (), id="HEARTS [U]: prior stroke, 139/89 → not high"),
        pytest.param(1, 150, 95, False, (), id="HEARTS [U]: no prior event, 150/95 → not high"),
        pytest.param(
            40, 185, 112, True, (R.SEVERE_BP, R.PRIOR_CVD_BP), id="HEARTS [U]: both BP reasons at once"
        ),
    ],
)
def test_high_risk_bp_reasons(
    days: int, sbp: int, dbp: int, prior: bool, reasons: tuple[ind.RiskReason, ...]
) -> None:
    patient = ind.Patient(
        resident_id=99, condition=HTN, birth_date=D(1950, 1, 1), registered_on=D(2020, 1, 1),
        prior_mi_or_stroke=prior,
    )  # fmt: skip
    booking = ind.Booking(id=1, resident_id=99, condition=HTN, due_date=TODAY - dt.timedelta(days=days))
    teams, prior_ids = ind.residents_of([patient])
    [item] = ind.overdue_list(
        [booking],
        [_bp(99, D(2025, 6, 1), sbp, dbp, 501)],
        today=TODAY,
        teams=teams,
        prior_mi_or_stroke=prior_ids,
    )
    assert (item.reasons, item.high_risk, item.days_overdue) == (reasons, bool(reasons), days)


@pytest.mark.parametrize(
    ("fpg", "high"),
    [
        pytest.param(7.0, True, id="HEARTS [U]: last FPG 7.0 → uncontrolled glucose, high"),
        pytest.param(6.9, False, id="HEARTS [U]: last FPG 6.9 → controlled, not high"),
    ],
)
def test_high_risk_glucose(fpg: float, high: bool) -> None:
    booking = ind.Booking(id=1, resident_id=11, condition=DM, due_date=D(2025, 12, 30))
    [item] = ind.overdue_list([booking], [_fpg(11, D(2025, 9, 1), fpg, 501)], today=TODAY)
    assert item.high_risk is high


def test_risk_uses_the_latest_measured_bp_not_a_later_phone_call() -> None:
    # Triage (not the rates): a phone call after a 185/112 reading must not hide the reading.
    booking = ind.Booking(id=1, resident_id=9, condition=HTN, due_date=D(2025, 11, 3))
    call = _bp(9, D(2025, 11, 1), None, None, 501, mode="phone")
    [item] = ind.overdue_list([booking], (*RECORDS, call), today=TODAY)
    assert (item.reasons, item.last_bp_on) == ((R.SEVERE_BP,), D(2025, 10, 20))


def test_overdue_filters_and_limit() -> None:
    by_condition = ind.overdue_list(
        BOOKINGS, RECORDS, today=TODAY, teams=TEAMS, prior_mi_or_stroke=PRIOR, condition=DM
    )
    assert [i.booking_id for i in by_condition] == [109, 106]
    by_team = ind.overdue_list(
        BOOKINGS, RECORDS, today=TODAY, teams=TEAMS, prior_mi_or_stroke=PRIOR, team_id=1
    )
    assert [i.booking_id for i in by_team] == [104, 109, 106, 101, 102]
    top = ind.overdue_list(BOOKINGS, RECORDS, today=TODAY, teams=TEAMS, prior_mi_or_stroke=PRIOR, limit=3)
    assert [i.booking_id for i in top] == [104, 109, 106]


def test_labels_cover_every_code_in_both_languages() -> None:
    for code in (*ind.IndicatorCode, *ind.RiskReason):
        zh, en = ind.LABELS[code]
        assert zh
        assert en


def test_every_registered_indicator_clause_is_used_by_a_result() -> None:
    used: set[str] = set()
    report = ind.bphs_indicators(PATIENTS, RECORDS, start=YEAR[0], end=YEAR[1], today=TODAY)
    used.update(c for r in report.rates for c in r.clauses)
    cohort = ind.hearts_cohort(PATIENTS, RECORDS, at=TODAY, condition=HTN)
    for rate in (cohort.controlled, cohort.visit_no_measure, cohort.lost_to_follow_up):
        used.update(rate.clauses)
    used.update(
        c
        for i in ind.overdue_list(BOOKINGS, RECORDS, today=TODAY, teams=TEAMS, prior_mi_or_stroke=PRIOR)
        for c in i.clauses
    )
    mine = {c for c in CLAUSES if c.startswith("IND.")}
    assert mine <= used
