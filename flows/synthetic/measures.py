"""Plausible measured values by condition: controlled patients below the BPHS-2017 thresholds, the others above."""

from __future__ import annotations

import random
from typing import Final

from flows.model import Sex
from flows.rules import diabetes, hypertension
from flows.synthetic.model import SyntheticObservation as Obs

UNITS: Final = {
    "sbp": "mmHg", "dbp": "mmHg", "pulse": "/min", "weight": "kg", "height": "cm", "bmi": "kg/m2",
    "waist": "cm", "fpg": "mmol/L", "hba1c": "%", "tc": "mmol/L", "ldl": "mmol/L", "hdl": "mmol/L",
    "tg": "mmol/L", "spo2": "%",
}  # fmt: skip
LAB_CODES: Final = frozenset({"hba1c", "tc", "ldl", "hdl", "tg"})  # entered from the lab report, not a device


def _clamp(value: float, low: float, high: float) -> float:
    return low if value < low else high if value > high else value


class Body:
    """One resident's stable build: height and a baseline BMI, obese residents at 28–34 (WS-T-428)."""

    __slots__ = ("bmi", "height", "sex")

    def __init__(self, rng: random.Random, age: int, sex: Sex, *, obese: bool):
        shrink = max(0, age - 50) * 0.08  # older rural cohorts are shorter
        mean = 168.0 if sex is Sex.MALE else 157.0
        self.height = round(_clamp(rng.gauss(mean - shrink, 5.5), mean - 22, mean + 20), 1)
        if obese:
            self.bmi = rng.uniform(28.0, 34.0)
        else:
            self.bmi = _clamp(rng.gauss(23.2, 2.6), 17.0, 27.9)
        self.sex = sex

    def measure(self, rng: random.Random, *, full: bool) -> list[Obs]:
        h = self.height / 100
        weight = round(self.bmi * h * h * (1 + rng.gauss(0, 0.012)), 1)
        out = [Obs(code="weight", value=weight, unit="kg")]
        if full:
            bmi = round(weight / (h * h), 1)
            waist = bmi * (3.1 if self.sex is Sex.MALE else 3.0) + rng.gauss(0, 3)
            out += [
                Obs(code="height", value=self.height, unit="cm"),
                Obs(code="bmi", value=bmi, unit="kg/m2"),
                Obs(code="waist", value=round(waist, 1), unit="cm"),
            ]
        return out


def blood_pressure(rng: random.Random, age: int, *, hypertensive: bool, controlled: bool) -> tuple[int, int]:
    """Below grade 1 (HTN-2020) without hypertension; else below or at the programme threshold at this age
    (hypertension.programme_threshold: <140/90, <150/90 from 65), as `controlled` says."""
    if not hypertensive:
        sbp = _clamp(rng.gauss(116 + 0.35 * (age - 40), 9), 95, hypertension.GRADE1_SBP - 1)
        dbp = _clamp(rng.gauss(75, 6), 55, hypertension.GRADE1_DBP - 1)
        return round(sbp), round(dbp)
    threshold = hypertension.programme_threshold(age)
    if controlled:
        sbp = _clamp(rng.gauss(128 + 0.15 * (age - 50), 7), 105, threshold.sbp_below - 1)
        dbp = _clamp(rng.gauss(80 - 0.1 * (age - 50), 6), 60, threshold.dbp_below - 1)
    else:
        sbp = _clamp(rng.gauss(threshold.sbp_below + 12, 10), threshold.sbp_below, 210)
        dbp = _clamp(rng.gauss(90, 8), 65, 125)
    return round(sbp), round(dbp)


def pulse(rng: random.Random) -> int:
    return round(_clamp(rng.gauss(76, 8), 52, 112))


def fasting_glucose(rng: random.Random, *, diabetic: bool, controlled: bool) -> float:
    """BPHS-2017: FPG below diabetes.CONTROL_FPG_BELOW (7.0 mmol/L) is 控制满意; non-diabetics mostly below
    the IFG floor 6.1."""
    if not diabetic:
        return round(_clamp(rng.gauss(5.1, 0.4), 3.9, 6.0), 1)
    if controlled:
        return round(_clamp(rng.gauss(6.2, 0.45), 4.4, diabetes.CONTROL_FPG_BELOW - 0.1), 1)
    return round(_clamp(rng.gauss(8.8, 1.8), diabetes.CONTROL_FPG_BELOW, 20.0), 1)


def hba1c(rng: random.Random, *, controlled: bool) -> float:
    if controlled:
        return round(_clamp(rng.gauss(6.6, 0.3), 5.6, 6.9), 1)
    return round(_clamp(rng.gauss(8.3, 0.9), 7.0, 12.5), 1)


def lipids(rng: random.Random, *, dyslipidaemic: bool) -> list[Obs]:
    """LIPID-2023: dyslipidaemic residents mostly show high TC/LDL-C/TG or low HDL-C; others 'suitable'."""
    if dyslipidaemic:
        tc, ldl = rng.gauss(5.8, 0.7), rng.gauss(3.7, 0.6)
        hdl, tg = rng.gauss(1.05, 0.2), rng.gauss(2.2, 0.7)
        tc, ldl, hdl, tg = (
            _clamp(tc, 3.5, 9),
            _clamp(ldl, 1.8, 6.5),
            _clamp(hdl, 0.6, 1.8),
            _clamp(tg, 0.6, 6),
        )
    else:
        tc, ldl = _clamp(rng.gauss(4.5, 0.45), 3.0, 5.1), _clamp(rng.gauss(2.6, 0.4), 1.2, 3.3)
        hdl, tg = _clamp(rng.gauss(1.35, 0.25), 1.0, 2.2), _clamp(rng.gauss(1.2, 0.3), 0.4, 1.6)
    return [
        Obs(code="tc", value=round(tc, 2), unit="mmol/L"),
        Obs(code="ldl", value=round(ldl, 2), unit="mmol/L"),
        Obs(code="hdl", value=round(hdl, 2), unit="mmol/L"),
        Obs(code="tg", value=round(tg, 2), unit="mmol/L"),
    ]


def spo2(rng: random.Random, *, copd: bool) -> int:
    if copd:
        return round(_clamp(rng.gauss(94, 2), 86, 99))
    return round(_clamp(rng.gauss(97.6, 0.9), 95, 100))
