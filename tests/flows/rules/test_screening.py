"""The screening of a visit (CLINICAL_RULES.md §2–§7): findings, next steps with due dates, emergencies."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.model import Condition, Sex
from flows.rules import _hypertension_data as hd
from flows.rules import copd, diabetes, diabetes_care, emergency, hypertension, lipids, screening, stroke
from flows.rules.base import CLAUSES, Finding, RuleError, Severity
from flows.rules.hypertension import HypertensionSettings
from flows.rules.screening import ScreeningHistory, ScreeningResult, ScreeningSettings

TODAY = dt.date(2026, 3, 10)
NORMAL_BP = {"sbp": 118.0, "dbp": 76.0}
BPHS_FLOOR = ScreeningSettings(hypertension=HypertensionSettings(screening_age_floor=35))


def _screen(
    measurements: dict[str, float],
    *,
    age: int = 45,
    sex: Sex = Sex.MALE,
    history: ScreeningHistory | None = None,
    questionnaires: tuple[Finding, ...] = (),
    symptoms: tuple[str, ...] = (),
    settings: ScreeningSettings | None = None,
) -> ScreeningResult:
    r = screening.screen(
        measurements=measurements,
        age=age,
        sex=sex,
        today=TODAY,
        history=history,
        questionnaires=questionnaires,
        symptoms=symptoms,
        settings=settings,
    )
    cited = [(f.code, f.clauses) for f in r.findings] + [(s.code, s.clauses) for s in r.next_steps]
    for code, clauses in cited:
        assert clauses, f"{code} cites no clause"
        assert all(c in CLAUSES for c in clauses)
        assert set(clauses) <= set(r.clauses)
    return r


def _steps(r: ScreeningResult) -> dict[str, dt.date | None]:
    return {s.code: s.due for s in r.next_steps}


def _codes(r: ScreeningResult) -> set[str]:
    return {f.code for f in r.findings}


@pytest.mark.parametrize(
    ("age", "settings", "graded", "screen_step"),
    [
        pytest.param(17, None, False, None, id="WS-T-872: age 17 → adult rules do not apply"),
        pytest.param(18, None, True, "htn.screen.yearly", id="WS-T-872: age 18 → graded, yearly screen"),
        pytest.param(34, BPHS_FLOOR, True, None, id="BPHS-2017 floor 35: age 34 → graded, no yearly screen"),
        pytest.param(
            35, BPHS_FLOOR, True, "htn.screen.yearly", id="BPHS-2017 floor 35: age 35 → yearly screen"
        ),
        pytest.param(54, None, True, "htn.screen.yearly", id="BPHS-2017 §筛查: age 54 → yearly"),
        pytest.param(
            55, None, True, "htn.screen.six_months", id="BPHS-2017 §筛查: age 55 → high risk, 6 months"
        ),
    ],
)
def test_bp_screen_by_age(
    age: int, settings: ScreeningSettings | None, graded: bool, screen_step: str | None
) -> None:
    r = _screen(NORMAL_BP, age=age, settings=settings)
    assert ("htn.grade.normal" in _codes(r)) is graded
    steps = {c for c in _steps(r) if c.startswith("htn.screen")}
    assert steps == ({screen_step} if screen_step else set())
    assert ("htn.high_risk" in _codes(r)) is (age >= 55)


def test_yearly_and_six_month_due_dates() -> None:
    assert _steps(_screen(NORMAL_BP))["htn.screen.yearly"] == dt.date(2027, 1, 1)
    r = _screen(NORMAL_BP, history=ScreeningHistory(high_salt_diet=True))
    assert _steps(r)["htn.screen.six_months"] == dt.date(2026, 9, 10)
    assert hypertension.C_HIGH_RISK in r.clauses


@pytest.mark.parametrize(
    ("bp", "recheck"),
    [
        pytest.param({"sbp": 139.0, "dbp": 89.0}, False, id="BPHS-2017 §筛查: 139/89 → next routine screen"),
        pytest.param({"sbp": 140.0, "dbp": 70.0}, True, id="BPHS-2017 §筛查: 140 → recheck on another day"),
        pytest.param({"sbp": 120.0, "dbp": 90.0}, True, id="BPHS-2017 §筛查: 90 → recheck on another day"),
    ],
)
def test_raised_first_reading(bp: dict[str, float], recheck: bool) -> None:
    steps = _steps(_screen(bp))
    assert ("htn.recheck_bp" in steps) is recheck
    if recheck:
        assert steps["htn.recheck_bp"] == TODAY + dt.timedelta(days=7)
        assert not any(c.startswith("htn.screen") for c in steps)


def test_known_hypertension_is_not_screened() -> None:
    for history in (
        ScreeningHistory(conditions=(Condition.HYPERTENSION,)),
        ScreeningHistory(on_antihypertensives=True),
    ):
        r = _screen({"sbp": 150.0, "dbp": 95.0}, history=history)
        assert "htn.grade.grade_1" in _codes(r)
        assert not any(c.startswith("htn.") for c in _steps(r))


def test_high_risk_factors_from_the_visit() -> None:
    r = _screen({"sbp": 132.0, "dbp": 80.0, "weight": 65.0, "height": 170.0, "waist": 91.0}, age=40)
    high_risk = next(f for f in r.findings if f.code == "htn.high_risk")
    assert high_risk.values["factors"] == "high_normal_bp,overweight_or_central_obesity"
    assert {"weight.bmi.normal", "weight.waist.central"} <= _codes(r)


def test_measured_bmi_is_used_without_weight_and_height() -> None:
    r = _screen({"bmi": 28.0, "body_fat": 26.0})
    assert {"weight.bmi.obese", "weight.body_fat.high"} <= _codes(r)
    assert "htn.screen.six_months" in _steps(
        r
    )  # no BP today, but BMI ≥24 puts the resident in the high-risk group
    assert "htn.high_risk" in _codes(r)


@pytest.mark.parametrize(
    ("age", "last", "code", "due"),
    [
        pytest.param(45, None, "lipid.panel", TODAY, id="LIPID-2023 §筛查: never tested → panel today"),
        pytest.param(
            30,
            dt.date(2024, 3, 10),
            "lipid.screen",
            dt.date(2029, 3, 10),
            id="LIPID-2023 §筛查: <40 every 2–5 years",
        ),
        pytest.param(
            45, dt.date(2025, 3, 10), "lipid.panel", TODAY, id="LIPID-2023 §筛查: ≥40 a year ago → today"
        ),
        pytest.param(
            45,
            dt.date(2025, 9, 1),
            "lipid.screen",
            dt.date(2026, 9, 1),
            id="LIPID-2023 §筛查: ≥40 yearly → due later",
        ),
    ],
)
def test_lipid_schedule(age: int, last: dt.date | None, code: str, due: dt.date) -> None:
    r = _screen(NORMAL_BP, age=age, history=ScreeningHistory(last_lipid_test=last))
    assert _steps(r)[code] == due
    assert lipids.CL_SCREEN in r.clauses


def test_lipids_measured_today() -> None:
    r = _screen({"tc": 5.9, "hdl": 1.0, "tg": 1.5}, age=45)
    assert {"lipid.tc.borderline_high", "lipid.non_hdl_c.high", "lipid.tg.suitable"} <= _codes(r)
    assert _steps(r)["lipid.screen"] == dt.date(2027, 3, 10)


@pytest.mark.parametrize(
    ("values", "symptoms", "steps"),
    [
        pytest.param({"fpg": 5.5}, False, set(), id="DM-2025: FPG 5.5 → nothing to do"),
        pytest.param(
            {"fpg": 5.6},
            False,
            {"dm.ogtt_or_hba1c", "dm.screen.fpg_yearly"},
            id="DM-2025: FPG 5.6 → OGTT/HbA1c, yearly FPG",
        ),
        pytest.param(
            {"fpg": 7.0},
            False,
            {"dm.confirm", "dm.ogtt_or_hba1c", "dm.screen.fpg_yearly"},
            id="DM-2022: FPG 7.0 without symptoms → confirm",
        ),
        pytest.param({"fpg": 7.0}, True, {"dm.diagnosis"}, id="DM-2022: FPG 7.0 with symptoms → diagnosis"),
        pytest.param(
            {"hba1c": 6.5, "fpg": 7.0},
            False,
            {"dm.diagnosis"},
            id="DM-2022: two tests the same day → diagnosis",
        ),
        pytest.param({"glucose": 11.0}, True, set(), id="DM-2022: glucose 11.0 (kind unknown) → nothing"),
        pytest.param({"glucose": 11.1}, True, {"dm.diagnosis"}, id="DM-2022: glucose 11.1 with symptoms"),
    ],
)
def test_glucose(values: dict[str, float], symptoms: bool, steps: set[str]) -> None:
    r = _screen(values, history=ScreeningHistory(diabetes_symptoms=symptoms))
    assert {c for c in _steps(r) if c.startswith("dm.")} == steps
    if "dm.screen.fpg_yearly" in steps:
        assert _steps(r)["dm.screen.fpg_yearly"] == dt.date(2027, 3, 10)
        assert diabetes_care.C_HIGH_RISK_FPG in r.clauses


def test_known_diabetes_is_not_screened() -> None:
    for history in (
        ScreeningHistory(conditions=(Condition.DIABETES,)),
        ScreeningHistory(on_glucose_lowering=True),
    ):
        r = _screen({"fpg": 9.0}, history=history)
        assert not any(c.startswith("dm.") for c in _steps(r))


CDRS_HIGH = Finding(
    code="cdrs.high_risk", severity=Severity.ADVICE, summary="CDRS 28 (≥25)", clauses=(diabetes.C_OGTT_CUE,)
)


def test_cdrs_high_risk_passes_through() -> None:
    r = _screen(
        NORMAL_BP, questionnaires=(CDRS_HIGH,), history=ScreeningHistory(last_fpg=dt.date(2025, 6, 1))
    )
    assert CDRS_HIGH in r.findings
    steps = _steps(r)
    assert steps["dm.ogtt"] == TODAY
    assert steps["dm.screen.fpg_yearly"] == dt.date(2026, 6, 1)


def test_diabetes_high_risk_from_the_record() -> None:
    r = _screen(NORMAL_BP, history=ScreeningHistory(diabetes_high_risk=True))
    assert _steps(r)["dm.screen.fpg_yearly"] == TODAY


COPD_SQ_HIGH = Finding(
    code="copd.sq.high_risk", severity=Severity.ADVICE, summary="COPD-SQ 18", clauses=(copd.CL_SQ,)
)
STROKE_HIGH = Finding(
    code="stroke.risk.high", severity=Severity.ADVICE, summary="8+2 high", clauses=(stroke.CL_HIGH,)
)


@pytest.mark.parametrize(
    ("values", "questionnaires", "history", "steps"),
    [
        pytest.param({}, (COPD_SQ_HIGH,), None, {"copd.spirometry"}, id="COPD-SQ ≥16 → spirometry"),
        pytest.param(
            {},
            (COPD_SQ_HIGH,),
            ScreeningHistory(conditions=(Condition.COPD,)),
            set(),
            id="COPD known → no screening spirometry",
        ),
        pytest.param({"fev1_fvc": 0.70}, (), None, set(), id="COPD-2024: FEV1/FVC 0.70 → nothing"),
        pytest.param(
            {"fev1_fvc": 0.69, "fev1_pct_pred": 60.0},
            (COPD_SQ_HIGH,),
            None,
            {"copd.post_bronchodilator"},
            id="COPD-2024: FEV1/FVC 0.69 → confirm after a bronchodilator",
        ),
    ],
)
def test_lungs(
    values: dict[str, float],
    questionnaires: tuple[Finding, ...],
    history: ScreeningHistory | None,
    steps: set[str],
) -> None:
    r = _screen(values, questionnaires=(*questionnaires, STROKE_HIGH), history=history)
    assert {c for c in _steps(r) if c.startswith("copd.")} == steps
    assert STROKE_HIGH in r.findings
    airflow = next((f for f in r.findings if f.code == "copd.airflow_limitation"), None)
    assert (airflow is not None) is ("copd.post_bronchodilator" in steps)
    if airflow is not None:
        assert airflow.values["gold"] == 2


@pytest.mark.parametrize(
    ("values", "symptoms", "history", "is_emergency"),
    [
        pytest.param(
            {"sbp": 180.0, "dbp": 100.0}, (), None, True, id="BPHS-2017 紧急转诊: SBP 180 in screening"
        ),
        pytest.param({"sbp": 179.0, "dbp": 109.0}, (), None, False, id="BPHS-2017 紧急转诊: 179/109 → none"),
        pytest.param({"fpg": 16.7}, (), None, True, id="BPHS-2017 紧急转诊: FPG 16.7 in screening"),
        pytest.param({}, ("chest_tightness",), None, True, id="BPHS-2017 紧急转诊: chest tightness"),
        pytest.param(
            {"sbp": 150.0, "dbp": 85.0},
            (),
            ScreeningHistory(pregnant_or_lactating=True),
            True,
            id="BPHS-2017 紧急转诊 [U]: pregnant with BP 150/85",
        ),
    ],
)
def test_emergency_in_screening(
    values: dict[str, float], symptoms: tuple[str, ...], history: ScreeningHistory | None, is_emergency: bool
) -> None:
    r = _screen(values, symptoms=symptoms, history=history)
    assert r.emergency is is_emergency
    assert any(f.severity is Severity.EMERGENCY for f in r.findings) is is_emergency
    if is_emergency:
        assert r.findings[0].severity is Severity.EMERGENCY  # emergencies come first


def test_diabetes_sign_without_glucose_asks_for_one() -> None:
    r = _screen({}, symptoms=("acetone_breath",))
    assert not r.emergency
    assert "emergency.glucose_needed" in _codes(r)
    assert _steps(r)["dm.glucose_now"] == TODAY
    assert emergency.C_DM_SCOPE in r.clauses


@pytest.mark.parametrize(
    ("values", "age", "field"),
    [
        pytest.param({"sbp": 140.0}, 45, "dbp", id="SBP without DBP"),
        pytest.param({"sbp": 120.0, "dbp": 130.0}, 45, "dbp", id="DBP not below SBP"),
        pytest.param({"sbp": 120.0}, 17, "dbp", id="half a reading refused for a minor too"),
        pytest.param({"fev1_fvc": 1.4}, 45, "fev1_fvc", id="impossible ratio"),
        pytest.param({"spo2": 20.0}, 45, "spo2", id="impossible SpO2"),
        pytest.param({"weight": 5000.0, "height": 170.0}, 45, "weight_kg", id="impossible weight"),
        pytest.param({}, -1, "age", id="negative age"),
    ],
)
def test_bad_input(values: dict[str, float], age: int, field: str) -> None:
    with pytest.raises(RuleError) as e:
        _screen(values, age=age)
    assert e.value.field == field


def test_clauses_of_every_step_are_collected_once() -> None:
    r = _screen({"sbp": 145.0, "dbp": 92.0, "fpg": 6.2, "tc": 6.4}, age=56)
    assert len(r.clauses) == len(set(r.clauses))
    assert {hd.C_FIRST_RAISED, hd.C_DX_THREE_DAYS, diabetes.C_OGTT_CUE, lipids.CL_SCREEN} <= set(r.clauses)
