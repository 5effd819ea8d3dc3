"""One emergency check for the whole visit (BPHS-2017 紧急转诊, CLINICAL_RULES.md §2 and §3): the visit calls
`check_emergency` wherever a value or a symptom enters it; every Finding it returns is Severity.EMERGENCY.

Our reading of who each list applies to (the documents write both lists for managed patients; a one-stop visit
also sees residents without a diagnosis):
- BP values (SBP ≥180 and/or DBP ≥110) apply to everyone; they are judged once, in the hypertension finding
  (the diabetes list repeats the same criterion).
- The hypertension symptoms apply to everyone: BP is measured for every resident and the list is checked at
  every BP measurement; its items are danger signs (altered consciousness, severe headache, chest tightness,
  orthopnoea…) that a visit may not pass silently, and over-referral is the safer error.
- Glucose values (≥16.7 or ≤3.9 mmol/L) apply to whoever has one measured.
- The rest of the diabetes list (its own symptoms, heart rate >100, temperature >39 °C) applies to residents
  with diabetes, or whose glucose at this visit is in the diabetic range (FPG ≥7.0, other glucose ≥11.1) or at an
  emergency value. Alone these are common complaints (a nervous resident's pulse of 105 at screening with a
  normal FPG is no diabetic emergency). A diabetes-only symptom without either → `glucose_needed` (a WARNING,
  not an emergency): measure glucose now.
- Pregnancy or lactation: with BP above normal, and with glucose above normal, for everyone. "Above normal" is
  our reading and a setting (`EmergencySettings`).
- A pulse reading >100/min counts as the list's persistent tachycardia (the nurse re-measures before saving).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Collection, Mapping
from typing import Final, TypeAlias

import msgspec

from flows.model import Condition
from flows.rules import diabetes, hypertension
from flows.rules.base import (
    Confidence,
    Finding,
    RuleError,
    Severity,
    Source,
    check_range,
    clause,
    round_half_up,
)

H: TypeAlias = hypertension.EmergencySymptom
D: TypeAlias = diabetes.EmergencySymptom

C_PREGNANCY_BP: Final = clause(
    "EMERG.pregnancy.bp_above_normal",
    Source.BPHS_2017,
    "高血压患者健康管理服务规范 §随访评估",
    Confidence.U,
    "Pregnant or breast-feeding with BP above normal, read as SBP ≥140 and/or DBP ≥90 (overridable setting).",
)
C_PREGNANCY_GLUCOSE: Final = clause(
    "EMERG.pregnancy.glucose_above_normal",
    Source.BPHS_2017,
    "2型糖尿病患者健康管理服务规范 §随访评估",
    Confidence.U,
    "Pregnant or breast-feeding with glucose above normal, read as FPG ≥6.1 or another glucose ≥7.8 mmol/L "
    "(overridable setting).",
)
C_DM_SCOPE: Final = clause(
    "EMERG.diabetes_scope",
    Source.BPHS_2017,
    "2型糖尿病患者健康管理服务规范 §随访评估",
    Confidence.U,
    "The diabetes emergency signs apply to residents with diabetes or with a diabetic-range glucose at this visit "
    "(our reading; a diabetes-only sign without either asks for a glucose test).",
)

PULSE_ABOVE: Final = 100  # BPHS-2017 §紧急转诊 (diabetes) [V]: persistent heart rate >100/min
TEMPERATURE_ABOVE: Final = 39.0  # BPHS-2017 §紧急转诊 (diabetes) [V]: temperature >39 °C
_PULSE_RANGE: Final = (20.0, 300.0)  # plausibility (ours)
_TEMPERATURE_RANGE: Final = (25.0, 45.0)
GLUCOSE_CODES: Final = ("fpg", "random_glucose", "glucose")


class EmergencySymptom(enum.StrEnum):
    """Every symptom code the visit may report: the union of the two 紧急转诊 lists, one code per sign.

    Pregnancy is not a symptom here (the `pregnant_or_lactating` flag with the values decides it)."""

    ALTERED_CONSCIOUSNESS = "altered_consciousness"
    ALTERED_BEHAVIOUR = "altered_behaviour"
    SEVERE_HEADACHE_OR_DIZZINESS = "severe_headache_or_dizziness"
    NAUSEA_OR_VOMITING = "nausea_or_vomiting"
    ANOREXIA = "anorexia"
    BLURRED_VISION_OR_EYE_PAIN = "blurred_vision_or_eye_pain"
    PALPITATIONS = "palpitations"
    CHEST_TIGHTNESS = "chest_tightness"
    ORTHOPNOEA = "orthopnoea"
    SWEATING = "sweating"
    ACETONE_BREATH = "acetone_breath"
    POLYDIPSIA_POLYURIA = "polydipsia_polyuria"
    ABDOMINAL_PAIN = "abdominal_pain"
    DEEP_RAPID_BREATHING_FLUSHED = "deep_rapid_breathing_flushed"
    PERSISTENT_HEART_RATE_OVER_100 = "persistent_heart_rate_over_100"
    TEMPERATURE_OVER_39 = "temperature_over_39"
    BEYOND_FACILITY = "beyond_facility"


S = EmergencySymptom

# code → (zh, en, the hypertension list's item or None, the diabetes list's item or None)
SYMPTOMS: Final[dict[EmergencySymptom, tuple[str, str, H | None, D | None]]] = {
    S.ALTERED_CONSCIOUSNESS: (
        "意识改变",
        "altered consciousness",
        H.ALTERED_CONSCIOUSNESS,
        D.ALTERED_CONSCIOUSNESS_OR_BEHAVIOUR,
    ),
    S.ALTERED_BEHAVIOUR: ("行为改变", "altered behaviour", None, D.ALTERED_CONSCIOUSNESS_OR_BEHAVIOUR),
    S.SEVERE_HEADACHE_OR_DIZZINESS: (
        "剧烈头痛或头晕",
        "severe headache or dizziness",
        H.SEVERE_HEADACHE_OR_DIZZINESS,
        None,
    ),
    S.NAUSEA_OR_VOMITING: (
        "恶心、呕吐",
        "nausea or vomiting",
        H.NAUSEA_OR_VOMITING,
        D.ANOREXIA_NAUSEA_VOMITING,
    ),
    S.ANOREXIA: ("食欲减退", "loss of appetite", None, D.ANOREXIA_NAUSEA_VOMITING),
    S.BLURRED_VISION_OR_EYE_PAIN: (
        "视力模糊、眼痛",
        "blurred vision or eye pain",
        H.BLURRED_VISION_OR_EYE_PAIN,
        D.BLURRED_VISION_OR_EYE_PAIN,
    ),
    S.PALPITATIONS: (
        "心悸",
        "palpitations",
        H.PALPITATIONS_CHEST_TIGHTNESS_ORTHOPNOEA,
        D.PALPITATIONS_SWEATING,
    ),
    S.CHEST_TIGHTNESS: ("胸闷", "chest tightness", H.PALPITATIONS_CHEST_TIGHTNESS_ORTHOPNOEA, None),
    S.ORTHOPNOEA: (
        "喘憋不能平卧",
        "breathless, cannot lie flat",
        H.PALPITATIONS_CHEST_TIGHTNESS_ORTHOPNOEA,
        None,
    ),
    S.SWEATING: ("出汗", "sweating", None, D.PALPITATIONS_SWEATING),
    S.ACETONE_BREATH: ("呼气有烂苹果样丙酮味", "acetone (rotten-apple) breath", None, D.ACETONE_BREATH),
    S.POLYDIPSIA_POLYURIA: ("多饮、多尿", "polydipsia, polyuria", None, D.POLYDIPSIA_POLYURIA),
    S.ABDOMINAL_PAIN: ("腹痛", "abdominal pain", None, D.ABDOMINAL_PAIN),
    S.DEEP_RAPID_BREATHING_FLUSHED: (
        "深大呼吸、皮肤潮红",
        "deep rapid breathing, flushed skin",
        None,
        D.DEEP_RAPID_BREATHING_FLUSHED,
    ),
    S.PERSISTENT_HEART_RATE_OVER_100: (
        "持续性心动过速（心率>100次/分）",
        "persistent heart rate >100/min",
        None,
        D.PERSISTENT_HEART_RATE_OVER_100,
    ),
    S.TEMPERATURE_OVER_39: ("体温超过39 °C", "temperature over 39 °C", None, D.TEMPERATURE_OVER_39),
    S.BEYOND_FACILITY: (
        "其他本机构无法处理的情况",
        "another condition this facility cannot handle",
        H.BEYOND_FACILITY,
        D.BEYOND_FACILITY,
    ),
}


class EmergencySettings(msgspec.Struct, frozen=True, kw_only=True):
    """Our reading of "above normal" in pregnancy or lactation [U] — a site can override it in
    `[rules.emergency]` of its configuration."""

    pregnancy_bp_sbp_from: int = hypertension.GRADE1_SBP  # 妊娠期 BP above normal: SBP ≥140 (grade 1) …
    pregnancy_bp_dbp_from: int = hypertension.GRADE1_DBP  # … and/or DBP ≥90
    pregnancy_fpg_from: float = diabetes.IFG_FPG  # glucose above normal: FPG ≥6.1 (the IFG floor) …
    # … or a non-fasting glucose ≥7.8 (the default IGT floor)
    pregnancy_other_glucose_from: float = diabetes.DEFAULT_SETTINGS.igt_ogtt_2h_from


DEFAULT_SETTINGS: Final = EmergencySettings()


def parse_symptoms(symptoms: Collection[str]) -> frozenset[EmergencySymptom]:
    """The codes as EmergencySymptom; an unknown code → RuleError naming `symptoms` and the accepted codes."""
    if isinstance(symptoms, str):
        raise RuleError("symptoms must be a collection of codes, not one string", field="symptoms")
    unknown = sorted(str(s) for s in symptoms if s not in SYMPTOMS)
    if unknown:
        raise RuleError(
            f"unknown emergency symptom code(s) {unknown}; accepted: {sorted(s.value for s in S)}",
            field="symptoms",
        )
    return frozenset(S(s) for s in symptoms)


def _mmhg(measurements: Mapping[str, float], code: str) -> int | None:
    """BP in whole mmHg as the forms record it (a mean of readings is rounded half up)."""
    value = measurements.get(code)
    if value is None:
        return None
    if not math.isfinite(value):
        raise RuleError(f"{code} {value} is not a number", field=code)
    return round_half_up(value)


def _glucose_from(measurements: Mapping[str, float], fpg_from: float, other_from: float) -> bool:
    """An FPG at or above `fpg_from`, or another glucose (random, kind unknown) at or above `other_from`."""
    fpg, others = measurements.get("fpg"), [measurements.get(c) for c in GLUCOSE_CODES[1:]]
    return (fpg is not None and fpg >= fpg_from) or any(g is not None and g >= other_from for g in others)


def _glucose_emergency(g: float) -> bool:
    return g >= diabetes.EMERGENCY_GLUCOSE_HIGH or g <= diabetes.EMERGENCY_GLUCOSE_LOW


def _most_extreme(glucoses: list[float]) -> float | None:
    """The glucose that speaks for the list: the highest if it is at the high emergency value, else the lowest."""
    if not glucoses:
        return None
    high = max(glucoses)
    return high if high >= diabetes.EMERGENCY_GLUCOSE_HIGH else min(glucoses)


def _check_values(measurements: Mapping[str, float]) -> None:
    for code in GLUCOSE_CODES:
        if code in measurements:
            diabetes.check_glucose(measurements[code], code)
    if "pulse" in measurements:
        check_range(measurements["pulse"], "pulse", _PULSE_RANGE, "/min")
    if "temperature" in measurements:
        check_range(measurements["temperature"], "temperature", _TEMPERATURE_RANGE, "°C")


def _dm_list_applies(measurements: Mapping[str, float], conditions: Collection[Condition]) -> bool:
    glucoses = [measurements[c] for c in GLUCOSE_CODES if c in measurements]
    return (
        Condition.DIABETES in conditions
        or _glucose_from(measurements, diabetes.DX_FPG, diabetes.DX_RANDOM)
        or any(_glucose_emergency(g) for g in glucoses)
    )


def check_emergency(
    *,
    measurements: Mapping[str, float],
    symptoms: Collection[str],
    conditions: Collection[Condition],
    pregnant_or_lactating: bool = False,
    settings: EmergencySettings | None = None,
    diabetes_settings: diabetes.DiabetesSettings | None = None,
) -> tuple[Finding, ...]:
    """The emergency findings of what the visit knows now: at most one `htn.emergency` and one `dm.emergency`
    (empty: no emergency). Measurement codes it judges: sbp, dbp, fpg, random_glucose, glucose, pulse,
    temperature; other codes are ignored so the visit can pass all its values. Bad values → RuleError."""
    s = settings or DEFAULT_SETTINGS
    named = parse_symptoms(symptoms)
    _check_values(measurements)
    sbp, dbp = _mmhg(measurements, "sbp"), _mmhg(measurements, "dbp")
    out: list[Finding] = []

    htn_symptoms = {h for code in named if (h := SYMPTOMS[code][2]) is not None}
    preg_bp = pregnant_or_lactating and (
        (sbp is not None and sbp >= s.pregnancy_bp_sbp_from)
        or (dbp is not None and dbp >= s.pregnancy_bp_dbp_from)
    )
    if preg_bp:
        htn_symptoms.add(H.PREGNANT_OR_LACTATING_WITH_RAISED_BP)
    htn = hypertension.emergency_finding(sbp, dbp, frozenset(htn_symptoms))
    if htn is not None:
        out.append(msgspec.structs.replace(htn, clauses=(*htn.clauses, C_PREGNANCY_BP)) if preg_bp else htn)

    glucoses = [measurements[c] for c in GLUCOSE_CODES if c in measurements]
    dm_symptoms: set[D] = set()
    scoped = _dm_list_applies(measurements, conditions)
    if scoped:
        dm_symptoms |= {d for code in named if (d := SYMPTOMS[code][3]) is not None}
        if measurements.get("pulse", 0) > PULSE_ABOVE:
            dm_symptoms.add(D.PERSISTENT_HEART_RATE_OVER_100)
        if measurements.get("temperature", 0) > TEMPERATURE_ABOVE:
            dm_symptoms.add(D.TEMPERATURE_OVER_39)
    preg_glucose = pregnant_or_lactating and _glucose_from(
        measurements, s.pregnancy_fpg_from, s.pregnancy_other_glucose_from
    )
    if preg_glucose:
        dm_symptoms.add(D.PREGNANT_OR_LACTATING_WITH_RAISED_GLUCOSE)
    dm = diabetes.emergency_finding(
        _most_extreme(glucoses),
        None,
        None,
        frozenset(dm_symptoms),
        diabetes_settings or diabetes.DEFAULT_SETTINGS,
    )
    if dm is not None:
        extra: list[str] = []
        if diabetes.C_EMERGENCY_PREGNANCY in dm.clauses:
            extra.append(C_PREGNANCY_GLUCOSE)
        if (
            scoped
            and Condition.DIABETES not in conditions
            and dm_symptoms - {D.PREGNANT_OR_LACTATING_WITH_RAISED_GLUCOSE}
        ):
            extra.append(C_DM_SCOPE)
        values = dict(dm.values)
        for code in ("pulse", "temperature"):
            if scoped and code in measurements:
                values[code] = measurements[code]
        out.append(msgspec.structs.replace(dm, clauses=(*dm.clauses, *extra), values=values))
    return tuple(out)


def glucose_needed(
    *, measurements: Mapping[str, float], symptoms: Collection[str], conditions: Collection[Condition]
) -> Finding | None:
    """A diabetes-only emergency sign in a resident the diabetes list does not yet apply to (no diabetes, no
    diabetic-range glucose): a WARNING to measure glucose now; None otherwise."""
    named = parse_symptoms(symptoms)
    _check_values(measurements)
    if _dm_list_applies(measurements, conditions):
        return None
    dm_only = sorted(code.value for code in named if SYMPTOMS[code][2] is None)
    if not dm_only or any(c in measurements for c in GLUCOSE_CODES):
        return None
    return Finding(
        code="emergency.glucose_needed",
        severity=Severity.WARNING,
        summary="Sign(s) of a diabetic emergency without known diabetes: measure glucose now ("
        + ", ".join(dm_only)
        + ")",
        clauses=(diabetes.C_EMERGENCY, C_DM_SCOPE),
        values={"symptoms": ",".join(dm_only)},
    )
