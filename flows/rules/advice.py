"""Personalised advice and targets for the patient's own page (/p/{token}): what to do about salt, food, exercise,
weight, smoking, alcohol, medicines and self-monitoring, the warning signs that need a doctor at once, and the
lines of the trend charts.

Every number comes from the module that owns it: the plan goals and monitoring (flows.rules.plans, whose
`PlanSettings` and `DiabetesSettings` defaults apply when the resident has no plan), the BPHS-2017 emergency lists
(hypertension, diabetes, emergency), the WS-T-428 BMI classes (weight), the DM-2022 targets (diabetes), the 8+2
stroke screen (stroke). What is ours — the patient wording, the household measures, which signs mean "call 120",
the COPD exacerbation signs, the chart line of a resident without hypertension or diabetes — is tagged [U]; its
numbers live in `AdviceSettings` and its sentences in flows.rules._advice_data.

The BP target is HTN-2025's (hypertension.clinical_target: <130/80, ≥80 years <150/90): the newest national
version, [V], and what the doctor's screen shows, so patient and doctor see one number. The HTN-2020 targets
(hypertension_screening.clinical_target_2020) stay a doctor's tool. Targets are clinical targets; the BPHS-2017
programme threshold (<140/90, ≥65 <150/90) decides the follow-up class and is never shown as a target.

Nothing here contradicts the record: a known non-smoker is not told to quit, a non-drinker gets no alcohol
advice, a normal weight no weight advice, a resident meeting the exercise goal is told to keep it up, nobody
without medicines is told how to take them. The rules are adult rules (like the plans): under 18 is refused.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Collection
from typing import Final

import msgspec

from flows.model import Condition, Sex
from flows.rules import _advice_data as d
from flows.rules import (
    copd,
    diabetes,
    diabetes_care,
    emergency,
    htn_form,
    hypertension,
    lipids,
    stroke,
    weight,
)
from flows.rules._advice_data import AdviceSettings, WarningSign, say
from flows.rules._hypertension_data import C_DOSE_REVIEW, C_SCREEN_WS
from flows.rules._plan_data import (
    CL_ALCOHOL,
    CL_DIET,
    CL_EXERCISE,
    CL_GLUCOSE,
    CL_HOME_BP,
    CL_LIPIDS,
    CL_SALT,
    CL_SMOKING,
    CL_WEIGHT_MONITORING,
    DEFAULT_DIET,
    LABELS,
    TARGET_BMI_MAX,
    TARGET_BMI_MIN,
    DietAdvice,
    PlanSettings,
)
from flows.rules.base import ADULT_AGE, MAX_AGE, check_int, check_range, round_half_up
from flows.rules.diabetes import DiabetesSettings
from flows.rules.diabetes_care import COMPLICATION_LABELS, ComplicationCheck
from flows.rules.htn_form import SaltIntake
from flows.rules.multimorbidity import CL_POLYPHARMACY
from flows.rules.plans import ManagementPlan, Monitoring

C = Condition


class AdviceTopic(enum.StrEnum):
    SALT = "salt"
    DIET = "diet"
    EXERCISE = "exercise"
    WEIGHT = "weight"
    SMOKING = "smoking"
    ALCOHOL = "alcohol"
    MEDICINES = "medicines"
    SELF_MONITORING = "self_monitoring"
    WARNING_SIGNS = "warning_signs"


T = AdviceTopic

# (zh, en) headings of the topics on the patient page.
TOPIC_LABELS: Final[dict[AdviceTopic, tuple[str, str]]] = {
    T.WARNING_SIGNS: ("危险信号", "Warning signs"),
    T.SMOKING: ("吸烟", "Smoking"),
    T.ALCOHOL: ("饮酒", "Alcohol"),
    T.MEDICINES: ("用药", "Medicines"),
    T.SELF_MONITORING: ("自我监测", "Checking yourself"),
    T.SALT: ("吃盐", "Salt"),
    T.WEIGHT: ("体重", "Weight"),
    T.DIET: ("饮食", "Food"),
    T.EXERCISE: ("运动", "Exercise"),
}


class Advice(msgspec.Struct, frozen=True, kw_only=True):
    topic: AdviceTopic
    zh: str  # a few short sentences in plain Simplified Chinese, second person
    en: str  # the same in plain English
    clauses: tuple[str, ...]
    urgent: bool = False  # warning signs: a doctor or 120 at once
    items_zh: tuple[str, ...] = ()
    items_en: tuple[str, ...] = ()
    attention: bool = False  # the record shows a gap here (smoker, salty food, over a limit, short of a goal)


class AdviceInput(msgspec.Struct, frozen=True, kw_only=True):
    conditions: tuple[Condition, ...]  # confirmed conditions; empty: general healthy-living advice
    age: int
    sex: Sex
    latest: dict[
        str, float
    ] = {}  # newest value per observation code (sbp dbp weight height bmi waist fpg tc …)
    plan: ManagementPlan | None = None  # the resident's plans merged (plans.merge_plans); overrides defaults
    smoker: bool | None = None  # None: unknown
    alcohol_g_per_day: float | None = None
    exercise_min_per_week: int | None = None
    salt_intake: SaltIntake | None = None  # 轻/中/重 of the hypertension follow-up form
    on_medicines: bool = False


class PatientTargets(msgspec.Struct, frozen=True, kw_only=True):
    sbp_below: int | None  # mmHg; every adult has a line (see patient_targets)
    dbp_below: int | None
    fpg_min: float | None  # mmol/L capillary FPG, diabetes only
    fpg_max: float | None
    hba1c_below: float | None  # %, diabetes only
    weight_kg_max: float | None  # None without a height
    clauses: tuple[str, ...]
    weight_kg_min: float | None = (
        None  # the lower edge of a normal BMI, or the plan's target when it is a gain
    )


# --- targets ---------------------------------------------------------------------------------------------------


def _dm_target(code: str) -> float:
    """A DM-2022 "below" target (or the low end of a range) that does not differ by sex."""
    t = next(t for t in diabetes.CLINICAL_TARGETS if t.code == code and t.sex is None)
    value = t.below if t.below is not None else t.low
    if value is None:
        raise TypeError(f"DM-2022 target {code} has no lower or upper bound")
    return value


def _weight_at(bmi: float, height_cm: float, *, up: bool) -> float:
    """The weight (kg, one decimal) at a BMI for the height, rounded inwards like plans.target_weight."""
    kg = bmi * (height_cm / 100) ** 2 * 10
    return (math.ceil(kg) if up else math.floor(kg)) / 10


def _bp_target(conds: frozenset[Condition], age: int, s: AdviceSettings) -> tuple[int, int, tuple[str, ...]]:
    """SBP and DBP "below" of the chart and the clauses behind them (see patient_targets)."""
    htn = hypertension.clinical_target(age)
    bp: list[tuple[int, int, tuple[str, ...]]] = []
    if C.HYPERTENSION in conds:  # HTN-2025 §降压目标 [V]
        bp.append((htn.sbp_below, htn.dbp_below, htn.clauses))
    if C.DIABETES in conds and age >= hypertension.TARGET_ELDERLY_AGE and s.diabetes_80_uses_htn_target:
        bp.append((htn.sbp_below, htn.dbp_below, (diabetes.C_TARGETS, d.C_TARGET_DM_80, *htn.clauses)))
    elif C.DIABETES in conds:  # DM-2022 §综合控制目标 [V]: BP <130/80
        bp.append((int(_dm_target("sbp")), int(_dm_target("dbp")), (diabetes.C_TARGETS,)))
    if not bp:  # ours [U]: the grade-1 floor as a reference line
        bp.append((s.general_sbp_below, s.general_dbp_below, (d.C_TARGET_GENERAL, hypertension.C_GRADE_1)))
    sbp, dbp = min((b[0], b[1]) for b in bp)  # with both conditions, the stricter
    return sbp, dbp, tuple(dict.fromkeys(c for b in bp if (b[0], b[1]) == (sbp, dbp) for c in b[2]))


def patient_targets(
    conditions: Collection[Condition],
    *,
    age: int,
    height_cm: float | None,
    plan: ManagementPlan | None = None,
    settings: AdviceSettings | None = None,
) -> PatientTargets:
    """The lines of the resident's trend charts.

    BP: with hypertension, HTN-2025 by age; with diabetes, DM-2022 <130/80, but at ≥80 HTN-2025's <150/90 [U,
    setting]; with both, the stricter. Without either, the grade-1 floor <140/90 as a reference line [U,
    setting]. FPG 4.4–7.0 mmol/L and HbA1c <7 % (DM-2022) with diabetes only; the individual relaxation of HbA1c
    is the doctor's and not in the plan, so it is not applied. Weight: the plan's target when it is a loss (the
    max) or a gain (the min), otherwise the normal BMI band (WS-T-428) at `height_cm`, else the plan's height.
    """
    check_int(age, "age", ADULT_AGE, MAX_AGE)
    conds = frozenset(conditions)
    sbp_below, dbp_below, bp_clauses = _bp_target(conds, age, settings or d.DEFAULT_SETTINGS)
    clauses = list(bp_clauses)

    fpg_min = fpg_max = hba1c_below = None
    if C.DIABETES in conds:  # DM-2022 §综合控制目标 [V]: capillary FPG 4.4–7.0, HbA1c <7.0 %
        fpg = next(t for t in diabetes.CLINICAL_TARGETS if t.code == "capillary_fpg")
        fpg_min, fpg_max, hba1c_below = fpg.low, fpg.high, _dm_target("hba1c")
        clauses.append(diabetes.C_TARGETS)

    w_max = w_min = None
    height = height_cm if height_cm is not None else plan.height_cm if plan is not None else None
    if height is not None:  # WS-T-428 §BMI [V]: normal 18.5–<24
        check_range(height, "height_cm", weight.HEIGHT_CM_RANGE, "cm")
        w_max, w_min = (
            _weight_at(TARGET_BMI_MAX, height, up=False),
            _weight_at(TARGET_BMI_MIN, height, up=True),
        )
        clauses.append(weight.CL_BMI)
    if plan is not None:  # the doctor's target weight overrides the band on its side
        goal = plan.lifestyle.target_weight_kg
        if goal < plan.weight_kg:
            w_max = goal
        elif goal > plan.weight_kg:
            w_min = goal
    return PatientTargets(
        sbp_below=sbp_below,
        dbp_below=dbp_below,
        fpg_min=fpg_min,
        fpg_max=fpg_max,
        hba1c_below=hba1c_below,
        weight_kg_max=w_max,
        weight_kg_min=w_min,
        clauses=tuple(dict.fromkeys(clauses)),
    )


# --- what the advice reads ------------------------------------------------------------------------------------


class _Record(msgspec.Struct, frozen=True, kw_only=True):
    """The values of `latest` this module reads, each checked for plausibility."""

    sbp: int | None = None
    dbp: int | None = None
    height: float | None = None
    weight: float | None = None
    bmi: float | None = None
    waist: float | None = None
    fpg: float | None = None
    lipids_known: bool = False
    lipids_abnormal: bool = False  # a LIPID-2023 "high" category or low HDL-C


_LIPIDS: Final = {
    "tc": lipids.classify_tc,
    "ldl": lipids.classify_ldl,
    "hdl": lipids.classify_hdl,
    "tg": lipids.classify_tg,
}
_CHECKS: Final = (
    ("height", weight.HEIGHT_CM_RANGE, "cm"),
    ("weight", weight.WEIGHT_KG_RANGE, "kg"),
    ("bmi", weight.BMI_RANGE, "kg/m²"),
    ("waist", weight.WAIST_CM_RANGE, "cm"),
)


def _record(latest: dict[str, float]) -> _Record:
    v: dict[str, object] = {}
    for code, check in (("sbp", hypertension.check_sbp), ("dbp", hypertension.check_dbp)):
        if (bp := latest.get(code)) is not None:
            check(bp)
            v[code] = round_half_up(bp)  # whole mmHg, as the forms record it
    for code, bounds, unit in _CHECKS:
        if (value := latest.get(code)) is not None:
            check_range(value, code, bounds, unit)
            v[code] = value
    if "bmi" not in v and "weight" in latest and "height" in latest:
        v["bmi"] = weight.bmi(latest["weight"], latest["height"])
    if (fpg := latest.get("fpg")) is not None:
        diabetes.check_glucose(fpg, "fpg")
        v["fpg"] = fpg
    levels = [classify(latest[code]) for code, classify in _LIPIDS.items() if code in latest]
    v["lipids_known"] = bool(levels)
    v["lipids_abnormal"] = any(lv in (lipids.LipidLevel.HIGH, lipids.LipidLevel.LOW) for lv in levels)
    return msgspec.convert(v, _Record)


class _Ctx(msgspec.Struct, frozen=True, kw_only=True):
    inp: AdviceInput
    conds: frozenset[Condition]
    rec: _Record
    targets: PatientTargets
    bp_clauses: tuple[str, ...]
    plan: PlanSettings
    dm: DiabetesSettings
    adv: AdviceSettings


def _advice(
    topic: AdviceTopic,
    text: tuple[str, str],
    clauses: Collection[str],
    *,
    items: Collection[tuple[str, str]] = (),
    urgent: bool = False,
    attention: bool = False,
) -> Advice:
    return Advice(
        topic=topic,
        zh=text[0],
        en=text[1],
        clauses=tuple(dict.fromkeys(clauses)),
        urgent=urgent,
        items_zh=tuple(i[0] for i in items),
        items_en=tuple(i[1] for i in items),
        attention=attention,
    )


# --- warning signs -----------------------------------------------------------------------------------------------

# 8+2 [V]: each of these conditions is a stroke factor (obesity through its BMI ≥28, above the screen's 26).
_STROKE_CONDITIONS: Final = frozenset({C.HYPERTENSION, C.DIABETES, C.DYSLIPIDAEMIA, C.OBESITY})


def _stroke_clauses(x: _Ctx) -> tuple[str, ...]:
    """Why the stroke and heart-attack signs are shown: a condition that is an 8+2 factor, or (≥40) an 8+2 level
    of medium or high from what the record knows; () when nothing justifies them."""
    if x.conds & _STROKE_CONDITIONS:
        return (stroke.CL_FACTORS,)
    if not stroke.stroke_screen_applies(x.inp.age):
        return ()
    r, exercise = x.rec, x.inp.exercise_min_per_week
    factors = stroke.StrokeFactors(
        hypertension=(r.sbp or 0) >= hypertension.GRADE1_SBP or (r.dbp or 0) >= hypertension.GRADE1_DBP,
        smoking=x.inp.smoker is True,
        dyslipidaemia_or_lipids_unknown=r.lipids_abnormal or not r.lipids_known,
        little_exercise=exercise is not None and exercise < d.STROKE_EXERCISE_MIN_PER_WEEK,
        bmi_26_or_more=r.bmi is not None and weight.stroke_screen_bmi_point(r.bmi),
    )
    level = stroke.assess_stroke_risk(x.inp.age, factors).level
    if level is stroke.StrokeLevel.LOW:
        return ()
    return (
        stroke.CL_AGE,
        stroke.CL_FACTORS,
        stroke.CL_HIGH if level is stroke.StrokeLevel.HIGH else stroke.CL_MEDIUM,
    )


def _warning_signs(x: _Ctx) -> Advice | None:
    W = WarningSign
    signs: set[WarningSign] = set()
    clauses: list[str] = []
    if C.HYPERTENSION in x.conds:  # BPHS-2017 §紧急转诊 (hypertension) [V]
        signs |= {W.CONFUSION, W.CANNOT_LIE_FLAT, W.BP_VERY_HIGH, W.SEVERE_HEADACHE, W.BLURRED_VISION}
        clauses.append(hypertension.C_EMERGENCY)
    if C.DIABETES in x.conds:  # BPHS-2017 §紧急转诊 (diabetes) [V]; first aid of a low glucose [U]
        signs |= {W.CONFUSION, W.BP_VERY_HIGH, W.BLURRED_VISION, W.GLUCOSE_LOW, W.GLUCOSE_HIGH, W.PULSE_FEVER}
        clauses += [diabetes.C_EMERGENCY, d.C_HYPO_FIRST_AID]
    if signs and x.inp.sex is Sex.FEMALE and x.inp.age < x.adv.childbearing_age_below:
        signs.add(W.PREGNANCY)  # BPHS-2017 §紧急转诊: pregnant or breast-feeding with raised BP / glucose [U]
        if C.HYPERTENSION in x.conds:
            clauses.append(emergency.C_PREGNANCY_BP)
        if C.DIABETES in x.conds:
            clauses.append(emergency.C_PREGNANCY_GLUCOSE)
        clauses.append(d.C_CHILDBEARING)
    if C.COPD in x.conds:  # COPD-2024: our patient wording of an exacerbation [U]
        signs |= {W.COPD_SEVERE, W.COPD_WORSE}
        clauses.append(d.C_COPD_SIGNS)
    if why := _stroke_clauses(x):  # 8+2 [V] justifies them; the signs are our wording [U]
        signs |= {W.STROKE, W.CHEST_PAIN}
        clauses += [*why, d.C_STROKE_HEART_SIGNS]
    if not signs:
        return None
    items = []
    for w in (w for w in WarningSign if w in signs):
        zh, en, call = d.SIGNS[w]
        act = d.ACTIONS.get(w, d.ACTION_120 if call else d.ACTION_CLINIC)
        items.append((f"{zh}：{act[0]}", f"{en}: {act[1]}"))
    return _advice(T.WARNING_SIGNS, d.WARNING_LEAD, [*clauses, d.C_CALL_120], items=items, urgent=True)


# --- lifestyle ---------------------------------------------------------------------------------------------------


def _smoking(x: _Ctx) -> Advice | None:
    if x.inp.smoker is True:  # HTN-2020 §生活方式: do not smoke [U]
        if x.inp.plan is not None and not x.inp.plan.lifestyle.no_smoking:
            return None  # the doctor took quitting out of the plan
        return _advice(T.SMOKING, say("smoking.quit"), [CL_SMOKING], attention=True)
    if x.inp.smoker is None:
        return _advice(T.SMOKING, say("smoking.unknown"), [CL_SMOKING])
    if C.COPD in x.conds:  # COPD-SQ counts coal and wood smoke; second-hand smoke is ours [U]
        return _advice(T.SMOKING, say("smoking.exposure"), [d.C_SMOKE_EXPOSURE, copd.CL_SQ_U])
    return None


def _drinks(grams: float, a: AdviceSettings) -> tuple[str, str] | None:
    """A daily amount of alcohol as drinks: ml of baijiu, then beer and wine by the BPHS-2017 form's ratios
    (beer ÷10, wine ÷4), each rounded down to a round number; None when not even 5 ml of baijiu."""
    baijiu = grams / (a.baijiu_abv * d.ETHANOL_G_PER_ML)
    b = math.floor(baijiu / 5) * 5
    if b <= 0:
        return None
    return say(
        "drinks",
        baijiu=b,
        liang=round(b / htn_form.ML_PER_LIANG, 1),
        beer=math.floor(baijiu * htn_form.BAIJIU_DIVISOR["beer"] / 50) * 50,
        wine=math.floor(baijiu * htn_form.BAIJIU_DIVISOR["wine"] / 10) * 10,
    )


def _alcohol(x: _Ctx) -> Advice | None:
    known, plan = x.inp.alcohol_g_per_day, x.inp.plan
    if known is not None:
        top = htn_form.MAX_LIANG_PER_DAY * htn_form.ML_PER_LIANG * x.adv.baijiu_abv * d.ETHANOL_G_PER_ML
        check_range(known, "alcohol_g_per_day", (0.0, top), "g/day")
        if known == 0:
            return None  # a non-drinker gets no alcohol advice
    male = x.inp.sex is Sex.MALE
    # HTN-2020 §生活方式: men ≤25 g, women ≤15 g a day [U]; the plan's limit when there is one
    limit = (
        plan.lifestyle.alcohol_g_per_day_max
        if plan is not None
        else x.plan.alcohol_g_per_day_max_male
        if male
        else x.plan.alcohol_g_per_day_max_female
    )
    over = known is not None and known > limit
    drinks = _drinks(limit, x.adv)
    if drinks is None:  # a limit of (next to) nothing: do not drink
        return _advice(T.ALCOHOL, say("alcohol.none"), [CL_ALCOHOL], attention=over)
    key = "alcohol.unknown" if known is None else "alcohol.over" if over else "alcohol.keep"
    text = say(key, g=float(limit), known=float(known or 0), drinks=drinks)
    return _advice(T.ALCOHOL, text, [CL_ALCOHOL, d.C_DRINKS, htn_form.C_DRINKS], attention=over)


def _salt(x: _Ctx) -> Advice:
    plan = x.inp.plan
    # HTN-2020 §生活方式: salt <5 g a day [U]; a bottle cap as the measure [U]
    g = plan.lifestyle.salt_g_per_day_max if plan is not None else x.plan.salt_g_per_day_max
    zh, en = say("salt", g=float(g), cap=float(x.adv.salt_g_per_bottle_cap))
    clauses = [CL_SALT, d.C_BOTTLE_CAP]
    intake = x.inp.salt_intake
    if intake is not None:  # the form's 轻/中/重 [V]
        clauses.append(htn_form.C_FORM)
        if intake is not SaltIntake.MODERATE:
            lead = say("salt.heavy" if intake is SaltIntake.HEAVY else "salt.light")
            zh, en = lead[0] + zh, lead[1] + en
    return _advice(T.SALT, (zh, en), clauses, attention=intake is SaltIntake.HEAVY)


def _weight(x: _Ctx) -> Advice | None:
    r, t, male = x.rec, x.targets, x.inp.sex is Sex.MALE
    cls = weight.classify_bmi(r.bmi) if r.bmi is not None else None
    heavy = cls in (weight.BmiClass.OVERWEIGHT, weight.BmiClass.OBESE)
    central = r.waist is not None and weight.classify_waist(r.waist, x.inp.sex) is weight.WaistClass.CENTRAL
    limit = weight.WAIST_CENTRAL_MALE if male else weight.WAIST_CENTRAL_FEMALE
    # WS-T-428 §BMI, §腰围 [V]
    clauses = [weight.CL_BMI, weight.CL_CENTRAL] if central or C.OBESITY in x.conds else [weight.CL_BMI]
    parts: list[tuple[str, str]] = []
    if cls is weight.BmiClass.UNDERWEIGHT:
        parts += [
            say("weight.bmi", bmi=r.bmi, word=say("weight.underweight")),
            say("weight.gain", protein=LABELS[DietAdvice.ADEQUATE_PROTEIN]),
        ]
        if t.weight_kg_min is not None:
            parts.append(say("weight.gain_to", kg=t.weight_kg_min))
    elif heavy or central:
        if heavy:
            parts.append(say("weight.bmi", bmi=r.bmi, word=say(f"weight.{cls}")))
        if central:
            sex = say("weight.male" if male else "weight.female")
            parts.append(say("weight.waist", waist=r.waist, sex=sex, limit=limit))
        parts.append(say("weight.less"))
        if heavy and t.weight_kg_max is not None:
            parts.append(say("weight.lose_to", kg=t.weight_kg_max))
        elif heavy:
            parts.append(say("weight.lose_bmi", bmi=weight.BMI_OVERWEIGHT_FROM))
        else:
            parts.append(("。", "."))
    elif C.OBESITY in x.conds:  # managed obesity now at a normal weight, or not weighed: keep to the goal
        if t.weight_kg_max is not None:
            return _advice(T.WEIGHT, say("weight.keep", kg=t.weight_kg_max, limit=limit), clauses)
        return _advice(T.WEIGHT, say("weight.keep_bmi", bmi=weight.BMI_OVERWEIGHT_FROM, limit=limit), clauses)
    else:
        return None  # a normal weight gets no weight advice
    text = ("".join(p[0] for p in parts), "".join(p[1] for p in parts).strip())
    return _advice(T.WEIGHT, text, clauses, attention=True)


def _diet(x: _Ctx) -> Advice | None:
    plan = x.inp.plan
    clauses = [CL_DIET]  # the plan's diet advice per condition [U]
    if plan is not None:
        codes: tuple[DietAdvice, ...] = plan.lifestyle.diet_advice
    elif x.conds:
        codes = tuple(dict.fromkeys(a for c in Condition if c in x.conds for a in DEFAULT_DIET[c]))
    else:
        codes = d.GENERAL_DIET
        clauses.append(d.C_GENERAL_DIET)
    codes = tuple(c for c in codes if c is not DietAdvice.LOW_SALT)  # salt has its own advice
    if not codes:
        return None
    return _advice(T.DIET, say("diet"), clauses, items=[LABELS[c] for c in codes])


def _exercise(x: _Ctx) -> Advice | None:
    plan, known = x.inp.plan, x.inp.exercise_min_per_week
    if known is not None:
        check_int(known, "exercise_min_per_week", 0, d.MAX_EXERCISE_MIN_PER_WEEK)
    # DM-2022 §综合控制目标: ≥150 min a week [V]; HTN-2020 §生活方式: on 5 days [U]; the plan's goal first
    minutes = plan.lifestyle.exercise_min_per_week if plan is not None else diabetes.ACTIVITY_MIN_PER_WEEK
    sessions = (
        plan.lifestyle.exercise_sessions_per_week if plan is not None else x.plan.exercise_sessions_per_week
    )
    if minutes <= 0 or sessions <= 0:
        return None  # the doctor set no exercise goal
    each = math.ceil(minutes / sessions / d.MINUTES_ROUND) * d.MINUTES_ROUND
    goal = say("exercise.goal", sessions=sessions, each=each, minutes=minutes)
    short = known is not None and known < minutes
    if known is None:
        text = goal
    elif short:
        lead = say("exercise.short", known=known)
        text = (lead[0] + goal[0], lead[1] + goal[1])
    else:
        text = say("exercise.met", known=known)
    return _advice(T.EXERCISE, text, [CL_EXERCISE, diabetes.C_TARGETS], attention=short)


# --- medicines and self-monitoring ---------------------------------------------------------------------------


def _medicines(x: _Ctx) -> Advice | None:
    plan = x.inp.plan
    if not (x.inp.on_medicines or (plan is not None and plan.drug_count > 0)):
        return None  # nobody is told how to take medicines they do not have
    items, clauses = [], [d.C_MEDICINES]
    if plan is not None and plan.review_after_dose_change_days:  # HTN-2020 §药物治疗: 2–4 weeks [V2]
        low, high = (days // 7 for days in plan.review_after_dose_change_days)
        items.append(say("medicines.dose_review", low=low, high=high))
        clauses.append(C_DOSE_REVIEW)
    if plan is not None and plan.pharmacist_review:  # OPINION-2025 多重用药 [U]
        items.append(say("medicines.pharmacist"))
        clauses.append(CL_POLYPHARMACY)
    return _advice(T.MEDICINES, say("medicines"), clauses, items=items)


def _default_monitoring(x: _Ctx) -> Monitoring:
    """The monitoring the condition plans would set (plans.default_plan, merged) for a resident with no plan; the
    follow-up class is read from the latest values by the programme thresholds, and as controlled without one."""
    r, s, dm, age, conds = x.rec, x.plan, x.dm, x.inp.age, x.conds
    bp_ok = r.sbp is None or r.dbp is None or hypertension.is_controlled(r.sbp, r.dbp, age)
    glucose_ok = r.fpg is None or diabetes.is_fpg_controlled(r.fpg)
    lipid_months = [lipids.screening_interval_years(age)[0] * 12]
    if C.DYSLIPIDAEMIA in conds:
        lipid_months.append(s.lipids_every_months_dyslipidaemia)
    mon: dict[str, object] = {
        "weigh_every_days": s.weigh_every_days_obesity if C.OBESITY in conds else s.weigh_every_days,
        "yearly_health_check": C.COPD in conds,
    }
    if C.HYPERTENSION in conds:
        mon["home_bp_days_per_week"] = (
            s.home_bp_days_per_week_controlled if bp_ok else s.home_bp_days_per_week_uncontrolled
        )
    if C.DIABETES in conds:
        mon["glucose_days_per_week"] = (
            s.glucose_days_per_week_controlled if glucose_ok else s.glucose_days_per_week_uncontrolled
        )
        mon["hba1c_every_months"] = dm.hba1c_controlled_months if glucose_ok else dm.hba1c_uncontrolled_months
        mon["complication_checks"] = tuple(c for c in ComplicationCheck if c is not ComplicationCheck.HBA1C)
        mon["complication_every_months"] = dm.complication_interval_months
        lipid_months.append(dm.complication_interval_months)
    mon["lipids_every_months"] = min(lipid_months)
    return msgspec.convert(mon, Monitoring)


def _high_risk_htn(x: _Ctx) -> bool:
    """BPHS-2017 §筛查 [V]: any high-risk factor the record shows (family history is not in it)."""
    r = x.rec
    both = r.sbp is not None and r.dbp is not None
    return bool(
        hypertension.high_risk_factors(
            hypertension.RiskInput(
                age=x.inp.age,
                male=x.inp.sex is Sex.MALE,
                sbp=r.sbp if both else None,
                dbp=r.dbp if both else None,
                bmi=r.bmi,
                waist_cm=r.waist,
                high_salt_diet=x.inp.salt_intake is SaltIntake.HEAVY,
                baijiu_ml_per_day=(x.inp.alcohol_g_per_day or 0) / (x.adv.baijiu_abv * d.ETHANOL_G_PER_ML),
            )
        )
    )


def _monitoring(x: _Ctx) -> Advice:
    t, plan = x.targets, x.inp.plan
    m = plan.monitoring if plan is not None else _default_monitoring(x) if x.conds else None
    items: list[tuple[str, str]] = []
    clauses: list[str] = []
    if m is not None and m.home_bp_days_per_week:  # HTN-2020 §家庭血压监测 [U]
        bp = f"{t.sbp_below}/{t.dbp_below}"
        items.append(say("monitor.home_bp", when=d.days_a_week(m.home_bp_days_per_week), bp=bp))
        clauses += [CL_HOME_BP, *x.bp_clauses]
    elif not x.conds & {C.HYPERTENSION, C.DIABETES}:  # (a diabetic's BP is taken at every follow-up)
        if _high_risk_htn(x):  # BPHS-2017 §筛查: the high-risk group, BP every 6 months [V]
            items.append(say("monitor.bp_half_year"))
            clauses.append(hypertension.C_HIGH_RISK)
        else:  # WS-T-872 §筛查: every adult at the first outpatient visit of the year [V]
            items.append(say("monitor.bp_yearly"))
            clauses.append(C_SCREEN_WS)
    if m is not None and m.glucose_days_per_week:  # DM-2022 §血糖监测 [U]
        when = d.days_a_week(m.glucose_days_per_week)
        fpg = [f"{v or 0:.1f}" for v in (t.fpg_min, t.fpg_max)]  # 4.4–7.0, as the guideline writes it
        items.append(say("monitor.glucose", when=when, low=fpg[0], high=fpg[1]))
        clauses += [CL_GLUCOSE, diabetes.C_TARGETS]
    if m is not None and m.hba1c_every_months:  # DM-2022: every 3 months uncontrolled, 6 controlled [U]
        items.append(say("monitor.hba1c", when=d.every_months(m.hba1c_every_months), below=t.hba1c_below))
        clauses += [diabetes_care.C_HBA1C_INTERVAL, diabetes.C_TARGETS]
    if m is not None and m.lipids_every_months:
        items.append(say("monitor.lipids", when=d.every_months(m.lipids_every_months)))
        clauses.append(CL_LIPIDS if C.DYSLIPIDAEMIA in x.conds else lipids.CL_SCREEN)
    elif m is None:  # LIPID-2023 §血脂筛查 [V]: <40 every 2–5 years, ≥40 yearly
        first, last = lipids.screening_interval_years(x.inp.age)
        when = d.every_months(12) if last == 1 else (f"每{first}–{last}年", f"every {first}–{last} years")
        items.append(say("monitor.lipids", when=when))
        clauses.append(lipids.CL_SCREEN)
    checks = [c for c in (m.complication_checks if m else ()) if c is not ComplicationCheck.LIPIDS]
    if m is not None and checks:  # DM-2022 §并发症筛查: yearly [U]; lipids are on their own line
        when = d.every_months(m.complication_every_months or x.dm.complication_interval_months)
        names = (
            "、".join(COMPLICATION_LABELS[c][0].split("（")[0] for c in checks),
            ", ".join(COMPLICATION_LABELS[c][1].split(" (")[0] for c in checks),
        )
        items.append(say("monitor.checks", when=when, checks=names))
        clauses.append(diabetes_care.C_COMPLICATIONS)
    if m is not None and x.conds:  # plan default: weigh monthly, weekly with obesity [U]
        items.append(say("monitor.weigh", when=d.every_days(m.weigh_every_days)))
        clauses.append(CL_WEIGHT_MONITORING)
    if m is not None and m.yearly_health_check:  # COPD-2024 §服务内容: yearly health check [V]
        items.append(say("monitor.health_check"))
        clauses.append(copd.CL_MANAGED)
    return _advice(T.SELF_MONITORING, say("monitor"), clauses, items=items)


# --- all of it, in order -----------------------------------------------------------------------------------------

# Order (ours): the warning signs; what the record says needs changing, in _ATTENTION order; then, for a resident
# with a condition, medicines and self-monitoring before the lifestyle topics; for one without, lifestyle first.
_ATTENTION: Final = (T.SMOKING, T.ALCOHOL, T.SALT, T.WEIGHT, T.EXERCISE)
_MANAGED: Final = (T.MEDICINES, T.SELF_MONITORING, T.SALT, T.DIET, T.EXERCISE, T.WEIGHT, T.SMOKING, T.ALCOHOL)
_GENERAL: Final = (T.SALT, T.DIET, T.EXERCISE, T.WEIGHT, T.SMOKING, T.ALCOHOL, T.SELF_MONITORING, T.MEDICINES)


def patient_advice(
    inp: AdviceInput,
    settings: PlanSettings | None = None,
    *,
    advice_settings: AdviceSettings | None = None,
    diabetes_settings: DiabetesSettings | None = None,
) -> tuple[Advice, ...]:
    """The resident's advice, most important first: the warning signs (urgent) when a condition or the 8+2
    screen calls for them; then the topics where the record shows a gap; then the rest.

    The plan's goals and monitoring override the defaults (`settings`, `diabetes_settings`). The values of
    `latest` that are read are checked (RuleError names an impossible one); other codes are ignored.
    """
    check_int(inp.age, "age", ADULT_AGE, MAX_AGE)
    conds = frozenset(inp.conditions)
    rec = _record(inp.latest)
    adv = advice_settings or d.DEFAULT_SETTINGS
    x = _Ctx(
        inp=inp,
        conds=conds,
        rec=rec,
        targets=patient_targets(conds, age=inp.age, height_cm=rec.height, plan=inp.plan, settings=adv),
        bp_clauses=_bp_target(conds, inp.age, adv)[2],
        plan=settings or PlanSettings(),
        dm=diabetes_settings or DiabetesSettings(),
        adv=adv,
    )
    rules = (_warning_signs, _smoking, _alcohol, _medicines, _monitoring, _salt, _weight, _diet, _exercise)
    found = [a for rule in rules if (a := rule(x)) is not None]
    routine = _MANAGED if conds else _GENERAL

    def rank(a: Advice) -> tuple[int, int]:
        if a.urgent:
            return (0, 0)
        return (1, _ATTENTION.index(a.topic)) if a.attention else (2, routine.index(a.topic))

    return tuple(sorted(found, key=rank))
