"""Chinese diabetes risk score (中国糖尿病风险评分, CDRS; CLINICAL_RULES.md §3) [V2].

For residents aged 20–74: points for age, sex, family history, BMI, waist (women's bands 5 cm lower) and SBP;
a total ≥25 is high risk and calls for an OGTT. Outside 20–74 the score does not apply: `score_cdrs` refuses
with a RuleError naming `age` (the same choice as the COPD-SQ and the 8+2 stroke screen), and `cdrs_applies`
lets a caller ask first. BMI, waist and SBP are checked for plausibility by the weight rules (BMI, waist) and the
hypertension rules (SBP), as everywhere else.
"""

from __future__ import annotations

from typing import Final

import msgspec

from flows.model import Sex
from flows.rules.base import (
    Confidence,
    Finding,
    NextStep,
    RuleError,
    Severity,
    Source,
    band,
    check_bool,
    clause,
    is_int_in,
)
from flows.rules.hypertension import check_sbp
from flows.rules.weight import check_bmi, check_waist

_SECTION = "国家基层糖尿病防治管理指南 §筛查 中国糖尿病风险评分表"

# CDRS: ages 20–74 [V2]
MIN_AGE: Final = 20
MAX_AGE: Final = 74
# CDRS: total ≥25 is high risk → OGTT [V2]
HIGH_RISK_FROM: Final = 25
# CDRS age: 20–24:0, 25–34:4, 35–39:8, 40–44:11, 45–49:12, 50–54:13, 55–59:15, 60–64:16, 65–74:18 [V2]
AGE_BAND_FROM: Final = (25, 35, 40, 45, 50, 55, 60, 65)
AGE_POINTS: Final = (0, 4, 8, 11, 12, 13, 15, 16, 18)
# CDRS sex: male +2 [V2]
MALE_POINTS: Final = 2
# CDRS family history of diabetes: +6 [V2]
FAMILY_HISTORY_POINTS: Final = 6
# CDRS BMI: <22:0, 22–23.9:1, 24–29.9:3, ≥30:5 [V2]
BMI_BAND_FROM: Final = (22.0, 24.0, 30.0)
BMI_POINTS: Final = (0, 1, 3, 5)
# CDRS waist (men): <75:0, 75–79.9:3, 80–84.9:5, 85–89.9:7, 90–94.9:8, ≥95:10 [V2]
WAIST_BAND_FROM_MALE: Final = (75.0, 80.0, 85.0, 90.0, 95.0)
# CDRS waist (women): every band 5 cm lower [V2]
WAIST_FEMALE_SHIFT_CM: Final = 5.0
WAIST_POINTS: Final = (0, 3, 5, 7, 8, 10)
# CDRS SBP: <110:0, 110–119:1, 120–129:3, 130–139:6, 140–149:7, 150–159:8, ≥160:10 [V2]
SBP_BAND_FROM: Final = (110, 120, 130, 140, 150, 160)
SBP_POINTS: Final = (0, 1, 3, 6, 7, 8, 10)

CL_POINTS = clause(
    "CDRS.points",
    Source.DM_2022,
    _SECTION,
    Confidence.V2,
    "Age 20–24:0, 25–34:4, 35–39:8, 40–44:11, 45–49:12, 50–54:13, 55–59:15, 60–64:16, 65–74:18; male 2; family "
    "history 6; BMI <22:0, 22–23.9:1, 24–29.9:3, ≥30:5; SBP <110:0, 110–119:1, 120–129:3, 130–139:6, 140–149:7, "
    "150–159:8, ≥160:10.",
)
CL_WAIST = clause(
    "CDRS.waist",
    Source.DM_2022,
    _SECTION,
    Confidence.V2,
    "Waist (men) <75:0, 75–79.9:3, 80–84.9:5, 85–89.9:7, 90–94.9:8, ≥95:10; women: every band 5 cm lower.",
)
CL_AGE = clause("CDRS.age", Source.DM_2022, _SECTION, Confidence.V2, "The CDRS applies to ages 20–74.")
CL_HIGH_RISK = clause(
    "CDRS.high_risk",
    Source.DM_2022,
    _SECTION,
    Confidence.V2,
    "A CDRS total ≥25 is high risk: do an OGTT.",
)


class CdrsInput(msgspec.Struct, frozen=True, kw_only=True):
    age: int
    sex: Sex
    family_history: bool  # diabetes in a first-degree relative
    bmi: float  # kg/m²
    waist_cm: float
    sbp: int  # mmHg


class CdrsResult(msgspec.Struct, frozen=True, kw_only=True):
    items: dict[str, int]  # points per item: age, sex, family_history, bmi, waist, sbp
    total: int
    high_risk: bool
    findings: tuple[Finding, ...]
    next_steps: tuple[NextStep, ...]
    clauses: tuple[str, ...]


def cdrs_applies(age: int) -> bool:
    return MIN_AGE <= age <= MAX_AGE


def age_points(age: int) -> int:
    if not is_int_in(age, MIN_AGE, MAX_AGE):
        raise RuleError(f"the CDRS covers ages {MIN_AGE}–{MAX_AGE}, got {age!r}", field="age")
    return AGE_POINTS[band(age, AGE_BAND_FROM)]


def bmi_points(bmi: float) -> int:
    check_bmi(bmi)
    return BMI_POINTS[band(bmi, BMI_BAND_FROM)]


def waist_points(waist_cm: float, sex: Sex) -> int:
    check_waist(waist_cm)
    shift = 0.0 if sex is Sex.MALE else WAIST_FEMALE_SHIFT_CM
    return WAIST_POINTS[band(waist_cm, tuple(b - shift for b in WAIST_BAND_FROM_MALE))]


def sbp_points(sbp: int) -> int:
    if isinstance(sbp, bool) or not isinstance(sbp, int):
        raise RuleError(f"sbp must be a whole number of mmHg, got {sbp!r}", field="sbp")
    check_sbp(sbp)
    return SBP_POINTS[band(sbp, SBP_BAND_FROM)]


def score_cdrs(i: CdrsInput) -> CdrsResult:
    """Validate every input and add up the CDRS; a total ≥25 brings an OGTT next step."""
    try:
        sex = Sex(i.sex)
    except ValueError:
        raise RuleError(f"sex must be one of {[s.value for s in Sex]}, got {i.sex!r}", field="sex") from None
    check_bool(i.family_history, "family_history")
    items = {
        "age": age_points(i.age),
        "sex": MALE_POINTS if sex is Sex.MALE else 0,
        "family_history": FAMILY_HISTORY_POINTS if i.family_history else 0,
        "bmi": bmi_points(i.bmi),
        "waist": waist_points(i.waist_cm, sex),
        "sbp": sbp_points(i.sbp),
    }
    total = sum(items.values())
    high = total >= HIGH_RISK_FROM
    clauses = (CL_AGE, CL_POINTS, CL_WAIST, CL_HIGH_RISK)
    finding = Finding(
        code="cdrs.high_risk" if high else "cdrs.low_risk",
        severity=Severity.ADVICE if high else Severity.INFO,
        summary=f"Chinese diabetes risk score {total} ({'≥' if high else '<'}{HIGH_RISK_FROM})",
        clauses=clauses,
        values={"total": total, **items},
    )
    steps = (
        (NextStep(code="dm.ogtt", summary="Oral glucose tolerance test (OGTT)", clauses=(CL_HIGH_RISK,)),)
        if high
        else ()
    )
    return CdrsResult(
        items=items, total=total, high_risk=high, findings=(finding,), next_steps=steps, clauses=clauses
    )
