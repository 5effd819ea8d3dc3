"""Which of the chart's values are beyond their threshold, and the clause that says so.

The chart marks a value the doctor should look at twice; it decides nothing. Each code is marked against the
threshold the rest of the system already applies to it, so the chart never disagrees with the follow-up class
or the diagnosis screen: BP and fasting glucose against the BPHS-2017 programme threshold (what drives the
follow-up class, CLINICAL_RULES.md §2/§3), HbA1c against the DM-2022 clinical target, lipids against the
LIPID-2023 "suitable" upper bounds (§4), BMI and waist against WS-T-428 (§5). Codes with no threshold in
CLINICAL_RULES.md for one value (weight, height, heart rate, SpO2 …) are never marked.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Final

import msgspec

from flows.model import Sex
from flows.rules import diabetes, hypertension, lipids, weight


class Flag(enum.StrEnum):
    HIGH = "high"  # at or above the threshold
    LOW = "low"  # below the threshold (HDL-C, BMI)


class Mark(msgspec.Struct, frozen=True, kw_only=True):
    flag: Flag
    limit: str  # what the value met, as the chart prints it: "≥140", "<1.0"
    clauses: tuple[str, ...]


def _hba1c_target() -> float:
    """DM-2022 §综合控制目标 [V]: HbA1c <7.0 % (the table of diabetes.CLINICAL_TARGETS, not a copy of it)."""
    found = next(t for t in diabetes.CLINICAL_TARGETS if t.code == "hba1c")
    assert found.below is not None  # the table states HbA1c as an upper bound
    return found.below


HBA1C_TARGET_BELOW: Final = _hba1c_target()


def _from(value: float, limit: float, clauses: tuple[str, ...]) -> Mark | None:
    return Mark(flag=Flag.HIGH, limit=f"≥{limit:g}", clauses=clauses) if value >= limit else None


def _sbp(value: float, age: int, sex: Sex) -> Mark | None:
    # BPHS-2017 §分类干预 [V]: 控制满意 SBP <140; ≥65 <150 (indicator definition [V]).
    threshold = hypertension.programme_threshold(age)
    return _from(value, threshold.sbp_below, threshold.clauses)


def _dbp(value: float, age: int, sex: Sex) -> Mark | None:
    # BPHS-2017 §分类干预 [V]: 控制满意 DBP <90 at every age.
    threshold = hypertension.programme_threshold(age)
    return _from(value, threshold.dbp_below, threshold.clauses)


def _fpg(value: float, age: int, sex: Sex) -> Mark | None:
    # BPHS-2017 §分类干预 [V]: 控制满意 FPG <7.0 mmol/L.
    return _from(value, diabetes.CONTROL_FPG_BELOW, (diabetes.C_CONTROL,))


def _hba1c(value: float, age: int, sex: Sex) -> Mark | None:
    # DM-2022 §综合控制目标 [V]: HbA1c <7.0 %.
    return _from(value, HBA1C_TARGET_BELOW, (diabetes.C_TARGETS,))


def _ldl(value: float, age: int, sex: Sex) -> Mark | None:
    # LIPID-2023 [V]: LDL-C <3.4 suitable (the risk tier's own target needs more than one value).
    return _from(value, lipids.LDL_BORDERLINE, (lipids.CL_LDL,))


def _tc(value: float, age: int, sex: Sex) -> Mark | None:
    # LIPID-2023 [V]: TC <5.2 suitable.
    return _from(value, lipids.TC_BORDERLINE, (lipids.CL_TC,))


def _tg(value: float, age: int, sex: Sex) -> Mark | None:
    # LIPID-2023 [V]: TG <1.7 suitable.
    return _from(value, lipids.TG_BORDERLINE, (lipids.CL_TG,))


def _hdl(value: float, age: int, sex: Sex) -> Mark | None:
    # LIPID-2023 [V]: HDL-C <1.0 is low.
    if value < lipids.HDL_LOW_BELOW:
        return Mark(flag=Flag.LOW, limit=f"<{lipids.HDL_LOW_BELOW:g}", clauses=(lipids.CL_HDL,))
    return None


def _bmi(value: float, age: int, sex: Sex) -> Mark | None:
    # WS-T-428 [V]: BMI <18.5 underweight, ≥24 overweight.
    if value < weight.BMI_NORMAL_FROM:
        return Mark(flag=Flag.LOW, limit=f"<{weight.BMI_NORMAL_FROM:g}", clauses=(weight.CL_BMI,))
    return _from(value, weight.BMI_OVERWEIGHT_FROM, (weight.CL_BMI,))


def _waist(value: float, age: int, sex: Sex) -> Mark | None:
    # WS-T-428 [V]: central obesity from 90 cm (men) / 85 cm (women).
    limit = weight.WAIST_CENTRAL_MALE if sex is Sex.MALE else weight.WAIST_CENTRAL_FEMALE
    return _from(value, limit, (weight.CL_CENTRAL,))


_RULES: Final[dict[str, Callable[[float, int, Sex], Mark | None]]] = {
    "sbp": _sbp,
    "dbp": _dbp,
    "fpg": _fpg,
    "hba1c": _hba1c,
    "ldl": _ldl,
    "tc": _tc,
    "tg": _tg,
    "hdl": _hdl,
    "bmi": _bmi,
    "waist": _waist,
}


def mark(code: str, value: float, *, age: int, sex: Sex) -> Mark | None:
    """The mark of one value of `code` for a resident of this age and sex; None when it is within its
    threshold or the code has none."""
    rule = _RULES.get(code)
    return rule(value, age, sex) if rule is not None else None
