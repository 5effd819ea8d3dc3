"""Data of diagnosis (CLINICAL_RULES.md §2–§6): the input and output shapes, the sentences for the doctor (zh and
en) and the ICD-10 patterns, kept apart so the rules module stays small.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Final

import msgspec

from flows.model import Condition
from flows.rules import diabetes, hypertension, weight
from flows.rules.base import Confidence, NextStep, Source, clause
from flows.rules.hypertension_screening import AbpmMeans

C_DYSLIPIDAEMIA: Final = clause(
    "DX.dyslipidaemia",
    Source.LIPID_2023,
    "中国血脂管理指南（2023） §血脂合适水平和异常切点",
    Confidence.V,
    "Dyslipidaemia: TC ≥6.2, LDL-C ≥4.1, non-HDL-C ≥4.9 or TG ≥2.3 (high), or HDL-C <1.0 (low) mmol/L.",
)


class Status(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NEEDS_CONFIRMATION = "needs_confirmation"


class BpReading(msgspec.Struct, frozen=True, kw_only=True):
    day: dt.date
    sbp: int
    dbp: int


class GlucoseKind(enum.StrEnum):
    FPG = "fpg"
    RANDOM = "random"
    OGTT_2H = "ogtt_2h"
    HBA1C = "hba1c"


class GlucoseResult(msgspec.Struct, frozen=True, kw_only=True):
    day: dt.date
    kind: GlucoseKind
    value: float  # mmol/L; HbA1c in %


class Spirometry(msgspec.Struct, frozen=True, kw_only=True):
    day: dt.date
    fev1_fvc: float  # a ratio, e.g. 0.65
    post_bronchodilator: bool = True


class LipidPanel(msgspec.Struct, frozen=True, kw_only=True):
    day: dt.date
    tc: float | None = None
    ldl: float | None = None
    hdl: float | None = None
    non_hdl: float | None = None
    tg: float | None = None


class History(msgspec.Struct, frozen=True, kw_only=True):
    """What the record holds; every part may be empty."""

    bp_readings: tuple[BpReading, ...] = ()
    on_antihypertensives: bool = False
    home_bp_mean: tuple[float, float] | None = None  # (SBP, DBP) over 5–7 days, morning and evening
    abpm: AbpmMeans | None = None
    glucose_tests: tuple[GlucoseResult, ...] = ()
    typical_symptoms: bool = False  # 多饮, 多食, 多尿, 体重下降
    spirometry: tuple[Spirometry, ...] = ()
    bmi: float | None = None  # the latest
    waist_cm: float | None = None  # the latest
    lipids: LipidPanel | None = None  # the latest panel


class Criterion(msgspec.Struct, frozen=True, kw_only=True):
    condition: Condition
    status: Status
    icd10: str
    basis: str  # one sentence for the doctor, Chinese
    basis_en: str  # the same in English, for API readers
    evidence: tuple[str, ...]  # Chinese lines, oldest first
    clauses: tuple[str, ...]
    next_steps: tuple[NextStep, ...] = ()


class DiagnosisSettings(msgspec.Struct, frozen=True, kw_only=True):
    """The settings of the modules whose rules diagnosis applies (their own `[rules.<module>]` sections)."""

    hypertension: hypertension.HypertensionSettings = hypertension.DEFAULT_SETTINGS
    diabetes: diabetes.DiabetesSettings = diabetes.DEFAULT_SETTINGS
    weight: weight.WeightSettings = msgspec.field(default_factory=weight.WeightSettings)


# (zh, en) sentences for the doctor, keyed by outcome.
BASIS: Final[dict[str, tuple[str, str]]] = {
    "htn.on_treatment": (
        "正在服用降压药物，按高血压管理。",
        "On antihypertensive drugs: managed as hypertension.",
    ),
    "htn.three_days": (
        "非同日3次诊室血压≥140和/或≥90 mmHg（4周内），符合高血压诊断。",
        "Office BP ≥140 and/or ≥90 mmHg on 3 different days within 4 weeks: hypertension.",
    ),
    "htn.confirm": (
        "血压升高但尚未满足4周内非同日3次升高，需择日复测确认。",
        "Raised BP not yet on 3 different days within 4 weeks: recheck on another day.",
    ),
    "htn.none": ("现有血压记录未达高血压诊断标准。", "The BP record does not meet the criteria."),
    "dm.met": (
        "血糖检测结果符合糖尿病诊断标准。",
        "Glucose results meet the diagnostic criteria of diabetes.",
    ),
    "dm.confirm": (
        "有达到糖尿病诊断切点的结果，无典型症状，需改日复查（随机血糖不能用于确认）。",
        "A diabetic-range result without typical symptoms: confirm on another day (not with random glucose).",
    ),
    "dm.none": ("现有血糖记录未达糖尿病诊断标准。", "The glucose record does not meet the criteria."),
    "lipid.met": (
        "血脂检测结果符合血脂异常（{pattern}）。",
        "Lipid results meet dyslipidaemia ({pattern_en}).",
    ),
    "lipid.none": ("最近一次血脂检测未见升高或降低。", "The latest lipid panel shows no high or low value."),
    "lipid.unknown": ("无血脂检测结果。", "No lipid results."),
    "obesity.met": ("BMI {bmi} kg/m²≥28，符合肥胖。", "BMI {bmi} kg/m² ≥28: obesity."),
    "obesity.none": ("BMI {bmi} kg/m²<28，未达肥胖标准。", "BMI {bmi} kg/m² <28: not obese."),
    "obesity.unknown": ("无BMI记录。", "No BMI on record."),
    "copd.met": (
        "吸入支气管舒张剂后FEV1/FVC {ratio}<0.70，符合慢阻肺病。",
        "Post-bronchodilator FEV1/FVC {ratio} <0.70: COPD.",
    ),
    "copd.confirm": (
        "舒张前FEV1/FVC {ratio}<0.70，需做支气管舒张试验确认。",
        "Pre-bronchodilator FEV1/FVC {ratio} <0.70: confirm after a bronchodilator.",
    ),
    "copd.none": ("肺功能检查未见持续气流受限。", "Spirometry shows no persistent airflow limitation."),
    "copd.unknown": ("无肺功能检查结果。", "No spirometry on record."),
}

# pattern → (ICD-10, zh, en)
LIPID_PATTERNS: Final[dict[str, tuple[str, str, str]]] = {
    "cholesterol": ("E78.0", "高胆固醇血症", "hypercholesterolaemia"),
    "tg": ("E78.1", "高甘油三酯血症", "hypertriglyceridaemia"),
    "mixed": ("E78.2", "混合型高脂血症", "mixed hyperlipidaemia"),
    "low_hdl": ("E78.6", "低高密度脂蛋白胆固醇血症", "low HDL-C"),
    "other": ("E78.5", "血脂异常", "dyslipidaemia, unspecified"),
}


KIND_FIELD: Final = {
    GlucoseKind.FPG: "fpg",
    GlucoseKind.RANDOM: "random_glucose",
    GlucoseKind.OGTT_2H: "ogtt_2h",
    GlucoseKind.HBA1C: "hba1c",
}
KIND_ZH: Final = {
    GlucoseKind.FPG: "空腹血糖",
    GlucoseKind.RANDOM: "随机血糖",
    GlucoseKind.OGTT_2H: "OGTT 2小时血糖",
    GlucoseKind.HBA1C: "糖化血红蛋白",
}

UNIT: Final = {
    GlucoseKind.FPG: "mmol/L",
    GlucoseKind.RANDOM: "mmol/L",
    GlucoseKind.OGTT_2H: "mmol/L",
    GlucoseKind.HBA1C: "%",
}
PREDIABETES_ZH: Final = {
    "dm.prediabetes.ifg": "空腹血糖受损（IFG）",
    "dm.prediabetes.igt": "糖耐量减低（IGT）",
}
LIPID_ZH: Final = {
    "tc": "总胆固醇",
    "ldl_c": "低密度脂蛋白胆固醇",
    "hdl_c": "高密度脂蛋白胆固醇",
    "non_hdl_c": "非高密度脂蛋白胆固醇",
    "tg": "甘油三酯",
}
LEVEL_ZH: Final = {
    "high": "升高",
    "borderline_high": "边缘升高",
    "low": "降低",
    "pancreatitis_risk": "≥5.6，先降甘油三酯（急性胰腺炎风险）",
}
