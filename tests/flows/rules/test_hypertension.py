"""Hypertension rules (CLINICAL_RULES.md §2): both sides of every threshold."""

from __future__ import annotations

import pytest

from flows.rules import hypertension as h
from flows.rules.base import CLAUSES, RuleError, Severity

G = h.BpGrade


@pytest.mark.parametrize(
    ("sbp", "dbp", "grade"),
    [
        pytest.param(119, 79, G.NORMAL, id="HTN-2020 §grade: 119/79 → normal"),
        pytest.param(120, 79, G.HIGH_NORMAL, id="HTN-2020 §grade: SBP 120 → high-normal"),
        pytest.param(119, 80, G.HIGH_NORMAL, id="HTN-2020 §grade: DBP 80 → high-normal"),
        pytest.param(139, 89, G.HIGH_NORMAL, id="HTN-2020 §grade: 139/89 → high-normal"),
        pytest.param(140, 89, G.GRADE_1, id="HTN-2020 §grade: SBP 140 → grade 1"),
        pytest.param(139, 90, G.GRADE_1, id="HTN-2020 §grade: DBP 90 → grade 1"),
        pytest.param(159, 99, G.GRADE_1, id="HTN-2020 §grade: 159/99 → grade 1"),
        pytest.param(160, 99, G.GRADE_2, id="HTN-2020 §grade: SBP 160 → grade 2"),
        pytest.param(159, 100, G.GRADE_2, id="HTN-2020 §grade: DBP 100 → grade 2"),
        pytest.param(179, 109, G.GRADE_2, id="HTN-2020 §grade: 179/109 → grade 2"),
        pytest.param(180, 109, G.GRADE_3, id="HTN-2020 §grade: SBP 180 → grade 3"),
        pytest.param(179, 110, G.GRADE_3, id="HTN-2020 §grade: DBP 110 → grade 3"),
        pytest.param(125, 105, G.GRADE_2, id="HTN-2020 §grade: different grades → the higher (DBP)"),
        pytest.param(185, 70, G.GRADE_3, id="HTN-2020 §grade: different grades → the higher (SBP)"),
    ],
)
def test_grade(sbp: int, dbp: int, grade: h.BpGrade) -> None:
    assert h.bp_grade(sbp, dbp) is grade
    finding = h.grade_finding(sbp, dbp)
    assert finding.code == f"htn.grade.{grade.value}"
    assert all(c in CLAUSES for c in finding.clauses)


@pytest.mark.parametrize(
    ("sbp", "dbp", "isolated"),
    [
        pytest.param(140, 89, True, id="HTN-2020 §grade: 140/89 → isolated systolic"),
        pytest.param(139, 89, False, id="HTN-2020 §grade: 139/89 → not isolated systolic"),
        pytest.param(140, 90, False, id="HTN-2020 §grade: 140/90 → not isolated systolic"),
    ],
)
def test_isolated_systolic(sbp: int, dbp: int, isolated: bool) -> None:
    assert h.is_isolated_systolic(sbp, dbp) is isolated
    assert (h.C_ISOLATED_SYSTOLIC in h.grade_finding(sbp, dbp).clauses) is isolated


def test_higher_grade_clause_only_when_grades_differ() -> None:
    assert h.C_GRADE_HIGHER in h.grade_finding(125, 105).clauses
    assert h.C_GRADE_HIGHER not in h.grade_finding(165, 105).clauses


@pytest.mark.parametrize(
    ("sbp", "dbp"),
    [
        pytest.param(400, 80, id="impossible SBP"),
        pytest.param(120, 5, id="impossible DBP"),
        pytest.param(100, 100, id="DBP not below SBP"),
    ],
)
def test_impossible_reading_is_refused(sbp: int, dbp: int) -> None:
    with pytest.raises(RuleError):
        h.bp_grade(sbp, dbp)


@pytest.mark.parametrize(
    ("sbp", "dbp", "symptoms", "emergency"),
    [
        pytest.param(179, 109, frozenset(), False, id="BPHS-2017 §紧急转诊: 179/109 no symptom → none"),
        pytest.param(180, 100, frozenset(), True, id="BPHS-2017 §紧急转诊: SBP 180 → emergency"),
        pytest.param(150, 110, frozenset(), True, id="BPHS-2017 §紧急转诊: DBP 110 → emergency"),
        pytest.param(
            130,
            80,
            frozenset({h.EmergencySymptom.BLURRED_VISION_OR_EYE_PAIN}),
            True,
            id="BPHS-2017 §紧急转诊: normal BP with a listed symptom → emergency",
        ),
        pytest.param(None, None, frozenset(), False, id="BPHS-2017 §紧急转诊: nothing measured → none"),
    ],
)
def test_emergency(
    sbp: int | None, dbp: int | None, symptoms: frozenset[h.EmergencySymptom], emergency: bool
) -> None:
    finding = h.emergency_finding(sbp, dbp, symptoms)
    if not emergency:
        assert finding is None
        return
    assert finding is not None
    assert finding.severity is Severity.EMERGENCY
    assert finding.clauses == (h.C_EMERGENCY,)


def test_impossible_bp_in_emergency_is_refused() -> None:
    with pytest.raises(RuleError):
        h.emergency_finding(None, 5)


@pytest.mark.parametrize(
    ("sbp", "dbp", "age", "controlled"),
    [
        pytest.param(139, 89, 64, True, id="BPHS-2017 §控制满意: 139/89 age 64 → controlled"),
        pytest.param(140, 80, 64, False, id="BPHS-2017 §控制满意: SBP 140 age 64 → uncontrolled"),
        pytest.param(130, 90, 64, False, id="BPHS-2017 §控制满意: DBP 90 age 64 → uncontrolled"),
        pytest.param(145, 85, 64, False, id="BPHS-2017 §控制满意: 145/85 age 64 → uncontrolled"),
        pytest.param(145, 85, 65, True, id="BPHS-2017 indicator: 145/85 age 65 → controlled (<150/90)"),
        pytest.param(149, 89, 65, True, id="BPHS-2017 indicator: 149/89 age 65 → controlled"),
        pytest.param(150, 80, 65, False, id="BPHS-2017 indicator: SBP 150 age 65 → uncontrolled"),
        pytest.param(140, 90, 65, False, id="BPHS-2017 indicator: DBP 90 age 65 → uncontrolled"),
    ],
)
def test_programme_control(sbp: int, dbp: int, age: int, controlled: bool) -> None:
    assert h.is_controlled(sbp, dbp, age) is controlled


@pytest.mark.parametrize(
    ("age", "sbp_below", "dbp_below"),
    [
        pytest.param(79, 130, 80, id="HTN-2025 §降压目标: age 79 → <130/80"),
        pytest.param(80, 150, 90, id="HTN-2025 §降压目标: age 80 → <150/90"),
    ],
)
def test_clinical_target(age: int, sbp_below: int, dbp_below: int) -> None:
    target = h.clinical_target(age)
    assert (target.sbp_below, target.dbp_below) == (sbp_below, dbp_below)


def test_programme_threshold_and_clinical_target_are_separate() -> None:
    # 135/85 at 50: controlled for the programme, above the clinical target.
    assert h.programme_threshold(50).met(135, 85)
    assert not h.clinical_target(50).met(135, 85)


F = h.HighRiskFactor


@pytest.mark.parametrize(
    ("risk", "factors"),
    [
        pytest.param(h.RiskInput(age=40, male=True), (), id="BPHS-2017 §筛查: no factor"),
        pytest.param(
            h.RiskInput(age=40, male=True, sbp=129, dbp=84), (), id="BPHS-2017 §筛查: 129/84 not 血压高值"
        ),
        pytest.param(
            h.RiskInput(age=40, male=True, sbp=130, dbp=70),
            (F.HIGH_NORMAL_BP,),
            id="BPHS-2017 §筛查: SBP 130 → 血压高值",
        ),
        pytest.param(
            h.RiskInput(age=40, male=True, sbp=120, dbp=85),
            (F.HIGH_NORMAL_BP,),
            id="BPHS-2017 §筛查: DBP 85 → 血压高值",
        ),
        pytest.param(
            h.RiskInput(age=40, male=True, sbp=140, dbp=85),
            (),
            id="BPHS-2017 §筛查: 140/85 is grade 1, not 高值",
        ),
        pytest.param(h.RiskInput(age=40, male=True, bmi=23.9), (), id="BPHS-2017 §筛查: BMI 23.9 → none"),
        pytest.param(
            h.RiskInput(age=40, male=True, bmi=24.0),
            (F.OVERWEIGHT_OR_CENTRAL_OBESITY,),
            id="BPHS-2017 §筛查: BMI 24 → overweight",
        ),
        pytest.param(h.RiskInput(age=40, male=True, waist_cm=89.9), (), id="BPHS-2017 §筛查: man waist 89.9"),
        pytest.param(
            h.RiskInput(age=40, male=True, waist_cm=90),
            (F.OVERWEIGHT_OR_CENTRAL_OBESITY,),
            id="BPHS-2017 §筛查: man waist 90",
        ),
        pytest.param(
            h.RiskInput(age=40, male=False, waist_cm=85),
            (F.OVERWEIGHT_OR_CENTRAL_OBESITY,),
            id="BPHS-2017 §筛查: woman waist 85",
        ),
        pytest.param(
            h.RiskInput(age=40, male=True, baijiu_ml_per_day=99), (), id="BPHS-2017 §筛查: 99 ml baijiu"
        ),
        pytest.param(
            h.RiskInput(age=40, male=True, baijiu_ml_per_day=100),
            (F.HEAVY_DRINKING,),
            id="BPHS-2017 §筛查: 100 ml baijiu → heavy drinking",
        ),
        pytest.param(h.RiskInput(age=54, male=True), (), id="BPHS-2017 §筛查: age 54"),
        pytest.param(h.RiskInput(age=55, male=True), (F.AGE_55_OR_OVER,), id="BPHS-2017 §筛查: age 55"),
        pytest.param(
            h.RiskInput(age=40, male=True, family_history=True, high_salt_diet=True),
            (F.FAMILY_HISTORY, F.HIGH_SALT_DIET),
            id="BPHS-2017 §筛查: family history and salt",
        ),
    ],
)
def test_high_risk_factors(risk: h.RiskInput, factors: tuple[h.HighRiskFactor, ...]) -> None:
    assert h.high_risk_factors(risk) == factors


def test_settings_defaults() -> None:
    assert h.DEFAULT_SETTINGS.screening_age_floor == 18
