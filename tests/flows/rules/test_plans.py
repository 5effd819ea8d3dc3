"""Graded management plans: defaults per condition and class, the doctor's edits, merging for multimorbidity."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from flows.model import Condition, Sex
from flows.rules import _plan_data as data
from flows.rules import diabetes, diabetes_care, followup, lipids, multimorbidity, plans, weight
from flows.rules._hypertension_data import C_DOSE_REVIEW
from flows.rules.base import CLAUSES, RuleError
from flows.rules.copd import CL_FU_STABLE, CL_FU_UNSTABLE, CopdFollowupClass
from flows.rules.followup import FollowupClass

C = Condition
K = FollowupClass
CK = CopdFollowupClass
CC = diabetes_care.ComplicationCheck
DM_CHECKS = (CC.FUNDUS, CC.FOOT, CC.KIDNEY, CC.LIPIDS, CC.LIVER_FUNCTION, CC.ECG)
BASE: dict[str, Any] = {
    "age": 60,
    "sex": Sex.MALE,
    "height_cm": 170.0,
    "weight_kg": 80.0,
    "drug_count": 2,
}


def plan(condition: Condition, cls: Any, **changes: Any) -> plans.ManagementPlan:
    return plans.default_plan(condition, cls, **{**BASE, **changes})


def test_every_plan_clause_is_cited_by_a_default_plan() -> None:
    ids = {v for k, v in vars(data).items() if k.startswith("CL_")}
    assert len(ids) == 11
    cited = {
        c
        for condition, cls in (
            (C.HYPERTENSION, K.UNCONTROLLED),
            (C.DIABETES, K.CONTROLLED),
            (C.DYSLIPIDAEMIA, None),
            (C.OBESITY, None),
            (C.COPD, CK.UNSTABLE),
        )
        for c in plan(condition, cls).clauses
    }
    assert ids <= cited
    assert all(c in CLAUSES for c in cited)


# --- defaults per condition and class -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "cls", "expected"),
    [
        pytest.param(
            C.HYPERTENSION,
            K.CONTROLLED,
            {"next": 90, "review": (), "home_bp": 1, "clause": followup.C_CONTROLLED},
            id="PLAN.home_bp: hypertension controlled → 1 day a week, 90 days, no drug review",
        ),
        pytest.param(
            C.HYPERTENSION,
            K.UNCONTROLLED,
            {"next": 14, "review": ("uncontrolled",), "home_bp": 7, "clause": C_DOSE_REVIEW},
            id="HTN.drugs.review: hypertension uncontrolled → drug review 2–4 weeks after a change",
        ),
        pytest.param(
            C.HYPERTENSION,
            K.ADVERSE_REACTION,
            {"next": 14, "review": ("adverse_reaction",), "home_bp": 7, "clause": followup.C_ADVERSE},
            id="FU.adverse_reaction: adverse reaction → drug review",
        ),
        pytest.param(
            C.HYPERTENSION,
            K.COMPLICATION,
            {"next": 14, "review": (), "home_bp": 7, "clause": followup.C_COMPLICATION},
            id="FU.complication: complication → 2 weeks (referral), no drug-review flag",
        ),
        pytest.param(
            C.DIABETES,
            K.CONTROLLED,
            {"next": 90, "review": (), "hba1c": 6, "glucose": 2, "clause": diabetes_care.C_HBA1C_INTERVAL},
            id="DM.hba1c.interval: diabetes controlled → HbA1c every 6 months",
        ),
        pytest.param(
            C.DIABETES,
            K.UNCONTROLLED,
            {"next": 14, "review": ("uncontrolled",), "hba1c": 3, "glucose": 7, "clause": data.CL_GLUCOSE},
            id="PLAN.glucose: diabetes uncontrolled → HbA1c every 3 months, glucose daily",
        ),
        pytest.param(
            C.DYSLIPIDAEMIA,
            None,
            {"next": 90, "review": (), "lipids": 6, "clause": data.CL_LIPIDS},
            id="PLAN.lipids: dyslipidaemia → lipids every 6 months, 90 days",
        ),
        pytest.param(
            C.OBESITY,
            None,
            {"next": 90, "review": (), "weigh": 7, "clause": data.CL_UNCLASSIFIED},
            id="PLAN.unclassified_interval: obesity → weigh weekly, 90 days",
        ),
        pytest.param(
            C.COPD,
            CK.STABLE,
            {"next": 182, "review": (), "clause": CL_FU_STABLE},
            id="COPD.followup.stable: COPD stable → 182 days",
        ),
        pytest.param(
            C.COPD,
            CK.UNSTABLE,
            {"next": 14, "review": ("copd_unstable",), "clause": data.CL_COPD_DRUG_REVIEW},
            id="PLAN.copd_drug_review: COPD unstable → 14 days and a drug review",
        ),
    ],
)
def test_default_plan(condition: Condition, cls: Any, expected: dict[str, Any]) -> None:
    p = plan(condition, cls)
    assert p.next_followup_days == p.max_followup_days == expected["next"]
    assert p.drug_review_reasons == expected["review"]
    assert p.drug_review is bool(expected["review"])
    assert p.monitoring.home_bp_days_per_week == expected.get("home_bp")
    assert p.monitoring.hba1c_every_months == expected.get("hba1c")
    assert p.monitoring.glucose_days_per_week == expected.get("glucose")
    assert p.monitoring.weigh_every_days == expected.get("weigh", 30)
    assert p.monitoring.lipids_every_months == expected.get("lipids", 12)
    assert expected["clause"] in p.clauses
    assert all(c in CLAUSES for c in p.clauses)
    assert p.lifestyle.diet_advice == data.DEFAULT_DIET[condition]


def test_dose_change_review_is_for_hypertension() -> None:
    assert plan(C.HYPERTENSION, K.UNCONTROLLED).review_after_dose_change_days == (14, 28)
    assert plan(C.DIABETES, K.UNCONTROLLED).review_after_dose_change_days is None
    assert plan(C.HYPERTENSION, K.CONTROLLED).review_after_dose_change_days is None


def test_yearly_checks() -> None:
    dm = plan(C.DIABETES, K.CONTROLLED)
    assert dm.monitoring.complication_checks == DM_CHECKS
    assert dm.monitoring.complication_every_months == 12
    assert diabetes_care.C_COMPLICATIONS in dm.clauses
    assert plan(C.COPD, CK.STABLE).monitoring.yearly_health_check
    htn = plan(C.HYPERTENSION, K.CONTROLLED).monitoring
    assert (htn.complication_checks, htn.yearly_health_check) == ((), False)


def test_diabetes_intervals_come_from_diabetes_settings() -> None:
    s = diabetes.DiabetesSettings(hba1c_controlled_months=4, complication_interval_months=6)
    p = plan(C.DIABETES, K.CONTROLLED, diabetes_settings=s)
    assert (p.monitoring.hba1c_every_months, p.monitoring.lipids_every_months) == (4, 6)


@pytest.mark.parametrize(
    ("age", "months"),
    [
        pytest.param(39, 24, id="LIPID.screening: age 39 → lipids every 2 years"),
        pytest.param(40, 12, id="LIPID.screening: age 40 → lipids yearly"),
    ],
)
def test_lipid_monitoring_follows_screening_age(age: int, months: int) -> None:
    p = plan(C.HYPERTENSION, K.CONTROLLED, age=age)
    assert p.monitoring.lipids_every_months == months
    assert lipids.CL_SCREEN in p.clauses


@pytest.mark.parametrize(
    ("height", "weight_kg", "target"),
    [
        pytest.param(170.0, 80.0, 69.0, id="WEIGHT.bmi: BMI 27.7 → target 69.0 kg (BMI 23.9)"),
        pytest.param(170.0, 69.4, 69.0, id="WEIGHT.bmi: BMI 24.0 → target 69.0 kg"),
        pytest.param(170.0, 69.0, 69.0, id="WEIGHT.bmi: BMI 23.9 is normal → keep 69.0 kg"),
        pytest.param(170.0, 50.0, 53.5, id="WEIGHT.bmi: BMI 17.3 → target 53.5 kg (BMI 18.5)"),
        pytest.param(160.0, 60.0, 60.0, id="WEIGHT.bmi: BMI 23.4 → keep the weight"),
    ],
)
def test_target_weight(height: float, weight_kg: float, target: float) -> None:
    p = plan(C.OBESITY, None, height_cm=height, weight_kg=weight_kg)
    assert p.lifestyle.target_weight_kg == target
    assert weight.classify_bmi(weight.bmi(target, height)) is weight.BmiClass.NORMAL
    assert p.lifestyle.target_bmi_below == 24.0
    assert weight.CL_BMI in p.clauses


@pytest.mark.parametrize(
    ("sex", "limit"),
    [
        pytest.param(Sex.MALE, 25.0, id="PLAN.alcohol: men ≤25 g a day"),
        pytest.param(Sex.FEMALE, 15.0, id="PLAN.alcohol: women ≤15 g a day"),
    ],
)
def test_lifestyle_defaults(sex: Sex, limit: float) -> None:
    p = plan(C.HYPERTENSION, K.CONTROLLED, sex=sex)
    ls = p.lifestyle
    assert ls.alcohol_g_per_day_max == limit
    assert ls.salt_g_per_day_max == 5.0
    assert ls.no_smoking
    assert (ls.exercise_min_per_week, ls.exercise_sessions_per_week) == (150, 5)
    for c in (data.CL_SALT, data.CL_ALCOHOL, data.CL_SMOKING, data.CL_EXERCISE, data.CL_DIET):
        assert c in p.clauses


def test_exercise_total_is_the_dm_2022_target() -> None:
    activity = next(t for t in diabetes.CLINICAL_TARGETS if t.code == "activity")
    p = plan(C.DIABETES, K.CONTROLLED)
    assert activity.low == p.lifestyle.exercise_min_per_week == 150
    assert diabetes.C_TARGETS in p.clauses


@pytest.mark.parametrize(
    ("drugs", "review"),
    [
        pytest.param(4, False, id="MM.polypharmacy: 4 drugs → no pharmacist review"),
        pytest.param(5, True, id="MM.polypharmacy: 5 drugs → pharmacist review"),
    ],
)
def test_pharmacist_review(drugs: int, review: bool) -> None:
    p = plan(C.DIABETES, K.CONTROLLED, drug_count=drugs)
    assert p.pharmacist_review is review
    assert (multimorbidity.CL_POLYPHARMACY in p.clauses) is review


def test_u_defaults_are_settings() -> None:
    s = data.PlanSettings(salt_g_per_day_max=6.0, weigh_every_days=14)
    p = plan(C.HYPERTENSION, K.CONTROLLED, settings=s)
    assert (p.lifestyle.salt_g_per_day_max, p.monitoring.weigh_every_days) == (6.0, 14)
    assert data.CL_WEIGHT_MONITORING in p.clauses
    s2 = data.PlanSettings(copd_unstable_drug_review=False)
    assert not plan(C.COPD, CK.UNSTABLE, settings=s2).drug_review
    assert CL_FU_UNSTABLE in plan(C.COPD, CK.UNSTABLE).clauses


@pytest.mark.parametrize(
    ("condition", "cls", "changes", "field"),
    [
        pytest.param(C.HYPERTENSION, CK.STABLE, {}, "cls", id="hypertension with a COPD class"),
        pytest.param(C.HYPERTENSION, None, {}, "cls", id="hypertension without a class"),
        pytest.param(C.COPD, K.CONTROLLED, {}, "cls", id="COPD with a BPHS class"),
        pytest.param(C.OBESITY, K.CONTROLLED, {}, "cls", id="obesity with a class"),
        pytest.param(C.HYPERTENSION, K.CONTROLLED, {"age": 17}, "age", id="age 17: plans are for adults"),
        pytest.param(C.HYPERTENSION, K.CONTROLLED, {"drug_count": -1}, "drug_count", id="drug count -1"),
        pytest.param(C.HYPERTENSION, K.CONTROLLED, {"height_cm": 30.0}, "height_cm", id="height 30 cm"),
        pytest.param(
            C.HYPERTENSION,
            K.CONTROLLED,
            {"comorbidities": (C.HYPERTENSION,)},
            "comorbidities",
            id="the plan's own condition as a comorbidity",
        ),
    ],
)
def test_default_plan_refusals(condition: Condition, cls: Any, changes: dict[str, Any], field: str) -> None:
    with pytest.raises(RuleError) as err:
        plan(condition, cls, **changes)
    assert err.value.field == field


# --- edits ---------------------------------------------------------------------------------------------


def test_edit_changes_values_and_records_them() -> None:
    p = plan(C.HYPERTENSION, K.CONTROLLED)
    e = plans.edit_plan(
        p,
        plans.PlanEdit(
            salt_g_per_day_max=4.0,
            home_bp_days_per_week=3,
            next_followup_days=60,
            alcohol_g_per_day_max=25.0,  # unchanged value: not recorded as edited
            diet_advice=(data.DietAdvice.LOW_SALT, data.DietAdvice.LOW_SALT),
        ),
    )
    assert e.lifestyle.salt_g_per_day_max == 4.0
    assert e.monitoring.home_bp_days_per_week == 3
    assert e.next_followup_days == 60
    assert e.lifestyle.diet_advice == (data.DietAdvice.LOW_SALT,)
    assert e.edited == ("salt_g_per_day_max", "diet_advice", "home_bp_days_per_week", "next_followup_days")
    assert plans.edit_plan(e, plans.PlanEdit()) == e


@pytest.mark.parametrize(
    ("cls", "edit", "field"),
    [
        pytest.param(K.CONTROLLED, {"salt_g_per_day_max": 0.5}, "salt_g_per_day_max", id="salt 0.5 g"),
        pytest.param(K.CONTROLLED, {"salt_g_per_day_max": 13.0}, "salt_g_per_day_max", id="salt 13 g"),
        pytest.param(
            K.CONTROLLED, {"alcohol_g_per_day_max": 60.0}, "alcohol_g_per_day_max", id="alcohol 60 g"
        ),
        pytest.param(
            K.CONTROLLED, {"exercise_min_per_week": 1300}, "exercise_min_per_week", id="1300 min a week"
        ),
        pytest.param(
            K.CONTROLLED,
            {"exercise_sessions_per_week": 0},
            "exercise_sessions_per_week",
            id="minutes without sessions",
        ),
        pytest.param(
            K.CONTROLLED, {"exercise_min_per_week": 0}, "exercise_min_per_week", id="sessions without minutes"
        ),
        pytest.param(
            K.CONTROLLED, {"home_bp_days_per_week": 8}, "home_bp_days_per_week", id="home BP 8 days"
        ),
        pytest.param(
            K.CONTROLLED, {"hba1c_every_months": 0}, "hba1c_every_months", id="HbA1c every 0 months"
        ),
        pytest.param(
            K.CONTROLLED,
            {"complication_every_months": 25},
            "complication_every_months",
            id="complication screening every 25 months",
        ),
        pytest.param(K.CONTROLLED, {"weigh_every_days": 1.5}, "weigh_every_days", id="weigh every 1.5 days"),
        pytest.param(
            K.CONTROLLED, {"salt_g_per_day_max": True}, "salt_g_per_day_max", id="salt as yes/no is refused"
        ),
        pytest.param(
            K.CONTROLLED, {"target_weight_kg": 115.0}, "target_weight_kg", id="target weight at BMI 39.8"
        ),
        pytest.param(
            K.CONTROLLED, {"target_weight_kg": 40.0}, "target_weight_kg", id="target weight at BMI 13.8"
        ),
        pytest.param(
            K.CONTROLLED,
            {"next_followup_days": 91},
            "next_followup_days",
            id="FU.controlled: next visit beyond 90 days is refused",
        ),
        pytest.param(
            K.UNCONTROLLED,
            {"next_followup_days": 15},
            "next_followup_days",
            id="FU.uncontrolled.first: next visit beyond 14 days is refused",
        ),
        pytest.param(
            K.UNCONTROLLED,
            {"drug_review": False},
            "drug_review",
            id="a required drug review cannot be cleared",
        ),
        pytest.param(K.CONTROLLED, {"no_smoking": 1}, "no_smoking", id="no_smoking must be yes/no"),
        pytest.param(K.CONTROLLED, {"diet_advice": ("fried_food",)}, "diet_advice", id="unknown diet advice"),
    ],
)
def test_edit_refusals_name_the_field(cls: FollowupClass, edit: dict[str, Any], field: str) -> None:
    p = plan(C.HYPERTENSION, cls)
    with pytest.raises(RuleError) as err:
        plans.edit_plan(p, plans.PlanEdit(**edit))
    assert err.value.field == field


@pytest.mark.parametrize(
    ("edit", "check"),
    [
        pytest.param(
            {"next_followup_days": 90}, ("next_followup_days", 90), id="FU.controlled: 90 days accepted"
        ),
        pytest.param({"drug_review": True}, ("drug_review", True), id="the doctor may add a drug review"),
        pytest.param({"target_weight_kg": 72.0}, ("target_weight_kg", 72.0), id="target weight at BMI 24.9"),
    ],
)
def test_edit_accepts(edit: dict[str, Any], check: tuple[str, Any]) -> None:
    before = plan(C.HYPERTENSION, K.CONTROLLED)
    e = plans.edit_plan(before, plans.PlanEdit(**edit))
    field, value = check
    lifestyle = field in plans.LifestyleGoals.__struct_fields__
    assert getattr(e.lifestyle if lifestyle else e, field) == value
    changed = getattr(before.lifestyle if lifestyle else before, field) != value
    assert (field in e.edited) is changed


# --- merging ---------------------------------------------------------------------------------------------


def test_merge_takes_the_strictest_goals_and_the_union_of_monitoring() -> None:
    htn = plans.edit_plan(plan(C.HYPERTENSION, K.UNCONTROLLED), plans.PlanEdit(salt_g_per_day_max=4.0))
    dm = plans.edit_plan(plan(C.DIABETES, K.CONTROLLED), plans.PlanEdit(exercise_min_per_week=200))
    copd = plan(C.COPD, CK.STABLE)
    m = plans.merge_plans([htn, dm, copd])
    assert [cc.condition for cc in m.conditions] == [C.HYPERTENSION, C.DIABETES, C.COPD]
    assert m.lifestyle.salt_g_per_day_max == 4.0
    assert m.lifestyle.exercise_min_per_week == 200
    assert m.monitoring.home_bp_days_per_week == 7
    assert m.monitoring.glucose_days_per_week == 2
    assert m.monitoring.hba1c_every_months == 6
    assert m.monitoring.complication_checks == DM_CHECKS
    assert m.monitoring.yearly_health_check
    assert m.drug_review
    assert m.drug_review_required
    assert m.review_after_dose_change_days == (14, 28)
    assert m.next_followup_days == 14
    assert m.edited == ("salt_g_per_day_max", "exercise_min_per_week")
    assert set(htn.clauses) | set(dm.clauses) | set(copd.clauses) == set(m.clauses)
    diets = {a for c in (C.HYPERTENSION, C.DIABETES, C.COPD) for a in data.DEFAULT_DIET[c]}
    assert set(m.lifestyle.diet_advice) == diets


def test_merge_keeps_the_most_demanding_target_weight_and_lowest_alcohol() -> None:
    a = plans.edit_plan(plan(C.HYPERTENSION, K.CONTROLLED), plans.PlanEdit(target_weight_kg=72.0))
    b = plans.edit_plan(plan(C.OBESITY, None), plans.PlanEdit(alcohol_g_per_day_max=0.0))
    m = plans.merge_plans([a, b])
    assert m.lifestyle.target_weight_kg == 69.0
    assert m.lifestyle.alcohol_g_per_day_max == 0.0
    assert m.monitoring.weigh_every_days == 7
    assert not m.drug_review


def test_merge_records_comorbidities_not_planned() -> None:
    a = plan(C.HYPERTENSION, K.CONTROLLED, comorbidities=(C.DIABETES, C.DYSLIPIDAEMIA))
    b = plan(C.DIABETES, K.CONTROLLED, comorbidities=(C.HYPERTENSION,))
    assert plans.merge_plans([a, b]).comorbidities == (C.DYSLIPIDAEMIA,)


@pytest.mark.parametrize(
    "pair",
    [
        pytest.param(
            (plan(C.HYPERTENSION, K.CONTROLLED), plan(C.DIABETES, K.CONTROLLED, age=61)), id="different ages"
        ),
        pytest.param(
            (plan(C.HYPERTENSION, K.CONTROLLED), plan(C.HYPERTENSION, K.UNCONTROLLED)),
            id="the same condition twice",
        ),
        pytest.param((), id="nothing to merge"),
    ],
)
def test_merge_refusals(pair: tuple[plans.ManagementPlan, ...]) -> None:
    with pytest.raises(RuleError) as err:
        plans.merge_plans(pair)
    assert err.value.field == "plans"


def test_plan_round_trips_through_json() -> None:
    m = plans.merge_plans([plan(C.HYPERTENSION, K.UNCONTROLLED), plan(C.COPD, CK.UNSTABLE)])
    assert msgspec.json.decode(msgspec.json.encode(m), type=plans.ManagementPlan) == m
    edit = msgspec.json.decode(b'{"salt_g_per_day_max": 4, "diet_advice": ["low_salt"]}', type=plans.PlanEdit)
    assert plans.edit_plan(m, edit).lifestyle.salt_g_per_day_max == 4


def test_every_diet_advice_has_zh_and_en_labels() -> None:
    for member in data.DietAdvice:
        zh, en = data.LABELS[member]
        assert zh
        assert en
