"""Data of hypertension_screening (CLINICAL_RULES.md §2): its clauses, thresholds and the labelled option sets
(referral reasons, first-line drug classes), kept apart so the rules module stays small.
"""

from __future__ import annotations

import enum
from typing import Final

from flows.rules.base import Confidence, Source, clause

_SCREEN = "高血压患者健康管理服务规范 §筛查"
_DX = "§诊断"
_REFERRAL = "§转诊"
_TARGET = "§降压目标"
_DRUGS = "§药物治疗"

# --- clauses -----------------------------------------------------------------------------------------

C_SCREEN_BPHS: Final = clause(
    "HTN.screen.bphs_35",
    Source.BPHS_2017,
    _SCREEN,
    Confidence.V,
    "Residents aged ≥35 have their BP measured once a year (in practice at the first visit of the year).",
)
C_SCREEN_WS: Final = clause(
    "HTN.screen.ws_t_872",
    Source.WS_T_872,
    "§筛查",
    Confidence.V,
    "From 2026-03-01 every adult (≥18, a setting) has BP measured at the first outpatient visit each year.",
)
C_FIRST_RAISED: Final = clause(
    "HTN.screen.first_raised",
    Source.BPHS_2017,
    _SCREEN,
    Confidence.V,
    "A first reading ≥140 and/or ≥90 mmHg: remove transient causes, then book rechecks on other days.",
)
C_DX_THREE_DAYS: Final = clause(
    "HTN.dx.three_days",
    Source.HTN_2025,
    _DX,
    Confidence.V,
    "Office BP ≥140 and/or ≥90 mmHg on 3 different days within 4 weeks is hypertension.",
)
C_DX_ON_TREATMENT: Final = clause(
    "HTN.dx.on_treatment",
    Source.HTN_2025,
    _DX,
    Confidence.V,
    "A patient taking antihypertensive drugs counts as hypertensive whatever the BP.",
)
C_HOME: Final = clause(
    "HTN.dx.home",
    Source.HTN_2020,
    _DX,
    Confidence.V,
    "Home BP mean (5–7 days, morning and evening) ≥135 and/or ≥85 mmHg supports hypertension.",
)
C_ABPM: Final = clause(
    "HTN.dx.abpm",
    Source.HTN_2020,
    _DX,
    Confidence.V2,
    "ABPM mean ≥130/80 over 24 h, ≥135/85 by day or ≥120/70 at night (and/or) supports hypertension.",
)
C_REFERRAL_FIRST: Final = clause(
    "HTN.referral.first_diagnosis",
    Source.HTN_2020,
    _REFERRAL,
    Confidence.U,
    "Refer at first diagnosis: ≥180/110 despite short-term treatment, suspected heart/brain/kidney complication, "
    "pregnancy or lactation, onset age <30, proteinuria or haematuria, unexplained hypokalaemia, paroxysmal "
    "rises with headache/palpitations/sweating, inter-arm SBP difference >20 mmHg.",
)
C_REFERRAL_FOLLOWUP: Final = clause(
    "HTN.referral.followup",
    Source.HTN_2020,
    _REFERRAL,
    Confidence.U,
    "Refer during follow-up: uncontrolled on ≥3 drugs at full dose incl. a diuretic or after 3 months of "
    "standard treatment; large fluctuations; hard-to-manage adverse reactions; new target-organ damage.",
)
C_REFERRAL_MNEMONIC: Final = clause(
    "HTN.referral.mnemonic",
    Source.HTN_2025,
    _REFERRAL,
    Confidence.V,
    "Refer when: 起病急、症状重、疑继发、难控制、孕产妇.",
)
C_TARGET_2020: Final = clause(
    "HTN.target.2020", Source.HTN_2020, _TARGET, Confidence.V, "Clinical target: BP <140/90."
)
C_TARGET_2020_COMORBID: Final = clause(
    "HTN.target.2020.comorbid",
    Source.HTN_2020,
    _TARGET,
    Confidence.V,
    "With diabetes, coronary disease, heart failure or CKD with proteinuria: <130/80 if tolerated.",
)
C_TARGET_2020_65: Final = clause(
    "HTN.target.2020.65",
    Source.HTN_2020,
    _TARGET,
    Confidence.V,
    "Age 65–79: <150/90, then <140/90 if tolerated.",
)
C_TARGET_2020_80: Final = clause(
    "HTN.target.2020.80",
    Source.HTN_2020,
    _TARGET,
    Confidence.U,
    "Age ≥80: <150/90 (not stated in CLINICAL_RULES.md; overridable setting).",
)
C_DRUG_CLASSES: Final = clause(
    "HTN.drugs.classes",
    Source.HTN_2020,
    _DRUGS,
    Confidence.V2,
    "First-line classes: A ACEI/ARB, B β-blocker, C CCB, D thiazide diuretic.",
)
C_DOSE_REVIEW: Final = clause(
    "HTN.drugs.review", Source.HTN_2020, _DRUGS, Confidence.V2, "Review every 2–4 weeks after a dose change."
)

# --- thresholds (mmHg unless stated) ---------------------------------------------------------------------

BPHS_SCREEN_AGE: Final = 35  # BPHS-2017 §筛查 [V]: residents ≥35 once a year
HIGH_RISK_INTERVAL_MONTHS: Final = 6  # BPHS-2017 §筛查 [V]: high-risk group, BP every 6 months
DX_DAYS: Final = 3  # HTN-2025 §诊断 [V]: raised on 3 different days
DX_WINDOW_DAYS: Final = 28  # HTN-2025 §诊断 [V]: within 4 weeks (taken as 28 days first to last)
HOME_SBP: Final = 135  # HTN-2020 §诊断 [V]: home BP mean SBP ≥135
HOME_DBP: Final = 85  # HTN-2020 §诊断 [V]: home BP mean DBP ≥85
ABPM_24H: Final = (130, 80)  # HTN-2020 §诊断 [V2]: 24 h mean ≥130/80
ABPM_DAY: Final = (135, 85)  # HTN-2020 §诊断 [V2]: daytime mean ≥135/85
ABPM_NIGHT: Final = (120, 70)  # HTN-2020 §诊断 [V2]: night-time mean ≥120/70
TARGET_2020: Final = (140, 90)  # HTN-2020 §降压目标 [V]: <140/90
TARGET_2020_COMORBID: Final = (130, 80)  # HTN-2020 §降压目标 [V]: comorbidity <130/80 if tolerated
TARGET_2020_65_AGE: Final = 65  # HTN-2020 §降压目标 [V]: age 65–79 band
TARGET_2020_65: Final = (150, 90)  # HTN-2020 §降压目标 [V]: age 65–79 <150/90 first
TARGET_2020_80_AGE: Final = 80  # HTN-2020 §降压目标 [U]: the ≥80 band (value in HypertensionSettings)
DOSE_REVIEW_WEEKS: Final = (2, 4)  # HTN-2020 §药物治疗 [V2]: review 2–4 weeks after a dose change


# --- labelled option sets ----------------------------------------------------------------------------


class ReferralReason(enum.StrEnum):
    PERSISTENT_SEVERE_BP = "persistent_severe_bp"
    SUSPECTED_ORGAN_COMPLICATION = "suspected_organ_complication"
    PREGNANCY_OR_LACTATION = "pregnancy_or_lactation"
    EARLY_ONSET = "early_onset"
    PROTEINURIA_OR_HAEMATURIA = "proteinuria_or_haematuria"
    UNEXPLAINED_HYPOKALAEMIA = "unexplained_hypokalaemia"
    PAROXYSMAL_RISES = "paroxysmal_rises"
    INTER_ARM_DIFFERENCE = "inter_arm_difference"
    RESISTANT = "resistant"
    UNCONTROLLED_AFTER_STANDARD_TREATMENT = "uncontrolled_after_standard_treatment"
    LARGE_FLUCTUATIONS = "large_fluctuations"
    HARD_TO_MANAGE_ADVERSE_REACTION = "hard_to_manage_adverse_reaction"
    NEW_TARGET_ORGAN_DAMAGE = "new_target_organ_damage"


# (zh, en) labels shown to the doctor.
REFERRAL_LABELS: Final[dict[ReferralReason, tuple[str, str]]] = {
    ReferralReason.PERSISTENT_SEVERE_BP: (
        "经短期处理血压仍≥180/110 mmHg",
        "BP ≥180/110 despite short-term treatment",
    ),
    ReferralReason.SUSPECTED_ORGAN_COMPLICATION: (
        "疑有心、脑、肾并发症",
        "suspected heart, brain or kidney complication",
    ),
    ReferralReason.PREGNANCY_OR_LACTATION: ("妊娠或哺乳期", "pregnancy or lactation"),
    ReferralReason.EARLY_ONSET: ("发病年龄<30岁", "onset before age 30"),
    ReferralReason.PROTEINURIA_OR_HAEMATURIA: ("伴蛋白尿或血尿", "proteinuria or haematuria"),
    ReferralReason.UNEXPLAINED_HYPOKALAEMIA: ("原因不明的低血钾", "unexplained hypokalaemia"),
    ReferralReason.PAROXYSMAL_RISES: (
        "阵发性血压升高伴头痛、心悸、多汗",
        "paroxysmal rises with headache, palpitations, sweating",
    ),
    ReferralReason.INTER_ARM_DIFFERENCE: ("双上肢收缩压差异>20 mmHg", "inter-arm SBP difference >20 mmHg"),
    ReferralReason.RESISTANT: (
        "足量≥3种降压药（含利尿剂）血压仍未达标",
        "uncontrolled on ≥3 drugs at full dose including a diuretic",
    ),
    ReferralReason.UNCONTROLLED_AFTER_STANDARD_TREATMENT: (
        "规范治疗3个月血压仍未达标",
        "uncontrolled after 3 months of standard treatment",
    ),
    ReferralReason.LARGE_FLUCTUATIONS: ("血压波动较大", "large BP fluctuations"),
    ReferralReason.HARD_TO_MANAGE_ADVERSE_REACTION: (
        "出现难以处理的不良反应",
        "hard-to-manage adverse reaction",
    ),
    ReferralReason.NEW_TARGET_ORGAN_DAMAGE: ("出现新的靶器官损害", "new target-organ damage"),
}


class DrugClass(enum.StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


# HTN-2020 §药物治疗 [V2]: (zh, en) names of the first-line classes.
DRUG_CLASSES: Final[dict[DrugClass, tuple[str, str]]] = {
    DrugClass.A: (
        "血管紧张素转换酶抑制剂（ACEI）/血管紧张素Ⅱ受体拮抗剂（ARB）",
        "ACE inhibitor (ACEI) / angiotensin receptor blocker (ARB)",
    ),
    DrugClass.B: ("β受体阻滞剂", "beta-blocker"),
    DrugClass.C: ("钙通道阻滞剂（CCB）", "calcium-channel blocker (CCB)"),
    DrugClass.D: ("噻嗪类利尿剂", "thiazide diuretic"),
}
