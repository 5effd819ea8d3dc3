"""The hypertension follow-up form: drinks in 两 of baijiu, its options and their validation (BPHS-2017)."""

from __future__ import annotations

import pytest

from flows.rules import htn_form
from flows.rules.base import CLAUSES, Confidence, RuleError
from flows.rules.htn_form import LifestyleNowTarget, Rating, ReferralResult, SaltIntake, Symptom


@pytest.mark.parametrize(
    ("drinks", "liang"),
    [
        pytest.param({"baijiu": 100}, 2.0, id="HTN.form.drinks: 100 ml baijiu is 2 两"),
        pytest.param({"beer": 500}, 1.0, id="HTN.form.drinks: beer ÷10 — 500 ml is 1 两"),
        pytest.param({"wine": 200}, 1.0, id="HTN.form.drinks: wine ÷4 — 200 ml is 1 两"),
        pytest.param({"huangjiu": 250}, 1.0, id="HTN.form.drinks: huangjiu ÷5 — 250 ml is 1 两"),
        pytest.param({"baijiu": 50, "beer": 500}, 2.0, id="HTN.form.drinks: kinds add up"),
        pytest.param({}, 0.0, id="HTN.form.drinks: nothing is 0"),
    ],
)
def test_drinks_as_liang_of_baijiu(drinks: dict[str, float], liang: float) -> None:
    assert htn_form.baijiu_liang(drinks) == liang


@pytest.mark.parametrize(
    ("drinks", "field"),
    [
        pytest.param({"cider": 100}, "drinks.cider", id="unknown drink"),
        pytest.param({"beer": -1}, "drinks.beer", id="negative amount"),
        pytest.param({"baijiu": 6000}, "drinks", id="over 100 两 a day"),
    ],
)
def test_impossible_drinks_are_refused(drinks: dict[str, float], field: str) -> None:
    with pytest.raises(RuleError) as caught:
        htn_form.baijiu_liang(drinks)
    assert caught.value.field == field


def test_no_symptoms_excludes_the_others_and_duplicates_collapse() -> None:
    assert htn_form.check_symptoms((Symptom.HEADACHE_DIZZINESS, Symptom.HEADACHE_DIZZINESS)) == (
        Symptom.HEADACHE_DIZZINESS,
    )
    with pytest.raises(RuleError) as caught:
        htn_form.check_symptoms((Symptom.NONE, Symptom.LEG_OEDEMA))
    assert caught.value.field == "symptoms"


def test_lifestyle_line_checks_now_and_target() -> None:
    ok = LifestyleNowTarget(cigarettes_per_day=(20, 0), salt=(SaltIntake.HEAVY, SaltIntake.LIGHT))
    assert htn_form.check_lifestyle(ok) is ok
    with pytest.raises(RuleError) as caught:
        htn_form.check_lifestyle(LifestyleNowTarget(exercise_minutes=(30, 900)))
    assert caught.value.field == "exercise_minutes.target"


def test_every_option_has_national_and_english_labels() -> None:
    options = [*Symptom, *SaltIntake, *Rating, *ReferralResult]
    assert set(htn_form.LABELS) == set(options)
    assert htn_form.LABELS[Symptom.EPISTAXIS][0] == "鼻衄出血不止"
    assert htn_form.LABELS[ReferralResult.ARRIVED][0] == "到位"
    assert {CLAUSES[c].confidence for c in (htn_form.C_FORM, htn_form.C_DRINKS)} == {Confidence.V}
