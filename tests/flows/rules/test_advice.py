"""The patient's advice and chart targets: one case per cited clause, no contradiction with the record, order,
both languages for every combination of conditions, the length budget of the patient page, refusals."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from flows.model import Condition, Sex
from flows.rules import _advice_data as data
from flows.rules import advice, plans
from flows.rules.advice import Advice, AdviceInput, AdviceTopic, patient_advice, patient_targets
from flows.rules.base import CLAUSES, Confidence, RuleError
from flows.rules.copd import CopdFollowupClass
from flows.rules.followup import FollowupClass
from flows.rules.htn_form import SaltIntake

C = Condition
T = AdviceTopic
ALL_SUBSETS = [c for n in range(len(C) + 1) for c in itertools.combinations(C, n)]
NORMAL = {"weight": 65.0, "height": 170.0, "waist": 80.0}  # BMI 22.5


def inp(conditions: tuple[Condition, ...] = (), **kw: Any) -> AdviceInput:
    base: dict[str, Any] = {"age": 60, "sex": Sex.MALE, "latest": NORMAL, "smoker": False}
    return AdviceInput(conditions=conditions, **{**base, **kw})


def by_topic(found: tuple[Advice, ...]) -> dict[AdviceTopic, Advice]:
    topics = [a.topic for a in found]
    assert len(topics) == len(set(topics)), "one advice per topic"
    return {a.topic: a for a in found}


def text(a: Advice) -> str:
    return a.zh + "|" + "|".join(a.items_zh)


def plan_of(*parts: tuple[Condition, Any], **kw: Any) -> plans.ManagementPlan:
    base: dict[str, Any] = {
        "age": 60,
        "sex": Sex.MALE,
        "height_cm": 170.0,
        "weight_kg": 80.0,
        "drug_count": 2,
    }
    base.update(kw)
    conds = [c for c, _ in parts]
    return plans.merge_plans(
        [
            plans.default_plan(c, cls, comorbidities=[o for o in conds if o is not c], **base)
            for c, cls in parts
        ]
    )


# A few residents each combination of conditions is tried with.
PROFILES: list[dict[str, Any]] = [
    {},
    {"smoker": True, "alcohol_g_per_day": 60.0, "exercise_min_per_week": 30, "salt_intake": SaltIntake.HEAVY},
    {"smoker": None, "sex": Sex.FEMALE, "age": 35, "on_medicines": True, "latest": {"bmi": 17.0}},
    {
        "age": 85,
        "latest": {"weight": 90.0, "height": 160.0, "waist": 100.0, "sbp": 165, "dbp": 95, "fpg": 9.0},
    },
]

FULL_PLAN = [
    (C.HYPERTENSION, FollowupClass.UNCONTROLLED),
    (C.DIABETES, FollowupClass.UNCONTROLLED),
    (C.DYSLIPIDAEMIA, None),
    (C.OBESITY, None),
    (C.COPD, CopdFollowupClass.UNSTABLE),
]


# --- one case per clause the advice cites ---------------------------------------------------------------

HTN_PLAN_UNCONTROLLED = plan_of((C.HYPERTENSION, FollowupClass.UNCONTROLLED), drug_count=6)

CASES = [
    pytest.param(
        "HTN.emergency",
        inp((C.HYPERTENSION,)),
        T.WARNING_SIGNS,
        "血压≥180/110 mmHg：马上就医",
        id="HTN.emergency: hypertension → BP ≥180/110 means a doctor at once",
    ),
    pytest.param(
        "DM.emergency",
        inp((C.DIABETES,)),
        T.WARNING_SIGNS,
        "血糖≥16.7",
        id="DM.emergency: diabetes → glucose ≥16.7 or ≤3.9 means a doctor at once",
    ),
    pytest.param(
        "ADVICE.warning.hypo_first_aid",
        inp((C.DIABETES,)),
        T.WARNING_SIGNS,
        "血糖≤3.9，或心慌、出虚汗（低血糖）：能吞咽就先吃几块糖或喝糖水，再马上就医",
        id="ADVICE.warning.hypo_first_aid: low glucose → sugar first, then a doctor",
    ),
    pytest.param(
        "ADVICE.warning.call_120",
        inp((C.HYPERTENSION,)),
        T.WARNING_SIGNS,
        "神志不清、叫不醒或说胡话：立即打120",
        id="ADVICE.warning.call_120: altered consciousness → call 120",
    ),
    pytest.param(
        "EMERG.pregnancy.bp_above_normal",
        inp((C.HYPERTENSION,), sex=Sex.FEMALE, age=35),
        T.WARNING_SIGNS,
        "怀孕或喂奶期间血压或血糖升高：马上就医",
        id="EMERG.pregnancy.bp_above_normal: a woman of 35 with hypertension is told about pregnancy",
    ),
    pytest.param(
        "EMERG.pregnancy.glucose_above_normal",
        inp((C.DIABETES,), sex=Sex.FEMALE, age=49),
        T.WARNING_SIGNS,
        "怀孕或喂奶期间",
        id="EMERG.pregnancy.glucose_above_normal: a woman of 49 with diabetes is told about pregnancy",
    ),
    pytest.param(
        "ADVICE.warning.pregnancy",
        inp((C.HYPERTENSION,), sex=Sex.FEMALE, age=49),
        T.WARNING_SIGNS,
        "怀孕或喂奶期间",
        id="ADVICE.warning.pregnancy: under 50 (our child-bearing range)",
    ),
    pytest.param(
        "ADVICE.warning.copd",
        inp((C.COPD,)),
        T.WARNING_SIGNS,
        "嘴唇发紫、喘得说不出话、昏昏欲睡：立即打120",
        id="ADVICE.warning.copd: COPD → exacerbation signs, blue lips call 120",
    ),
    pytest.param(
        "STROKE.factors",
        inp((C.DYSLIPIDAEMIA,), age=30),
        T.WARNING_SIGNS,
        "说话不清（中风）：立即打120，记下发病时间",
        id="STROKE.factors: dyslipidaemia is an 8+2 factor → stroke signs, at any age",
    ),
    pytest.param(
        "ADVICE.warning.stroke_heart",
        inp((C.OBESITY,)),
        T.WARNING_SIGNS,
        "胸口压着痛或憋闷，休息也不缓解：立即打120",
        id="ADVICE.warning.stroke_heart: obesity → stroke and heart-attack signs",
    ),
    pytest.param(
        "STROKE.level.high",
        inp(smoker=True, exercise_min_per_week=60, age=40),
        T.WARNING_SIGNS,
        "中风",
        id="STROKE.level.high: no condition, 40, smoker + lipids unknown + little exercise → stroke signs",
    ),
    pytest.param(
        "STROKE.level.medium",
        inp(latest={**NORMAL, "sbp": 150, "dbp": 85, "tc": 4.0}, age=50),
        T.WARNING_SIGNS,
        "中风",
        id="STROKE.level.medium: no condition, a reading of 150/85 → stroke signs",
    ),
    pytest.param(
        "STROKE.age",
        inp(latest={**NORMAL, "sbp": 150, "dbp": 85, "tc": 4.0}, age=50),
        T.WARNING_SIGNS,
        "中风",
        id="STROKE.age: the 8+2 level is used from 40",
    ),
    pytest.param(
        "PLAN.smoking",
        inp(smoker=True),
        T.SMOKING,
        "请下决心戒烟",
        id="PLAN.smoking: a smoker is told to quit",
    ),
    pytest.param(
        "ADVICE.smoking.exposure",
        inp((C.COPD,)),
        T.SMOKING,
        "远离二手烟",
        id="ADVICE.smoking.exposure: a non-smoker with COPD → second-hand and wood/coal smoke",
    ),
    pytest.param(
        "COPD.sq.points.u",
        inp((C.COPD,)),
        T.SMOKING,
        "烧柴、烧煤",
        id="COPD.sq.points.u: COPD-SQ counts coal and biomass fuel",
    ),
    pytest.param(
        "PLAN.alcohol",
        inp(alcohol_g_per_day=40.0),
        T.ALCOHOL,
        "每天不超过25克",
        id="PLAN.alcohol: a man drinking 40 g a day → at most 25 g",
    ),
    pytest.param(
        "ADVICE.alcohol.drinks",
        inp(alcohol_g_per_day=10.0, sex=Sex.FEMALE),
        T.ALCOHOL,
        "白酒35毫升（约0.7两），或啤酒350毫升，或葡萄酒150毫升",
        id="ADVICE.alcohol.drinks: 15 g (women) as baijiu, beer and wine",
    ),
    pytest.param(
        "HTN.form.drinks",
        inp(),
        T.ALCOHOL,
        "白酒60毫升（约1.2两），或啤酒600毫升，或葡萄酒250毫升",
        id="HTN.form.drinks: beer = baijiu ×10, wine = baijiu ×4 (25 g)",
    ),
    pytest.param(
        "PLAN.salt",
        inp(),
        T.SALT,
        "每天吃盐不超过5克",
        id="PLAN.salt: salt <5 g a day",
    ),
    pytest.param(
        "ADVICE.salt.bottle_cap",
        inp(),
        T.SALT,
        "一个啤酒瓶盖去掉胶垫，装平约6克",
        id="ADVICE.salt.bottle_cap: a bottle cap holds about 6 g",
    ),
    pytest.param(
        "HTN.form.options",
        inp((C.HYPERTENSION,), salt_intake=SaltIntake.HEAVY),
        T.SALT,
        "您口味偏咸",
        id="HTN.form.options: salt 重 → cut down",
    ),
    pytest.param(
        "PLAN.diet",
        inp((C.DIABETES,)),
        T.DIET,
        "定量主食",
        id="PLAN.diet: diabetes → measured staple food",
    ),
    pytest.param(
        "ADVICE.diet.general",
        inp(),
        T.DIET,
        "多吃新鲜蔬菜水果",
        id="ADVICE.diet.general: no condition → vegetables, whole grains, low fat",
    ),
    pytest.param(
        "PLAN.exercise",
        inp(exercise_min_per_week=60),
        T.EXERCISE,
        "每周运动5天，每次30分钟左右",
        id="PLAN.exercise: 5 days a week",
    ),
    pytest.param(
        "DM.targets",
        inp(exercise_min_per_week=60),
        T.EXERCISE,
        "每周共150分钟以上",
        id="DM.targets: ≥150 min a week",
    ),
    pytest.param(
        "WEIGHT.bmi",
        inp(latest={"weight": 80.0, "height": 170.0}),
        T.WEIGHT,
        "BMI）是27.7，偏胖。少吃油和甜食，多运动，体重慢慢减到69公斤以下",
        id="WEIGHT.bmi: BMI 27.7 → overweight, down to 69 kg (BMI 23.9)",
    ),
    pytest.param(
        "WEIGHT.waist.central",
        inp(latest={**NORMAL, "waist": 92.0}),
        T.WEIGHT,
        "腰围92厘米，偏粗（男性应小于90厘米）",
        id="WEIGHT.waist.central: a man's waist 92 cm with a normal BMI",
    ),
    pytest.param(
        "ADVICE.medicines",
        inp((C.HYPERTENSION,), on_medicines=True),
        T.MEDICINES,
        "不要自己停药",
        id="ADVICE.medicines: on medicines → take them as prescribed",
    ),
    pytest.param(
        "HTN.drugs.review",
        inp((C.HYPERTENSION,), plan=HTN_PLAN_UNCONTROLLED),
        T.MEDICINES,
        "医生调整降压药后，2–4周内回来复查血压",
        id="HTN.drugs.review: review 2–4 weeks after a dose change",
    ),
    pytest.param(
        "MM.polypharmacy",
        inp((C.HYPERTENSION,), plan=HTN_PLAN_UNCONTROLLED),
        T.MEDICINES,
        "请药师帮您看看",
        id="MM.polypharmacy: ≥5 drugs → bring them to the pharmacist",
    ),
    pytest.param(
        "PLAN.home_bp",
        inp((C.HYPERTENSION,), latest={**NORMAL, "sbp": 128, "dbp": 78}),
        T.SELF_MONITORING,
        "每周1天在家量血压，早晚各一次（目标低于130/80 mmHg）",
        id="PLAN.home_bp: controlled hypertension → 1 day a week",
    ),
    pytest.param(
        "HTN.target.clinical",
        inp((C.HYPERTENSION,), latest={**NORMAL, "sbp": 150, "dbp": 95}),
        T.SELF_MONITORING,
        "每天在家量血压，早晚各一次（目标低于130/80 mmHg）",
        id="HTN.target.clinical: uncontrolled at 60 → every day, aim <130/80",
    ),
    pytest.param(
        "HTN.target.clinical.80",
        inp((C.HYPERTENSION,), age=82),
        T.SELF_MONITORING,
        "目标低于150/90 mmHg",
        id="HTN.target.clinical.80: aim <150/90 at 82",
    ),
    pytest.param(
        "PLAN.glucose",
        inp((C.DIABETES,), latest={**NORMAL, "fpg": 6.0}),
        T.SELF_MONITORING,
        "每周2天测指尖血糖（空腹目标4.4–7.0 mmol/L）",
        id="PLAN.glucose: controlled diabetes → 2 days a week",
    ),
    pytest.param(
        "DM.hba1c.interval",
        inp((C.DIABETES,), latest={**NORMAL, "fpg": 8.0}),
        T.SELF_MONITORING,
        "每3个月查一次糖化血红蛋白（目标低于7%）",
        id="DM.hba1c.interval: uncontrolled diabetes → HbA1c every 3 months",
    ),
    pytest.param(
        "DM.complications.yearly",
        inp((C.DIABETES,)),
        T.SELF_MONITORING,
        "每年查一次：眼底检查、足部检查、尿白蛋白/肌酐比值、肝功能、心电图",
        id="DM.complications.yearly: fundus, foot, kidney, liver, ECG every year",
    ),
    pytest.param(
        "PLAN.lipids",
        inp((C.DYSLIPIDAEMIA,)),
        T.SELF_MONITORING,
        "每6个月查一次血脂",
        id="PLAN.lipids: dyslipidaemia → lipids every 6 months",
    ),
    pytest.param(
        "LIPID.screening",
        inp(age=30),
        T.SELF_MONITORING,
        "每2–5年查一次血脂",
        id="LIPID.screening: no condition, 30 → lipids every 2–5 years",
    ),
    pytest.param(
        "PLAN.weigh",
        inp((C.OBESITY,)),
        T.SELF_MONITORING,
        "每周称一次体重",
        id="PLAN.weigh: obesity → weigh every week",
    ),
    pytest.param(
        "COPD.managed",
        inp((C.COPD,)),
        T.SELF_MONITORING,
        "每年来做一次健康体检",
        id="COPD.managed: COPD → a yearly health check",
    ),
    pytest.param(
        "HTN.screen.ws_t_872",
        inp(age=30),
        T.SELF_MONITORING,
        "每年至少量一次血压",
        id="HTN.screen.ws_t_872: an adult without hypertension → BP every year",
    ),
    pytest.param(
        "HTN.high_risk",
        inp(age=56),
        T.SELF_MONITORING,
        "每半年量一次血压",
        id="HTN.high_risk: age ≥55 → BP every 6 months",
    ),
]


@pytest.mark.parametrize(("clause", "given", "topic", "says"), CASES)
def test_each_cited_clause(clause: str, given: AdviceInput, topic: AdviceTopic, says: str) -> None:
    found = by_topic(patient_advice(given))
    assert topic in found, f"no {topic} advice"
    assert clause in found[topic].clauses
    assert says in text(found[topic])


TARGET_CASES = [
    pytest.param(
        "HTN.target.clinical",
        (C.HYPERTENSION,),
        79,
        (130, 80, None, None, None),
        id="HTN.target.clinical: hypertension at 79 → <130/80",
    ),
    pytest.param(
        "HTN.target.clinical.80",
        (C.HYPERTENSION,),
        80,
        (150, 90, None, None, None),
        id="HTN.target.clinical.80: hypertension at 80 → <150/90",
    ),
    pytest.param(
        "DM.targets",
        (C.DIABETES,),
        60,
        (130, 80, 4.4, 7.0, 7.0),
        id="DM.targets: diabetes → <130/80, FPG 4.4–7.0, HbA1c <7",
    ),
    pytest.param(
        "ADVICE.target.diabetes_80",
        (C.DIABETES,),
        85,
        (150, 90, 4.4, 7.0, 7.0),
        id="ADVICE.target.diabetes_80: diabetes at 85 → HTN-2025's <150/90",
    ),
    pytest.param(
        "ADVICE.target.bp_general",
        (),
        60,
        (140, 90, None, None, None),
        id="ADVICE.target.bp_general: no condition → the grade-1 floor <140/90",
    ),
    pytest.param(
        "HTN.grade.1",
        (C.COPD, C.OBESITY),
        85,
        (140, 90, None, None, None),
        id="HTN.grade.1: COPD and obesity at 85 → <140/90, no glucose lines",
    ),
]


@pytest.mark.parametrize(("clause", "conditions", "age", "expected"), TARGET_CASES)
def test_targets_per_age_and_condition(
    clause: str, conditions: tuple[Condition, ...], age: int, expected: tuple[Any, ...]
) -> None:
    t = patient_targets(conditions, age=age, height_cm=None)
    assert (t.sbp_below, t.dbp_below, t.fpg_min, t.fpg_max, t.hba1c_below) == expected
    assert clause in t.clauses
    assert t.weight_kg_max is None
    assert t.weight_kg_min is None


def test_every_clause_cited_has_a_case_and_every_advice_clause_is_cited() -> None:
    tested = {p.values[0] for p in [*CASES, *TARGET_CASES]}
    cited: set[str] = set()
    for conditions in ALL_SUBSETS:
        for profile in PROFILES:
            for a in patient_advice(inp(conditions, **profile)):
                cited.update(a.clauses)
            cited.update(patient_targets(conditions, age=profile.get("age", 60), height_cm=170.0).clauses)
    for p in CASES:
        given = p.values[1]
        assert isinstance(given, AdviceInput)
        cited.update(c for a in patient_advice(given) for c in a.clauses)
    ours = {c for c in CLAUSES if c.startswith("ADVICE.")}
    assert cited <= tested, f"cited without a case: {sorted(cited - tested)}"
    assert ours <= cited
    assert tested <= set(CLAUSES)
    assert all(CLAUSES[c].confidence is Confidence.U for c in ours)


# --- both languages for every combination; the length budget ------------------------------------------------


@pytest.mark.parametrize("conditions", ALL_SUBSETS, ids=lambda cs: "+".join(c.value for c in cs) or "none")
def test_every_advice_of_every_combination_is_in_both_languages(conditions: tuple[Condition, ...]) -> None:
    for profile in PROFILES:
        found = patient_advice(inp(conditions, **profile))
        assert found
        for a in found:
            assert a.zh.strip()
            assert a.en.strip()
            assert len(a.items_zh) == len(a.items_en)
            assert all(i.strip() for i in (*a.items_zh, *a.items_en))
            assert a.clauses
            assert all(c in CLAUSES for c in a.clauses)
            assert "{" not in a.zh + a.en + "".join(a.items_zh + a.items_en), "an unfilled field"


def test_a_multimorbid_residents_whole_advice_stays_short() -> None:
    """The patient page must stay ≤30 KB: the Chinese of the worst case stays under 2,500 characters."""
    worst = inp(
        tuple(C),
        sex=Sex.FEMALE,
        age=45,
        latest={"weight": 90.0, "height": 155.0, "waist": 100.0, "sbp": 165, "dbp": 95, "fpg": 9.0},
        plan=plan_of(*[(c, cls) for c, cls in FULL_PLAN], sex=Sex.FEMALE, age=45, drug_count=8),
        smoker=True,
        alcohol_g_per_day=60.0,
        exercise_min_per_week=30,
        salt_intake=SaltIntake.HEAVY,
        on_medicines=True,
    )
    found = patient_advice(worst)
    assert len(found) == len(AdviceTopic)
    assert sum(len(a.zh) + sum(map(len, a.items_zh)) for a in found) < 2500
    assert sum(len(a.en) + sum(map(len, a.items_en)) for a in found) < 6000


# --- never against the record -------------------------------------------------------------------------------


@pytest.mark.parametrize("conditions", ALL_SUBSETS, ids=lambda cs: "+".join(c.value for c in cs) or "none")
def test_a_non_smoker_of_normal_weight_who_does_not_drink_is_not_told_otherwise(
    conditions: tuple[Condition, ...],
) -> None:
    found = by_topic(patient_advice(inp(conditions, smoker=False, alcohol_g_per_day=0.0)))
    everything = "".join(text(a) for a in found.values())
    assert "戒烟" not in everything
    assert T.ALCOHOL not in found
    if C.COPD not in conditions:
        assert T.SMOKING not in found
    if C.OBESITY in conditions:
        assert not found[T.WEIGHT].attention
        assert "减到" not in text(found[T.WEIGHT])
    else:
        assert T.WEIGHT not in found
    assert not any(a.attention for a in found.values())


def test_no_medicine_advice_without_medicines() -> None:
    assert T.MEDICINES not in by_topic(patient_advice(inp((C.HYPERTENSION,))))


def test_a_plan_with_drugs_counts_as_on_medicines() -> None:
    given = inp((C.HYPERTENSION,), plan=plan_of((C.HYPERTENSION, FollowupClass.CONTROLLED)))
    assert T.MEDICINES in by_topic(patient_advice(given))


def test_meeting_the_exercise_goal_and_light_salt_are_praised_not_pushed() -> None:
    found = by_topic(patient_advice(inp(exercise_min_per_week=200, salt_intake=SaltIntake.LIGHT)))
    assert "达到了目标，请继续保持" in found[T.EXERCISE].zh
    assert "您吃得清淡，请继续保持" in found[T.SALT].zh
    assert not found[T.EXERCISE].attention
    assert not found[T.SALT].attention


def test_unknown_smoking_gets_the_general_line_not_a_reproach() -> None:
    a = by_topic(patient_advice(inp(smoker=None)))[T.SMOKING]
    assert a.zh.startswith("不要吸烟")
    assert not a.attention


def test_a_smoker_whose_plan_drops_quitting_gets_no_smoking_advice() -> None:
    plan = plans.edit_plan(
        plan_of((C.HYPERTENSION, FollowupClass.CONTROLLED)), plans.PlanEdit(no_smoking=False)
    )
    assert T.SMOKING not in by_topic(patient_advice(inp((C.HYPERTENSION,), smoker=True, plan=plan)))


def test_an_underweight_resident_is_told_to_gain_not_to_lose() -> None:
    a = by_topic(patient_advice(inp((C.COPD,), latest={"weight": 50.0, "height": 170.0})))[T.WEIGHT]
    assert "偏瘦" in a.zh
    assert "53.5公斤以上" in a.zh  # BMI 18.5 at 170 cm, rounded up
    assert "减" not in a.zh


def test_a_limit_below_one_small_drink_reads_as_no_alcohol() -> None:
    plan = plans.edit_plan(
        plan_of((C.HYPERTENSION, FollowupClass.CONTROLLED)), plans.PlanEdit(alcohol_g_per_day_max=1.0)
    )
    a = by_topic(patient_advice(inp((C.HYPERTENSION,), plan=plan, alcohol_g_per_day=10.0)))[T.ALCOHOL]
    assert a.zh == "请不要喝酒。"
    assert a.attention


def test_unknown_drinking_gets_the_limit_as_a_condition() -> None:
    a = by_topic(patient_advice(inp(alcohol_g_per_day=None)))[T.ALCOHOL]
    assert a.zh.startswith("如果喝酒")
    assert not a.attention


# --- the plan overrides the defaults ------------------------------------------------------------------------


def test_the_plans_goals_override_the_defaults() -> None:
    plan = plans.edit_plan(
        plan_of((C.HYPERTENSION, FollowupClass.CONTROLLED)),
        plans.PlanEdit(
            salt_g_per_day_max=3.0,
            alcohol_g_per_day_max=0.0,
            exercise_min_per_week=0,
            exercise_sessions_per_week=0,
            home_bp_days_per_week=3,
            target_weight_kg=75.0,
        ),
    )
    found = by_topic(
        patient_advice(inp((C.HYPERTENSION,), plan=plan, latest={"weight": 80.0, "height": 170.0}))
    )
    assert "每天吃盐不超过3克" in found[T.SALT].zh
    assert found[T.ALCOHOL].zh == "请不要喝酒。"
    assert T.EXERCISE not in found
    assert "每周3天在家量血压" in text(found[T.SELF_MONITORING])
    assert "体重慢慢减到75公斤以下" in found[T.WEIGHT].zh


def test_plan_target_weight_sets_the_chart_line_on_its_side() -> None:
    loss = plans.edit_plan(plan_of((C.OBESITY, None)), plans.PlanEdit(target_weight_kg=75.0))
    t = patient_targets((C.OBESITY,), age=60, height_cm=None, plan=loss)
    assert (t.weight_kg_max, t.weight_kg_min) == (75.0, 53.5)  # the plan's height, 170 cm
    gain = plan_of((C.COPD, CopdFollowupClass.STABLE), weight_kg=50.0)
    t = patient_targets((C.COPD,), age=60, height_cm=170.0, plan=gain)
    assert (t.weight_kg_max, t.weight_kg_min) == (69.0, 53.5)
    assert "WEIGHT.bmi" in t.clauses


def test_targets_with_hypertension_and_diabetes_take_the_stricter() -> None:
    t = patient_targets((C.HYPERTENSION, C.DIABETES), age=60, height_cm=160.0)
    assert (t.sbp_below, t.dbp_below) == (130, 80)
    assert {"HTN.target.clinical", "DM.targets", "WEIGHT.bmi"} <= set(t.clauses)
    assert (t.weight_kg_max, t.weight_kg_min) == (61.1, 47.4)
    strict = data.AdviceSettings(diabetes_80_uses_htn_target=False)
    t = patient_targets((C.HYPERTENSION, C.DIABETES), age=85, height_cm=None, settings=strict)
    assert (t.sbp_below, t.dbp_below) == (130, 80)
    assert t.clauses == ("DM.targets",)


# --- order ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("conditions", ALL_SUBSETS[1:], ids=lambda cs: "+".join(c.value for c in cs))
def test_warning_signs_come_first_for_every_condition(conditions: tuple[Condition, ...]) -> None:
    for profile in PROFILES:
        found = patient_advice(inp(conditions, **profile))
        assert found[0].topic is T.WARNING_SIGNS
        assert found[0].urgent
        assert [a.urgent for a in found[1:]] == [False] * (len(found) - 1)


def test_what_needs_changing_comes_next_and_a_smoker_hears_it_first() -> None:
    found = patient_advice(
        inp(
            (C.HYPERTENSION,),
            smoker=True,
            salt_intake=SaltIntake.HEAVY,
            latest={"weight": 80.0, "height": 170.0},
            on_medicines=True,
        )
    )
    assert [a.topic for a in found] == [
        T.WARNING_SIGNS,
        T.SMOKING,
        T.SALT,
        T.WEIGHT,
        T.MEDICINES,
        T.SELF_MONITORING,
        T.DIET,
        T.EXERCISE,
        T.ALCOHOL,
    ]
    assert [a.attention for a in found[1:4]] == [True, True, True]


def test_without_a_condition_lifestyle_comes_first_and_no_warning_signs() -> None:
    found = patient_advice(inp(age=30))
    assert [a.topic for a in found] == [T.SALT, T.DIET, T.EXERCISE, T.ALCOHOL, T.SELF_MONITORING]


def test_no_stroke_signs_when_nothing_justifies_them() -> None:
    low = inp(latest={**NORMAL, "tc": 4.0}, age=50)  # no factor: 8+2 low
    assert T.WARNING_SIGNS not in by_topic(patient_advice(low))
    young = inp(smoker=True, exercise_min_per_week=60, age=39)  # the screen starts at 40
    assert T.WARNING_SIGNS not in by_topic(patient_advice(young))
    copd_only = by_topic(patient_advice(inp((C.COPD,), latest={**NORMAL, "tc": 4.0})))[T.WARNING_SIGNS]
    assert "中风" not in text(copd_only)
    man = by_topic(patient_advice(inp((C.HYPERTENSION,), age=35)))[T.WARNING_SIGNS]
    assert "怀孕" not in text(man)
    older = by_topic(patient_advice(inp((C.DIABETES,), age=50, sex=Sex.FEMALE)))[T.WARNING_SIGNS]
    assert "怀孕" not in text(older)


# --- refusals and tables --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "field"),
    [
        pytest.param(inp(age=17), "age", id="under 18: the rules are adult rules"),
        pytest.param(inp(latest={"sbp": 400}), "sbp", id="an impossible SBP"),
        pytest.param(inp(latest={"waist": 10.0}), "waist", id="an impossible waist"),
        pytest.param(inp(latest={"fpg": 99.0}), "fpg", id="an impossible glucose"),
        pytest.param(inp(alcohol_g_per_day=-1.0), "alcohol_g_per_day", id="negative alcohol"),
        pytest.param(inp(exercise_min_per_week=-5), "exercise_min_per_week", id="negative exercise"),
    ],
)
def test_impossible_input_is_refused_naming_the_field(given: AdviceInput, field: str) -> None:
    with pytest.raises(RuleError) as err:
        patient_advice(given)
    assert err.value.field == field


def test_targets_refuse_a_minor_and_an_impossible_height() -> None:
    with pytest.raises(RuleError, match="age"):
        patient_targets((), age=12, height_cm=None)
    with pytest.raises(RuleError, match="height_cm"):
        patient_targets((), age=40, height_cm=20.0)


def test_unknown_observation_codes_are_ignored() -> None:
    assert patient_advice(inp(latest={**NORMAL, "spo2": 95.0, "pulse": 70.0}))


def test_every_topic_and_warning_sign_is_labelled() -> None:
    assert set(advice.TOPIC_LABELS) == set(AdviceTopic)
    assert set(data.SIGNS) == set(data.WarningSign)
    assert all(zh and en for zh, en in advice.TOPIC_LABELS.values())
