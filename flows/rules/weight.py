"""Adult weight (CLINICAL_RULES.md §5, WS-T-428): BMI classes, central obesity, body fat.

BMI is weight (kg) / height (m)², rounded to one decimal before it is classed, so the class always agrees with the
number shown. The pre-central-obesity waist band is [U] and lives in `WeightSettings`; body fat is [V2].
"""

from __future__ import annotations

import enum
import math
from typing import Final

import msgspec

from flows.model import Sex
from flows.rules.base import Confidence, Finding, RuleError, Severity, Source, check_range, clause

_SECTION = "WS/T 428—2013 成人体重判定 §4 判定方法"

# WS-T-428 §BMI: <18.5 underweight, 18.5–<24 normal, 24–<28 overweight, ≥28 obese [V]
BMI_NORMAL_FROM: Final = 18.5
BMI_OVERWEIGHT_FROM: Final = 24.0
BMI_OBESE_FROM: Final = 28.0
# WS-T-428 §腰围: central obesity at waist ≥90 cm (men), ≥85 cm (women) [V]
WAIST_CENTRAL_MALE: Final = 90.0
WAIST_CENTRAL_FEMALE: Final = 85.0
# Body fat above 25 % (men) / 30 % (women) is obesity by body fat [V2, secondary source only]
BODY_FAT_MALE_ABOVE: Final = 25.0
BODY_FAT_FEMALE_ABOVE: Final = 30.0
# CLINICAL_RULES.md §7 (脑卒中高危人群筛查 "8+2"): the stroke screen counts BMI ≥26, NOT the WS-T-428 cut-offs.
STROKE_SCREEN_BMI: Final = 26.0
# Plausibility bounds (ours): refuse what cannot be an adult measurement.
BMI_RANGE: Final = (8.0, 90.0)
WEIGHT_KG_RANGE: Final = (10.0, 400.0)
HEIGHT_CM_RANGE: Final = (80.0, 250.0)
WAIST_CM_RANGE: Final = (30.0, 250.0)

CL_BMI = clause(
    "WEIGHT.bmi",
    Source.WS_T_428,
    _SECTION,
    Confidence.V,
    "BMI <18.5 underweight, 18.5–<24 normal, 24–<28 overweight, ≥28 obese.",
)
CL_CENTRAL = clause(
    "WEIGHT.waist.central",
    Source.WS_T_428,
    _SECTION,
    Confidence.V,
    "Central obesity: waist ≥90 cm in men, ≥85 cm in women.",
)
CL_PRE_CENTRAL = clause(
    "WEIGHT.waist.pre_central",
    Source.WS_T_428,
    _SECTION,
    Confidence.U,
    "Pre-central obesity: waist 85–<90 cm in men, 80–<85 cm in women.",
)
CL_BODY_FAT = clause(
    "WEIGHT.body_fat",
    Source.WS_T_428,
    _SECTION,
    Confidence.V2,
    "Obesity by body fat: >25 % in men, >30 % in women.",
)


class BmiClass(enum.StrEnum):
    UNDERWEIGHT = "underweight"
    NORMAL = "normal"
    OVERWEIGHT = "overweight"
    OBESE = "obese"


class WaistClass(enum.StrEnum):
    NORMAL = "normal"
    PRE_CENTRAL = "pre_central"
    CENTRAL = "central"


class WeightSettings(msgspec.Struct, frozen=True, kw_only=True):
    """Pre-central-obesity waist lower bounds (cm). [U] CLINICAL_RULES.md §5, not confirmed: overridable."""

    pre_central_male_from: float = 85.0
    pre_central_female_from: float = 80.0


def check_bmi(value: float) -> None:
    """Refuse an impossible BMI (a typed or questionnaire value; a computed one comes from `bmi`)."""
    check_range(value, "bmi", BMI_RANGE, "kg/m²")


def check_waist(waist_cm: float) -> None:
    """Refuse an impossible waist circumference."""
    check_range(waist_cm, "waist_cm", WAIST_CM_RANGE, "cm")


def bmi(weight_kg: float, height_cm: float) -> float:
    """BMI in kg/m², one decimal; refuses impossible weights and heights naming the field."""
    check_range(weight_kg, "weight_kg", WEIGHT_KG_RANGE, "kg")
    check_range(height_cm, "height_cm", HEIGHT_CM_RANGE, "cm")
    h = height_cm / 100
    return round(weight_kg / (h * h), 1)


def classify_bmi(value: float) -> BmiClass:
    if not math.isfinite(value) or value <= 0:
        raise RuleError(f"bmi must be positive, got {value}", field="bmi")
    if value >= BMI_OBESE_FROM:
        return BmiClass.OBESE
    if value >= BMI_OVERWEIGHT_FROM:
        return BmiClass.OVERWEIGHT
    if value >= BMI_NORMAL_FROM:
        return BmiClass.NORMAL
    return BmiClass.UNDERWEIGHT


def classify_waist(waist_cm: float, sex: Sex, settings: WeightSettings | None = None) -> WaistClass:
    s = settings or WeightSettings()
    check_waist(waist_cm)
    central, pre = (
        (WAIST_CENTRAL_MALE, s.pre_central_male_from)
        if sex is Sex.MALE
        else (WAIST_CENTRAL_FEMALE, s.pre_central_female_from)
    )
    if waist_cm >= central:
        return WaistClass.CENTRAL
    if waist_cm >= pre:
        return WaistClass.PRE_CENTRAL
    return WaistClass.NORMAL


def body_fat_high(percent: float, sex: Sex) -> bool:
    check_range(percent, "body_fat_percent", (1.0, 80.0), "%")
    return percent > (BODY_FAT_MALE_ABOVE if sex is Sex.MALE else BODY_FAT_FEMALE_ABOVE)


def stroke_screen_bmi_point(value: float) -> bool:
    """The "8+2" stroke screen's BMI factor (≥26), separate from the WS-T-428 classes."""
    return value >= STROKE_SCREEN_BMI


def bmi_finding(value: float, values: dict[str, float | int | str] | None = None) -> Finding:
    """The WS-T-428 class of a BMI as a Finding (code `weight.bmi.<class>`); `values` adds what it came from."""
    cls = classify_bmi(value)
    return Finding(
        code=f"weight.bmi.{cls.value}",
        severity=Severity.INFO if cls is BmiClass.NORMAL else Severity.ADVICE,
        summary=f"BMI {value} kg/m² is {cls.value}",
        clauses=(CL_BMI,),
        values={"bmi": value, **(values or {})},
    )


def weight_findings(
    *,
    sex: Sex,
    weight_kg: float | None = None,
    height_cm: float | None = None,
    waist_cm: float | None = None,
    body_fat_percent: float | None = None,
    settings: WeightSettings | None = None,
) -> list[Finding]:
    """Findings for whatever was measured: BMI class (needs weight and height), waist class, body fat."""
    out: list[Finding] = []
    if (weight_kg is None) != (height_cm is None):
        missing = "height_cm" if height_cm is None else "weight_kg"
        raise RuleError(f"BMI needs both weight and height; {missing} is missing", field=missing)
    if weight_kg is not None and height_cm is not None:
        b = bmi(weight_kg, height_cm)
        out.append(bmi_finding(b, {"weight_kg": weight_kg, "height_cm": height_cm}))
    if waist_cm is not None:
        wc = classify_waist(waist_cm, sex, settings)
        out.append(
            Finding(
                code=f"weight.waist.{wc.value}",
                severity=Severity.INFO if wc is WaistClass.NORMAL else Severity.ADVICE,
                summary=f"Waist {waist_cm} cm ({sex.value}) is {wc.value.replace('_', ' ')}",
                clauses=(CL_PRE_CENTRAL if wc is WaistClass.PRE_CENTRAL else CL_CENTRAL,),
                values={"waist_cm": waist_cm},
            )
        )
    if body_fat_percent is not None:
        high = body_fat_high(body_fat_percent, sex)
        out.append(
            Finding(
                code="weight.body_fat.high" if high else "weight.body_fat.normal",
                severity=Severity.ADVICE if high else Severity.INFO,
                summary=f"Body fat {body_fat_percent} % ({sex.value}) is {'high' if high else 'not high'}",
                clauses=(CL_BODY_FAT,),
                values={"body_fat_percent": body_fat_percent},
            )
        )
    return out
