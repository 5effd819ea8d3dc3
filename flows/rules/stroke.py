"""Stroke risk screening, the "8+2" score (CLINICAL_RULES.md §7, 脑卒中高危人群筛查), ages ≥40 [V].

Eight risk factors score one point each; the "2" are a history of stroke and of TIA, which make the level high
whatever the points.
"""

from __future__ import annotations

import enum
from typing import Final

import msgspec

from flows.rules.base import Confidence, Finding, RuleError, Severity, Source, clause

_SECTION = "脑卒中高危人群筛查和干预 §8+2 风险评估"

# 8+2 screen: residents aged ≥40 are screened [V]
STROKE_SCREEN_MIN_AGE: Final = 40
# 8+2 screen: ≥3 of the 8 factors (or a history of stroke/TIA) is high risk [V]
HIGH_RISK_POINTS: Final = 3

CL_FACTORS = clause(
    "STROKE.factors",
    Source.GUIDE_2025,
    _SECTION,
    Confidence.V,
    "One point each: hypertension, AF or valvular disease, smoking, dyslipidaemia or lipids unknown, diabetes, "
    "little exercise, BMI ≥26, family history of stroke.",
)
CL_HIGH = clause(
    "STROKE.level.high",
    Source.GUIDE_2025,
    _SECTION,
    Confidence.V,
    "High risk: ≥3 points, or a history of stroke or TIA.",
)
CL_MEDIUM = clause(
    "STROKE.level.medium",
    Source.GUIDE_2025,
    _SECTION,
    Confidence.V,
    "Medium risk: <3 points but hypertension, diabetes, or AF/valvular heart disease.",
)
CL_LOW = clause(
    "STROKE.level.low", Source.GUIDE_2025, _SECTION, Confidence.V, "Low risk: neither high nor medium."
)
CL_AGE = clause(
    "STROKE.age", Source.GUIDE_2025, _SECTION, Confidence.V, "The 8+2 screen is for residents aged ≥40."
)


class StrokeLevel(enum.StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class StrokeFactors(msgspec.Struct, frozen=True, kw_only=True):
    """The answers of the 8+2 form; every field defaults to "no"."""

    hypertension: bool = False  # ≥140/90 mmHg or on antihypertensive treatment
    af_or_valvular: bool = False  # atrial fibrillation or valvular heart disease
    smoking: bool = False
    dyslipidaemia_or_lipids_unknown: bool = False  # an unknown lipid status scores the point too
    diabetes: bool = False
    little_exercise: bool = (
        False  # not ≥3 times a week, ≥30 min, for over a year (manual labour counts as exercise)
    )
    bmi_26_or_more: bool = False  # see flows.rules.weight.STROKE_SCREEN_BMI, not the WS-T-428 classes
    family_history_stroke: bool = False
    history_stroke: bool = False  # the "2": not points, they make the level high
    history_tia: bool = False


_POINT_FIELDS: Final = (
    "hypertension",
    "af_or_valvular",
    "smoking",
    "dyslipidaemia_or_lipids_unknown",
    "diabetes",
    "little_exercise",
    "bmi_26_or_more",
    "family_history_stroke",
)


class StrokeRisk(msgspec.Struct, frozen=True, kw_only=True):
    level: StrokeLevel
    points: int
    factors: tuple[str, ...]  # the names of the factors that scored


def stroke_screen_applies(age: int) -> bool:
    return age >= STROKE_SCREEN_MIN_AGE


def assess_stroke_risk(age: int, f: StrokeFactors) -> StrokeRisk:
    """The 8+2 level; refuses residents under 40 (naming `age`), whom the screen does not cover."""
    if not stroke_screen_applies(age):
        raise RuleError(f"the 8+2 stroke screen is for ages ≥{STROKE_SCREEN_MIN_AGE}, got {age}", field="age")
    scored = tuple(name for name in _POINT_FIELDS if getattr(f, name))
    points = len(scored)
    if points >= HIGH_RISK_POINTS or f.history_stroke or f.history_tia:
        level = StrokeLevel.HIGH
    elif f.hypertension or f.diabetes or f.af_or_valvular:
        level = StrokeLevel.MEDIUM
    else:
        level = StrokeLevel.LOW
    return StrokeRisk(level=level, points=points, factors=scored)


_LEVEL_CLAUSE: Final = {StrokeLevel.HIGH: CL_HIGH, StrokeLevel.MEDIUM: CL_MEDIUM, StrokeLevel.LOW: CL_LOW}


def stroke_finding(age: int, f: StrokeFactors) -> Finding:
    risk = assess_stroke_risk(age, f)
    history = [n for n in ("history_stroke", "history_tia") if getattr(f, n)]
    return Finding(
        code=f"stroke.risk.{risk.level.value}",
        severity=Severity.INFO if risk.level is StrokeLevel.LOW else Severity.ADVICE,
        summary=f"8+2 stroke risk {risk.level.value}: {risk.points} points"
        + (f", history of {' and '.join(h.removeprefix('history_') for h in history)}" if history else ""),
        clauses=(CL_AGE, CL_FACTORS, _LEVEL_CLAUSE[risk.level]),
        values={"points": risk.points, "factors": ",".join(risk.factors)},
    )
