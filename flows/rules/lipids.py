"""Dyslipidaemia (CLINICAL_RULES.md §4, LIPID-2023): lipid categories, LDL-C targets, screening interval.

All values are in mmol/L. Categories are [V]; the pancreatitis flag is [V2]; the risk tiers and LDL-C targets
are [U] and live in `LipidSettings`, which a site may override.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from typing import Final

import msgspec

from flows.rules.base import Confidence, Finding, NextStep, RuleError, Severity, Source, add_months, clause

_SECTION = "中国血脂管理指南（2023） §血脂合适水平和异常切点"
_SCREEN_SECTION = "中国血脂管理指南（2023） §血脂筛查"
_TARGET_SECTION = "中国血脂管理指南（2023） §LDL-C目标值"

# LIPID-2023 §TC: <5.2 suitable, 5.2–<6.2 borderline high, ≥6.2 high [V]
TC_BORDERLINE: Final = 5.2
TC_HIGH: Final = 6.2
# LIPID-2023 §LDL-C: <2.6 ideal, <3.4 suitable, 3.4–<4.1 borderline high, ≥4.1 high [V]
LDL_IDEAL_BELOW: Final = 2.6
LDL_BORDERLINE: Final = 3.4
LDL_HIGH: Final = 4.1
# LIPID-2023 §HDL-C: <1.0 low [V]
HDL_LOW_BELOW: Final = 1.0
# LIPID-2023 §non-HDL-C: <3.4 ideal, <4.1 suitable, 4.1–<4.9 borderline high, ≥4.9 high [V]
NON_HDL_IDEAL_BELOW: Final = 3.4
NON_HDL_BORDERLINE: Final = 4.1
NON_HDL_HIGH: Final = 4.9
# LIPID-2023 §TG: <1.7 suitable, 1.7–<2.3 borderline high, ≥2.3 high [V]
TG_BORDERLINE: Final = 1.7
TG_HIGH: Final = 2.3
# LIPID-2023 §TG: ≥5.6 → lower TG first for the risk of acute pancreatitis [V2]
TG_PANCREATITIS: Final = 5.6
# LIPID-2023 §血脂筛查: adults <40 every 2–5 years, ≥40 at least yearly [V]
SCREEN_AGE_YEARLY: Final = 40
SCREEN_YEARS_UNDER_40: Final = (2, 5)
SCREEN_YEARS_FROM_40: Final = (1, 1)
# Plausibility bounds of a lab value (ours, not the guideline's): refuse what no analyser reports.
MAX_PLAUSIBLE_MMOL: Final = 100.0

CL_TC = clause(
    "LIPID.tc",
    Source.LIPID_2023,
    _SECTION,
    Confidence.V,
    "TC <5.2 suitable, 5.2–<6.2 borderline high, ≥6.2 high.",
)
CL_LDL = clause(
    "LIPID.ldl",
    Source.LIPID_2023,
    _SECTION,
    Confidence.V,
    "LDL-C <2.6 ideal, <3.4 suitable, 3.4–<4.1 borderline high, ≥4.1 high.",
)
CL_HDL = clause("LIPID.hdl", Source.LIPID_2023, _SECTION, Confidence.V, "HDL-C <1.0 is low.")
CL_NON_HDL = clause(
    "LIPID.non_hdl",
    Source.LIPID_2023,
    _SECTION,
    Confidence.V,
    "non-HDL-C <3.4 ideal, <4.1 suitable, 4.1–<4.9 borderline high, ≥4.9 high.",
)
CL_TG = clause(
    "LIPID.tg",
    Source.LIPID_2023,
    _SECTION,
    Confidence.V,
    "TG <1.7 suitable, 1.7–<2.3 borderline high, ≥2.3 high.",
)
CL_TG_PANCREATITIS = clause(
    "LIPID.tg.pancreatitis",
    Source.LIPID_2023,
    _SECTION,
    Confidence.V2,
    "TG ≥5.6: lower TG first because of the risk of acute pancreatitis.",
)
CL_SCREEN = clause(
    "LIPID.screening",
    Source.LIPID_2023,
    _SCREEN_SECTION,
    Confidence.V,
    "Adults <40 are screened every 2–5 years, adults ≥40 at least yearly.",
)
CL_LDL_TARGET = clause(
    "LIPID.ldl.target",
    Source.LIPID_2023,
    _TARGET_SECTION,
    Confidence.U,
    "LDL-C targets by ASCVD risk tier: extreme <1.4, very high <1.8, high <2.6, medium/low <3.4.",
)


class LipidLevel(enum.StrEnum):
    IDEAL = "ideal"
    SUITABLE = "suitable"
    BORDERLINE_HIGH = "borderline_high"
    HIGH = "high"
    LOW = "low"
    NOT_LOW = "not_low"  # HDL-C at or above the low cut-off: the table names no other category


class RiskTier(enum.StrEnum):
    EXTREME = "extreme"
    VERY_HIGH = "very_high"
    HIGH = "high"
    MEDIUM_LOW = "medium_low"


class LipidSettings(msgspec.Struct, frozen=True, kw_only=True):
    """LDL-C targets (mmol/L, "below") by ASCVD risk tier. [U] LIPID-2023 §LDL-C目标值, not confirmed: overridable."""

    ldl_target_extreme: float = 1.4
    ldl_target_very_high: float = 1.8
    ldl_target_high: float = 2.6
    ldl_target_medium_low: float = 3.4


def _check(value: float, field: str) -> float:
    if not math.isfinite(value) or value <= 0 or value > MAX_PLAUSIBLE_MMOL:
        raise RuleError(f"{field} must be a positive concentration in mmol/L, got {value}", field=field)
    return value


def _upper(value: float, ideal: float | None, borderline: float, high: float) -> LipidLevel:
    if value >= high:
        return LipidLevel.HIGH
    if value >= borderline:
        return LipidLevel.BORDERLINE_HIGH
    if ideal is not None and value < ideal:
        return LipidLevel.IDEAL
    return LipidLevel.SUITABLE


def classify_tc(value: float) -> LipidLevel:
    return _upper(_check(value, "tc"), None, TC_BORDERLINE, TC_HIGH)


def classify_ldl(value: float) -> LipidLevel:
    return _upper(_check(value, "ldl_c"), LDL_IDEAL_BELOW, LDL_BORDERLINE, LDL_HIGH)


def classify_hdl(value: float) -> LipidLevel:
    return LipidLevel.LOW if _check(value, "hdl_c") < HDL_LOW_BELOW else LipidLevel.NOT_LOW


def classify_non_hdl(value: float) -> LipidLevel:
    return _upper(_check(value, "non_hdl_c"), NON_HDL_IDEAL_BELOW, NON_HDL_BORDERLINE, NON_HDL_HIGH)


def classify_tg(value: float) -> LipidLevel:
    return _upper(_check(value, "tg"), None, TG_BORDERLINE, TG_HIGH)


_ABNORMAL = {LipidLevel.BORDERLINE_HIGH, LipidLevel.HIGH, LipidLevel.LOW}


def _finding(name: str, value: float, level: LipidLevel, cl: str) -> Finding:
    return Finding(
        code=f"lipid.{name}.{level.value}",
        severity=Severity.ADVICE if level in _ABNORMAL else Severity.INFO,
        summary=f"{name} {value} mmol/L is {level.value.replace('_', ' ')}",
        clauses=(cl,),
        values={name: value},
    )


def non_hdl_c(reported: float | None, tc: float | None, hdl_c: float | None) -> float | None:
    """non-HDL-C as reported, else TC − HDL-C (LIPID-2023) when both are there, to two decimals."""
    if reported is None and tc is not None and hdl_c is not None:
        return round(tc - hdl_c, 2)
    return reported


def lipid_findings(
    *,
    tc: float | None = None,
    ldl_c: float | None = None,
    hdl_c: float | None = None,
    non_hdl_c: float | None = None,
    tg: float | None = None,
) -> list[Finding]:
    """One finding per value given, plus the pancreatitis warning when TG ≥5.6."""
    out: list[Finding] = []
    if tc is not None:
        out.append(_finding("tc", tc, classify_tc(tc), CL_TC))
    if ldl_c is not None:
        out.append(_finding("ldl_c", ldl_c, classify_ldl(ldl_c), CL_LDL))
    if hdl_c is not None:
        out.append(_finding("hdl_c", hdl_c, classify_hdl(hdl_c), CL_HDL))
    if non_hdl_c is not None:
        out.append(_finding("non_hdl_c", non_hdl_c, classify_non_hdl(non_hdl_c), CL_NON_HDL))
    if tg is not None:
        out.append(_finding("tg", tg, classify_tg(tg), CL_TG))
        if tg >= TG_PANCREATITIS:
            out.append(
                Finding(
                    code="lipid.tg.pancreatitis_risk",
                    severity=Severity.WARNING,
                    summary=f"TG {tg} mmol/L ≥{TG_PANCREATITIS}: lower TG first (risk of acute pancreatitis)",
                    clauses=(CL_TG_PANCREATITIS,),
                    values={"tg": tg},
                )
            )
    return out


def ldl_target(tier: RiskTier, settings: LipidSettings | None = None) -> float:
    """The LDL-C value (mmol/L) to stay below for a risk tier [U]."""
    s = settings or LipidSettings()
    return {
        RiskTier.EXTREME: s.ldl_target_extreme,
        RiskTier.VERY_HIGH: s.ldl_target_very_high,
        RiskTier.HIGH: s.ldl_target_high,
        RiskTier.MEDIUM_LOW: s.ldl_target_medium_low,
    }[tier]


def screening_interval_years(age: int) -> tuple[int, int]:
    """(shortest, longest) years between lipid tests for an adult of `age` (LIPID-2023 §血脂筛查)."""
    if age < 0:
        raise RuleError(f"age must not be negative, got {age}", field="age")
    return SCREEN_YEARS_FROM_40 if age >= SCREEN_AGE_YEARLY else SCREEN_YEARS_UNDER_40


def next_screening(age: int, tested_on: dt.date) -> NextStep:
    """The next lipid test, due at the longest interval of the age band."""
    shortest, longest = screening_interval_years(age)
    span = f"every {shortest}–{longest} years" if shortest != longest else "yearly"
    return NextStep(
        code="lipid.screen",
        summary=f"Lipid screening {span} at age {age}",
        clauses=(CL_SCREEN,),
        due=add_months(tested_on, 12 * longest),  # 29 February + a year → 28 February
    )
