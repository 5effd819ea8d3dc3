"""The national follow-up forms as values: hypertension (高血压患者随访服务记录表), type 2 diabetes (2型糖尿病患者
随访服务记录表), both BPHS-2017, and COPD (COPD-2024 [V2] field list), and the merged multimorbidity form.

The three forms share their signs, lifestyle, adherence and drug lines; each adds its own block (symptoms, and the
diabetes and COPD extras). The merged form (多病共管, CLINICAL_RULES.md §11, our design: no national merged form
exists) is the shared part once plus the blocks of the conditions followed up. The class and next date are not
here: the rules compute them (flows.rules.multimorbidity) and the request carries the doctor's overrides.

`check_form` names a refused value by its path (`form.hypertension.symptoms[2]`), so the API's 422 and the TUI
point at the exact box of the form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Final

import msgspec

from flows.model import Condition
from flows.rules.copd import Adherence, CopdSymptom, Vaccination
from flows.rules.diabetes_care import FormSymptom, Hypoglycaemia, PedalPulse, Side
from flows.rules.htn_form import BAIJIU_DIVISOR, ML_PER_LIANG, Rating, SaltIntake, Symptom


class Struct(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Form values refuse unknown fields at every depth: a misspelt box must not vanish silently."""


# --- the shared part of the three forms ---------------------------------------------------------------


class Signs(Struct, frozen=True, kw_only=True):
    """体征 (BPHS-2017 forms): BP, weight and its target, BMI and its target, heart rate."""

    sbp: int | None = None  # mmHg
    dbp: int | None = None
    weight_kg: float | None = None
    target_weight_kg: float | None = None
    bmi: float | None = None
    target_bmi: float | None = None
    heart_rate: int | None = None  # /min


class IntLine(Struct, frozen=True, kw_only=True):
    """One lifestyle line: this visit's value and the target agreed with the patient (None: not asked)."""

    now: int | None = None
    target: int | None = None


class FloatLine(Struct, frozen=True, kw_only=True):
    now: float | None = None
    target: float | None = None


class SaltLine(Struct, frozen=True, kw_only=True):
    now: SaltIntake | None = None
    target: SaltIntake | None = None


class Drinks(Struct, frozen=True, kw_only=True):
    """What the patient drinks a day, in ml by kind; the form records it as 两 of baijiu (`liang`)."""

    baijiu_ml: float = 0
    beer_ml: float = 0
    wine_ml: float = 0
    huangjiu_ml: float = 0

    def liang(self) -> float:
        """BPHS-2017 填表说明 [V] (clause HTN.form.drinks): 两 of baijiu = baijiu + beer÷10 + wine÷4 + huangjiu÷5,
        1 两 = 50 ml; one decimal, as on the form."""
        ml = {
            "baijiu": self.baijiu_ml,
            "beer": self.beer_ml,
            "wine": self.wine_ml,
            "huangjiu": self.huangjiu_ml,
        }
        total = sum(ml[kind] / ML_PER_LIANG / divisor for kind, divisor in BAIJIU_DIVISOR.items())
        return round(total, 1)


class Lifestyle(Struct, frozen=True, kw_only=True):
    """生活方式指导 (BPHS-2017 forms): now/target lines, 心理调整 and 遵医行为."""

    cigarettes_per_day: IntLine = msgspec.field(default_factory=IntLine)
    drinks_liang_per_day: FloatLine = msgspec.field(default_factory=FloatLine)  # 两 of baijiu
    exercise_times_per_week: IntLine = msgspec.field(default_factory=IntLine)
    exercise_minutes: IntLine = msgspec.field(default_factory=IntLine)  # each time
    salt: SaltLine = msgspec.field(default_factory=SaltLine)  # 摄盐情况 轻/中/重
    psychological: Rating | None = None  # 心理调整
    compliance: Rating | None = None  # 遵医行为


class Medication(Struct, frozen=True, kw_only=True):
    """One line of 用药情况 or 用药调整意见: drug, times a day, mg a dose."""

    drug: str
    times_per_day: int | None = None
    mg_per_dose: float | None = None


# --- each disease's own block -------------------------------------------------------------------------


class HypertensionBlock(Struct, frozen=True, kw_only=True):
    symptoms: tuple[Symptom, ...] = (Symptom.NONE,)  # 症状; 无症状 excludes every other box
    other_symptom: str | None = None  # 其他: what


class DiabetesBlock(Struct, frozen=True, kw_only=True):
    """The diabetes form's extras (CLINICAL_RULES.md §3 "Extra form fields")."""

    symptoms: tuple[FormSymptom, ...] = (FormSymptom.NONE,)
    other_symptom: str | None = None
    dorsalis_pedis: PedalPulse | None = None  # 足背动脉搏动
    dorsalis_pedis_side: Side | None = None  # 减弱/消失: 双侧/左侧/右侧
    staple_food_g_per_day: IntLine = msgspec.field(default_factory=IntLine)  # 主食 g/day now/target
    fpg: float | None = None  # mmol/L, this follow-up's fasting glucose
    hba1c: float | None = None  # %
    hba1c_date: dt.date | None = None
    hypoglycaemia: Hypoglycaemia | None = None  # 低血糖反应 [V2]
    insulin_type: str | None = None
    insulin_dose: str | None = None  # units and times, as written on the form


class CopdBlock(Struct, frozen=True, kw_only=True):
    """The COPD form's fields (CLINICAL_RULES.md §6, COPD-2024 [V2]) beyond the shared part."""

    symptoms: tuple[CopdSymptom, ...] = (CopdSymptom.NONE,)
    cyanosis: bool = False  # 紫绀
    oedema: bool = False  # 水肿
    respiratory_rate: int | None = None  # /min
    spo2: int | None = None  # %
    fev1_l: float | None = None
    fvc_l: float | None = None
    home_oxygen_hours: float | None = None  # hours a day
    non_invasive_ventilator: bool = False
    vaccinations: tuple[Vaccination, ...] = ()  # this year: influenza, COVID-19, pneumococcal

    def fev1_fvc(self) -> float | None:
        return None if self.fev1_l is None or self.fvc_l is None else round(self.fev1_l / self.fvc_l, 2)


class FollowupForm(Struct, frozen=True, kw_only=True):
    """One follow-up's form: the shared part once, and the block of each condition followed up."""

    signs: Signs = msgspec.field(default_factory=Signs)
    lifestyle: Lifestyle = msgspec.field(default_factory=Lifestyle)
    adherence: Adherence | None = None  # 服药依从性 规律/间断/不服药
    adverse_reaction: str | None = None  # 药物不良反应: None 无, else 有 and what
    medications: tuple[Medication, ...] = ()  # 用药情况
    medication_advice: tuple[Medication, ...] = ()  # 用药调整意见
    hypertension: HypertensionBlock | None = None
    diabetes: DiabetesBlock | None = None
    copd: CopdBlock | None = None


BLOCKS: Final[dict[Condition, str]] = {
    Condition.HYPERTENSION: "hypertension",
    Condition.DIABETES: "diabetes",
    Condition.COPD: "copd",
}


def blocks_of(form: FollowupForm) -> tuple[Condition, ...]:
    """The conditions whose block the form carries, in the order of Condition."""
    return tuple(c for c, name in BLOCKS.items() if getattr(form, name) is not None)


def merged_form(conditions: Collection[Condition], base: FollowupForm | None = None) -> FollowupForm:
    """CLINICAL_RULES.md §11 (clause MM.per_disease): the union of the blocks of the conditions followed up, the
    shared fields once. Blocks already in `base` are kept; a condition without a form block (obesity) adds none."""
    form = base or FollowupForm()
    blocks = {"hypertension": HypertensionBlock(), "diabetes": DiabetesBlock(), "copd": CopdBlock()}
    changes = {name: getattr(form, name) or blocks[name] for c, name in BLOCKS.items() if c in conditions}
    return msgspec.structs.replace(form, **changes)


def form_of(form: FollowupForm, condition: Condition) -> FollowupForm:
    """The national form of one condition: the shared part and that condition's block only (what one
    follow_up row stores, as each disease has its own sheet on paper)."""
    keep = BLOCKS.get(condition)
    return msgspec.structs.replace(form, **{name: None for name in BLOCKS.values() if name != keep})


def union_of(forms: Sequence[FollowupForm]) -> FollowupForm | None:
    """The merged form back from the per-condition rows of one follow-up (the shared part of the first)."""
    if not forms:
        return None
    merged = forms[0]
    for form in forms[1:]:
        merged = msgspec.structs.replace(
            merged,
            **{name: getattr(form, name) for name in BLOCKS.values() if getattr(form, name) is not None},
        )
    return merged
