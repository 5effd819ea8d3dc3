"""The hypertension follow-up form (高血压患者随访服务记录表, BPHS-2017) as data: its options and the one
computation it asks of the person filling it in — drinks converted to 两 of baijiu (CLINICAL_RULES.md §2).

The diabetes form's extra fields live in flows.rules.diabetes_care, the COPD form in flows.rules.copd; the
options the three share (服药依从性) are copd.Adherence. Every option has a stable machine code and its zh/en
labels, so the TUI shows the national wording and the API stores codes.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Final

import msgspec

from flows.rules.base import Confidence, RuleError, Source, check_range, clause

_FORM = "高血压患者健康管理服务规范 §随访服务记录表"

C_FORM: Final = clause(
    "HTN.form.options",
    Source.BPHS_2017,
    _FORM,
    Confidence.V,
    "Follow-up form options: mode, symptoms, lifestyle now/target, adherence, adverse reaction, referral.",
)
C_DRINKS: Final = clause(
    "HTN.form.drinks",
    Source.BPHS_2017,
    _FORM,
    Confidence.V,
    "Drinks a day are recorded in 两 of baijiu: beer ÷10, wine ÷4, huangjiu ÷5.",
)

# BPHS-2017 随访服务记录表 填表说明 [V]: 啤酒/10=白酒量, 红酒/4=白酒量, 黄酒/5=白酒量 (all in 两).
BAIJIU_DIVISOR: Final = {"baijiu": 1, "beer": 10, "wine": 4, "huangjiu": 5}
ML_PER_LIANG: Final = 50  # 1 两 = 50 g ≈ 50 ml of liquor (the form's own unit)
MAX_LIANG_PER_DAY: Final = 100.0  # plausibility: 5 litres of beer a day is already extreme
# Plausibility (ours) of the lifestyle lines, shared with the COPD form: outside is a typing error.
LIFESTYLE_RANGES: Final[dict[str, tuple[tuple[float, float], str]]] = {
    "cigarettes_per_day": ((0, 100), "cigarettes/day"),
    "baijiu_liang_per_day": ((0, MAX_LIANG_PER_DAY), "两"),
    "exercise_times_per_week": ((0, 21), "times/week"),
    "exercise_minutes": ((0, 600), "min"),
}


class Symptom(enum.StrEnum):
    NONE = "none"
    HEADACHE_DIZZINESS = "headache_dizziness"
    NAUSEA_VOMITING = "nausea_vomiting"
    BLURRED_VISION_TINNITUS = "blurred_vision_tinnitus"
    DYSPNOEA = "dyspnoea"
    PALPITATIONS_CHEST_TIGHTNESS = "palpitations_chest_tightness"
    EPISTAXIS = "epistaxis"
    LIMB_NUMBNESS = "limb_numbness"
    LEG_OEDEMA = "leg_oedema"
    OTHER = "other"


class SaltIntake(enum.StrEnum):
    LIGHT = "light"
    MODERATE = "moderate"
    HEAVY = "heavy"


class Rating(enum.StrEnum):
    """心理调整 and 遵医行为."""

    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"


class ReferralResult(enum.StrEnum):
    ARRIVED = "arrived"  # 到位
    NOT_ARRIVED = "not_arrived"  # 不到位


LABELS: Final[dict[enum.StrEnum, tuple[str, str]]] = {
    Symptom.NONE: ("无症状", "no symptoms"),
    Symptom.HEADACHE_DIZZINESS: ("头痛头晕", "headache, dizziness"),
    Symptom.NAUSEA_VOMITING: ("恶心呕吐", "nausea, vomiting"),
    Symptom.BLURRED_VISION_TINNITUS: ("眼花耳鸣", "blurred vision, tinnitus"),
    Symptom.DYSPNOEA: ("呼吸困难", "difficulty breathing"),
    Symptom.PALPITATIONS_CHEST_TIGHTNESS: ("心悸胸闷", "palpitations, chest tightness"),
    Symptom.EPISTAXIS: ("鼻衄出血不止", "nosebleed that will not stop"),
    Symptom.LIMB_NUMBNESS: ("四肢发麻", "numb limbs"),
    Symptom.LEG_OEDEMA: ("下肢水肿", "swollen legs"),
    Symptom.OTHER: ("其他", "other"),
    SaltIntake.LIGHT: ("轻", "light"),
    SaltIntake.MODERATE: ("中", "moderate"),
    SaltIntake.HEAVY: ("重", "heavy"),
    Rating.GOOD: ("良好", "good"),
    Rating.FAIR: ("一般", "fair"),
    Rating.POOR: ("差", "poor"),
    ReferralResult.ARRIVED: ("到位", "arrived"),
    ReferralResult.NOT_ARRIVED: ("不到位", "did not arrive"),
}


def baijiu_liang(drinks_ml: Mapping[str, float]) -> float:
    """Drinks of a day (ml by kind: baijiu, beer, wine, huangjiu) as 两 of baijiu, one decimal, as on the form."""
    total = 0.0
    for kind, ml in drinks_ml.items():
        divisor = BAIJIU_DIVISOR.get(kind)
        if divisor is None:
            known = ", ".join(BAIJIU_DIVISOR)
            raise RuleError(f"unknown drink {kind!r} (known: {known})", field=f"drinks.{kind}")
        check_range(ml, f"drinks.{kind}", (0, 10_000), "ml")
        total += ml / ML_PER_LIANG / divisor
    check_range(total, "drinks", (0, MAX_LIANG_PER_DAY), "两")
    return round(total, 1)


class LifestyleNowTarget(msgspec.Struct, frozen=True, kw_only=True):
    """One lifestyle line of the form: this visit's value and the target agreed with the patient."""

    cigarettes_per_day: tuple[int, int] | None = None
    baijiu_liang_per_day: tuple[float, float] | None = None
    exercise_times_per_week: tuple[int, int] | None = None
    exercise_minutes: tuple[int, int] | None = None
    salt: tuple[SaltIntake, SaltIntake] | None = None


def check_symptoms(symptoms: tuple[Symptom, ...]) -> tuple[Symptom, ...]:
    """无症状 excludes every other box; a box ticked twice counts once."""
    unique = tuple(dict.fromkeys(symptoms))
    if Symptom.NONE in unique and len(unique) > 1:
        raise RuleError("无症状 (none) cannot be ticked with another symptom", field="symptoms")
    return unique


def check_lifestyle(line: LifestyleNowTarget) -> LifestyleNowTarget:
    """Every number on the line is plausible (a typing error, not a clinical judgement, is what is caught)."""
    for field, (bounds, unit) in LIFESTYLE_RANGES.items():
        pair = getattr(line, field)
        if pair is not None:
            for which, value in zip(("now", "target"), pair, strict=True):
                check_range(value, f"{field}.{which}", bounds, unit)
    return line
