"""Type 2 diabetes rules (CLINICAL_RULES.md §3): FPG control, diagnosis thresholds, prediabetes, emergencies,
DM-2022 clinical targets as data.

Glucose in mmol/L, HbA1c in %. The programme control threshold (BPHS-2017 FPG <7.0, drives the follow-up class)
and the clinical targets (DM-2022, advice to the doctor) are kept apart. The programme cadence, the complication
screening schedule and the follow-up form options are in diabetes_care.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Final

import msgspec

from flows.rules.base import Confidence, Finding, NextStep, Severity, Source, check_range, clause
from flows.rules.hypertension import bp_emergency_reasons, emergency_referral

_BPHS = "2型糖尿病患者健康管理服务规范 §随访评估/分类干预"
_DX = "§诊断标准"

# --- clauses -----------------------------------------------------------------------------------------

C_CONTROL: Final = clause(
    "DM.control.programme", Source.BPHS_2017, _BPHS, Confidence.V, "Controlled (控制满意): FPG <7.0 mmol/L."
)
C_DX_RANDOM: Final = clause(
    "DM.dx.random", Source.DM_2022, _DX, Confidence.V, "Diabetic range: random plasma glucose ≥11.1 mmol/L."
)
C_DX_FPG: Final = clause("DM.dx.fpg", Source.DM_2022, _DX, Confidence.V, "Diabetic range: FPG ≥7.0 mmol/L.")
C_DX_OGTT: Final = clause(
    "DM.dx.ogtt2h", Source.DM_2022, _DX, Confidence.V, "Diabetic range: OGTT 2 h glucose ≥11.1 mmol/L."
)
C_DX_HBA1C: Final = clause("DM.dx.hba1c", Source.DM_2022, _DX, Confidence.V, "Diabetic range: HbA1c ≥6.5 %.")
C_DX_CONFIRM: Final = clause(
    "DM.dx.confirm",
    Source.DM_2022,
    _DX,
    Confidence.V,
    "Without typical symptoms a diabetic-range result must be confirmed; random glucose cannot confirm.",
)
C_IFG: Final = clause(
    "DM.prediabetes.ifg", Source.DM_2022, "§糖代谢状态分类", Confidence.V, "IFG: FPG 6.1 to <7.0 mmol/L."
)
C_IGT: Final = clause(
    "DM.prediabetes.igt",
    Source.DM_2022,
    "§糖代谢状态分类",
    Confidence.U,
    "IGT: OGTT 2 h glucose 7.8 to <11.1 mmol/L (unconfirmed; overridable setting).",
)
C_OGTT_CUE: Final = clause(
    "DM.screen.fpg_cue", Source.DM_2025, "§筛查", Confidence.V, "FPG ≥5.6 mmol/L → OGTT or HbA1c."
)
C_EMERGENCY: Final = clause(
    "DM.emergency",
    Source.BPHS_2017,
    _BPHS,
    Confidence.V,
    "Emergency referral: glucose ≥16.7 or ≤3.9 mmol/L, SBP ≥180 and/or DBP ≥110, or a listed symptom.",
)
C_EMERGENCY_PREGNANCY: Final = clause(
    "DM.emergency.pregnancy",
    Source.BPHS_2017,
    _BPHS,
    Confidence.U,
    "Pregnancy or lactation with raised glucose needs emergency referral (unconfirmed; overridable setting).",
)
C_TARGETS: Final = clause(
    "DM.targets", Source.DM_2022, "§综合控制目标", Confidence.V, "Clinical targets of type 2 diabetes care."
)

# --- thresholds ----------------------------------------------------------------------------------------

CONTROL_FPG_BELOW: Final = 7.0  # BPHS-2017 §分类干预 [V]: 控制满意 FPG <7.0 mmol/L
DX_RANDOM: Final = 11.1  # DM-2022 §诊断标准 [V]: random plasma glucose ≥11.1
DX_FPG: Final = 7.0  # DM-2022 §诊断标准 [V]: FPG ≥7.0
DX_OGTT_2H: Final = 11.1  # DM-2022 §诊断标准 [V]: OGTT 2 h ≥11.1
DX_HBA1C: Final = 6.5  # DM-2022 §诊断标准 [V]: HbA1c ≥6.5 %
IFG_FPG: Final = 6.1  # DM-2022 §糖代谢状态分类 [V]: IFG from FPG 6.1 (to <7.0)
OGTT_CUE_FPG: Final = 5.6  # DM-2025 §筛查 [V]: FPG ≥5.6 → OGTT or HbA1c
EMERGENCY_GLUCOSE_HIGH: Final = 16.7  # BPHS-2017 §紧急转诊 [V]: glucose ≥16.7
EMERGENCY_GLUCOSE_LOW: Final = 3.9  # BPHS-2017 §紧急转诊 [V]: glucose ≤3.9
ACTIVITY_MIN_PER_WEEK: Final = 150  # DM-2022 §综合控制目标 [V]: physical activity ≥150 min a week

_CONFIRMING_TESTS: Final = 2  # DM-2022 §诊断标准 [V]: two different tests at once confirm without symptoms
_GLUCOSE_RANGE: Final = (0.5, 60.0)  # plausibility: outside is an entry or device error
_HBA1C_RANGE: Final = (3.0, 20.0)


class DiabetesSettings(msgspec.Struct, frozen=True, kw_only=True):
    """Overridable [U] facts of §3 (and site choices).

    [U] — a site can override each in `[rules.diabetes]` of its configuration.
    """

    igt_ogtt_2h_from: float = 7.8  # DM-2022 [U]: IGT from OGTT 2 h 7.8 mmol/L (to <11.1)
    pregnancy_raised_glucose_is_emergency: bool = True  # BPHS-2017 [U]
    complication_interval_months: int = 12  # DM-2022 [U]: yearly complication screening
    hba1c_uncontrolled_months: int = 3  # DM-2022 [U]: HbA1c every 3 months when uncontrolled
    hba1c_controlled_months: int = 6  # DM-2022 [U]: HbA1c every 6 months when controlled
    # Site choice (no document gives it): days to the confirming test of a diabetic-range result.
    confirm_interval_days: int = 7


DEFAULT_SETTINGS: Final = DiabetesSettings()


def check_glucose(value: float, field: str) -> None:
    """Refuse an impossible glucose (any kind: fasting, random, OGTT) in mmol/L, naming the field."""
    check_range(value, field, _GLUCOSE_RANGE, "mmol/L")


def is_fpg_controlled(fpg: float) -> bool:
    """The `controlled` input of the BPHS-2017 follow-up classification for diabetes."""
    check_glucose(fpg, "fpg")
    return fpg < CONTROL_FPG_BELOW


class GlucoseTests(msgspec.Struct, frozen=True, kw_only=True):
    """Results available for a diagnosis check; any may be absent."""

    random_glucose: float | None = None
    fpg: float | None = None
    ogtt_2h: float | None = None
    hba1c: float | None = None
    typical_symptoms: bool = False  # 多饮, 多食, 多尿, 体重下降


def diagnosis_findings(t: GlucoseTests, settings: DiabetesSettings = DEFAULT_SETTINGS) -> tuple[Finding, ...]:
    """Diabetic-range results, prediabetes (IFG/IGT) and the FPG ≥5.6 → OGTT/HbA1c cue, each with clauses."""
    for name in ("random_glucose", "fpg", "ogtt_2h"):
        value = getattr(t, name)
        if value is not None:
            check_glucose(value, name)
    if t.hba1c is not None:
        check_range(t.hba1c, "hba1c", _HBA1C_RANGE, "%")

    hits: list[tuple[str, float, str]] = []  # (test, value, clause)
    if t.random_glucose is not None and t.random_glucose >= DX_RANDOM:
        hits.append(("random_glucose", t.random_glucose, C_DX_RANDOM))
    if t.fpg is not None and t.fpg >= DX_FPG:
        hits.append(("fpg", t.fpg, C_DX_FPG))
    if t.ogtt_2h is not None and t.ogtt_2h >= DX_OGTT_2H:
        hits.append(("ogtt_2h", t.ogtt_2h, C_DX_OGTT))
    if t.hba1c is not None and t.hba1c >= DX_HBA1C:
        hits.append(("hba1c", t.hba1c, C_DX_HBA1C))

    out: list[Finding] = []
    diagnosed = False
    if hits:
        confirming = [h for h in hits if h[0] != "random_glucose"]
        confirmed = t.typical_symptoms or len(confirming) >= _CONFIRMING_TESTS
        values: dict[str, float | int | str] = {name: value for name, value, _ in hits}
        clauses = tuple(c for _, _, c in hits)
        if confirmed:
            diagnosed = True
            out.append(
                Finding(
                    code="dm.dx.diabetic_range",
                    severity=Severity.WARNING,
                    summary="Diagnostic criteria for diabetes met",
                    clauses=clauses,
                    values=values,
                )
            )
        else:
            out.append(
                Finding(
                    code="dm.dx.confirm",
                    severity=Severity.ADVICE,
                    summary="Diabetic-range result without symptoms: confirm on another day (not with random glucose)",
                    clauses=(*clauses, C_DX_CONFIRM),
                    values=values,
                )
            )
    if t.fpg is not None and IFG_FPG <= t.fpg < DX_FPG:
        out.append(
            Finding(
                code="dm.prediabetes.ifg",
                severity=Severity.ADVICE,
                summary=f"Impaired fasting glucose: FPG {t.fpg} mmol/L",
                clauses=(C_IFG,),
                values={"fpg": t.fpg},
            )
        )
    if t.ogtt_2h is not None and settings.igt_ogtt_2h_from <= t.ogtt_2h < DX_OGTT_2H:
        out.append(
            Finding(
                code="dm.prediabetes.igt",
                severity=Severity.ADVICE,
                summary=f"Impaired glucose tolerance: OGTT 2 h {t.ogtt_2h} mmol/L",
                clauses=(C_IGT,),
                values={"ogtt_2h": t.ogtt_2h},
            )
        )
    # The cue is moot once the diagnosis is met, or when an OGTT or HbA1c is already at hand.
    if (
        not diagnosed
        and t.fpg is not None
        and t.fpg >= OGTT_CUE_FPG
        and t.ogtt_2h is None
        and t.hba1c is None
    ):
        out.append(
            Finding(
                code="dm.screen.ogtt_or_hba1c",
                severity=Severity.ADVICE,
                summary=f"FPG {t.fpg} mmol/L ≥{OGTT_CUE_FPG}: do an OGTT or HbA1c",
                clauses=(C_OGTT_CUE,),
                values={"fpg": t.fpg},
            )
        )
    return tuple(out)


def confirm_step(today: dt.date, settings: DiabetesSettings = DEFAULT_SETTINGS) -> NextStep:
    """DM-2022: the confirming test of a diabetic-range result without typical symptoms, due after the site's
    `confirm_interval_days`."""
    return NextStep(
        code="dm.confirm",
        summary="Confirm on another day with FPG, OGTT or HbA1c (random glucose cannot confirm)",
        clauses=(C_DX_CONFIRM,),
        due=today + dt.timedelta(days=settings.confirm_interval_days),
    )


class EmergencySymptom(enum.StrEnum):
    """BPHS-2017 §紧急转诊 [V] symptoms and signs of a diabetic emergency."""

    ALTERED_CONSCIOUSNESS_OR_BEHAVIOUR = "altered_consciousness_or_behaviour"
    ACETONE_BREATH = "acetone_breath"
    PALPITATIONS_SWEATING = "palpitations_sweating"
    ANOREXIA_NAUSEA_VOMITING = "anorexia_nausea_vomiting"
    POLYDIPSIA_POLYURIA = "polydipsia_polyuria"
    ABDOMINAL_PAIN = "abdominal_pain"
    DEEP_RAPID_BREATHING_FLUSHED = "deep_rapid_breathing_flushed"
    PERSISTENT_HEART_RATE_OVER_100 = "persistent_heart_rate_over_100"
    TEMPERATURE_OVER_39 = "temperature_over_39"
    BLURRED_VISION_OR_EYE_PAIN = "blurred_vision_or_eye_pain"
    BEYOND_FACILITY = "beyond_facility"
    PREGNANT_OR_LACTATING_WITH_RAISED_GLUCOSE = "pregnant_or_lactating_with_raised_glucose"  # [U]


def emergency_finding(
    glucose: float | None = None,
    sbp: int | None = None,
    dbp: int | None = None,
    symptoms: frozenset[EmergencySymptom] = frozenset(),
    settings: DiabetesSettings = DEFAULT_SETTINGS,
) -> Finding | None:
    """BPHS-2017 紧急转诊 for diabetes: a Finding of severity EMERGENCY, or None."""
    reasons: list[str] = []
    clauses = [C_EMERGENCY]
    values: dict[str, float | int | str] = {}
    if glucose is not None:
        check_glucose(glucose, "glucose")
        values["glucose"] = glucose
        if glucose >= EMERGENCY_GLUCOSE_HIGH:
            reasons.append(f"glucose {glucose} ≥{EMERGENCY_GLUCOSE_HIGH}")
        elif glucose <= EMERGENCY_GLUCOSE_LOW:
            reasons.append(f"glucose {glucose} ≤{EMERGENCY_GLUCOSE_LOW}")
    reasons.extend(bp_emergency_reasons(sbp, dbp, values))
    pregnancy = EmergencySymptom.PREGNANT_OR_LACTATING_WITH_RAISED_GLUCOSE
    counted = {s for s in symptoms if s is not pregnancy or settings.pregnancy_raised_glucose_is_emergency}
    if pregnancy in counted:
        clauses.append(C_EMERGENCY_PREGNANCY)
    return emergency_referral("dm.emergency", reasons, counted, tuple(clauses), values)


class Target(msgspec.Struct, frozen=True, kw_only=True):
    """One DM-2022 clinical target: met when `low` ≤ value ≤ `high`, value < `below`, value > `above` (each if set)."""

    code: str
    unit: str
    low: float | None = None
    high: float | None = None
    below: float | None = None
    above: float | None = None
    sex: str | None = None  # "male" | "female" when the target differs by sex
    note: str = ""

    def met(self, value: float) -> bool:
        return not (
            (self.low is not None and value < self.low)
            or (self.high is not None and value > self.high)
            or (self.below is not None and value >= self.below)
            or (self.above is not None and value <= self.above)
        )


# DM-2022 §综合控制目标 [V]: advice to the doctor, never the programme classification.
CLINICAL_TARGETS: Final[tuple[Target, ...]] = (
    Target(code="capillary_fpg", unit="mmol/L", low=4.4, high=7.0),
    Target(code="capillary_non_fasting", unit="mmol/L", below=10.0),
    Target(
        code="hba1c", unit="%", below=7.0, note="may be relaxed to <8.0 or tightened to <6.5 individually"
    ),
    Target(code="sbp", unit="mmHg", below=130),
    Target(code="dbp", unit="mmHg", below=80),
    Target(code="tc", unit="mmol/L", below=4.5),
    Target(code="hdl", unit="mmol/L", above=1.0, sex="male"),
    Target(code="hdl", unit="mmol/L", above=1.3, sex="female"),
    Target(code="tg", unit="mmol/L", below=1.7),
    Target(code="ldl", unit="mmol/L", below=2.6, note="without ASCVD"),
    Target(code="ldl", unit="mmol/L", below=1.8, note="with ASCVD"),
    Target(code="bmi", unit="kg/m2", below=24.0),
    Target(code="uacr", unit="mg/mmol", below=2.5, sex="male"),
    Target(code="uacr", unit="mg/mmol", below=3.5, sex="female"),
    Target(code="activity", unit="min/week", low=ACTIVITY_MIN_PER_WEEK, note=f"≥{ACTIVITY_MIN_PER_WEEK}"),
)
