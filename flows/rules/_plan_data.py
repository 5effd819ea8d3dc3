"""Data of the graded management plans (flows.rules.plans): [U] settings, clauses, diet advice codes with their
zh/en labels, and the plausible range of every value a doctor may edit."""

from __future__ import annotations

import enum
from typing import Final

import msgspec

from flows.model import Condition
from flows.rules import weight
from flows.rules.base import Confidence, Source, clause
from flows.rules.followup import ROUTINE_INTERVAL_DAYS


class PlanSettings(msgspec.Struct, frozen=True, kw_only=True):
    """Plan defaults not found in CLINICAL_RULES.md. [U] — a site can override them in `[rules.plans]` of its
    configuration. Each comment says where the default comes from; none is confirmed here."""

    # HTN-2020 lifestyle advice (salt <5 g a day), as commonly quoted; unconfirmed here.
    salt_g_per_day_max: float = 5.0
    # HTN-2020 / DM-2022 lifestyle advice (men ≤25 g, women ≤15 g of alcohol a day), as commonly quoted;
    # unconfirmed here. 25 g of alcohol is about one 两 (50 ml) of 50 % baijiu.
    alcohol_g_per_day_max_male: float = 25.0
    alcohol_g_per_day_max_female: float = 15.0
    # HTN-2020 lifestyle advice (exercise 5–7 times a week), as commonly quoted; the 150 min/week total is [V]
    # (DM-2022 target). Unconfirmed here.
    exercise_sessions_per_week: int = 5
    # HTN-2020 home BP advice: stable patients measure on at least 1 day a week, patients starting or changing
    # treatment on 7 days in a row (morning and evening). Unconfirmed here.
    home_bp_days_per_week_controlled: int = 1
    home_bp_days_per_week_uncontrolled: int = 7
    # DM-2022 self-monitoring of capillary glucose (on oral drugs: a few days a week; more while uncontrolled).
    # Our reading; unconfirmed here.
    glucose_days_per_week_controlled: int = 2
    glucose_days_per_week_uncontrolled: int = 7
    # LIPID-2023 follow-up of treated dyslipidaemia (recheck every 3–6 months), as commonly quoted; unconfirmed.
    lipids_every_months_dyslipidaemia: int = 6
    # Ours: weigh monthly; weekly when obesity is a managed condition.
    weigh_every_days: int = 30
    weigh_every_days_obesity: int = 7
    # Ours: obesity and dyslipidaemia have no BPHS-2017 follow-up class; see them like a controlled patient,
    # within 3 months (the BPHS-2017 routine interval).
    unclassified_interval_days: int = ROUTINE_INTERVAL_DAYS
    # Ours: an unstable COPD visit flags the drugs (inhalers) for review.
    copd_unstable_drug_review: bool = True


class DietAdvice(enum.StrEnum):
    LOW_SALT = "low_salt"
    LOW_FAT = "low_fat"
    VEGETABLES_FRUIT = "vegetables_fruit"
    WHOLE_GRAINS = "whole_grains"
    CONTROL_STAPLE = "control_staple"
    LIMIT_SUGAR = "limit_sugar"
    LIMIT_CHOLESTEROL = "limit_cholesterol"
    ENERGY_DEFICIT = "energy_deficit"
    ADEQUATE_PROTEIN = "adequate_protein"


# (zh, en) labels shown to the doctor and on the patient page.
LABELS: Final[dict[enum.StrEnum, tuple[str, str]]] = {
    DietAdvice.LOW_SALT: ("低盐饮食", "low-salt diet"),
    DietAdvice.LOW_FAT: ("低脂饮食", "low-fat diet"),
    DietAdvice.VEGETABLES_FRUIT: ("多吃新鲜蔬菜水果", "plenty of fresh vegetables and fruit"),
    DietAdvice.WHOLE_GRAINS: ("粗细搭配，增加全谷物", "more whole grains"),
    DietAdvice.CONTROL_STAPLE: ("定量主食", "measured staple food"),
    DietAdvice.LIMIT_SUGAR: ("限制添加糖和甜食", "little added sugar or sweets"),
    DietAdvice.LIMIT_CHOLESTEROL: ("限制高胆固醇食物", "few high-cholesterol foods"),
    DietAdvice.ENERGY_DEFICIT: ("控制总能量摄入", "less total energy"),
    DietAdvice.ADEQUATE_PROTEIN: ("保证优质蛋白摄入", "enough good-quality protein"),
}

# Default diet advice per condition: ours, after the lifestyle chapters of HTN-2020, DM-2022, LIPID-2023 [U].
DEFAULT_DIET: Final[dict[Condition, tuple[DietAdvice, ...]]] = {
    Condition.HYPERTENSION: (DietAdvice.LOW_SALT, DietAdvice.LOW_FAT, DietAdvice.VEGETABLES_FRUIT),
    Condition.DIABETES: (
        DietAdvice.CONTROL_STAPLE,
        DietAdvice.LIMIT_SUGAR,
        DietAdvice.WHOLE_GRAINS,
        DietAdvice.LOW_SALT,
    ),
    Condition.DYSLIPIDAEMIA: (DietAdvice.LOW_FAT, DietAdvice.LIMIT_CHOLESTEROL, DietAdvice.WHOLE_GRAINS),
    Condition.OBESITY: (DietAdvice.ENERGY_DEFICIT, DietAdvice.LOW_FAT, DietAdvice.LIMIT_SUGAR),
    Condition.COPD: (DietAdvice.ADEQUATE_PROTEIN, DietAdvice.VEGETABLES_FRUIT),
}


# Plausible range of each value a doctor may edit (ours): outside is a typing error, not a plan.
EDIT_RANGES: Final[dict[str, tuple[float, float, str]]] = {
    "salt_g_per_day_max": (1.0, 12.0, "g/day"),
    "exercise_min_per_week": (0, 1260, "min/week"),
    "exercise_sessions_per_week": (0, 14, "/week"),
    "alcohol_g_per_day_max": (0.0, 50.0, "g/day"),
    "home_bp_days_per_week": (0, 7, "days/week"),
    "glucose_days_per_week": (0, 7, "days/week"),
    "weigh_every_days": (1, 365, "days"),
    "hba1c_every_months": (1, 12, "months"),
    "complication_every_months": (1, 24, "months"),
    "lipids_every_months": (1, 60, "months"),
}
# A target weight is judged by the BMI it gives at the resident's height (ours).
TARGET_BMI_RANGE: Final = (16.0, 32.0)

_SECTION = "分类分级管理 §非药物干预/自我监测"

# WS-T-428 §BMI [V] / DM-2022 target BMI <24: the target weight keeps BMI (one decimal) at most 23.9 …
TARGET_BMI_BELOW: Final = weight.BMI_OVERWEIGHT_FROM
TARGET_BMI_MAX: Final = 23.9
# … and, for an underweight resident, at least 18.5 (WS-T-428 normal from 18.5 [V])
TARGET_BMI_MIN: Final = weight.BMI_NORMAL_FROM

CL_SALT: Final = clause("PLAN.salt", Source.HTN_2020, _SECTION, Confidence.U, "Salt <5 g a day.")
CL_ALCOHOL: Final = clause(
    "PLAN.alcohol", Source.HTN_2020, _SECTION, Confidence.U, "Alcohol ≤25 g a day (men), ≤15 g (women)."
)
CL_EXERCISE: Final = clause(
    "PLAN.exercise",
    Source.HTN_2020,
    _SECTION,
    Confidence.U,
    "Exercise on 5 days a week (the total of ≥150 min a week is the DM-2022 target [V]).",
)
CL_SMOKING: Final = clause("PLAN.smoking", Source.HTN_2020, _SECTION, Confidence.U, "Do not smoke (quit).")
CL_DIET: Final = clause(
    "PLAN.diet", Source.HTN_2020, _SECTION, Confidence.U, "Default diet advice per condition (our selection)."
)
CL_HOME_BP: Final = clause(
    "PLAN.home_bp",
    Source.HTN_2020,
    "§家庭血压监测",
    Confidence.U,
    "Home BP on 1 day a week when controlled, 7 days in a row when not.",
)
CL_GLUCOSE: Final = clause(
    "PLAN.glucose",
    Source.DM_2022,
    "§血糖监测",
    Confidence.U,
    "Capillary glucose on 2 days a week when controlled, daily when not.",
)
CL_LIPIDS: Final = clause(
    "PLAN.lipids",
    Source.LIPID_2023,
    "§随访",
    Confidence.U,
    "Treated dyslipidaemia: lipids every 6 months (our default).",
)
CL_WEIGHT_MONITORING: Final = clause(
    "PLAN.weigh", Source.WS_T_428, _SECTION, Confidence.U, "Weigh monthly; weekly for obesity (our default)."
)
CL_UNCLASSIFIED: Final = clause(
    "PLAN.unclassified_interval",
    Source.BPHS_2017,
    _SECTION,
    Confidence.U,
    "Obesity and dyslipidaemia have no follow-up class: next visit within 3 months (our default).",
)
CL_COPD_DRUG_REVIEW: Final = clause(
    "PLAN.copd_drug_review",
    Source.COPD_2024,
    _SECTION,
    Confidence.U,
    "An unstable COPD visit flags the drugs for review (our default).",
)
