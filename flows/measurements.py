"""The measurement codes a visit can hold, their units and the values no human body produces.

One table for every path a value takes into a visit (typed at the desk, sent by a device, self-check): the
API refuses an impossible value here, naming the code, before anything is written. The limits are
DEVICES.md §3 where it gives them; the others are wide physiological bounds of ours, only meant to catch
typing and unit errors (a glucose in mg/dL, a height in metres), never to judge a value clinically.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

import msgspec

from flows.errors import InvalidInput


class Measure(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    unit: str
    low: float
    high: float
    label_zh: str
    label_en: str
    integer: bool = False  # mmHg and beats a minute are whole numbers on every form


def _m(code: str, unit: str, low: float, high: float, zh: str, en: str, integer: bool = False) -> Measure:  # noqa: PLR0917 (a table row)
    return Measure(code=code, unit=unit, low=low, high=high, label_zh=zh, label_en=en, integer=integer)


MEASURES: Final[dict[str, Measure]] = {
    m.code: m
    for m in (
        _m("sbp", "mmHg", 60, 260, "收缩压", "systolic BP", True),  # DEVICES.md §3
        _m("dbp", "mmHg", 30, 215, "舒张压", "diastolic BP", True),  # DEVICES.md §3
        _m("pulse", "/min", 30, 220, "心率", "heart rate", True),  # DEVICES.md §3
        _m("weight", "kg", 2, 300, "体重", "weight"),  # DEVICES.md §3
        _m("height", "cm", 40, 250, "身高", "height"),  # DEVICES.md §3
        _m("bmi", "kg/m2", 8, 90, "体质指数", "BMI"),
        _m("waist", "cm", 30, 250, "腰围", "waist"),
        _m("body_fat", "%", 2, 75, "体脂率", "body fat"),
        _m("fpg", "mmol/L", 1.1, 33.3, "空腹血糖", "fasting glucose"),  # DEVICES.md §3 (glucose)
        _m("random_glucose", "mmol/L", 1.1, 33.3, "随机血糖", "random glucose"),  # DEVICES.md §3
        _m("ogtt_2h", "mmol/L", 1.1, 33.3, "OGTT 2小时血糖", "OGTT 2-h glucose"),  # DEVICES.md §3
        _m("hba1c", "%", 3, 20, "糖化血红蛋白", "HbA1c"),  # DEVICES.md §3
        _m("tc", "mmol/L", 0.5, 30, "总胆固醇", "total cholesterol"),
        _m("ldl", "mmol/L", 0.1, 20, "低密度脂蛋白胆固醇", "LDL-C"),
        _m("hdl", "mmol/L", 0.1, 10, "高密度脂蛋白胆固醇", "HDL-C"),
        _m("non_hdl", "mmol/L", 0.1, 25, "非高密度脂蛋白胆固醇", "non-HDL-C"),
        _m("tg", "mmol/L", 0.1, 60, "甘油三酯", "triglycerides"),
        _m("spo2", "%", 50, 100, "血氧饱和度", "SpO2", True),  # DEVICES.md §3
        _m("fev1_fvc", "ratio", 0.1, 1.0, "FEV1/FVC", "FEV1/FVC"),
        _m("fev1_pct_pred", "%", 5, 160, "FEV1占预计值%", "FEV1 % predicted"),
        _m("temperature", "°C", 30, 45, "体温", "temperature"),
        _m("respiratory_rate", "/min", 4, 80, "呼吸频率", "respiratory rate", True),
        _m("uacr", "mg/mmol", 0, 3000, "尿白蛋白/肌酐比", "UACR"),
        _m("egfr", "mL/min/1.73m2", 1, 200, "估算肾小球滤过率", "eGFR"),
    )
}


def validate(values: Mapping[str, object]) -> dict[str, float]:
    """Check every value against its code's bounds; InvalidInput names the first bad one and its limits.

    Whole-number codes come back as int-valued floats; SBP must exceed DBP when both are given.
    """
    if not values:
        raise InvalidInput("no measurement given", field="measurements")
    out: dict[str, float] = {}
    for code, raw in values.items():
        field = f"measurements.{code}"
        measure = MEASURES.get(code)
        if measure is None:
            known = ", ".join(MEASURES)
            raise InvalidInput(f"unknown measurement {code!r} (known: {known})", field=field)
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise InvalidInput(f"{measure.label_en} must be a number, not {raw!r}", field=field)
        value = float(raw)
        if not math.isfinite(value) or not measure.low <= value <= measure.high:
            raise InvalidInput(
                f"{measure.label_en} {raw} {measure.unit} is outside the plausible "
                f"{measure.low:g}–{measure.high:g} {measure.unit}: check the entry or the device's unit",
                field=field,
                details={"low": measure.low, "high": measure.high, "unit": measure.unit},
            )
        if measure.integer and not value.is_integer():
            raise InvalidInput(f"{measure.label_en} must be a whole number, not {raw}", field=field)
        out[code] = value
    if "sbp" in out and "dbp" in out and out["sbp"] <= out["dbp"]:
        raise InvalidInput(
            f"systolic {out['sbp']:g} mmHg must be higher than diastolic {out['dbp']:g} mmHg",
            field="measurements.sbp",
        )
    return out


def with_bmi(values: Mapping[str, float]) -> dict[str, float]:
    """Add the BMI (kg/m², one decimal as on the forms) when weight and height are given and BMI is not."""
    out = dict(values)
    if "bmi" not in out and "weight" in out and "height" in out:
        metres = out["height"] / 100
        out["bmi"] = round(out["weight"] / (metres * metres), 1)
    return out
