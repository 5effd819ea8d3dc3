"""The questionnaire registry and `score`: every questionnaire with valid and invalid answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from flows.model import Sex
from flows.rules import cdrs, copd, questionnaires, stroke, tcm
from flows.rules.base import CLAUSES, RuleError
from flows.rules.questionnaires import QUESTIONNAIRES, AnswerKind, QuestionnaireSettings

TODAY = dt.date(2026, 3, 2)

COPD_OK: dict[str, Any] = {
    "pack_years": 20,
    "bmi": 17.0,
    "cough_without_cold": True,
    "breathlessness": "walking_normally",
    "biomass_fuel": False,
    "family_history": False,
}
CDRS_OK: dict[str, Any] = {"family_history": True, "bmi": 22.0, "waist_cm": 60, "sbp": 120}
STROKE_OK: dict[str, Any] = {
    "hypertension": True,
    "af_or_valvular": False,
    "smoking": True,
    "dyslipidaemia_or_lipids_unknown": False,
    "diabetes": False,
    "little_exercise": False,
    "bmi_26_or_more": False,
    "family_history_stroke": False,
    "history_stroke": False,
    "history_tia": False,
}
TCM_OK: dict[str, Any] = {f"q{n}": 1 for n in range(1, 34)}

VALID: dict[str, tuple[dict[str, Any], int]] = {
    "copd_sq": (COPD_OK, 72),
    "cdrs": (CDRS_OK, 50),
    "stroke_8_2": (STROKE_OK, 60),
    "tcm_33": (TCM_OK, 70),
}


def run(qid: str, changes: dict[str, Any] | None = None, *, drop: str | None = None, **kw: Any) -> Any:
    base, age = VALID[qid]
    answers = {k: v for k, v in {**base, **(changes or {})}.items() if k != drop}
    return questionnaires.score(qid, answers, **{"age": age, "sex": Sex.MALE, "today": TODAY, **kw})


# --- the registry -------------------------------------------------------------------------------------------------


def test_registry() -> None:
    assert set(QUESTIONNAIRES) == {"copd_sq", "cdrs", "stroke_8_2", "tcm_33"}
    for qid, q in QUESTIONNAIRES.items():
        assert q.id == qid
        ids = [question.id for question in q.questions]
        assert len(ids) == len(set(ids))
        assert set(ids) == set(VALID[qid][0])
        assert q.clauses
        assert all(c in CLAUSES for c in q.clauses)
        for question in q.questions:
            assert question.text_zh
            assert question.text_en
            assert (question.kind is AnswerKind.CHOICE) == bool(question.options)


def test_tcm_questions_follow_the_form() -> None:
    q = QUESTIONNAIRES["tcm_33"]
    assert len(q.questions) == tcm.ITEM_COUNT
    assert q.min_age == 65
    q1 = q.questions[0]
    assert q1.text_zh == "(1)您精力充沛吗？（指精神头足，乐于做事）"
    assert [o.value for o in q1.options] == [1, 2, 3, 4, 5]
    assert q1.options[0].label_zh == "没有（根本不/从来没有）"
    by_id = {question.id: question for question in q.questions}
    assert by_id["q9"].from_measurement == "bmi"
    assert by_id["q9"].options[1].label_zh == "（24≤BMI＜25）"
    assert by_id["q14"].options[4].label_zh == "几乎每月都感冒"
    assert by_id["q17"].options[0].label_zh == "从来没有"
    assert by_id["q28"].from_measurement == "waist"
    assert by_id["q20"].options[0].label_zh == "没有（根本不/从来没有）"  # item 20 has the ordinary labels


def test_registry_encodes_for_the_api() -> None:
    raw = msgspec.json.encode(QUESTIONNAIRES)
    back = msgspec.json.decode(raw, type=dict[str, questionnaires.Questionnaire])
    assert back == QUESTIONNAIRES


# --- valid answers ------------------------------------------------------------------------------------------------


def test_copd_sq() -> None:
    r = run("copd_sq")
    expected = copd.score_copd_sq(msgspec.convert({**COPD_OK, "age": 72}, copd.CopdSqAnswers))
    assert r.score == expected.total == 26
    assert r.result == "high_risk"
    assert [s.code for s in r.next_steps] == ["copd.spirometry"]
    assert r.details["items"] == expected.items
    assert copd.CL_SQ in r.clauses


def test_copd_sq_low_risk_and_settings() -> None:
    low = run("copd_sq", {"cough_without_cold": False, "breathlessness": "none", "bmi": 30, "pack_years": 0})
    assert (low.score, low.result, low.next_steps) == (10, "low_risk", ())
    s = QuestionnaireSettings(copd=copd.CopdSettings(cough_points=4))
    assert run("copd_sq", settings=s).score == 25


@pytest.mark.parametrize(
    ("age", "result", "steps"),
    [
        pytest.param(45, "low_risk", [], id="CDRS via questionnaire: 24 is low risk"),
        pytest.param(50, "high_risk", ["dm.ogtt"], id="CDRS via questionnaire: 25 is high risk → OGTT"),
    ],
)
def test_cdrs(age: int, result: str, steps: list[str]) -> None:
    r = run("cdrs", age=age)
    assert r.result == result
    assert [s.code for s in r.next_steps] == steps
    assert r.details["items"]["sex"] == 2
    assert cdrs.CL_HIGH_RISK in r.clauses


@pytest.mark.parametrize(
    ("changes", "result", "points"),
    [
        pytest.param({}, "medium", 2, id="8+2 via questionnaire: hypertension + smoking is medium"),
        pytest.param({"diabetes": True}, "high", 3, id="8+2 via questionnaire: 3 factors is high"),
        pytest.param(
            {"hypertension": False, "smoking": False, "history_tia": True},
            "high",
            0,
            id="8+2 via questionnaire: TIA is high",
        ),
        pytest.param({"hypertension": False}, "low", 1, id="8+2 via questionnaire: smoking alone is low"),
    ],
)
def test_stroke(changes: dict[str, Any], result: str, points: int) -> None:
    r = run("stroke_8_2", changes)
    assert (r.result, r.score) == (result, points)
    assert r.findings[0].code == f"stroke.risk.{result}"
    assert stroke.CL_FACTORS in r.clauses


def test_tcm_balanced() -> None:
    r = run("tcm_33")
    assert r.score is None
    assert r.result == "pinghe"
    assert r.details["sums"]["pinghe"] == 21
    assert r.details["verdicts"]["qixu"] == "no"
    assert [g["constitution"] for g in r.details["guidance"]] == ["pinghe"]
    assert r.next_steps[0].due == dt.date(2027, 3, 2)


def test_tcm_two_biased_types() -> None:
    r = run("tcm_33", {"q19": 4, "q22": 4, "q24": 4, "q33": 4, "q23": 3, "q25": 3, "q27": 3, "q30": 2})
    assert r.result == "xueyu+shire"  # 血瘀 16 then 湿热 11, both 是
    assert r.details["main"] == ["xueyu", "shire"]
    guidance = r.details["guidance"]
    assert [g["constitution"] for g in guidance] == ["shire", "xueyu"]
    assert list(guidance[0]["acupoints_zh"]) == ["支沟", "阴陵泉"]
    assert tcm.CL_GUIDANCE_U in r.clauses


def test_tcm_undetermined() -> None:
    assert run("tcm_33", {"q2": 3, "q5": 3, "q13": 2}).result == "undetermined"


def test_json_answers() -> None:
    raw = b'{"pack_years": 0, "bmi": 30, "cough_without_cold": false, "breathlessness": "none",'
    raw += b' "biomass_fuel": true, "family_history": true}'
    answers = msgspec.json.decode(raw)
    assert questionnaires.score("copd_sq", answers, age=45, sex=Sex.FEMALE, today=TODAY).score == 4


# --- invalid answers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qid", "changes", "drop", "field"),
    [
        pytest.param("copd_sq", {}, "bmi", "answers.bmi", id="COPD-SQ: a missing answer"),
        pytest.param("copd_sq", {"colour": "red"}, None, "answers.colour", id="COPD-SQ: an unknown question"),
        pytest.param(
            "copd_sq", {"cough_without_cold": 1}, None, "answers.cough_without_cold", id="yes/no given 1"
        ),
        pytest.param(
            "copd_sq", {"biomass_fuel": "yes"}, None, "answers.biomass_fuel", id="yes/no given a string"
        ),
        pytest.param(
            "copd_sq", {"breathlessness": "sometimes"}, None, "answers.breathlessness", id="not an option"
        ),
        pytest.param(
            "copd_sq", {"breathlessness": 1}, None, "answers.breathlessness", id="option of wrong type"
        ),
        pytest.param("copd_sq", {"bmi": "30"}, None, "answers.bmi", id="number given a string"),
        pytest.param("copd_sq", {"bmi": True}, None, "answers.bmi", id="number given a bool"),
        pytest.param("copd_sq", {"bmi": 150}, None, "answers.bmi", id="BMI above the maximum"),
        pytest.param("copd_sq", {"pack_years": -1}, None, "answers.pack_years", id="pack-years below 0"),
        pytest.param(
            "copd_sq", {"pack_years": float("nan")}, None, "answers.pack_years", id="NaN pack-years"
        ),
        pytest.param("cdrs", {}, "sbp", "answers.sbp", id="CDRS: SBP missing"),
        pytest.param("cdrs", {"sbp": 120.5}, None, "answers.sbp", id="CDRS: SBP must be whole"),
        pytest.param(
            "cdrs", {"sbp": 400}, None, "answers.sbp", id="CDRS: SBP 400 refused by hypertension check"
        ),
        pytest.param("cdrs", {"waist_cm": 10}, None, "answers.waist_cm", id="CDRS: waist below the minimum"),
        pytest.param(
            "cdrs", {"family_history": None}, None, "answers.family_history", id="CDRS: null yes/no"
        ),
        pytest.param("stroke_8_2", {"smoking": 0}, None, "answers.smoking", id="8+2: yes/no given 0"),
        pytest.param("stroke_8_2", {}, "history_tia", "answers.history_tia", id="8+2: TIA unanswered"),
        pytest.param("tcm_33", {"q1": 6}, None, "answers.q1", id="TCM: answer 6 is not an option"),
        pytest.param("tcm_33", {"q7": "3"}, None, "answers.q7", id="TCM: a string answer"),
        pytest.param("tcm_33", {"q7": 3.0}, None, "answers.q7", id="TCM: a float answer"),
        pytest.param("tcm_33", {"q7": True}, None, "answers.q7", id="TCM: a boolean answer (True == 1)"),
        pytest.param("tcm_33", {}, "q33", "answers.q33", id="TCM: item 33 unanswered"),
        pytest.param("tcm_33", {"q34": 1}, None, "answers.q34", id="TCM: a 34th item"),
    ],
)
def test_invalid_answers(qid: str, changes: dict[str, Any], drop: str | None, field: str) -> None:
    with pytest.raises(RuleError) as err:
        run(qid, changes, drop=drop)
    assert err.value.field == field
    assert err.value.message


@pytest.mark.parametrize(
    ("qid", "age"),
    [
        pytest.param("copd_sq", 39, id="COPD-SQ refuses age 39"),
        pytest.param("cdrs", 19, id="CDRS refuses age 19"),
        pytest.param("cdrs", 75, id="CDRS refuses age 75"),
        pytest.param("stroke_8_2", 39, id="8+2 refuses age 39"),
        pytest.param("tcm_33", 64, id="TCM refuses age 64"),
    ],
)
def test_age_outside_the_questionnaire(qid: str, age: int) -> None:
    with pytest.raises(RuleError) as err:
        run(qid, age=age)
    assert err.value.field == "age"


def test_unknown_questionnaire() -> None:
    with pytest.raises(RuleError) as err:
        questionnaires.score("phq9", {}, age=50, sex=Sex.MALE, today=TODAY)
    assert err.value.field == "questionnaire"


# --- prefill ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qid", "measurements", "expected"),
    [
        pytest.param("tcm_33", {"bmi": 25.5, "waist": 91.0}, {"q9": 3, "q28": 4}, id="TCM items 9 and 28"),
        pytest.param(
            "cdrs",
            {"bmi": 24.2, "waist": 80.0, "sbp": 131.6},
            {"bmi": 24.2, "waist_cm": 80.0, "sbp": 132},
            id="CDRS numbers",
        ),
        pytest.param("stroke_8_2", {"bmi": 26.0}, {"bmi_26_or_more": True}, id="8+2 BMI ≥26 factor"),
        pytest.param(
            "stroke_8_2", {"bmi": 25.9}, {"bmi_26_or_more": False}, id="8+2 BMI 25.9 is not the factor"
        ),
        pytest.param("copd_sq", {"sbp": 120}, {}, id="an unused measurement prefills nothing"),
    ],
)
def test_prefill(qid: str, measurements: dict[str, float], expected: dict[str, object]) -> None:
    assert questionnaires.prefill(qid, measurements) == expected
