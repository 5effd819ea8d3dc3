"""The national follow-up forms as values: fields, the drinks conversion, refusals by path, the merged form,
the prefill from what is known, and the doctor's class over the rules' (one case per clause)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from flows.errors import InvalidInput
from flows.followup_form import (
    CopdBlock,
    DiabetesBlock,
    Drinks,
    FollowupForm,
    HypertensionBlock,
    IntLine,
    Medication,
    Signs,
    blocks_of,
    form_of,
    merged_form,
    union_of,
)
from flows.followup_form import Lifestyle as FormLifestyle
from flows.followup_form_check import check_form
from flows.followup_prefill import mg_per_dose, prefill, times_per_day
from flows.model import Condition
from flows.record import ExerciseFrequency, SmokingStatus
from flows.record import Lifestyle as RecordLifestyle
from flows.rules import followup_override
from flows.rules.copd import CopdSymptom
from flows.rules.diabetes_care import FormSymptom, PedalPulse, Side
from flows.rules.htn_form import SaltIntake, Symptom
from flows.rules.multimorbidity import DiseaseFollowup, assess_visit

HTN, DM, COPD = Condition.HYPERTENSION, Condition.DIABETES, Condition.COPD
TODAY = dt.date(2026, 5, 4)


@pytest.mark.parametrize(
    ("drinks", "liang"),
    [
        pytest.param(Drinks(baijiu_ml=100), 2.0, id="HTN.form.drinks: baijiu 100 ml = 2 两"),
        pytest.param(Drinks(beer_ml=500), 1.0, id="HTN.form.drinks: beer ÷10 (500 ml = 1 两)"),
        pytest.param(Drinks(wine_ml=200), 1.0, id="HTN.form.drinks: wine ÷4 (200 ml = 1 两)"),
        pytest.param(Drinks(huangjiu_ml=250), 1.0, id="HTN.form.drinks: huangjiu ÷5 (250 ml = 1 两)"),
        pytest.param(Drinks(baijiu_ml=50, beer_ml=500), 2.0, id="HTN.form.drinks: kinds add up"),
    ],
)
def test_drinks_are_recorded_in_liang_of_baijiu(drinks: Drinks, liang: float) -> None:
    assert drinks.liang() == liang


def test_the_forms_fields_round_trip_as_json_and_refuse_unknown_boxes() -> None:
    form = merged_form([HTN, DM, COPD], FollowupForm(signs=Signs(sbp=128, dbp=78, heart_rate=72)))
    assert blocks_of(form) == (HTN, DM, COPD)
    encoded = msgspec.json.encode(form)
    assert msgspec.json.decode(encoded, type=FollowupForm) == form
    with pytest.raises(msgspec.ValidationError, match="signz"):
        msgspec.convert({"signz": {}}, FollowupForm)
    with pytest.raises(msgspec.ValidationError, match=r"\$\.hypertension\.symptoms\[0\]"):
        msgspec.convert({"hypertension": {"symptoms": ["sneezing"]}}, FollowupForm)


def test_merged_form_is_the_union_of_the_blocks_with_the_shared_part_once() -> None:
    """CLINICAL_RULES.md §11 (MM.per_disease): a block per condition with a form, the shared fields once."""
    form = merged_form(
        [HTN, DM, Condition.OBESITY], FollowupForm(medications=(Medication(drug="氨氯地平片"),))
    )
    assert blocks_of(form) == (HTN, DM)
    assert form.medications == (Medication(drug="氨氯地平片"),)
    htn_only = form_of(form, HTN)
    assert blocks_of(htn_only) == (HTN,)
    assert htn_only.medications == form.medications
    assert union_of([form_of(form, HTN), form_of(form, DM)]) == form
    assert union_of([]) is None


def _refused(form: FollowupForm, conditions: list[Condition], adverse: bool = False) -> dict[str, Any]:
    with pytest.raises(InvalidInput) as caught:
        check_form(form, conditions, adverse_reaction=adverse)
    return {"field": caught.value.field, "message": caught.value.message}


@pytest.mark.parametrize(
    ("form", "conditions", "field"),
    [
        pytest.param(
            FollowupForm(
                hypertension=HypertensionBlock(
                    symptoms=(Symptom.HEADACHE_DIZZINESS, Symptom.EPISTAXIS, Symptom.NONE)
                )
            ),
            [HTN],
            "form.hypertension.symptoms[2]",
            id="HTN.form.options: 无症状 excludes every other box",
        ),
        pytest.param(
            FollowupForm(hypertension=HypertensionBlock(symptoms=())),
            [HTN],
            "form.hypertension.symptoms",
            id="HTN.form.options: a symptom box must be ticked",
        ),
        pytest.param(
            FollowupForm(diabetes=DiabetesBlock(symptoms=(FormSymptom.POLYURIA, FormSymptom.POLYURIA))),
            [DM],
            "form.diabetes.symptoms[1]",
            id="DM.form.options: a box ticked twice",
        ),
        pytest.param(
            FollowupForm(diabetes=DiabetesBlock(dorsalis_pedis=PedalPulse.WEAKENED)),
            [DM],
            "form.diabetes.dorsalis_pedis_side",
            id="DM.form.options: a weakened pedal pulse needs a side",
        ),
        pytest.param(
            FollowupForm(
                diabetes=DiabetesBlock(dorsalis_pedis=PedalPulse.NORMAL, dorsalis_pedis_side=Side.LEFT)
            ),
            [DM],
            "form.diabetes.dorsalis_pedis_side",
            id="DM.form.options: a normal pedal pulse takes no side",
        ),
        pytest.param(
            FollowupForm(diabetes=DiabetesBlock(fpg=82.0)),
            [DM],
            "form.diabetes.fpg",
            id="plausibility: an FPG in mg/dL",
        ),
        pytest.param(
            FollowupForm(copd=CopdBlock(fev1_l=3.0, fvc_l=2.0)),
            [COPD],
            "form.copd.fev1_l",
            id="COPD.followup.form: FEV1 cannot exceed FVC",
        ),
        pytest.param(
            FollowupForm(copd=CopdBlock(symptoms=(CopdSymptom.COUGH, CopdSymptom.NONE))),
            [COPD],
            "form.copd.symptoms[1]",
            id="COPD.followup.form: none with a symptom",
        ),
        pytest.param(
            FollowupForm(copd=CopdBlock(spo2=30)),
            [COPD],
            "form.copd.spo2",
            id="plausibility: SpO2",
        ),
        pytest.param(
            FollowupForm(signs=Signs(sbp=120, dbp=130)),
            [HTN],
            "form.signs.dbp",
            id="plausibility: diastolic above systolic",
        ),
        pytest.param(
            FollowupForm(lifestyle=FormLifestyle(cigarettes_per_day=IntLine(now=10, target=500))),
            [HTN],
            "form.lifestyle.cigarettes_per_day.target",
            id="plausibility: a lifestyle target",
        ),
        pytest.param(
            FollowupForm(
                medications=(Medication(drug="氨氯地平片"), Medication(drug="二甲双胍片", times_per_day=12))
            ),
            [HTN],
            "form.medications[1].times_per_day",
            id="plausibility: times a day of a drug line",
        ),
        pytest.param(
            FollowupForm(diabetes=DiabetesBlock()),
            [HTN],
            "form.diabetes",
            id="a block of a condition not followed up",
        ),
        pytest.param(
            FollowupForm(adverse_reaction="干咳"),
            [HTN],
            "form.adverse_reaction",
            id="BPHS-2017 §分类干预: 药物不良反应 有 with no disease classed so",
        ),
    ],
)
def test_refusals_name_the_box(form: FollowupForm, conditions: list[Condition], field: str) -> None:
    assert _refused(form, conditions)["field"] == field


def test_an_adverse_reaction_class_needs_the_forms_box() -> None:
    """FU.adverse_reaction: the class is computed from the reaction the form records."""
    assert _refused(FollowupForm(), [HTN], adverse=True)["field"] == "form.adverse_reaction"
    check_form(FollowupForm(adverse_reaction="干咳"), [HTN], adverse_reaction=True)


def test_a_complete_merged_form_passes() -> None:
    form = merged_form(
        [HTN, DM, COPD],
        FollowupForm(
            signs=Signs(sbp=128, dbp=78, weight_kg=70.0, bmi=24.2, heart_rate=72),
            medications=(Medication(drug="氨氯地平片", times_per_day=1, mg_per_dose=5),),
        ),
    )
    assert check_form(form, [HTN, DM, COPD], adverse_reaction=False) is form


def test_prefill_fills_every_known_box() -> None:
    record = RecordLifestyle(
        smoking=SmokingStatus.CURRENT,
        cigarettes_per_day=10,
        baijiu_liang_per_day=1.0,
        exercise=ExerciseFrequency.DAILY,
        exercise_minutes=30,
        salt=SaltIntake.HEAVY,
    )
    before = FollowupForm(
        signs=Signs(target_weight_kg=65.0),
        lifestyle=msgspec.convert(
            {"cigarettes_per_day": {"target": 0}, "salt": {"target": "light"}}, type=FormLifestyle
        ),
        diabetes=DiabetesBlock(staple_food_g_per_day=IntLine(now=400, target=300)),
    )
    form = prefill(
        [HTN, DM],
        values={
            "sbp": 128.0,
            "dbp": 78.0,
            "pulse": 70.0,
            "weight": 70.5,
            "bmi": 24.4,
            "fpg": 6.2,
            "hba1c": 6.8,
        },
        record=record,
        prescriptions=[{"drug": "氨氯地平片", "dose": "5 mg", "frequency": "每日1次"}],
        previous=before,
    )
    assert form.signs == Signs(
        sbp=128, dbp=78, weight_kg=70.5, target_weight_kg=65.0, bmi=24.4, heart_rate=70
    )
    assert (form.lifestyle.cigarettes_per_day.now, form.lifestyle.cigarettes_per_day.target) == (10, 0)
    assert form.lifestyle.exercise_times_per_week.now == 7
    assert (form.lifestyle.salt.now, form.lifestyle.salt.target) == (SaltIntake.HEAVY, SaltIntake.LIGHT)
    assert form.medications == (Medication(drug="氨氯地平片", times_per_day=1, mg_per_dose=5.0),)
    assert form.diabetes is not None
    assert (form.diabetes.fpg, form.diabetes.hba1c) == (6.2, 6.8)
    assert form.diabetes.staple_food_g_per_day == IntLine(target=300)
    assert form.hypertension == HypertensionBlock()
    assert form.copd is None
    check_form(form, [HTN, DM], adverse_reaction=False)


@pytest.mark.parametrize(
    ("text", "times"), [("每日1次", 1), ("每日3次", 3), ("bid", 2), ("每周1次", None), ("必要时", None)]
)
def test_times_a_day_from_the_prescription(text: str, times: int | None) -> None:
    assert times_per_day(text) == times


@pytest.mark.parametrize(("text", "mg"), [("5 mg", 5.0), ("0.5 g", 500.0), ("1片", None), ("8 IU", None)])
def test_mg_a_dose_from_the_prescription(text: str, mg: float | None) -> None:
    assert mg_per_dose(text) == mg


def _assessed(sbp: int, fpg: float | None = None) -> Any:
    items = [DiseaseFollowup(condition=HTN, sbp=sbp, dbp=78)]
    if fpg is not None:
        items.append(DiseaseFollowup(condition=DM, fpg=fpg))
    return assess_visit(items, age=60, today=TODAY, drug_count=1)


def test_class_override_needs_a_reason_and_keeps_both_classes() -> None:
    """FU.class_override [U]: the doctor's class wins only with a reason; the next date follows it."""
    result = _assessed(128)
    with pytest.raises(InvalidInput) as caught:
        followup_override.decide(result, {HTN: "uncontrolled"}, reason=None, today=TODAY)
    assert caught.value.field == "override_reason"
    decisions, earliest = followup_override.decide(
        result, {HTN: "uncontrolled"}, reason="自测血压偏高", today=TODAY
    )
    (htn,) = decisions
    assert (htn.rules_class, htn.cls, htn.overridden) == ("controlled", "uncontrolled", True)
    assert htn.interval_days == 14
    assert earliest == TODAY + dt.timedelta(days=14)
    assert followup_override.C_OVERRIDE in htn.clauses


def test_an_override_equal_to_the_rules_class_needs_no_reason_and_a_foreign_class_is_refused() -> None:
    result = _assessed(128)
    decisions, _ = followup_override.decide(result, {HTN: "controlled"}, reason=None, today=TODAY)
    assert decisions[0].overridden is False
    with pytest.raises(InvalidInput) as caught:
        followup_override.decide(result, {HTN: "stable"}, reason="x", today=TODAY)
    assert caught.value.field == "items.class_override"


def test_multimorbidity_each_class_and_the_earliest_date_wins() -> None:
    """MM.per_disease, MM.earliest_next_date: controlled hypertension (3 months), uncontrolled diabetes (2 weeks)."""
    decisions, earliest = followup_override.decide(_assessed(128, fpg=8.2), {}, reason=None, today=TODAY)
    assert [(d.condition, d.cls) for d in decisions] == [(HTN, "controlled"), (DM, "uncontrolled")]
    assert earliest == TODAY + dt.timedelta(days=14)
