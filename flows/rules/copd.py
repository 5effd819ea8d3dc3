"""COPD (CLINICAL_RULES.md §6): the COPD-SQ screening questionnaire, the spirometric criterion, GOLD, mMRC, CAT.

The COPD-SQ cut-off (≥16) and the FEV1/FVC and mMRC thresholds are [V]; the pack-years, BMI and breathlessness
points are [V2]; the age, cough, biomass and family-history points, the GOLD bands and the CAT cut-off are [U]
and live in `CopdSettings`, which a site may override.
"""

from __future__ import annotations

import enum
import math
from typing import Final

import msgspec

from flows.rules.base import Confidence, Finding, NextStep, RuleError, Severity, Source, clause

_SQ = "慢阻肺病筛查问卷（COPD-SQ）"
_SERVICE = "慢性阻塞性肺疾病患者健康服务规范（试行） §诊断与评估"

# COPD-SQ: total ≥16 is high risk → spirometry [V]
COPD_SQ_HIGH_RISK: Final = 16
# COPD-SQ: the questionnaire covers ages ≥40 (its lowest age band is 40–49)
COPD_SQ_MIN_AGE: Final = 40
MAX_AGE: Final = 130
# COPD-SQ pack-years: 0–14 → 0, 15–<30 → 1, ≥30 → 2 [V2]
PACK_YEARS_ONE_FROM: Final = 15.0
PACK_YEARS_TWO_FROM: Final = 30.0
PACK_YEARS_POINTS: Final = (0, 1, 2)
MAX_PACK_YEARS: Final = 300.0
# COPD-SQ BMI: <18.5 → 7, 18.5–23.9 → 4, 24–27.9 → 1, ≥28 → 0 [V2]
SQ_BMI_CUTS: Final = (18.5, 24.0, 28.0)
SQ_BMI_POINTS: Final = (7, 4, 1, 0)
BMI_RANGE: Final = (8.0, 90.0)
# COPD-2024 §诊断: post-bronchodilator FEV1/FVC <0.70 [V]
FEV1_FVC_LIMIT: Final = 0.70
# mMRC 0–4; ≥2 = more breathless [V]
MMRC_MAX: Final = 4
MMRC_MORE_BREATHLESS: Final = 2
# CAT 0–40 (the cut-off is in CopdSettings, [U])
CAT_MAX: Final = 40

CL_SQ = clause(
    "COPD.sq.high_risk",
    Source.COPD_2024,
    _SQ,
    Confidence.V,
    "COPD-SQ total ≥16 is high risk: refer for spirometry.",
)
CL_SQ_V2 = clause(
    "COPD.sq.points.v2",
    Source.COPD_2024,
    _SQ,
    Confidence.V2,
    "Points: pack-years 0–14:0, 15–30:1, ≥30:2; BMI <18.5:7, 18.5–23.9:4, 24–27.9:1, ≥28:0; breathlessness "
    "none 0, hurrying or climbing 2, walking normally 3.",
)
CL_SQ_U = clause(
    "COPD.sq.points.u",
    Source.COPD_2024,
    _SQ,
    Confidence.U,
    "Points: age 40–49:0, 50–59:3, 60–69:7, ≥70:10; cough without a cold 5; coal/biomass fuel 1; family history 3.",
)
CL_DIAGNOSIS = clause(
    "COPD.diagnosis",
    Source.COPD_2024,
    _SERVICE,
    Confidence.V,
    "Post-bronchodilator FEV1/FVC <0.70 confirms COPD.",
)
CL_GOLD = clause(
    "COPD.gold",
    Source.COPD_2024,
    _SERVICE,
    Confidence.U,
    "GOLD 1 FEV1 ≥80 %, 2 50–79 %, 3 30–49 %, 4 <30 % of predicted.",
)
CL_MMRC = clause("COPD.mmrc", Source.COPD_2024, _SERVICE, Confidence.V, "mMRC 0–4; ≥2 means more breathless.")
CL_CAT = clause("COPD.cat", Source.COPD_2024, _SERVICE, Confidence.U, "CAT 0–40; ≥10 means more symptoms.")


class Breathlessness(enum.StrEnum):
    NONE = "none"
    HURRYING_OR_CLIMBING = "hurrying_or_climbing"
    WALKING_NORMALLY = "walking_normally"


# COPD-SQ breathlessness points [V2]
BREATHLESSNESS_POINTS: Final = {
    Breathlessness.NONE: 0,
    Breathlessness.HURRYING_OR_CLIMBING: 2,
    Breathlessness.WALKING_NORMALLY: 3,
}


class CopdSettings(msgspec.Struct, frozen=True, kw_only=True):
    """[U] facts of CLINICAL_RULES.md §6, not confirmed: overridable by a site."""

    age_band_from: tuple[int, int, int, int] = (40, 50, 60, 70)  # COPD-SQ age bands 40–49, 50–59, 60–69, ≥70
    age_points: tuple[int, int, int, int] = (0, 3, 7, 10)
    cough_points: int = 5
    biomass_points: int = 1
    family_history_points: int = 3
    gold_cuts: tuple[float, float, float] = (
        80.0,
        50.0,
        30.0,
    )  # % predicted FEV1: GOLD 1 ≥80, 2 ≥50, 3 ≥30, else 4
    cat_more_symptoms: int = 10


class CopdSqAnswers(msgspec.Struct, frozen=True, kw_only=True):
    age: int
    pack_years: float
    bmi: float
    cough_without_cold: bool
    breathlessness: Breathlessness
    biomass_fuel: bool
    family_history: bool


class CopdSqResult(msgspec.Struct, frozen=True, kw_only=True):
    total: int
    items: dict[str, int]
    high_risk: bool


def _fail(field: str, message: str) -> RuleError:
    return RuleError(f"{field}: {message}", field=field)


def _bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(field, f"must be yes or no, got {value!r}")
    return value


def _band(value: float, cuts: tuple[float, ...]) -> int:
    """Index of the band `value` falls in, given the ascending lower bounds of bands 1..n."""
    return sum(1 for c in cuts if value >= c)


def score_copd_sq(a: CopdSqAnswers, settings: CopdSettings | None = None) -> CopdSqResult:
    """Validate every answer and add up the COPD-SQ points; refusals name the field."""
    s = settings or CopdSettings()
    if isinstance(a.age, bool) or not isinstance(a.age, int) or not COPD_SQ_MIN_AGE <= a.age <= MAX_AGE:
        raise _fail("age", f"COPD-SQ covers ages {COPD_SQ_MIN_AGE}–{MAX_AGE}, got {a.age!r}")
    if not math.isfinite(a.pack_years) or not 0 <= a.pack_years <= MAX_PACK_YEARS:
        raise _fail("pack_years", f"must be 0–{MAX_PACK_YEARS}, got {a.pack_years}")
    if not math.isfinite(a.bmi) or not BMI_RANGE[0] <= a.bmi <= BMI_RANGE[1]:
        raise _fail("bmi", f"must be {BMI_RANGE[0]}–{BMI_RANGE[1]} kg/m², got {a.bmi}")
    try:
        breath = Breathlessness(a.breathlessness)
    except ValueError:
        raise _fail("breathlessness", f"must be one of {[b.value for b in Breathlessness]}") from None
    items = {
        "age": s.age_points[_band(a.age, s.age_band_from[1:])],
        "pack_years": PACK_YEARS_POINTS[_band(a.pack_years, (PACK_YEARS_ONE_FROM, PACK_YEARS_TWO_FROM))],
        "bmi": SQ_BMI_POINTS[_band(a.bmi, SQ_BMI_CUTS)],
        "cough_without_cold": s.cough_points if _bool(a.cough_without_cold, "cough_without_cold") else 0,
        "breathlessness": BREATHLESSNESS_POINTS[breath],
        "biomass_fuel": s.biomass_points if _bool(a.biomass_fuel, "biomass_fuel") else 0,
        "family_history": s.family_history_points if _bool(a.family_history, "family_history") else 0,
    }
    total = sum(items.values())
    return CopdSqResult(total=total, items=items, high_risk=total >= COPD_SQ_HIGH_RISK)


def copd_sq_assessment(
    a: CopdSqAnswers, settings: CopdSettings | None = None
) -> tuple[Finding, NextStep | None]:
    """The COPD-SQ finding, and a spirometry next step when the total is ≥16."""
    r = score_copd_sq(a, settings)
    finding = Finding(
        code="copd.sq.high_risk" if r.high_risk else "copd.sq.low_risk",
        severity=Severity.ADVICE if r.high_risk else Severity.INFO,
        summary=f"COPD-SQ {r.total} ({'≥' if r.high_risk else '<'}{COPD_SQ_HIGH_RISK})",
        clauses=(CL_SQ, CL_SQ_V2, CL_SQ_U),
        values={"total": r.total, **r.items},
    )
    step = (
        NextStep(code="copd.spirometry", summary="Spirometry (lung function test)", clauses=(CL_SQ,))
        if r.high_risk
        else None
    )
    return finding, step


def meets_spirometric_criterion(fev1_fvc: float) -> bool:
    """Post-bronchodilator FEV1/FVC (a ratio, e.g. 0.65) below 0.70."""
    if not math.isfinite(fev1_fvc) or not 0 < fev1_fvc <= 1:
        raise _fail("fev1_fvc", f"must be a ratio in (0, 1], got {fev1_fvc}")
    return fev1_fvc < FEV1_FVC_LIMIT


def gold_grade(fev1_percent_predicted: float, settings: CopdSettings | None = None) -> int:
    """GOLD 1–4 from FEV1 % predicted [U]; meaningful only when the spirometric criterion is met."""
    s = settings or CopdSettings()
    if not math.isfinite(fev1_percent_predicted) or not 0 < fev1_percent_predicted <= 200:
        raise _fail("fev1_percent_predicted", f"must be in (0, 200], got {fev1_percent_predicted}")
    for grade, cut in enumerate(s.gold_cuts, start=1):
        if fev1_percent_predicted >= cut:
            return grade
    return len(s.gold_cuts) + 1


def mmrc_more_breathless(grade: int) -> bool:
    if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= MMRC_MAX:
        raise _fail("mmrc", f"must be an integer 0–{MMRC_MAX}, got {grade!r}")
    return grade >= MMRC_MORE_BREATHLESS


def cat_more_symptoms(score: int, settings: CopdSettings | None = None) -> bool:
    s = settings or CopdSettings()
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= CAT_MAX:
        raise _fail("cat", f"must be an integer 0–{CAT_MAX}, got {score!r}")
    return score >= s.cat_more_symptoms
