"""Chinese diabetes risk score (CLINICAL_RULES.md §3)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from flows.model import Sex
from flows.rules import cdrs
from flows.rules.base import CLAUSES, RuleError, Severity
from flows.rules.cdrs import CdrsInput

M, F = Sex.MALE, Sex.FEMALE
# Every item at 0 points: age 20–24, female, no family history, BMI <22, waist <70 (women), SBP <110.
BASE: dict[str, Any] = {
    "age": 20,
    "sex": F,
    "family_history": False,
    "bmi": 20.0,
    "waist_cm": 60.0,
    "sbp": 100,
}


def score(**changes: Any) -> cdrs.CdrsResult:
    return cdrs.score_cdrs(CdrsInput(**{**BASE, **changes}))


def test_base_scores_zero() -> None:
    assert score().total == 0


@pytest.mark.parametrize(
    ("age", "points"),
    [
        pytest.param(20, 0, id="CDRS [V2]: age 20 scores 0"),
        pytest.param(24, 0, id="CDRS [V2]: age 24 scores 0"),
        pytest.param(25, 4, id="CDRS [V2]: age 25 scores 4"),
        pytest.param(34, 4, id="CDRS [V2]: age 34 scores 4"),
        pytest.param(35, 8, id="CDRS [V2]: age 35 scores 8"),
        pytest.param(39, 8, id="CDRS [V2]: age 39 scores 8"),
        pytest.param(40, 11, id="CDRS [V2]: age 40 scores 11"),
        pytest.param(44, 11, id="CDRS [V2]: age 44 scores 11"),
        pytest.param(45, 12, id="CDRS [V2]: age 45 scores 12"),
        pytest.param(49, 12, id="CDRS [V2]: age 49 scores 12"),
        pytest.param(50, 13, id="CDRS [V2]: age 50 scores 13"),
        pytest.param(54, 13, id="CDRS [V2]: age 54 scores 13"),
        pytest.param(55, 15, id="CDRS [V2]: age 55 scores 15"),
        pytest.param(59, 15, id="CDRS [V2]: age 59 scores 15"),
        pytest.param(60, 16, id="CDRS [V2]: age 60 scores 16"),
        pytest.param(64, 16, id="CDRS [V2]: age 64 scores 16"),
        pytest.param(65, 18, id="CDRS [V2]: age 65 scores 18"),
        pytest.param(74, 18, id="CDRS [V2]: age 74 scores 18"),
    ],
)
def test_age_points(age: int, points: int) -> None:
    r = score(age=age)
    assert r.items["age"] == points
    assert r.total == points


@pytest.mark.parametrize(
    ("field", "value", "item", "points"),
    [
        pytest.param("sex", M, "sex", 2, id="CDRS [V2]: male scores 2"),
        pytest.param("sex", F, "sex", 0, id="CDRS [V2]: female scores 0"),
        pytest.param("family_history", True, "family_history", 6, id="CDRS [V2]: family history scores 6"),
        pytest.param(
            "family_history", False, "family_history", 0, id="CDRS [V2]: no family history scores 0"
        ),
        pytest.param("bmi", 21.9, "bmi", 0, id="CDRS [V2]: BMI 21.9 scores 0"),
        pytest.param("bmi", 22.0, "bmi", 1, id="CDRS [V2]: BMI 22.0 scores 1"),
        pytest.param("bmi", 23.9, "bmi", 1, id="CDRS [V2]: BMI 23.9 scores 1"),
        pytest.param("bmi", 24.0, "bmi", 3, id="CDRS [V2]: BMI 24.0 scores 3"),
        pytest.param("bmi", 29.9, "bmi", 3, id="CDRS [V2]: BMI 29.9 scores 3"),
        pytest.param("bmi", 30.0, "bmi", 5, id="CDRS [V2]: BMI 30.0 scores 5"),
        pytest.param("sbp", 109, "sbp", 0, id="CDRS [V2]: SBP 109 scores 0"),
        pytest.param("sbp", 110, "sbp", 1, id="CDRS [V2]: SBP 110 scores 1"),
        pytest.param("sbp", 119, "sbp", 1, id="CDRS [V2]: SBP 119 scores 1"),
        pytest.param("sbp", 120, "sbp", 3, id="CDRS [V2]: SBP 120 scores 3"),
        pytest.param("sbp", 129, "sbp", 3, id="CDRS [V2]: SBP 129 scores 3"),
        pytest.param("sbp", 130, "sbp", 6, id="CDRS [V2]: SBP 130 scores 6"),
        pytest.param("sbp", 139, "sbp", 6, id="CDRS [V2]: SBP 139 scores 6"),
        pytest.param("sbp", 140, "sbp", 7, id="CDRS [V2]: SBP 140 scores 7"),
        pytest.param("sbp", 149, "sbp", 7, id="CDRS [V2]: SBP 149 scores 7"),
        pytest.param("sbp", 150, "sbp", 8, id="CDRS [V2]: SBP 150 scores 8"),
        pytest.param("sbp", 159, "sbp", 8, id="CDRS [V2]: SBP 159 scores 8"),
        pytest.param("sbp", 160, "sbp", 10, id="CDRS [V2]: SBP 160 scores 10"),
    ],
)
def test_item_points(field: str, value: Any, item: str, points: int) -> None:
    r = score(**{field: value})
    assert r.items[item] == points
    assert r.total == points


@pytest.mark.parametrize(
    ("sex", "waist", "points"),
    [
        pytest.param(M, 74.9, 0, id="CDRS [V2]: man's waist 74.9 scores 0"),
        pytest.param(M, 75.0, 3, id="CDRS [V2]: man's waist 75 scores 3"),
        pytest.param(M, 79.9, 3, id="CDRS [V2]: man's waist 79.9 scores 3"),
        pytest.param(M, 80.0, 5, id="CDRS [V2]: man's waist 80 scores 5"),
        pytest.param(M, 84.9, 5, id="CDRS [V2]: man's waist 84.9 scores 5"),
        pytest.param(M, 85.0, 7, id="CDRS [V2]: man's waist 85 scores 7"),
        pytest.param(M, 89.9, 7, id="CDRS [V2]: man's waist 89.9 scores 7"),
        pytest.param(M, 90.0, 8, id="CDRS [V2]: man's waist 90 scores 8"),
        pytest.param(M, 94.9, 8, id="CDRS [V2]: man's waist 94.9 scores 8"),
        pytest.param(M, 95.0, 10, id="CDRS [V2]: man's waist 95 scores 10"),
        pytest.param(F, 69.9, 0, id="CDRS [V2]: woman's waist 69.9 scores 0"),
        pytest.param(F, 70.0, 3, id="CDRS [V2]: woman's waist 70 scores 3 (5 cm lower)"),
        pytest.param(F, 74.9, 3, id="CDRS [V2]: woman's waist 74.9 scores 3"),
        pytest.param(F, 75.0, 5, id="CDRS [V2]: woman's waist 75 scores 5"),
        pytest.param(F, 79.9, 5, id="CDRS [V2]: woman's waist 79.9 scores 5"),
        pytest.param(F, 80.0, 7, id="CDRS [V2]: woman's waist 80 scores 7"),
        pytest.param(F, 84.9, 7, id="CDRS [V2]: woman's waist 84.9 scores 7"),
        pytest.param(F, 85.0, 8, id="CDRS [V2]: woman's waist 85 scores 8"),
        pytest.param(F, 89.9, 8, id="CDRS [V2]: woman's waist 89.9 scores 8"),
        pytest.param(F, 90.0, 10, id="CDRS [V2]: woman's waist 90 scores 10"),
    ],
)
def test_waist_points(sex: Sex, waist: float, points: int) -> None:
    r = score(sex=sex, waist_cm=waist)
    assert r.items["waist"] == points
    assert r.total == points + (2 if sex is M else 0)


# age 45 (12) or 50 (13) + male 2 + family history 6 + BMI 22 (1) + SBP 120 (3) + waist 60 (0)
HIGH_RISK_CASE: dict[str, Any] = {"sex": M, "family_history": True, "bmi": 22.0, "sbp": 120}


@pytest.mark.parametrize(
    ("age", "total", "high"),
    [
        pytest.param(45, 24, False, id="CDRS [V2]: total 24 is not high risk"),
        pytest.param(50, 25, True, id="CDRS [V2]: total 25 is high risk → OGTT"),
    ],
)
def test_high_risk(age: int, total: int, high: bool) -> None:
    r = score(age=age, **HIGH_RISK_CASE)
    assert r.total == total
    assert r.high_risk is high
    (finding,) = r.findings
    assert finding.values["total"] == total
    assert all(c in CLAUSES for c in r.clauses)
    assert set(finding.clauses) == {cdrs.CL_AGE, cdrs.CL_POINTS, cdrs.CL_WAIST, cdrs.CL_HIGH_RISK}
    if high:
        assert finding.code == "cdrs.high_risk"
        assert finding.severity is Severity.ADVICE
        (step,) = r.next_steps
        assert step.code == "dm.ogtt"
        assert step.clauses == (cdrs.CL_HIGH_RISK,)
    else:
        assert finding.code == "cdrs.low_risk"
        assert finding.severity is Severity.INFO
        assert r.next_steps == ()


def test_maximum_total() -> None:
    r = score(age=70, sex=M, family_history=True, bmi=35.0, waist_cm=100.0, sbp=170)
    assert r.total == 18 + 2 + 6 + 5 + 10 + 10


@pytest.mark.parametrize(
    ("age", "applies"),
    [
        pytest.param(19, False, id="CDRS [V2]: age 19 is outside"),
        pytest.param(20, True, id="CDRS [V2]: age 20 is inside"),
        pytest.param(74, True, id="CDRS [V2]: age 74 is inside"),
        pytest.param(75, False, id="CDRS [V2]: age 75 is outside"),
    ],
)
def test_age_range(age: int, applies: bool) -> None:
    assert cdrs.cdrs_applies(age) is applies
    if applies:
        assert score(age=age).total >= 0
    else:
        with pytest.raises(RuleError) as err:
            score(age=age)
        assert err.value.field == "age"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("age", True, id="a boolean age is refused"),
        pytest.param("sex", "unknown", id="an unknown sex is refused"),
        pytest.param("family_history", "yes", id="family history must be yes/no"),
        pytest.param("family_history", 1, id="family history 1 is not yes/no"),
        pytest.param("bmi", 0.0, id="BMI 0 is refused"),
        pytest.param("bmi", 150.0, id="BMI 150 is refused"),
        pytest.param("bmi", float("nan"), id="BMI NaN is refused"),
        pytest.param("waist_cm", 10.0, id="waist 10 cm is refused"),
        pytest.param("waist_cm", 400.0, id="waist 400 cm is refused"),
        pytest.param("sbp", 20, id="SBP 20 is refused (hypertension plausibility)"),
        pytest.param("sbp", 400, id="SBP 400 is refused (hypertension plausibility)"),
        pytest.param("sbp", 120.5, id="SBP must be whole mmHg"),
        pytest.param("sbp", True, id="a boolean SBP is refused"),
    ],
)
def test_invalid_input_names_the_field(field: str, value: Any) -> None:
    with pytest.raises(RuleError) as err:
        score(**{field: value})
    assert err.value.field == field


def test_decoded_json_input() -> None:
    raw = b'{"age": 50, "sex": "male", "family_history": true, "bmi": 22, "waist_cm": 60, "sbp": 120}'
    assert cdrs.score_cdrs(msgspec.json.decode(raw, type=CdrsInput)).total == 25
