"""COPD-SQ, spirometric criterion, GOLD, mMRC and CAT (CLINICAL_RULES.md §6)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from flows.rules import copd
from flows.rules.base import CLAUSES, RuleError, Severity
from flows.rules.copd import Breathlessness, CopdSettings, CopdSqAnswers

B = Breathlessness
BASE: dict[str, Any] = {
    "age": 45,
    "pack_years": 0.0,
    "bmi": 30.0,
    "cough_without_cold": False,
    "breathlessness": B.NONE,
    "biomass_fuel": False,
    "family_history": False,
}


def answers(**changes: Any) -> CopdSqAnswers:
    return CopdSqAnswers(**{**BASE, **changes})


@pytest.mark.parametrize(
    ("field", "value", "points"),
    [
        pytest.param("age", 40, 0, id="COPD-SQ [U]: age 40 scores 0"),
        pytest.param("age", 49, 0, id="COPD-SQ [U]: age 49 scores 0"),
        pytest.param("age", 50, 3, id="COPD-SQ [U]: age 50 scores 3"),
        pytest.param("age", 59, 3, id="COPD-SQ [U]: age 59 scores 3"),
        pytest.param("age", 60, 7, id="COPD-SQ [U]: age 60 scores 7"),
        pytest.param("age", 69, 7, id="COPD-SQ [U]: age 69 scores 7"),
        pytest.param("age", 70, 10, id="COPD-SQ [U]: age 70 scores 10"),
        pytest.param("pack_years", 14.9, 0, id="COPD-SQ [V2]: 14.9 pack-years scores 0"),
        pytest.param("pack_years", 15.0, 1, id="COPD-SQ [V2]: 15 pack-years scores 1"),
        pytest.param("pack_years", 29.9, 1, id="COPD-SQ [V2]: 29.9 pack-years scores 1"),
        pytest.param("pack_years", 30.0, 2, id="COPD-SQ [V2]: 30 pack-years scores 2"),
        pytest.param("bmi", 18.4, 7, id="COPD-SQ [V2]: BMI 18.4 scores 7"),
        pytest.param("bmi", 18.5, 4, id="COPD-SQ [V2]: BMI 18.5 scores 4"),
        pytest.param("bmi", 23.9, 4, id="COPD-SQ [V2]: BMI 23.9 scores 4"),
        pytest.param("bmi", 24.0, 1, id="COPD-SQ [V2]: BMI 24.0 scores 1"),
        pytest.param("bmi", 27.9, 1, id="COPD-SQ [V2]: BMI 27.9 scores 1"),
        pytest.param("bmi", 28.0, 0, id="COPD-SQ [V2]: BMI 28.0 scores 0"),
        pytest.param("cough_without_cold", True, 5, id="COPD-SQ [U]: cough without a cold scores 5"),
        pytest.param("cough_without_cold", False, 0, id="COPD-SQ [U]: no cough scores 0"),
        pytest.param("breathlessness", B.NONE, 0, id="COPD-SQ [V2]: no breathlessness scores 0"),
        pytest.param(
            "breathlessness", B.HURRYING_OR_CLIMBING, 2, id="COPD-SQ [V2]: breathless hurrying scores 2"
        ),
        pytest.param("breathlessness", B.WALKING_NORMALLY, 3, id="COPD-SQ [V2]: breathless walking scores 3"),
        pytest.param("biomass_fuel", True, 1, id="COPD-SQ [U]: biomass fuel scores 1"),
        pytest.param("family_history", True, 3, id="COPD-SQ [U]: family history scores 3"),
    ],
)
def test_item_points(field: str, value: Any, points: int) -> None:
    r = copd.score_copd_sq(answers(**{field: value}))
    assert r.items[field] == points
    assert r.total == points


@pytest.mark.parametrize(
    ("changes", "total", "high"),
    [
        pytest.param(
            {"age": 70, "bmi": 20.0, "biomass_fuel": True},
            15,
            False,
            id="COPD-SQ: total 15 is not high risk",
        ),
        pytest.param(
            {"age": 70, "bmi": 20.0, "breathlessness": B.HURRYING_OR_CLIMBING},
            16,
            True,
            id="COPD-SQ: total 16 is high risk",
        ),
        pytest.param(
            {
                "age": 80,
                "pack_years": 40.0,
                "bmi": 17.0,
                "cough_without_cold": True,
                "breathlessness": B.WALKING_NORMALLY,
                "biomass_fuel": True,
                "family_history": True,
            },
            31,
            True,
            id="COPD-SQ: every answer at its maximum totals 31",
        ),
    ],
)
def test_total(changes: dict[str, Any], total: int, high: bool) -> None:
    r = copd.score_copd_sq(answers(**changes))
    assert r.total == total
    assert r.high_risk is high
    finding, step = copd.copd_sq_assessment(answers(**changes))
    assert finding.values["total"] == total
    assert all(c in CLAUSES for c in finding.clauses)
    if high:
        assert finding.code == "copd.sq.high_risk"
        assert finding.severity is Severity.ADVICE
        assert step is not None
        assert step.code == "copd.spirometry"
    else:
        assert finding.code == "copd.sq.low_risk"
        assert step is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("age", 39, id="COPD-SQ: age 39 is refused"),
        pytest.param("age", 131, id="COPD-SQ: age 131 is refused"),
        pytest.param("age", True, id="COPD-SQ: a boolean age is refused"),
        pytest.param("pack_years", -1.0, id="COPD-SQ: negative pack-years are refused"),
        pytest.param("pack_years", float("nan"), id="COPD-SQ: NaN pack-years are refused"),
        pytest.param("bmi", 0.0, id="COPD-SQ: BMI 0 is refused"),
        pytest.param("bmi", 150.0, id="COPD-SQ: BMI 150 is refused"),
        pytest.param("cough_without_cold", 1, id="COPD-SQ: cough must be yes/no"),
        pytest.param("breathlessness", "sometimes", id="COPD-SQ: unknown breathlessness level is refused"),
        pytest.param("biomass_fuel", "yes", id="COPD-SQ: biomass must be yes/no"),
        pytest.param("family_history", None, id="COPD-SQ: family history must be yes/no"),
    ],
)
def test_invalid_answers_name_the_field(field: str, value: Any) -> None:
    with pytest.raises(RuleError) as err:
        copd.score_copd_sq(answers(**{field: value}))
    assert err.value.field == field


def test_decoded_json_answers_are_validated() -> None:
    raw = b'{"age": 45, "pack_years": 0, "bmi": 30, "cough_without_cold": false,'
    raw += b' "breathlessness": "walking_normally", "biomass_fuel": false, "family_history": false}'
    assert copd.score_copd_sq(msgspec.json.decode(raw, type=CopdSqAnswers)).total == 3


def test_u_points_are_overridable() -> None:
    s = CopdSettings(cough_points=4)
    assert copd.score_copd_sq(answers(cough_without_cold=True), s).items["cough_without_cold"] == 4


@pytest.mark.parametrize(
    ("ratio", "met"),
    [
        pytest.param(0.69, True, id="COPD-2024 §诊断: FEV1/FVC 0.69 meets the criterion"),
        pytest.param(0.70, False, id="COPD-2024 §诊断: FEV1/FVC 0.70 does not"),
    ],
)
def test_spirometric_criterion(ratio: float, met: bool) -> None:
    assert copd.meets_spirometric_criterion(ratio) is met


@pytest.mark.parametrize(
    "ratio", [pytest.param(0.0, id="ratio 0"), pytest.param(70.0, id="ratio as a percent")]
)
def test_spirometric_criterion_refuses_impossible_ratio(ratio: float) -> None:
    with pytest.raises(RuleError) as err:
        copd.meets_spirometric_criterion(ratio)
    assert err.value.field == "fev1_fvc"


@pytest.mark.parametrize(
    ("percent", "grade"),
    [
        pytest.param(80.0, 1, id="GOLD [U]: 80 % is GOLD 1"),
        pytest.param(79.9, 2, id="GOLD [U]: 79.9 % is GOLD 2"),
        pytest.param(50.0, 2, id="GOLD [U]: 50 % is GOLD 2"),
        pytest.param(49.9, 3, id="GOLD [U]: 49.9 % is GOLD 3"),
        pytest.param(30.0, 3, id="GOLD [U]: 30 % is GOLD 3"),
        pytest.param(29.9, 4, id="GOLD [U]: 29.9 % is GOLD 4"),
    ],
)
def test_gold(percent: float, grade: int) -> None:
    assert copd.gold_grade(percent) == grade


@pytest.mark.parametrize(
    ("grade", "more"),
    [
        pytest.param(1, False, id="mMRC 1 is not more breathless"),
        pytest.param(2, True, id="mMRC 2 is more breathless"),
    ],
)
def test_mmrc(grade: int, more: bool) -> None:
    assert copd.mmrc_more_breathless(grade) is more


@pytest.mark.parametrize(
    ("score", "more"),
    [
        pytest.param(9, False, id="CAT [U]: 9 is not more symptoms"),
        pytest.param(10, True, id="CAT [U]: 10 is more symptoms"),
    ],
)
def test_cat(score: int, more: bool) -> None:
    assert copd.cat_more_symptoms(score) is more


@pytest.mark.parametrize(
    ("func", "value", "field"),
    [
        pytest.param(copd.mmrc_more_breathless, 5, "mmrc", id="mMRC 5 is refused"),
        pytest.param(copd.mmrc_more_breathless, -1, "mmrc", id="mMRC -1 is refused"),
        pytest.param(copd.cat_more_symptoms, 41, "cat", id="CAT 41 is refused"),
        pytest.param(copd.gold_grade, 0.0, "fev1_percent_predicted", id="FEV1 0 % is refused"),
    ],
)
def test_out_of_range_scores(func: Any, value: Any, field: str) -> None:
    with pytest.raises(RuleError) as err:
        func(value)
    assert err.value.field == field
