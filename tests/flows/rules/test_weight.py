"""WS-T-428 BMI classes, central obesity, body fat, and the separate stroke-screen BMI (CLINICAL_RULES.md §5)."""

from __future__ import annotations

import pytest

from flows.model import Sex
from flows.rules import weight
from flows.rules.base import CLAUSES, Confidence, RuleError
from flows.rules.weight import BmiClass, WaistClass, WeightSettings


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(18.4, BmiClass.UNDERWEIGHT, id="WS-T-428 §BMI: 18.4 is underweight"),
        pytest.param(18.5, BmiClass.NORMAL, id="WS-T-428 §BMI: 18.5 is normal"),
        pytest.param(23.9, BmiClass.NORMAL, id="WS-T-428 §BMI: 23.9 is normal"),
        pytest.param(24.0, BmiClass.OVERWEIGHT, id="WS-T-428 §BMI: 24.0 is overweight"),
        pytest.param(27.9, BmiClass.OVERWEIGHT, id="WS-T-428 §BMI: 27.9 is overweight"),
        pytest.param(28.0, BmiClass.OBESE, id="WS-T-428 §BMI: 28.0 is obese"),
    ],
)
def test_bmi_class(value: float, expected: BmiClass) -> None:
    assert weight.classify_bmi(value) is expected


@pytest.mark.parametrize(
    ("weight_kg", "height_cm", "expected"),
    [
        pytest.param(70.0, 175.0, 22.9, id="70 kg at 175 cm is BMI 22.9"),
        pytest.param(64.0, 160.0, 25.0, id="64 kg at 160 cm is BMI 25.0"),
        pytest.param(81.0, 180.0, 25.0, id="81 kg at 180 cm is BMI 25.0"),
    ],
)
def test_bmi_from_weight_and_height(weight_kg: float, height_cm: float, expected: float) -> None:
    assert weight.bmi(weight_kg, height_cm) == expected


@pytest.mark.parametrize(
    ("weight_kg", "height_cm", "field"),
    [
        pytest.param(0.0, 170.0, "weight_kg", id="zero weight is refused"),
        pytest.param(-60.0, 170.0, "weight_kg", id="negative weight is refused"),
        pytest.param(900.0, 170.0, "weight_kg", id="900 kg is refused"),
        pytest.param(float("nan"), 170.0, "weight_kg", id="NaN weight is refused"),
        pytest.param(60.0, 0.0, "height_cm", id="zero height is refused"),
        pytest.param(60.0, 1.7, "height_cm", id="height in metres instead of cm is refused"),
        pytest.param(60.0, 300.0, "height_cm", id="300 cm is refused"),
    ],
)
def test_bmi_refuses_impossible_values(weight_kg: float, height_cm: float, field: str) -> None:
    with pytest.raises(RuleError) as err:
        weight.bmi(weight_kg, height_cm)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("waist", "sex", "expected"),
    [
        pytest.param(84.0, Sex.MALE, WaistClass.NORMAL, id="WS-T-428 §腰围: man 84 is normal"),
        pytest.param(85.0, Sex.MALE, WaistClass.PRE_CENTRAL, id="[U] man 85 is pre-central"),
        pytest.param(89.0, Sex.MALE, WaistClass.PRE_CENTRAL, id="[U] man 89 is pre-central"),
        pytest.param(90.0, Sex.MALE, WaistClass.CENTRAL, id="WS-T-428 §腰围: man 90 is central obesity"),
        pytest.param(79.0, Sex.FEMALE, WaistClass.NORMAL, id="WS-T-428 §腰围: woman 79 is normal"),
        pytest.param(80.0, Sex.FEMALE, WaistClass.PRE_CENTRAL, id="[U] woman 80 is pre-central"),
        pytest.param(84.0, Sex.FEMALE, WaistClass.PRE_CENTRAL, id="[U] woman 84 is pre-central"),
        pytest.param(85.0, Sex.FEMALE, WaistClass.CENTRAL, id="WS-T-428 §腰围: woman 85 is central obesity"),
    ],
)
def test_waist_class(waist: float, sex: Sex, expected: WaistClass) -> None:
    assert weight.classify_waist(waist, sex) is expected


def test_pre_central_band_is_overridable() -> None:
    s = WeightSettings(pre_central_male_from=87.0)
    assert weight.classify_waist(86.0, Sex.MALE, s) is WaistClass.NORMAL
    assert CLAUSES[weight.CL_PRE_CENTRAL].confidence is Confidence.U


@pytest.mark.parametrize(
    ("percent", "sex", "high"),
    [
        pytest.param(25.0, Sex.MALE, False, id="[V2] man 25 % body fat is not high"),
        pytest.param(25.1, Sex.MALE, True, id="[V2] man 25.1 % body fat is high"),
        pytest.param(30.0, Sex.FEMALE, False, id="[V2] woman 30 % body fat is not high"),
        pytest.param(30.1, Sex.FEMALE, True, id="[V2] woman 30.1 % body fat is high"),
    ],
)
def test_body_fat(percent: float, sex: Sex, high: bool) -> None:
    assert weight.body_fat_high(percent, sex) is high


@pytest.mark.parametrize(
    ("value", "point"),
    [
        pytest.param(25.9, False, id="stroke 8+2: BMI 25.9 scores no point"),
        pytest.param(26.0, True, id="stroke 8+2: BMI 26.0 scores a point"),
    ],
)
def test_stroke_screen_bmi_is_separate(value: float, point: bool) -> None:
    assert weight.stroke_screen_bmi_point(value) is point
    assert (
        weight.stroke_screen_bmi_point(weight.BMI_OVERWEIGHT_FROM) is False
    )  # 24 is overweight, not a point


def test_findings() -> None:
    found = weight.weight_findings(
        sex=Sex.FEMALE, weight_kg=64.0, height_cm=160.0, waist_cm=85.0, body_fat_percent=31.0
    )
    assert [f.code for f in found] == [
        "weight.bmi.overweight",
        "weight.waist.central",
        "weight.body_fat.high",
    ]
    assert found[0].values["bmi"] == 25.0
    assert all(c in CLAUSES for f in found for c in f.clauses)


def test_findings_need_weight_and_height_together() -> None:
    with pytest.raises(RuleError) as err:
        weight.weight_findings(sex=Sex.MALE, weight_kg=70.0)
    assert err.value.field == "height_cm"


def test_impossible_waist_is_refused() -> None:
    with pytest.raises(RuleError) as err:
        weight.classify_waist(0.0, Sex.MALE)
    assert err.value.field == "waist_cm"
