"""Hypertension rules (CLINICAL_RULES.md §2): grade of an office reading, emergency check, control thresholds.

The programme control threshold (BPHS-2017, drives the follow-up class) and the clinical target (HTN-2025,
advice to the doctor) are kept apart on purpose: never merge them. Screening cadence, out-of-office BP, referral
beyond emergencies, the HTN-2020 target and the drug classes are in hypertension_screening.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Final

import msgspec

from flows.rules.base import Confidence, Finding, RuleError, Severity, Source, check_range, clause

_BPHS_FOLLOWUP = "高血压患者健康管理服务规范 §随访评估/分类干预"
_GRADE_SECTION = "诊断 §血压水平分类"

# --- clauses -----------------------------------------------------------------------------------------

C_GRADE_NORMAL: Final = clause(
    "HTN.grade.normal", Source.HTN_2020, _GRADE_SECTION, Confidence.V, "Normal BP: SBP <120 and DBP <80."
)
C_GRADE_HIGH_NORMAL: Final = clause(
    "HTN.grade.high_normal",
    Source.HTN_2020,
    _GRADE_SECTION,
    Confidence.V,
    "High-normal BP: SBP 120–139 and/or DBP 80–89.",
)
C_GRADE_1: Final = clause(
    "HTN.grade.1", Source.HTN_2020, _GRADE_SECTION, Confidence.V, "Grade 1: SBP 140–159 and/or DBP 90–99."
)
C_GRADE_2: Final = clause(
    "HTN.grade.2", Source.HTN_2020, _GRADE_SECTION, Confidence.V, "Grade 2: SBP 160–179 and/or DBP 100–109."
)
C_GRADE_3: Final = clause(
    "HTN.grade.3", Source.HTN_2020, _GRADE_SECTION, Confidence.V, "Grade 3: SBP ≥180 and/or DBP ≥110."
)
C_GRADE_HIGHER: Final = clause(
    "HTN.grade.higher",
    Source.HTN_2020,
    _GRADE_SECTION,
    Confidence.V,
    "When SBP and DBP fall in different grades, the higher grade applies.",
)
C_ISOLATED_SYSTOLIC: Final = clause(
    "HTN.grade.isolated_systolic",
    Source.HTN_2020,
    _GRADE_SECTION,
    Confidence.V,
    "Isolated systolic hypertension: SBP ≥140 and DBP <90.",
)
C_EMERGENCY: Final = clause(
    "HTN.emergency",
    Source.BPHS_2017,
    _BPHS_FOLLOWUP,
    Confidence.V,
    "Emergency referral: SBP ≥180 and/or DBP ≥110, or any listed symptom; follow the referral up within 2 weeks.",
)
C_CONTROL: Final = clause(
    "HTN.control.programme",
    Source.BPHS_2017,
    _BPHS_FOLLOWUP,
    Confidence.V,
    "Controlled (控制满意): SBP <140 and DBP <90.",
)
C_CONTROL_65: Final = clause(
    "HTN.control.programme.65",
    Source.BPHS_2017,
    "高血压患者规范管理率/血压控制率 指标定义",
    Confidence.V,
    "For age ≥65 the programme control threshold is SBP <150 and DBP <90.",
)
C_TARGET: Final = clause(
    "HTN.target.clinical",
    Source.HTN_2025,
    "§降压目标",
    Confidence.V,
    "Clinical target: office BP <130/80 for age <80.",
)
C_TARGET_80: Final = clause(
    "HTN.target.clinical.80",
    Source.HTN_2025,
    "§降压目标",
    Confidence.V,
    "Clinical target for age ≥80: <150/90, <140/90 if tolerated.",
)
C_HIGH_RISK: Final = clause(
    "HTN.high_risk",
    Source.BPHS_2017,
    "高血压患者健康管理服务规范 §筛查",
    Confidence.V,
    "High-risk group (any one): high-normal BP, BMI ≥24 or central obesity, family history, high-salt diet, "
    "heavy drinking (≥100 ml baijiu a day), age ≥55; BP every 6 months plus lifestyle advice.",
)

# --- thresholds (mmHg unless stated) ---------------------------------------------------------------------

NORMAL_SBP_BELOW: Final = 120  # HTN-2020 §血压水平分类 [V]: normal SBP <120
NORMAL_DBP_BELOW: Final = 80  # HTN-2020 §血压水平分类 [V]: normal DBP <80
GRADE1_SBP: Final = 140  # HTN-2020 §血压水平分类 [V]: grade 1 from SBP 140
GRADE1_DBP: Final = 90  # HTN-2020 §血压水平分类 [V]: grade 1 from DBP 90
GRADE2_SBP: Final = 160  # HTN-2020 §血压水平分类 [V]: grade 2 from SBP 160
GRADE2_DBP: Final = 100  # HTN-2020 §血压水平分类 [V]: grade 2 from DBP 100
GRADE3_SBP: Final = 180  # HTN-2020 §血压水平分类 [V]: grade 3 from SBP 180
GRADE3_DBP: Final = 110  # HTN-2020 §血压水平分类 [V]: grade 3 from DBP 110

EMERGENCY_SBP: Final = 180  # BPHS-2017 §紧急转诊 [V]: SBP ≥180
EMERGENCY_DBP: Final = 110  # BPHS-2017 §紧急转诊 [V]: DBP ≥110

CONTROL_SBP_BELOW: Final = 140  # BPHS-2017 §分类干预 [V]: 控制满意 SBP <140
CONTROL_DBP_BELOW: Final = 90  # BPHS-2017 §分类干预 [V]: 控制满意 DBP <90
CONTROL_ELDERLY_AGE: Final = 65  # BPHS-2017 indicator definition [V]: age ≥65 uses the relaxed threshold
CONTROL_ELDERLY_SBP_BELOW: Final = 150  # BPHS-2017 indicator definition [V]: age ≥65 SBP <150
CONTROL_ELDERLY_DBP_BELOW: Final = 90  # BPHS-2017 indicator definition [V]: age ≥65 DBP <90

TARGET_SBP_BELOW: Final = 130  # HTN-2025 §降压目标 [V]: age <80 office BP <130
TARGET_DBP_BELOW: Final = 80  # HTN-2025 §降压目标 [V]: age <80 office DBP <80
TARGET_ELDERLY_AGE: Final = 80  # HTN-2025 §降压目标 [V]: age ≥80 relaxed target
TARGET_ELDERLY_SBP_BELOW: Final = 150  # HTN-2025 §降压目标 [V]: age ≥80 SBP <150
TARGET_ELDERLY_DBP_BELOW: Final = 90  # HTN-2025 §降压目标 [V]: age ≥80 DBP <90

HIGH_RISK_SBP: Final = 130  # BPHS-2017 §筛查 [V]: 血压高值 SBP 130–139
HIGH_RISK_DBP: Final = 85  # BPHS-2017 §筛查 [V]: 血压高值 DBP 85–89
HIGH_RISK_BMI: Final = 24.0  # BPHS-2017 §筛查 [V]: BMI ≥24
HIGH_RISK_WAIST_MALE_CM: Final = 90.0  # BPHS-2017 §筛查 [V]: waist ≥90 cm (men)
HIGH_RISK_WAIST_FEMALE_CM: Final = 85.0  # BPHS-2017 §筛查 [V]: waist ≥85 cm (women)
HIGH_RISK_BAIJIU_ML: Final = 100  # BPHS-2017 §筛查 [V]: ≥100 ml baijiu a day
HIGH_RISK_AGE: Final = 55  # BPHS-2017 §筛查 [V]: age ≥55

# Plausibility bounds: outside them the reading is a typing or device error, not a BP.
_SBP_RANGE: Final = (50, 300)
_DBP_RANGE: Final = (20, 200)


class HypertensionSettings(msgspec.Struct, frozen=True, kw_only=True):
    """Overridable facts of §2 that are not hard-wired ([U] or a site choice).

    [U] — a site can override each in `[rules.hypertension]` of its configuration.
    """

    # WS-T-872 [V]: screening age floor, a setting by design (BPHS-2017 used 35).
    screening_age_floor: int = 18
    # HTN-2020/2025 [U]: referral at first diagnosis for onset age below this.
    referral_onset_age_below: int = 30
    # HTN-2020/2025 [U]: referral when the inter-arm SBP difference exceeds this (mmHg).
    referral_inter_arm_sbp_diff: int = 20
    # HTN-2020/2025 [U]: referral when uncontrolled on at least this many drugs at full dose incl. a diuretic.
    referral_resistant_drug_count: int = 3
    # HTN-2020/2025 [U]: referral when still uncontrolled after this many months of standard treatment.
    referral_uncontrolled_months: int = 3
    # HTN-2020/2025 [U]: referral at first diagnosis when BP stays ≥ these despite short-term treatment.
    referral_persistent_sbp: int = 180
    referral_persistent_dbp: int = 110
    # HTN-2020 [U]: target for age ≥80 (CLINICAL_RULES.md §2 states 65–79 only).
    target_2020_80_sbp_below: int = 150
    target_2020_80_dbp_below: int = 90
    # Site choice (no document gives it): days to the next BP recheck after a raised reading; a week apart
    # fits three office days into the 4-week window of HTN-2025.
    recheck_interval_days: int = 7


DEFAULT_SETTINGS: Final = HypertensionSettings()


class BpGrade(enum.StrEnum):
    NORMAL = "normal"
    HIGH_NORMAL = "high_normal"
    GRADE_1 = "grade_1"
    GRADE_2 = "grade_2"
    GRADE_3 = "grade_3"


_GRADE_CLAUSE: Final = {
    BpGrade.NORMAL: C_GRADE_NORMAL,
    BpGrade.HIGH_NORMAL: C_GRADE_HIGH_NORMAL,
    BpGrade.GRADE_1: C_GRADE_1,
    BpGrade.GRADE_2: C_GRADE_2,
    BpGrade.GRADE_3: C_GRADE_3,
}
_ORDER: Final = tuple(BpGrade)


class EmergencySymptom(enum.StrEnum):
    """BPHS-2017 §紧急转诊 [V] symptoms and conditions that need emergency referral at any visit."""

    ALTERED_CONSCIOUSNESS = "altered_consciousness"
    SEVERE_HEADACHE_OR_DIZZINESS = "severe_headache_or_dizziness"
    NAUSEA_OR_VOMITING = "nausea_or_vomiting"
    BLURRED_VISION_OR_EYE_PAIN = "blurred_vision_or_eye_pain"
    PALPITATIONS_CHEST_TIGHTNESS_ORTHOPNOEA = "palpitations_chest_tightness_orthopnoea"
    PREGNANT_OR_LACTATING_WITH_RAISED_BP = "pregnant_or_lactating_with_raised_bp"
    BEYOND_FACILITY = "beyond_facility"


class HighRiskFactor(enum.StrEnum):
    """BPHS-2017 §筛查 [V]: any one puts a resident in the high-risk group."""

    HIGH_NORMAL_BP = "high_normal_bp"
    OVERWEIGHT_OR_CENTRAL_OBESITY = "overweight_or_central_obesity"
    FAMILY_HISTORY = "family_history"
    HIGH_SALT_DIET = "high_salt_diet"
    HEAVY_DRINKING = "heavy_drinking"
    AGE_55_OR_OVER = "age_55_or_over"


def check_sbp(sbp: float, field: str = "sbp") -> None:
    """Refuse an impossible SBP, a reading or a mean (RuleError naming the field)."""
    check_range(sbp, field, _SBP_RANGE, "mmHg")


def check_dbp(dbp: float, field: str = "dbp") -> None:
    """Refuse an impossible DBP, a reading or a mean (RuleError naming the field)."""
    check_range(dbp, field, _DBP_RANGE, "mmHg")


def _check_reading(sbp: int, dbp: int) -> None:
    check_sbp(sbp)
    check_dbp(dbp)
    if dbp >= sbp:
        raise RuleError(f"DBP {dbp} is not below SBP {sbp}", field="dbp")


# (lower bound, grade), highest first: the grade table above read once for SBP and once for DBP.
_SBP_BANDS: Final = (
    (GRADE3_SBP, BpGrade.GRADE_3),
    (GRADE2_SBP, BpGrade.GRADE_2),
    (GRADE1_SBP, BpGrade.GRADE_1),
    (NORMAL_SBP_BELOW, BpGrade.HIGH_NORMAL),
)
_DBP_BANDS: Final = (
    (GRADE3_DBP, BpGrade.GRADE_3),
    (GRADE2_DBP, BpGrade.GRADE_2),
    (GRADE1_DBP, BpGrade.GRADE_1),
    (NORMAL_DBP_BELOW, BpGrade.HIGH_NORMAL),
)


def _band(value: int, bands: tuple[tuple[int, BpGrade], ...]) -> BpGrade:
    return next((grade for floor, grade in bands if value >= floor), BpGrade.NORMAL)


def _sbp_grade(sbp: int) -> BpGrade:
    return _band(sbp, _SBP_BANDS)


def _dbp_grade(dbp: int) -> BpGrade:
    return _band(dbp, _DBP_BANDS)


def bp_grade(sbp: int, dbp: int) -> BpGrade:
    """The grade of one office reading; the higher of the SBP and DBP grades."""
    _check_reading(sbp, dbp)
    return max(_sbp_grade(sbp), _dbp_grade(dbp), key=_ORDER.index)


def is_isolated_systolic(sbp: int, dbp: int) -> bool:
    """HTN-2020 [V]: SBP ≥140 and DBP <90."""
    _check_reading(sbp, dbp)
    return sbp >= GRADE1_SBP and dbp < GRADE1_DBP


def grade_finding(sbp: int, dbp: int) -> Finding:
    """The grade of an office reading as a Finding (code `htn.grade.<grade>`), with its clauses."""
    grade = bp_grade(sbp, dbp)
    clauses = [_GRADE_CLAUSE[grade]]
    if _sbp_grade(sbp) != _dbp_grade(dbp):
        clauses.append(C_GRADE_HIGHER)
    isolated = is_isolated_systolic(sbp, dbp)
    if isolated:
        clauses.append(C_ISOLATED_SYSTOLIC)
    severity = {
        BpGrade.NORMAL: Severity.INFO,
        BpGrade.HIGH_NORMAL: Severity.ADVICE,
        BpGrade.GRADE_1: Severity.ADVICE,
        BpGrade.GRADE_2: Severity.WARNING,
        BpGrade.GRADE_3: Severity.WARNING,
    }[grade]
    summary = f"BP {sbp}/{dbp} mmHg: {grade.value.replace('_', ' ')}"
    if isolated:
        summary += " (isolated systolic)"
    return Finding(
        code=f"htn.grade.{grade.value}",
        severity=severity,
        summary=summary,
        clauses=tuple(clauses),
        values={"sbp": sbp, "dbp": dbp, "grade": grade.value, "isolated_systolic": int(isolated)},
    )


def bp_emergency_reasons(sbp: int | None, dbp: int | None, values: dict[str, float | int | str]) -> list[str]:
    """The BP part of the emergency lists (SBP ≥180 and/or DBP ≥110), shared by hypertension and diabetes
    (DM-2022 lists the same BP criterion). Checks each value and records it in `values`."""
    reasons: list[str] = []
    if sbp is not None:
        check_sbp(sbp)
        values["sbp"] = sbp
        if sbp >= EMERGENCY_SBP:
            reasons.append(f"SBP {sbp} ≥{EMERGENCY_SBP}")
    if dbp is not None:
        check_dbp(dbp)
        values["dbp"] = dbp
        if dbp >= EMERGENCY_DBP:
            reasons.append(f"DBP {dbp} ≥{EMERGENCY_DBP}")
    return reasons


def emergency_referral(
    code: str,
    reasons: list[str],
    symptoms: Iterable[enum.StrEnum],
    clauses: tuple[str, ...],
    values: dict[str, float | int | str],
) -> Finding | None:
    """The Finding of one 紧急转诊 list (hypertension's or diabetes's): the values that met it, then the symptoms
    by code, in one summary; None when neither is there."""
    named = sorted(s.value for s in symptoms)
    if not reasons and not named:
        return None
    if named:
        values["symptoms"] = ",".join(named)
    return Finding(
        code=code,
        severity=Severity.EMERGENCY,
        summary="Emergency referral: " + "; ".join([*reasons, *named]),
        clauses=clauses,
        values=values,
    )


def emergency_finding(
    sbp: int | None, dbp: int | None, symptoms: frozenset[EmergencySymptom] = frozenset()
) -> Finding | None:
    """BPHS-2017 紧急转诊: a Finding of severity EMERGENCY, or None when nothing applies."""
    values: dict[str, float | int | str] = {}
    reasons = bp_emergency_reasons(sbp, dbp, values)
    return emergency_referral("htn.emergency", reasons, symptoms, (C_EMERGENCY,), values)


class Threshold(msgspec.Struct, frozen=True, kw_only=True):
    """BP below `sbp_below` and `dbp_below` meets it."""

    sbp_below: int
    dbp_below: int
    clauses: tuple[str, ...]

    def met(self, sbp: int, dbp: int) -> bool:
        return sbp < self.sbp_below and dbp < self.dbp_below


def programme_threshold(age: int) -> Threshold:
    """BPHS-2017 控制满意 threshold that drives the follow-up class (not the clinical target)."""
    if age >= CONTROL_ELDERLY_AGE:
        return Threshold(
            sbp_below=CONTROL_ELDERLY_SBP_BELOW,
            dbp_below=CONTROL_ELDERLY_DBP_BELOW,
            clauses=(C_CONTROL, C_CONTROL_65),
        )
    return Threshold(sbp_below=CONTROL_SBP_BELOW, dbp_below=CONTROL_DBP_BELOW, clauses=(C_CONTROL,))


def is_controlled(sbp: int, dbp: int, age: int) -> bool:
    """The `controlled` input of the BPHS-2017 follow-up classification for hypertension."""
    _check_reading(sbp, dbp)
    return programme_threshold(age).met(sbp, dbp)


def clinical_target(age: int) -> Threshold:
    """HTN-2025 clinical target, advice to the doctor (not the programme threshold)."""
    if age >= TARGET_ELDERLY_AGE:
        return Threshold(
            sbp_below=TARGET_ELDERLY_SBP_BELOW, dbp_below=TARGET_ELDERLY_DBP_BELOW, clauses=(C_TARGET_80,)
        )
    return Threshold(sbp_below=TARGET_SBP_BELOW, dbp_below=TARGET_DBP_BELOW, clauses=(C_TARGET,))


class RiskInput(msgspec.Struct, frozen=True, kw_only=True):
    age: int
    male: bool
    sbp: int | None = None
    dbp: int | None = None
    bmi: float | None = None
    waist_cm: float | None = None
    family_history: bool = False
    high_salt_diet: bool = False
    baijiu_ml_per_day: float = 0.0


def high_risk_factors(r: RiskInput) -> tuple[HighRiskFactor, ...]:
    """BPHS-2017 §筛查 high-risk factors present (any one → BP every 6 months plus lifestyle advice)."""
    found: list[HighRiskFactor] = []
    # 血压高值: SBP 130–139 and/or DBP 85–89 (the upper half of 正常高值, below grade 1).
    if (
        r.sbp is not None
        and r.dbp is not None
        and bp_grade(r.sbp, r.dbp) is BpGrade.HIGH_NORMAL
        and (r.sbp >= HIGH_RISK_SBP or r.dbp >= HIGH_RISK_DBP)
    ):
        found.append(HighRiskFactor.HIGH_NORMAL_BP)
    waist_limit = HIGH_RISK_WAIST_MALE_CM if r.male else HIGH_RISK_WAIST_FEMALE_CM
    if (r.bmi is not None and r.bmi >= HIGH_RISK_BMI) or (
        r.waist_cm is not None and r.waist_cm >= waist_limit
    ):
        found.append(HighRiskFactor.OVERWEIGHT_OR_CENTRAL_OBESITY)
    if r.family_history:
        found.append(HighRiskFactor.FAMILY_HISTORY)
    if r.high_salt_diet:
        found.append(HighRiskFactor.HIGH_SALT_DIET)
    if r.baijiu_ml_per_day >= HIGH_RISK_BAIJIU_ML:
        found.append(HighRiskFactor.HEAVY_DRINKING)
    if r.age >= HIGH_RISK_AGE:
        found.append(HighRiskFactor.AGE_55_OR_OVER)
    return tuple(found)
