"""The "8+2" stroke risk screen (CLINICAL_RULES.md §7)."""

from __future__ import annotations

import pytest

from flows.rules import stroke
from flows.rules.base import CLAUSES, RuleError, Severity
from flows.rules.stroke import StrokeFactors, StrokeLevel

F = StrokeFactors


@pytest.mark.parametrize(
    ("factors", "level", "points"),
    [
        pytest.param(F(), StrokeLevel.LOW, 0, id="8+2: no factor is low"),
        pytest.param(
            F(smoking=True, little_exercise=True), StrokeLevel.LOW, 2, id="8+2: 2 non-key factors is low"
        ),
        pytest.param(
            F(smoking=True, little_exercise=True, bmi_26_or_more=True),
            StrokeLevel.HIGH,
            3,
            id="8+2: 3 factors is high",
        ),
        pytest.param(
            F(dyslipidaemia_or_lipids_unknown=True, family_history_stroke=True),
            StrokeLevel.LOW,
            2,
            id="8+2: lipids unknown and family history (2 points) is low",
        ),
        pytest.param(
            F(dyslipidaemia_or_lipids_unknown=True, family_history_stroke=True, smoking=True),
            StrokeLevel.HIGH,
            3,
            id="8+2: lipids unknown counts as a point toward 3",
        ),
        pytest.param(F(hypertension=True), StrokeLevel.MEDIUM, 1, id="8+2: hypertension alone is medium"),
        pytest.param(F(diabetes=True), StrokeLevel.MEDIUM, 1, id="8+2: diabetes alone is medium"),
        pytest.param(F(af_or_valvular=True), StrokeLevel.MEDIUM, 1, id="8+2: AF/valvular alone is medium"),
        pytest.param(
            F(hypertension=True, smoking=True),
            StrokeLevel.MEDIUM,
            2,
            id="8+2: hypertension + 1 (2 points) is medium",
        ),
        pytest.param(
            F(hypertension=True, diabetes=True, af_or_valvular=True),
            StrokeLevel.HIGH,
            3,
            id="8+2: the three key factors (3 points) is high",
        ),
        pytest.param(
            F(history_stroke=True), StrokeLevel.HIGH, 0, id="8+2: history of stroke is high at 0 points"
        ),
        pytest.param(F(history_tia=True), StrokeLevel.HIGH, 0, id="8+2: history of TIA is high at 0 points"),
        pytest.param(
            F(
                hypertension=True,
                af_or_valvular=True,
                smoking=True,
                dyslipidaemia_or_lipids_unknown=True,
                diabetes=True,
                little_exercise=True,
                bmi_26_or_more=True,
                family_history_stroke=True,
            ),
            StrokeLevel.HIGH,
            8,
            id="8+2: all eight factors score 8",
        ),
    ],
)
def test_levels(factors: StrokeFactors, level: StrokeLevel, points: int) -> None:
    risk = stroke.assess_stroke_risk(60, factors)
    assert risk.level is level
    assert risk.points == points
    assert len(risk.factors) == points


@pytest.mark.parametrize(
    ("age", "applies"),
    [
        pytest.param(39, False, id="8+2: age 39 is not screened"),
        pytest.param(40, True, id="8+2: age 40 is screened"),
    ],
)
def test_age(age: int, applies: bool) -> None:
    assert stroke.stroke_screen_applies(age) is applies
    if applies:
        assert stroke.assess_stroke_risk(age, F()).level is StrokeLevel.LOW
    else:
        with pytest.raises(RuleError) as err:
            stroke.assess_stroke_risk(age, F())
        assert err.value.field == "age"


def test_finding() -> None:
    f = stroke.stroke_finding(55, F(history_tia=True, smoking=True))
    assert f.code == "stroke.risk.high"
    assert f.severity is Severity.ADVICE
    assert stroke.CL_HIGH in f.clauses
    assert all(c in CLAUSES for c in f.clauses)
    assert f.values == {"points": 1, "factors": "smoking"}
    assert "TIA".lower() in f.summary.lower()
    low = stroke.stroke_finding(55, F())
    assert low.code == "stroke.risk.low"
    assert low.severity is Severity.INFO
