"""Data of the patient's advice (flows.rules.advice): its own [U] clauses and settings, and the patient wording
of the warning signs, in plain Simplified Chinese and English.

The numbers in the wording come from the rule modules that own them (the BPHS-2017 emergency lists, the plan
defaults); what is ours is the wording, the household measures (a beer-bottle cap of salt, a glass of beer) and
the choice of which signs mean "call 120".
"""

from __future__ import annotations

import enum
from typing import Final

import msgspec

from flows.rules import diabetes, emergency, hypertension
from flows.rules._plan_data import DietAdvice
from flows.rules.base import Confidence, Source, clause
from flows.rules.htn_form import LIFESTYLE_RANGES

_SECTION = "健康教育 §患者个体化建议 (patient wording, ours)"


class AdviceSettings(msgspec.Struct, frozen=True, kw_only=True):
    """Our [U] choices behind the patient's advice and targets, none from a document — overridable.

    The clinical numbers themselves (salt, alcohol, exercise, monitoring, emergency values) are not here: they
    come from `PlanSettings`, `DiabetesSettings` and the rule modules.
    """

    # Health-education measure: a beer-bottle cap without its rubber liner, filled level, holds about 6 g of salt.
    salt_g_per_bottle_cap: float = 6.0
    # Strength of the baijiu the grams of alcohol are turned into (50 %, as the plan defaults assume); beer and
    # wine follow from it by the BPHS-2017 form's ratios (beer ÷10, wine ÷4, htn_form.BAIJIU_DIVISOR).
    baijiu_abv: float = 0.5
    # The BP chart's line for a resident without hypertension or diabetes: the grade-1 floor (HTN-2020 [V]),
    # where "high" begins — a reference line, not a treatment target.
    general_sbp_below: int = hypertension.GRADE1_SBP
    general_dbp_below: int = hypertension.GRADE1_DBP
    # A diabetic aged ≥80 sees HTN-2025's ≥80 BP target instead of DM-2022's <130/80 (False: DM-2022 at all ages).
    diabetes_80_uses_htn_target: bool = True
    # Women below this age with hypertension or diabetes are told that raised BP or glucose in pregnancy or
    # while breast-feeding needs a doctor at once (the 紧急转诊 lists); 15–49 is the usual child-bearing range.
    childbearing_age_below: int = 50


DEFAULT_SETTINGS: Final = AdviceSettings()

ETHANOL_G_PER_ML: Final = 0.8  # density of ethanol (physics, rounded as health education rounds it)
MINUTES_ROUND: Final = 5  # minutes per session are rounded up to whole 5 minutes
# Plausibility (ours): the follow-up form's own limits (21 sessions of 600 minutes a week).
MAX_EXERCISE_MIN_PER_WEEK: Final = int(
    LIFESTYLE_RANGES["exercise_times_per_week"][0][1] * LIFESTYLE_RANGES["exercise_minutes"][0][1]
)
# The "8+2" little-exercise factor is "not ≥3 times a week of ≥30 min"; from a weekly total we read it as <90 min.
STROKE_EXERCISE_MIN_PER_WEEK: Final = 3 * 30

# --- our clauses -------------------------------------------------------------------------------------------

C_CALL_120: Final = clause(
    "ADVICE.warning.call_120",
    Source.BPHS_2017,
    _SECTION,
    Confidence.U,
    "Patient wording of the 紧急转诊 lists: every listed sign means a doctor at once, not at the next visit; "
    "altered consciousness, stroke, heart attack, orthopnoea and COPD respiratory failure mean calling 120.",
)
C_HYPO_FIRST_AID: Final = clause(
    "ADVICE.warning.hypo_first_aid",
    Source.DM_2022,
    _SECTION,
    Confidence.U,
    "Low glucose (≤3.9 mmol/L, or palpitations and sweating): take sugar first if able to swallow, then come in.",
)
C_COPD_SIGNS: Final = clause(
    "ADVICE.warning.copd",
    Source.COPD_2024,
    _SECTION,
    Confidence.U,
    "COPD exacerbation signs for the patient (CLINICAL_RULES.md has no COPD emergency list): more breathless "
    "than usual, more or yellow-green sputum, fever, swollen legs → a doctor at once; blue lips, too breathless "
    "to talk, drowsy → 120.",
)
C_STROKE_HEART_SIGNS: Final = clause(
    "ADVICE.warning.stroke_heart",
    Source.GUIDE_2025,
    _SECTION,
    Confidence.U,
    "Residents with a stroke risk factor (hypertension, diabetes, dyslipidaemia, obesity) or an 8+2 level of "
    "medium or high learn the signs of stroke (face, arm, speech) and of a heart attack, and to call 120.",
)
C_CHILDBEARING: Final = clause(
    "ADVICE.warning.pregnancy",
    Source.BPHS_2017,
    _SECTION,
    Confidence.U,
    "Women under 50 with hypertension or diabetes are told that raised BP or glucose in pregnancy or while "
    "breast-feeding needs a doctor at once.",
)
C_BOTTLE_CAP: Final = clause(
    "ADVICE.salt.bottle_cap",
    Source.HTN_2020,
    _SECTION,
    Confidence.U,
    "A beer-bottle cap without its liner holds about 6 g of salt; pickles, sauces and soy sauce are salty too.",
)
C_DRINKS: Final = clause(
    "ADVICE.alcohol.drinks",
    Source.HTN_2020,
    _SECTION,
    Confidence.U,
    "Grams of alcohol are shown as ml of 50 % baijiu (0.8 g/ml), and as beer and wine by the form's ratios.",
)
C_SMOKE_EXPOSURE: Final = clause(
    "ADVICE.smoking.exposure",
    Source.COPD_2024,
    _SECTION,
    Confidence.U,
    "A non-smoker with COPD is told to keep away from second-hand smoke and coal or wood smoke (COPD-SQ counts "
    "biomass fuel).",
)
C_MEDICINES: Final = clause(
    "ADVICE.medicines",
    Source.BPHS_2017,
    _SECTION,
    Confidence.U,
    "A resident on medicines is told to take them as prescribed and never stop or change them alone (every "
    "follow-up form records adherence, 服药依从性).",
)
C_GENERAL_DIET: Final = clause(
    "ADVICE.diet.general",
    Source.GUIDE_2025,
    _SECTION,
    Confidence.U,
    "A resident without a chronic condition gets health education with a general diet: vegetables and fruit, "
    "whole grains, low fat.",
)
C_TARGET_GENERAL: Final = clause(
    "ADVICE.target.bp_general",
    Source.HTN_2020,
    _SECTION,
    Confidence.U,
    "Without hypertension or diabetes the BP chart's line is <140/90, the floor of grade 1 (a reference line).",
)
C_TARGET_DM_80: Final = clause(
    "ADVICE.target.diabetes_80",
    Source.HTN_2025,
    _SECTION,
    Confidence.U,
    "A diabetic aged ≥80 sees HTN-2025's ≥80 target (<150/90) instead of DM-2022's <130/80.",
)

# General diet of a resident without a condition (ours, C_GENERAL_DIET).
GENERAL_DIET: Final = (DietAdvice.VEGETABLES_FRUIT, DietAdvice.WHOLE_GRAINS, DietAdvice.LOW_FAT)


# --- warning signs -------------------------------------------------------------------------------------------


class WarningSign(enum.StrEnum):
    """The patient's warning signs, in the order shown: the call-120 signs first."""

    CONFUSION = "confusion"
    STROKE = "stroke"
    CHEST_PAIN = "chest_pain"
    CANNOT_LIE_FLAT = "cannot_lie_flat"
    COPD_SEVERE = "copd_severe"
    BP_VERY_HIGH = "bp_very_high"
    SEVERE_HEADACHE = "severe_headache"
    BLURRED_VISION = "blurred_vision"
    GLUCOSE_LOW = "glucose_low"
    GLUCOSE_HIGH = "glucose_high"
    PULSE_FEVER = "pulse_fever"
    COPD_WORSE = "copd_worse"
    PREGNANCY = "pregnancy"


W = WarningSign
_LOW = f"{diabetes.EMERGENCY_GLUCOSE_LOW:g}"
_HIGH = f"{diabetes.EMERGENCY_GLUCOSE_HIGH:g}"
_BP = f"{hypertension.EMERGENCY_SBP}/{hypertension.EMERGENCY_DBP}"

# sign → (zh, en, call 120)
SIGNS: Final[dict[WarningSign, tuple[str, str, bool]]] = {
    W.CONFUSION: ("神志不清、叫不醒或说胡话", "confused, hard to wake or talking nonsense", True),
    W.STROKE: (
        "突然嘴歪、一侧手脚无力或麻木、说话不清（中风）",
        "sudden drooping face, weak or numb arm or leg on one side, slurred speech (stroke)",
        True,
    ),
    W.CHEST_PAIN: (
        "胸口压着痛或憋闷，休息也不缓解",
        "crushing chest pain or pressure that rest does not ease",
        True,
    ),
    W.CANNOT_LIE_FLAT: (
        "心慌胸闷、喘得不能平躺",
        "palpitations, chest tightness, too breathless to lie flat",
        True,
    ),
    W.COPD_SEVERE: (
        "嘴唇发紫、喘得说不出话、昏昏欲睡",
        "blue lips, too breathless to talk, very drowsy",
        True,
    ),
    W.BP_VERY_HIGH: (f"血压≥{_BP} mmHg", f"BP {_BP} mmHg or higher", False),
    W.SEVERE_HEADACHE: (
        "头很痛或很晕、恶心呕吐",
        "severe headache or dizziness, nausea or vomiting",
        False,
    ),
    W.BLURRED_VISION: ("看东西突然模糊或眼睛痛", "sudden blurred vision or eye pain", False),
    W.GLUCOSE_LOW: (
        f"血糖≤{_LOW}，或心慌、出虚汗（低血糖）",
        f"glucose {_LOW} or lower, or palpitations and sweating (low sugar)",
        False,
    ),
    W.GLUCOSE_HIGH: (
        f"血糖≥{_HIGH}，或很渴尿多、不想吃饭、呕吐、肚子痛、呼气有烂苹果味、呼吸深快",
        f"glucose {_HIGH} or higher, or great thirst and much urine, no appetite, vomiting, belly pain, "
        "fruity breath, deep fast breathing",
        False,
    ),
    W.PULSE_FEVER: (
        f"安静时心跳一直超过{emergency.PULSE_ABOVE}次/分，或发烧超过{emergency.TEMPERATURE_ABOVE:g}℃",
        f"resting pulse stays above {emergency.PULSE_ABOVE}/min, or fever above "
        f"{emergency.TEMPERATURE_ABOVE:g} °C",
        False,
    ),
    W.COPD_WORSE: (
        "喘得比平时厉害、痰变多或变黄变绿、发烧、腿肿",
        "more breathless than usual, more or yellow-green sputum, fever, swollen legs",
        False,
    ),
    W.PREGNANCY: (
        "怀孕或喂奶期间血压或血糖升高",
        "raised BP or glucose while pregnant or breast-feeding",
        False,
    ),
}
# The action after each sign, (zh, en): call 120, or see a doctor at once; two signs have their own.
ACTION_120: Final = ("立即打120", "call 120 at once")
ACTION_CLINIC: Final = ("马上就医", "see a doctor at once")
ACTIONS: Final[dict[WarningSign, tuple[str, str]]] = {
    W.STROKE: ("立即打120，记下发病时间", "call 120 at once and note the time it began"),
    W.GLUCOSE_LOW: (
        "能吞咽就先吃几块糖或喝糖水，再马上就医",
        "if you can swallow, take sugar or a sweet drink first, then see a doctor at once",
    ),
}
WARNING_LEAD: Final = (
    "出现下面任何一种情况，不要等复诊，按提示马上处理。",
    "If any of these happens, do not wait for your next visit: act as shown.",
)

# --- the sentences of the other topics: key → (zh, en), str.format fields in braces -------------------------

TEXT: Final[dict[str, tuple[str, str]]] = {
    "smoking.quit": (
        "吸烟伤血管、伤肺。请下决心戒烟，越早越好，家庭医生可以帮您。",
        "Smoking harms your blood vessels and lungs. Decide to quit, the sooner the better; your family doctor "
        "can help.",
    ),
    "smoking.unknown": (
        "不要吸烟；如果吸烟，请戒烟，家庭医生可以帮您。",
        "Do not smoke; if you do, quit — your family doctor can help.",
    ),
    "smoking.exposure": (
        "您不吸烟，很好。还要远离二手烟；烧柴、烧煤做饭取暖时要开窗通风。",
        "Good that you do not smoke. Keep away from other people's smoke too, and open a window when you cook "
        "or heat with wood or coal.",
    ),
    "alcohol.none": ("请不要喝酒。", "Please do not drink alcohol."),
    "alcohol.unknown": (
        "如果喝酒，每天不超过{g}克酒精，约{drinks}。",
        "If you drink, at most {g} g of alcohol a day: {drinks}.",
    ),
    "alcohol.over": (
        "您每天喝的酒约含{known}克酒精，太多了。请少喝：每天不超过{g}克，约{drinks}。",
        "You drink about {known} g of alcohol a day, too much. Cut down to at most {g} g: {drinks}.",
    ),
    "alcohol.keep": (
        "请保持每天喝酒不超过{g}克酒精，约{drinks}。",
        "Keep to at most {g} g of alcohol a day: {drinks}.",
    ),
    "drinks": (
        "白酒{baijiu}毫升（约{liang}两），或啤酒{beer}毫升，或葡萄酒{wine}毫升",
        "{baijiu} ml of baijiu, or {beer} ml of beer, or {wine} ml of wine",
    ),
    "medicines": (
        "按医生说的时间和剂量吃药，不要自己停药、减药或换药；吃药后不舒服，及时告诉医生。",
        "Take your medicines at the times and doses the doctor gave. Never stop, cut or change them yourself; "
        "tell the doctor if they upset you.",
    ),
    "medicines.dose_review": (
        "医生调整降压药后，{low}–{high}周内回来复查血压",
        "after the doctor changes your BP medicine, come back for a check within {low}–{high} weeks",
    ),
    "medicines.pharmacist": (
        "您吃的药种类多，下次把所有的药（包括自己买的）都带来，请药师帮您看看",
        "you take many medicines: bring all of them (bought ones too) next time for the pharmacist to check",
    ),
    "monitor": (
        "按下面的时间自己测、按时来查，把结果记下来，复诊时带给医生看。",
        "Check yourself and come for tests on this schedule; write the results down and bring them to your "
        "visits.",
    ),
    "monitor.home_bp": (
        "{when}在家量血压，早晚各一次（目标低于{bp} mmHg）",
        "measure your BP at home {when}, morning and evening (aim: below {bp} mmHg)",
    ),
    "monitor.bp_half_year": ("每半年量一次血压", "have your BP measured every 6 months"),
    "monitor.bp_yearly": ("每年至少量一次血压", "have your BP measured at least once a year"),
    "monitor.glucose": (
        "{when}测指尖血糖（空腹目标{low}–{high} mmol/L）",
        "check your finger-prick glucose {when} (fasting aim: {low}–{high} mmol/L)",
    ),
    "monitor.hba1c": (
        "{when}查一次糖化血红蛋白（目标低于{below}%）",
        "HbA1c test {when} (aim: below {below} %)",
    ),
    "monitor.lipids": ("{when}查一次血脂", "blood lipids {when}"),
    "monitor.checks": ("{when}查一次：{checks}", "{when}: {checks}"),
    "monitor.weigh": ("{when}称一次体重", "weigh yourself {when}"),
    "monitor.health_check": ("每年来做一次健康体检", "come for a health check every year"),
    "salt": (
        "每天吃盐不超过{g}克（一个啤酒瓶盖去掉胶垫，装平约{cap}克）。少吃咸菜、酱菜、腌肉，酱油、味精也含盐。",
        "Eat no more than {g} g of salt a day (a beer-bottle cap without its liner holds about {cap} g). Go easy "
        "on pickles, sauces and cured meat; soy sauce and MSG are salty too.",
    ),
    "salt.heavy": ("您口味偏咸，要慢慢减盐。", "Your food is salty: cut down step by step. "),
    "salt.light": ("您吃得清淡，请继续保持。", "Your food is not salty: keep it that way. "),
    "weight.bmi": ("您的体重指数（BMI）是{bmi}，{word}。", "Your BMI is {bmi}: {word}. "),
    "weight.overweight": ("偏胖", "overweight"),
    "weight.obese": ("肥胖", "obese"),
    "weight.underweight": ("偏瘦", "underweight"),
    "weight.waist": (
        "您的腰围{waist}厘米，偏粗（{sex}应小于{limit}厘米）。",
        "Your waist is {waist} cm, too wide ({sex}: below {limit} cm). ",
    ),
    "weight.male": ("男性", "men"),
    "weight.female": ("女性", "women"),
    "weight.less": ("少吃油和甜食，多运动", "Less fat and sugar, more exercise"),
    "weight.lose_to": ("，体重慢慢减到{kg}公斤以下。", ": bring your weight down slowly to below {kg} kg."),
    "weight.lose_bmi": ("，体重指数慢慢减到{bmi}以下。", ": bring your BMI down slowly to below {bmi}."),
    "weight.gain": ("饭要吃够，{protein}。", "Eat enough, with {protein}."),
    "weight.gain_to": ("把体重增加到{kg}公斤以上。", "Bring your weight up to at least {kg} kg."),
    "weight.keep": (
        "请把体重保持在{kg}公斤以下，腰围小于{limit}厘米。",
        "Keep your weight below {kg} kg and your waist below {limit} cm.",
    ),
    "weight.keep_bmi": (
        "请把体重指数保持在{bmi}以下，腰围小于{limit}厘米。",
        "Keep your BMI below {bmi} and your waist below {limit} cm.",
    ),
    "diet": ("吃饭要注意：", "When you eat:"),
    "exercise.goal": (
        "每周运动{sessions}天，每次{each}分钟左右，每周共{minutes}分钟以上，如快走、骑车、打太极拳。",
        "Exercise on {sessions} days a week, about {each} minutes each time, {minutes} minutes a week or more: "
        "brisk walking, cycling, tai chi.",
    ),
    "exercise.short": (
        "您每周运动约{known}分钟，还不够。",
        "You exercise about {known} minutes a week, not enough. ",
    ),
    "exercise.met": (
        "您每周运动约{known}分钟，达到了目标，请继续保持。",
        "You exercise about {known} minutes a week and meet your goal: keep it up.",
    ),
}


def _shown(value: object) -> object:
    return f"{value:g}" if isinstance(value, float) else value


def say(key: str, **fields: object) -> tuple[str, str]:
    """The (zh, en) sentence of `key` with its fields filled in. A field may be a (zh, en) pair; a float prints
    without a trailing .0."""
    zh = {k: _shown(v[0] if isinstance(v, tuple) else v) for k, v in fields.items()}
    en = {k: _shown(v[1] if isinstance(v, tuple) else v) for k, v in fields.items()}
    return TEXT[key][0].format(**zh), TEXT[key][1].format(**en)


def days_a_week(n: int) -> tuple[str, str]:
    return ("每天", "every day") if n >= 7 else (f"每周{n}天", f"on {n} day{'s' * (n > 1)} a week")


def every_days(n: int) -> tuple[str, str]:
    if n == 1:
        return "每天", "every day"
    if n % 7 == 0 and n < 28:
        weeks = n // 7
        return (f"每{weeks}周", f"every {weeks} weeks") if weeks > 1 else ("每周", "every week")
    if 28 <= n <= 31:
        return "每月", "every month"
    return f"每{n}天", f"every {n} days"


def every_months(n: int) -> tuple[str, str]:
    if n % 12 == 0:
        years = n // 12
        return (f"每{years}年", f"every {years} years") if years > 1 else ("每年", "every year")
    return f"每{n}个月", f"every {n} months"
