"""The questionnaires as data, one registry the API and the TUI share, and one `score` that validates every answer.

COPD-SQ (flows.rules.copd), CDRS (flows.rules.cdrs), the 8+2 stroke screen (flows.rules.stroke) and the 33-item
TCM constitution assessment (flows.rules.tcm). Age and sex come from the resident, never from a question.
Answers arrive as decoded JSON: an int, a float, a string or a bool per question id. Every refusal is a
RuleError naming `answers.<question id>` (or `age`, or `questionnaire`) with a message a nurse can act on.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Callable, Mapping
from typing import Final

import msgspec

from flows.model import Sex
from flows.rules import _tcm_data, cdrs, copd, stroke, tcm, weight
from flows.rules.base import MAX_AGE, Finding, NextStep, RuleError


class AnswerKind(enum.StrEnum):
    CHOICE = "choice"  # one of `options` (the value's type must match: an int option takes an int)
    YES_NO = "yes_no"  # true or false
    INTEGER = "integer"  # a whole number within minimum..maximum
    NUMBER = "number"  # any finite number within minimum..maximum


class Option(msgspec.Struct, frozen=True, kw_only=True):
    value: str | int
    label_zh: str
    label_en: str


class Question(msgspec.Struct, frozen=True, kw_only=True):
    """One question. `from_measurement` names the visit's observation code (flows.measurements: "bmi",
    "waist", "sbp") the answer can be prefilled from — through `prefill`, which maps it where the form says so."""

    id: str
    text_zh: str
    text_en: str
    kind: AnswerKind
    options: tuple[Option, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None
    from_measurement: str | None = None


class Questionnaire(msgspec.Struct, frozen=True, kw_only=True):
    id: str  # "copd_sq" | "cdrs" | "stroke_8_2" | "tcm_33"
    title_zh: str
    title_en: str
    min_age: int | None
    max_age: int | None
    questions: tuple[Question, ...]
    clauses: tuple[str, ...]


class QuestionnaireResult(msgspec.Struct, frozen=True, kw_only=True):
    questionnaire: str
    score: float | None  # the total, where the questionnaire has one
    result: (
        str  # short machine code: "high_risk", "low_risk", "high", "medium", "low", "qixu", "qixu+yangxu", …
    )
    findings: tuple[Finding, ...]
    next_steps: tuple[NextStep, ...]
    details: dict[str, object]  # item points, per-constitution sums and verdicts, guidance
    clauses: tuple[str, ...]


class QuestionnaireSettings(msgspec.Struct, frozen=True, kw_only=True):
    """The [U] settings of the modules behind the questionnaires (see `CopdSettings`, `TcmSettings`)."""

    copd: copd.CopdSettings = msgspec.field(default_factory=copd.CopdSettings)
    tcm: tcm.TcmSettings = msgspec.field(default_factory=tcm.TcmSettings)


def _yes_no(id: str, zh: str, en: str, from_measurement: str | None = None) -> Question:
    return Question(id=id, text_zh=zh, text_en=en, kind=AnswerKind.YES_NO, from_measurement=from_measurement)


_BMI_Q: Final = Question(
    id="bmi",
    text_zh="体重指数（BMI）",
    text_en="Body mass index (BMI)",
    kind=AnswerKind.NUMBER,
    minimum=weight.BMI_RANGE[0],
    maximum=weight.BMI_RANGE[1],
    unit="kg/m²",
    from_measurement="bmi",
)

COPD_SQ: Final = Questionnaire(
    id="copd_sq",
    title_zh="慢阻肺病筛查问卷（COPD-SQ）",
    title_en="COPD screening questionnaire (COPD-SQ)",
    min_age=copd.COPD_SQ_MIN_AGE,
    max_age=MAX_AGE,
    questions=(
        Question(
            id="pack_years",
            text_zh="吸烟量（包年）：每天吸烟包数 × 吸烟年数",
            text_en="Smoking (pack-years): packs a day × years smoked",
            kind=AnswerKind.NUMBER,
            minimum=0.0,
            maximum=copd.MAX_PACK_YEARS,
            unit="包年",
        ),
        _BMI_Q,
        _yes_no(
            "cough_without_cold", "没感冒时是否经常咳嗽？", "Do you often cough when you do not have a cold?"
        ),
        Question(
            id="breathlessness",
            text_zh="您平时是否感觉有气促？",
            text_en="Do you usually feel short of breath?",
            kind=AnswerKind.CHOICE,
            options=(
                Option(value=copd.Breathlessness.NONE.value, label_zh="没有气促", label_en="No"),
                Option(
                    value=copd.Breathlessness.HURRYING_OR_CLIMBING.value,
                    label_zh="在平地急行或爬小坡时感觉气促",
                    label_en="When hurrying on the level or walking up a slight hill",
                ),
                Option(
                    value=copd.Breathlessness.WALKING_NORMALLY.value,
                    label_zh="平地正常行走时感觉气促",
                    label_en="When walking at a normal pace on the level",
                ),
            ),
        ),
        _yes_no(
            "biomass_fuel",
            "目前是否使用煤炉或柴草烹饪或取暖？",
            "Do you cook or heat with a coal stove, wood or straw?",
        ),
        _yes_no(
            "family_history",
            "父母、兄弟姐妹及子女中，是否有人患有支气管哮喘、慢性支气管炎、肺气肿或慢阻肺？",
            "Has a parent, brother, sister or child had asthma, chronic bronchitis, emphysema or COPD?",
        ),
    ),
    clauses=(copd.CL_SQ, copd.CL_SQ_V2, copd.CL_SQ_U),
)

CDRS: Final = Questionnaire(
    id="cdrs",
    title_zh="中国糖尿病风险评分",
    title_en="Chinese diabetes risk score (CDRS)",
    min_age=cdrs.MIN_AGE,
    max_age=cdrs.MAX_AGE,
    questions=(
        _yes_no(
            "family_history",
            "父母、兄弟姐妹或子女中是否有人患糖尿病？",
            "Does a parent, brother, sister or child have diabetes?",
        ),
        _BMI_Q,
        Question(
            id="waist_cm",
            text_zh="腰围",
            text_en="Waist circumference",
            kind=AnswerKind.NUMBER,
            minimum=weight.WAIST_CM_RANGE[0],
            maximum=weight.WAIST_CM_RANGE[1],
            unit="cm",
            from_measurement="waist",
        ),
        Question(
            id="sbp",
            text_zh="收缩压",
            text_en="Systolic blood pressure",
            kind=AnswerKind.INTEGER,
            unit="mmHg",
            from_measurement="sbp",
        ),  # plausibility is hypertension.check_sbp's, reported as answers.sbp
    ),
    clauses=(cdrs.CL_AGE, cdrs.CL_POINTS, cdrs.CL_WAIST, cdrs.CL_HIGH_RISK),
)

STROKE_8_2: Final = Questionnaire(
    id="stroke_8_2",
    title_zh="脑卒中高危人群筛查（8+2）",
    title_en="Stroke risk screen (8+2)",
    min_age=stroke.STROKE_SCREEN_MIN_AGE,
    max_age=None,
    questions=(
        _yes_no(
            "hypertension",
            "高血压（≥140/90 mmHg）或正在服用降压药",
            "Hypertension (≥140/90 mmHg) or taking blood-pressure medicine",
        ),
        _yes_no("af_or_valvular", "房颤或心脏瓣膜病", "Atrial fibrillation or valvular heart disease"),
        _yes_no("smoking", "吸烟", "Smoking"),
        _yes_no(
            "dyslipidaemia_or_lipids_unknown",
            "血脂异常或不知道自己的血脂情况",
            "Abnormal blood lipids, or lipids unknown",
        ),
        _yes_no("diabetes", "糖尿病", "Diabetes"),
        _yes_no(
            "little_exercise",
            "很少进行体育锻炼（经常锻炼指每周≥3次、每次≥30分钟、持续1年以上；中重度体力劳动视为经常锻炼）",
            "Little exercise (regular means ≥3 times a week, ≥30 minutes, for over a year; moderate or heavy "
            "manual labour counts)",
        ),
        _yes_no(
            "bmi_26_or_more",
            "明显超重或肥胖（BMI≥26 kg/m²）",
            "Clearly overweight or obese (BMI ≥26 kg/m²)",
            from_measurement="bmi",
        ),
        _yes_no("family_history_stroke", "有脑卒中家族史", "Family history of stroke"),
        _yes_no("history_stroke", "既往有脑卒中病史", "Has had a stroke"),
        _yes_no(
            "history_tia", "既往有短暂性脑缺血发作（TIA）病史", "Has had a transient ischaemic attack (TIA)"
        ),
    ),
    clauses=(stroke.CL_AGE, stroke.CL_FACTORS, stroke.CL_HIGH, stroke.CL_MEDIUM, stroke.CL_LOW),
)


def _tcm_question(n: int) -> Question:
    zh, en = _tcm_data.ITEMS[n - 1]
    labels = _tcm_data.SPECIAL_LABELS.get(n, _tcm_data.STANDARD_LABELS)
    return Question(
        id=f"q{n}",
        text_zh=zh,
        text_en=en,
        kind=AnswerKind.CHOICE,
        options=tuple(Option(value=v, label_zh=z, label_en=e) for v, (z, e) in enumerate(labels, start=1)),
        from_measurement={9: "bmi", 28: "waist"}.get(n),
    )


TCM_33: Final = Questionnaire(
    id="tcm_33",
    title_zh="老年人中医药健康管理服务记录表（中医体质辨识）",
    title_en="TCM constitution assessment for older people (33 items)",
    min_age=tcm.MIN_AGE,
    max_age=None,
    questions=tuple(_tcm_question(n) for n in range(1, tcm.ITEM_COUNT + 1)),
    clauses=(
        tcm.CL_FORM_TEXTS,
        tcm.CL_ITEMS,
        tcm.CL_BIASED,
        tcm.CL_BALANCED,
        tcm.CL_YEARLY,
        tcm.CL_GUIDANCE,
        tcm.CL_GUIDANCE_U,
    ),
)

QUESTIONNAIRES: Final[dict[str, Questionnaire]] = {q.id: q for q in (COPD_SQ, CDRS, STROKE_8_2, TCM_33)}


# --- validation ----------------------------------------------------------------------------------------------


def _fail(q: Question, message: str) -> RuleError:
    return RuleError(f"{q.text_en.split(' (')[0]}: {message}", field=f"answers.{q.id}")


def _check_value(q: Question, value: object) -> object:
    if q.kind is AnswerKind.YES_NO:
        if not isinstance(value, bool):
            raise _fail(q, f"answer yes (true) or no (false), got {value!r}")
        return value
    if q.kind is AnswerKind.CHOICE:
        # Equal values of another type (True == 1, "1" vs 1) are refused: the type must match the option's.
        for option in q.options:
            if type(value) is type(option.value) and value == option.value:
                return value
        allowed = ", ".join(repr(o.value) for o in q.options)
        raise _fail(q, f"choose one of {allowed}, got {value!r}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(q, f"enter a number, got {value!r}")
    if q.kind is AnswerKind.INTEGER and not isinstance(value, int):
        raise _fail(q, f"enter a whole number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise _fail(q, f"enter a real number, got {value!r}")
    unit = f" {q.unit}" if q.unit else ""
    if (q.minimum is not None and number < q.minimum) or (q.maximum is not None and number > q.maximum):
        raise _fail(q, f"{value}{unit} is outside {q.minimum}–{q.maximum}{unit}")
    return value


def validate(questionnaire: Questionnaire, answers: Mapping[str, object]) -> dict[str, object]:
    """Every question answered, no unknown question, every value of the right type and in range."""
    known = {q.id for q in questionnaire.questions}
    for key in answers:
        if key not in known:
            raise RuleError(f"{key!r} is not a question of {questionnaire.title_en}", field=f"answers.{key}")
    out: dict[str, object] = {}
    for q in questionnaire.questions:
        if q.id not in answers:
            raise _fail(q, "this question is unanswered")
        out[q.id] = _check_value(q, answers[q.id])
    return out


def _check_age(questionnaire: Questionnaire, age: int) -> None:
    low, high = questionnaire.min_age, questionnaire.max_age
    if (low is not None and age < low) or (high is not None and age > high):
        span = f"{low}–{high}" if high is not None else f"≥{low}"
        raise RuleError(f"{questionnaire.title_en} is for ages {span}; the resident is {age}", field="age")


# --- scoring -------------------------------------------------------------------------------------------------

_Scorer = Callable[[dict[str, object], int, Sex, dt.date, QuestionnaireSettings], QuestionnaireResult]


def _score_copd(
    a: dict[str, object], age: int, sex: Sex, today: dt.date, s: QuestionnaireSettings
) -> QuestionnaireResult:
    answers = msgspec.convert({**a, "age": age}, copd.CopdSqAnswers)
    r = copd.score_copd_sq(answers, s.copd)
    finding, step = copd.copd_sq_assessment(answers, s.copd)
    return QuestionnaireResult(
        questionnaire=COPD_SQ.id,
        score=r.total,
        result="high_risk" if r.high_risk else "low_risk",
        findings=(finding,),
        next_steps=(step,) if step else (),
        details={"items": r.items},
        clauses=finding.clauses,
    )


def _score_cdrs(
    a: dict[str, object], age: int, sex: Sex, today: dt.date, s: QuestionnaireSettings
) -> QuestionnaireResult:
    r = cdrs.score_cdrs(msgspec.convert({**a, "age": age, "sex": sex}, cdrs.CdrsInput))
    return QuestionnaireResult(
        questionnaire=CDRS.id,
        score=r.total,
        result="high_risk" if r.high_risk else "low_risk",
        findings=r.findings,
        next_steps=r.next_steps,
        details={"items": r.items},
        clauses=r.clauses,
    )


def _score_stroke(
    a: dict[str, object], age: int, sex: Sex, today: dt.date, s: QuestionnaireSettings
) -> QuestionnaireResult:
    factors = msgspec.convert(a, stroke.StrokeFactors)
    risk = stroke.assess_stroke_risk(age, factors)
    finding = stroke.stroke_finding(age, factors)
    return QuestionnaireResult(
        questionnaire=STROKE_8_2.id,
        score=risk.points,
        result=risk.level.value,
        findings=(finding,),
        next_steps=(),
        details={"points": risk.points, "factors": list(risk.factors)},
        clauses=finding.clauses,
    )


def _score_tcm(
    a: dict[str, object], age: int, sex: Sex, today: dt.date, s: QuestionnaireSettings
) -> QuestionnaireResult:
    r = tcm.assess_tcm(a, today=today, settings=s.tcm)
    return QuestionnaireResult(
        questionnaire=TCM_33.id,
        score=None,
        result="+".join(c.value for c in r.main) or "undetermined",
        findings=r.findings,
        next_steps=r.next_steps,
        details={
            "sums": {sc.constitution.value: sc.total for sc in r.scores},
            "verdicts": {sc.constitution.value: sc.verdict.value for sc in r.scores},
            "main": [c.value for c in r.main],
            "guidance": msgspec.to_builtins(r.guidance),
        },
        clauses=r.clauses,
    )


_SCORERS: Final[dict[str, _Scorer]] = {
    COPD_SQ.id: _score_copd,
    CDRS.id: _score_cdrs,
    STROKE_8_2.id: _score_stroke,
    TCM_33.id: _score_tcm,
}


def get(questionnaire_id: str) -> Questionnaire:
    try:
        return QUESTIONNAIRES[questionnaire_id]
    except KeyError:
        known = ", ".join(QUESTIONNAIRES)
        raise RuleError(
            f"unknown questionnaire {questionnaire_id!r} (known: {known})", field="questionnaire"
        ) from None


def score(
    questionnaire_id: str,
    answers: Mapping[str, object],
    *,
    age: int,
    sex: Sex,
    today: dt.date,
    settings: QuestionnaireSettings | None = None,
) -> QuestionnaireResult:
    """Validate the answers against the questionnaire, then score them with the module behind it.

    A refusal by that module naming one of the questions (e.g. hypertension's SBP plausibility as "sbp") is
    re-raised as `answers.<question id>`; `age` stays `age`.
    """
    questionnaire = get(questionnaire_id)
    _check_age(questionnaire, age)
    valid = validate(questionnaire, answers)
    try:
        return _SCORERS[questionnaire.id](valid, age, sex, today, settings or QuestionnaireSettings())
    except RuleError as err:
        if err.field in valid:
            raise RuleError(err.message, field=f"answers.{err.field}") from err
        raise


# --- prefill from the visit's measurements -------------------------------------------------------------------

# Answers derived from a measurement by a rule of the form, keyed (questionnaire id, question id).
_DERIVED: Final[dict[tuple[str, str], Callable[[float], object]]] = {
    (TCM_33.id, "q9"): tcm.answer_from_bmi,
    (TCM_33.id, "q28"): tcm.answer_from_waist,
    (STROKE_8_2.id, "bmi_26_or_more"): weight.stroke_screen_bmi_point,
}


def prefill(questionnaire_id: str, measurements: Mapping[str, float]) -> dict[str, object]:
    """Answers the visit's measurements (observation codes "bmi", "waist", "sbp") already give.

    A NUMBER question takes the value, an INTEGER question the rounded value, a CHOICE or YES_NO question the
    answer its form derives (TCM item 9 from BMI, item 28 from waist; the 8+2 BMI ≥26 factor).
    """
    questionnaire = get(questionnaire_id)
    out: dict[str, object] = {}
    for q in questionnaire.questions:
        if q.from_measurement is None or q.from_measurement not in measurements:
            continue
        value = measurements[q.from_measurement]
        derive = _DERIVED.get((questionnaire.id, q.id))
        if derive is not None:
            out[q.id] = derive(value)
        elif q.kind is AnswerKind.INTEGER:
            out[q.id] = round(value)
        else:
            out[q.id] = value
    return out
