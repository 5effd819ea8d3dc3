"""Graded management plans (分类分级管理): a default plan per condition and follow-up class, edited by the doctor.

A plan holds lifestyle goals, a self-monitoring schedule, the drug-review and pharmacist-review flags and the next
follow-up interval. The [V] parts come from the other rule modules (BPHS-2017 classes and intervals, DM-2022
≥150 min/week and BMI <24, WS-T-428 BMI classes, LIPID-2023 screening, COPD-2024 yearly health check), and so
do facts owned elsewhere: the HbA1c and complication-screening intervals ([U], `DiabetesSettings`, with the
checks of diabetes_care), the 2–4-week review after a dose change ([V2], _hypertension_data), the polypharmacy
threshold ([U], `MultimorbiditySettings`) and the COPD intervals ([U], `CopdSettings`). Everything else is a [U]
default in `PlanSettings` (flows.rules._plan_data) — a site can override it in `[rules.plans]` of its
configuration.
`merge_plans` joins the plans of a multimorbid resident: strictest goals, union of monitoring, review if any.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import Final

import msgspec

from flows.model import Condition, Sex
from flows.rules import copd, diabetes, diabetes_care, followup, lipids, multimorbidity, weight
from flows.rules._hypertension_data import C_DOSE_REVIEW, DOSE_REVIEW_WEEKS
from flows.rules._plan_data import (
    CL_ALCOHOL,
    CL_COPD_DRUG_REVIEW,
    CL_DIET,
    CL_EXERCISE,
    CL_GLUCOSE,
    CL_HOME_BP,
    CL_LIPIDS,
    CL_SALT,
    CL_SMOKING,
    CL_UNCLASSIFIED,
    CL_WEIGHT_MONITORING,
    DEFAULT_DIET,
    EDIT_RANGES,
    TARGET_BMI_BELOW,
    TARGET_BMI_MAX,
    TARGET_BMI_MIN,
    TARGET_BMI_RANGE,
    DietAdvice,
    PlanSettings,
)
from flows.rules.base import ADULT_AGE, MAX_AGE, RuleError, check_bool, check_int, check_range
from flows.rules.copd import CopdFollowupClass, CopdSettings
from flows.rules.diabetes import DiabetesSettings
from flows.rules.diabetes_care import ComplicationCheck
from flows.rules.followup import FollowupClass
from flows.rules.multimorbidity import MAX_DRUG_COUNT, MultimorbiditySettings


class ConditionClass(msgspec.Struct, frozen=True, kw_only=True):
    condition: Condition
    cls: FollowupClass | None = None  # hypertension, diabetes
    copd_cls: CopdFollowupClass | None = None  # COPD; both None for obesity and dyslipidaemia


class LifestyleGoals(msgspec.Struct, frozen=True, kw_only=True):
    salt_g_per_day_max: float
    diet_advice: tuple[DietAdvice, ...]
    exercise_min_per_week: int
    exercise_sessions_per_week: int
    no_smoking: bool
    alcohol_g_per_day_max: float
    target_weight_kg: float
    target_bmi_below: float


class Monitoring(msgspec.Struct, frozen=True, kw_only=True):
    weigh_every_days: int
    home_bp_days_per_week: int | None = None
    glucose_days_per_week: int | None = None
    hba1c_every_months: int | None = None
    lipids_every_months: int | None = None
    complication_checks: tuple[ComplicationCheck, ...] = ()  # diabetes: the screening of diabetes_care
    complication_every_months: int | None = None
    yearly_health_check: bool = False  # COPD-2024 [V]


class ManagementPlan(msgspec.Struct, frozen=True, kw_only=True):
    conditions: tuple[ConditionClass, ...]
    comorbidities: tuple[Condition, ...]
    age: int
    sex: Sex
    height_cm: float
    weight_kg: float
    drug_count: int
    lifestyle: LifestyleGoals
    monitoring: Monitoring
    drug_review: bool
    drug_review_required: bool  # set by a rule: an edit may not clear it
    drug_review_reasons: tuple[str, ...]
    review_after_dose_change_days: tuple[int, int] | None
    pharmacist_review: bool
    next_followup_days: int
    max_followup_days: int  # the class's interval: an edit may shorten it, never lengthen it
    clauses: tuple[str, ...]
    edited: tuple[str, ...] = ()  # fields the doctor changed


class PlanEdit(msgspec.Struct, frozen=True, kw_only=True):
    """The doctor's changes; None leaves a value as it is."""

    salt_g_per_day_max: float | None = None
    diet_advice: tuple[DietAdvice, ...] | None = None
    exercise_min_per_week: int | None = None
    exercise_sessions_per_week: int | None = None
    no_smoking: bool | None = None
    alcohol_g_per_day_max: float | None = None
    target_weight_kg: float | None = None
    home_bp_days_per_week: int | None = None
    glucose_days_per_week: int | None = None
    weigh_every_days: int | None = None
    hba1c_every_months: int | None = None
    lipids_every_months: int | None = None
    complication_every_months: int | None = None
    drug_review: bool | None = None
    next_followup_days: int | None = None


_CLASS_CLAUSE: Final = {
    FollowupClass.CONTROLLED: followup.C_CONTROLLED,
    FollowupClass.UNCONTROLLED: followup.C_FIRST_UNCONTROLLED,
    FollowupClass.ADVERSE_REACTION: followup.C_ADVERSE,
    FollowupClass.COMPLICATION: followup.C_COMPLICATION,
}
# HTN-2020 §药物治疗 [V2]: review 2–4 weeks after a dose change, in days
DOSE_CHANGE_REVIEW_DAYS: Final = (DOSE_REVIEW_WEEKS[0] * 7, DOSE_REVIEW_WEEKS[1] * 7)
# DM-2022 [U] yearly complication screening (HbA1c is scheduled on its own interval)
_DM_CHECKS: Final = tuple(c for c in ComplicationCheck if c is not ComplicationCheck.HBA1C)
_LIFESTYLE: Final = frozenset(LifestyleGoals.__struct_fields__)
_MONITORING: Final = frozenset(Monitoring.__struct_fields__)


def target_weight(height_cm: float, weight_kg: float) -> float:
    """The nearest weight with a normal BMI (18.5–23.9, WS-T-428 [V]), in kg to one decimal; the current weight
    when it is already normal."""
    b = weight.bmi(weight_kg, height_cm)
    h2 = (height_cm / 100) ** 2
    if b > TARGET_BMI_MAX:
        return math.floor(TARGET_BMI_MAX * h2 * 10) / 10
    if b < TARGET_BMI_MIN:
        return math.ceil(TARGET_BMI_MIN * h2 * 10) / 10
    return weight_kg


def _check_class(condition: Condition, cls: FollowupClass | CopdFollowupClass | None) -> ConditionClass:
    if condition in (Condition.HYPERTENSION, Condition.DIABETES) and isinstance(cls, FollowupClass):
        return ConditionClass(condition=condition, cls=cls)
    if condition is Condition.COPD and isinstance(cls, CopdFollowupClass):
        return ConditionClass(condition=condition, copd_cls=cls)
    if condition in (Condition.OBESITY, Condition.DYSLIPIDAEMIA) and cls is None:
        return ConditionClass(condition=condition)
    wanted = {
        Condition.COPD: "a COPD class",
        Condition.OBESITY: "no class",
        Condition.DYSLIPIDAEMIA: "no class",
    }
    raise RuleError(
        f"{condition.value} takes {wanted.get(condition, 'a BPHS-2017 class')}, got {cls!r}", field="cls"
    )


def default_plan(
    condition: Condition,
    cls: FollowupClass | CopdFollowupClass | None,
    *,
    age: int,
    sex: Sex,
    height_cm: float,
    weight_kg: float,
    drug_count: int,
    comorbidities: Collection[Condition] = (),
    settings: PlanSettings | None = None,
    mm_settings: MultimorbiditySettings | None = None,
    copd_settings: CopdSettings | None = None,
    diabetes_settings: DiabetesSettings | None = None,
) -> ManagementPlan:
    """The default plan of one condition at its follow-up class (None for obesity and dyslipidaemia).

    `comorbidities` are recorded on the plan; their own goals come from their own plans via `merge_plans`.
    """
    s = settings or PlanSettings()
    dm = diabetes_settings or DiabetesSettings()
    check_int(age, "age", ADULT_AGE, MAX_AGE)
    check_int(drug_count, "drug_count", 0, MAX_DRUG_COUNT)
    if condition in comorbidities:
        raise RuleError(
            f"{condition.value} is the plan's condition, not a comorbidity", field="comorbidities"
        )
    cc = _check_class(condition, cls)
    controlled = cc.cls is FollowupClass.CONTROLLED
    clauses = [CL_SALT, CL_DIET, CL_EXERCISE, diabetes.C_TARGETS, CL_SMOKING, CL_ALCOHOL, weight.CL_BMI]
    lifestyle = LifestyleGoals(
        salt_g_per_day_max=s.salt_g_per_day_max,
        diet_advice=DEFAULT_DIET[condition],
        exercise_min_per_week=diabetes.ACTIVITY_MIN_PER_WEEK,  # DM-2022 target, cited by C_TARGETS
        exercise_sessions_per_week=s.exercise_sessions_per_week,
        no_smoking=True,
        alcohol_g_per_day_max=s.alcohol_g_per_day_max_male
        if sex is Sex.MALE
        else s.alcohol_g_per_day_max_female,
        target_weight_kg=target_weight(height_cm, weight_kg),
        target_bmi_below=TARGET_BMI_BELOW,
    )

    shortest_years, _ = lipids.screening_interval_years(age)
    mon: dict[str, object] = {
        "lipids_every_months": shortest_years * 12,
        "weigh_every_days": s.weigh_every_days,
    }
    clauses += [lipids.CL_SCREEN, CL_WEIGHT_MONITORING]
    if condition is Condition.HYPERTENSION:
        mon["home_bp_days_per_week"] = (
            s.home_bp_days_per_week_controlled if controlled else s.home_bp_days_per_week_uncontrolled
        )
        clauses.append(CL_HOME_BP)
    elif condition is Condition.DIABETES:
        mon["glucose_days_per_week"] = (
            s.glucose_days_per_week_controlled if controlled else s.glucose_days_per_week_uncontrolled
        )
        mon["hba1c_every_months"] = dm.hba1c_controlled_months if controlled else dm.hba1c_uncontrolled_months
        mon["complication_checks"] = _DM_CHECKS
        mon["complication_every_months"] = dm.complication_interval_months
        mon["lipids_every_months"] = min(dm.complication_interval_months, shortest_years * 12)
        clauses += [CL_GLUCOSE, diabetes_care.C_HBA1C_INTERVAL, diabetes_care.C_COMPLICATIONS]
    elif condition is Condition.DYSLIPIDAEMIA:
        mon["lipids_every_months"] = s.lipids_every_months_dyslipidaemia
        clauses.append(CL_LIPIDS)
    elif condition is Condition.OBESITY:
        mon["weigh_every_days"] = s.weigh_every_days_obesity
    else:
        mon["yearly_health_check"] = True
        clauses.append(copd.CL_MANAGED)
    monitoring = msgspec.convert(mon, Monitoring)

    reasons: list[str] = []
    if cc.cls is FollowupClass.UNCONTROLLED:
        reasons.append("uncontrolled")
        clauses.append(followup.C_FIRST_UNCONTROLLED)
    elif cc.cls is FollowupClass.ADVERSE_REACTION:
        reasons.append("adverse_reaction")
        clauses.append(followup.C_ADVERSE)
    elif cc.copd_cls is CopdFollowupClass.UNSTABLE and s.copd_unstable_drug_review:
        reasons.append("copd_unstable")
        clauses.append(CL_COPD_DRUG_REVIEW)
    dose_change = None
    if reasons and condition is Condition.HYPERTENSION:
        dose_change = DOSE_CHANGE_REVIEW_DAYS
        clauses.append(C_DOSE_REVIEW)

    pharmacist = drug_count >= (mm_settings or MultimorbiditySettings()).polypharmacy_drugs
    if pharmacist:
        clauses.append(multimorbidity.CL_POLYPHARMACY)

    if cc.cls is not None:
        days = followup.interval_days(cc.cls)
        clauses.append(_CLASS_CLAUSE[cc.cls])
    elif cc.copd_cls is not None:
        days = copd.copd_interval_days(cc.copd_cls, copd_settings)
        clauses.append(copd.CL_FU_STABLE if cc.copd_cls is CopdFollowupClass.STABLE else copd.CL_FU_UNSTABLE)
    else:
        days = s.unclassified_interval_days
        clauses.append(CL_UNCLASSIFIED)

    return ManagementPlan(
        conditions=(cc,),
        comorbidities=tuple(c for c in Condition if c in comorbidities),
        age=age,
        sex=sex,
        height_cm=height_cm,
        weight_kg=weight_kg,
        drug_count=drug_count,
        lifestyle=lifestyle,
        monitoring=monitoring,
        drug_review=bool(reasons),
        drug_review_required=bool(reasons),
        drug_review_reasons=tuple(reasons),
        review_after_dose_change_days=dose_change,
        pharmacist_review=pharmacist,
        next_followup_days=days,
        max_followup_days=days,
        clauses=tuple(dict.fromkeys(clauses)),
    )


def _check_edit(plan: ManagementPlan, edit: PlanEdit) -> dict[str, object]:
    """The edited values, each checked; RuleError names the first bad field."""
    changes = {f: v for f in PlanEdit.__struct_fields__ if (v := getattr(edit, f)) is not None}
    for field, value in changes.items():
        if field in EDIT_RANGES:
            low, high, unit = EDIT_RANGES[field]
            if isinstance(low, int) and isinstance(high, int):
                check_int(value, field, low, high)
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise RuleError(f"{field} must be a number, got {value!r}", field=field)
            else:
                check_range(value, field, (low, high), unit)
        elif field in ("no_smoking", "drug_review"):
            check_bool(value, field)
    if "diet_advice" in changes:
        try:
            changes["diet_advice"] = tuple(dict.fromkeys(DietAdvice(a) for a in edit.diet_advice or ()))
        except ValueError:
            raise RuleError(
                f"diet_advice must be codes of {[a.value for a in DietAdvice]}", field="diet_advice"
            ) from None
    if (t := edit.target_weight_kg) is not None:
        if isinstance(t, bool) or not isinstance(t, int | float) or not math.isfinite(t):
            raise RuleError(f"target_weight_kg must be a number, got {t!r}", field="target_weight_kg")
        b = t / (plan.height_cm / 100) ** 2
        if not TARGET_BMI_RANGE[0] <= b <= TARGET_BMI_RANGE[1]:
            raise RuleError(
                f"target_weight_kg {t} gives BMI {b:.1f} at {plan.height_cm} cm, outside the plausible "
                f"{TARGET_BMI_RANGE[0]}–{TARGET_BMI_RANGE[1]}",
                field="target_weight_kg",
            )
    if "next_followup_days" in changes:
        check_int(changes["next_followup_days"], "next_followup_days", 1, plan.max_followup_days)
    if changes.get("drug_review") is False and plan.drug_review_required:
        reasons = ", ".join(plan.drug_review_reasons)
        raise RuleError(f"drug_review is required by the follow-up class ({reasons})", field="drug_review")
    minutes = changes.get("exercise_min_per_week", plan.lifestyle.exercise_min_per_week)
    sessions = changes.get("exercise_sessions_per_week", plan.lifestyle.exercise_sessions_per_week)
    if minutes and not sessions:
        raise RuleError(
            "exercise minutes need at least one session a week", field="exercise_sessions_per_week"
        )
    if sessions and not minutes:
        raise RuleError("exercise sessions need minutes a week", field="exercise_min_per_week")
    return changes


def edit_plan(plan: ManagementPlan, edit: PlanEdit) -> ManagementPlan:
    """Apply the doctor's changes after checking every value; the fields that changed are added to `edited`."""
    changes = _check_edit(plan, edit)
    lifestyle = {f: v for f, v in changes.items() if f in _LIFESTYLE}
    monitoring = {f: v for f, v in changes.items() if f in _MONITORING}
    top = {f: v for f, v in changes.items() if f not in _LIFESTYLE and f not in _MONITORING}
    changed = [
        f
        for f, v in changes.items()
        if v
        != getattr(plan.lifestyle if f in _LIFESTYLE else plan.monitoring if f in _MONITORING else plan, f)
    ]
    return msgspec.structs.replace(
        plan,
        lifestyle=msgspec.structs.replace(plan.lifestyle, **lifestyle),
        monitoring=msgspec.structs.replace(plan.monitoring, **monitoring),
        edited=tuple(dict.fromkeys((*plan.edited, *changed))),
        **top,
    )


def _least(values: Sequence[int | None]) -> int | None:
    return min((v for v in values if v is not None), default=None)


def _most(values: Sequence[int | None]) -> int | None:
    return max((v for v in values if v is not None), default=None)


def merge_plans(plans: Sequence[ManagementPlan]) -> ManagementPlan:
    """One plan for a multimorbid resident: the strictest goal of each kind, the union of the monitoring (the most
    frequent schedule wins), drug or pharmacist review if any plan asks for it, the shortest follow-up interval.

    The target weight kept is the one furthest from the current weight (the most demanding change).
    """
    if not plans:
        raise RuleError("nothing to merge", field="plans")
    first = plans[0]
    for attr in ("age", "sex", "height_cm", "weight_kg", "drug_count"):
        if len({getattr(p, attr) for p in plans}) > 1:
            raise RuleError(f"plans of different residents or visits: {attr} differs", field="plans")
    conditions = [cc for p in plans for cc in p.conditions]
    if len({cc.condition for cc in conditions}) < len(conditions):
        raise RuleError("a condition appears in two of the plans", field="plans")
    ls = [p.lifestyle for p in plans]
    mon = [p.monitoring for p in plans]
    lifestyle = LifestyleGoals(
        salt_g_per_day_max=min(x.salt_g_per_day_max for x in ls),
        diet_advice=tuple(dict.fromkeys(a for x in ls for a in x.diet_advice)),
        exercise_min_per_week=max(x.exercise_min_per_week for x in ls),
        exercise_sessions_per_week=max(x.exercise_sessions_per_week for x in ls),
        no_smoking=any(x.no_smoking for x in ls),
        alcohol_g_per_day_max=min(x.alcohol_g_per_day_max for x in ls),
        target_weight_kg=max((x.target_weight_kg for x in ls), key=lambda t: abs(t - first.weight_kg)),
        target_bmi_below=min(x.target_bmi_below for x in ls),
    )
    monitoring = Monitoring(
        weigh_every_days=min(m.weigh_every_days for m in mon),
        home_bp_days_per_week=_most([m.home_bp_days_per_week for m in mon]),
        glucose_days_per_week=_most([m.glucose_days_per_week for m in mon]),
        hba1c_every_months=_least([m.hba1c_every_months for m in mon]),
        lipids_every_months=_least([m.lipids_every_months for m in mon]),
        complication_checks=tuple(dict.fromkeys(c for m in mon for c in m.complication_checks)),
        complication_every_months=_least([m.complication_every_months for m in mon]),
        yearly_health_check=any(m.yearly_health_check for m in mon),
    )
    merged_conditions = {cc.condition for cc in conditions}
    return ManagementPlan(
        conditions=tuple(conditions),
        comorbidities=tuple(
            c for c in Condition if c not in merged_conditions and any(c in p.comorbidities for p in plans)
        ),
        age=first.age,
        sex=first.sex,
        height_cm=first.height_cm,
        weight_kg=first.weight_kg,
        drug_count=first.drug_count,
        lifestyle=lifestyle,
        monitoring=monitoring,
        drug_review=any(p.drug_review for p in plans),
        drug_review_required=any(p.drug_review_required for p in plans),
        drug_review_reasons=tuple(dict.fromkeys(r for p in plans for r in p.drug_review_reasons)),
        review_after_dose_change_days=next(
            (p.review_after_dose_change_days for p in plans if p.review_after_dose_change_days), None
        ),
        pharmacist_review=any(p.pharmacist_review for p in plans),
        next_followup_days=min(p.next_followup_days for p in plans),
        max_followup_days=min(p.max_followup_days for p in plans),
        clauses=tuple(dict.fromkeys(c for p in plans for c in p.clauses)),
        edited=tuple(dict.fromkeys(f for p in plans for f in p.edited)),
    )
