"""The health record's validation: cleaned text, and refusals that name the field as a JSON path."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.errors import InvalidInput
from flows.model import Sex
from flows.record import (
    AlcoholFrequency,
    Allergy,
    AllergyKind,
    DietHabit,
    ExerciseFrequency,
    FamilyHistoryEntry,
    HealthRecord,
    HealthRecordInput,
    HistoryCondition,
    HouseholdMember,
    HouseholdRelation,
    Lifestyle,
    OutsideMedicine,
    PastDisease,
    PastEvent,
    PastEventKind,
    Relation,
    SmokingStatus,
    as_input,
    check_record,
    check_relation,
    inverse,
)

TODAY = dt.date(2025, 3, 3)
BORN = dt.date(1960, 5, 17)


def _check(record: HealthRecordInput) -> HealthRecordInput:
    return check_record(record, resident_id=1, born=BORN, today=TODAY)


def test_text_is_trimmed_and_empty_optional_text_is_none() -> None:
    got = _check(
        HealthRecordInput(
            allergies=(Allergy(kind=AllergyKind.DRUG, substance="  青霉素 ", reaction="  "),),
            medicines=(OutsideMedicine(name="阿司匹林  肠溶片", dose="", source=" 县医院 "),),
            events=(
                PastEvent(kind=PastEventKind.SURGERY, name=" 阑尾切除 ", occurred_on=dt.date(1990, 6, 1)),
            ),
        )
    )
    assert got.allergies == (Allergy(kind=AllergyKind.DRUG, substance="青霉素"),)
    assert got.medicines == (OutsideMedicine(name="阿司匹林 肠溶片", source="县医院"),)
    assert got.events[0].name == "阑尾切除"


@pytest.mark.parametrize(
    ("record", "field"),
    [
        pytest.param(
            HealthRecordInput(
                allergies=(
                    Allergy(kind=AllergyKind.DRUG, substance="青霉素"),
                    Allergy(kind=AllergyKind.FOOD, substance="花生"),
                    Allergy(kind=AllergyKind.OTHER, substance=" "),
                )
            ),
            "allergies[2].substance",
            id="an allergy needs its substance",
        ),
        pytest.param(
            HealthRecordInput(
                allergies=(
                    Allergy(kind=AllergyKind.DRUG, substance="Penicillin"),
                    Allergy(kind=AllergyKind.DRUG, substance="penicillin"),
                )
            ),
            "allergies[1].substance",
            id="the same allergy twice",
        ),
        pytest.param(
            HealthRecordInput(
                diseases=(PastDisease(condition=HistoryCondition.STROKE, diagnosed_on=dt.date(2026, 1, 1)),)
            ),
            "diseases[0].diagnosed_on",
            id="a diagnosis in the future",
        ),
        pytest.param(
            HealthRecordInput(
                diseases=(PastDisease(condition=HistoryCondition.STROKE, diagnosed_on=dt.date(1950, 1, 1)),)
            ),
            "diseases[0].diagnosed_on",
            id="a diagnosis before birth",
        ),
        pytest.param(
            HealthRecordInput(diseases=(PastDisease(condition=HistoryCondition.OTHER),)),
            "diseases[0].note",
            id="other needs a note",
        ),
        pytest.param(
            HealthRecordInput(
                diseases=(
                    PastDisease(condition=HistoryCondition.HYPERTENSION),
                    PastDisease(condition=HistoryCondition.HYPERTENSION, diagnosed_on=dt.date(2010, 1, 1)),
                )
            ),
            "diseases[1].condition",
            id="the same disease twice",
        ),
        pytest.param(
            HealthRecordInput(events=(PastEvent(kind=PastEventKind.TRAUMA, name=""),)),
            "events[0].name",
            id="an event needs its name",
        ),
        pytest.param(
            HealthRecordInput(
                family_history=(
                    FamilyHistoryEntry(relation=Relation.SPOUSE, condition=HistoryCondition.DIABETES),
                )
            ),
            "family_history[0].relation",
            id="a spouse is not family history",
        ),
        pytest.param(
            HealthRecordInput(medicines=(OutsideMedicine(name="x" * 101),)),
            "medicines[0].name",
            id="a name too long",
        ),
        pytest.param(
            HealthRecordInput(relations=(HouseholdRelation(relative_id=1, relation=Relation.SIBLING),)),
            "relations[0].relative_id",
            id="not one's own relative",
        ),
        pytest.param(
            HealthRecordInput(lifestyle=Lifestyle(smoking=SmokingStatus.NEVER, cigarettes_per_day=5)),
            "lifestyle.cigarettes_per_day",
            id="a non-smoker smokes no cigarettes",
        ),
        pytest.param(
            HealthRecordInput(lifestyle=Lifestyle(smoking=SmokingStatus.CURRENT, cigarettes_per_day=101)),
            "lifestyle.cigarettes_per_day",
            id="101 cigarettes a day is a typing error",
        ),
        pytest.param(
            HealthRecordInput(lifestyle=Lifestyle(alcohol=AlcoholFrequency.NEVER, baijiu_liang_per_day=2)),
            "lifestyle.baijiu_liang_per_day",
            id="a non-drinker drinks nothing",
        ),
        pytest.param(
            HealthRecordInput(lifestyle=Lifestyle(exercise=ExerciseFrequency.NEVER, exercise_minutes=30)),
            "lifestyle.exercise_minutes",
            id="no exercise, no minutes",
        ),
        pytest.param(
            HealthRecordInput(lifestyle=Lifestyle(diet=(DietHabit.BALANCED, DietHabit.MOSTLY_MEAT))),
            "lifestyle.diet",
            id="balanced and mostly meat exclude each other",
        ),
        pytest.param(
            HealthRecordInput(
                allergies=tuple(Allergy(kind=AllergyKind.FOOD, substance=str(i)) for i in range(51))
            ),
            "allergies",
            id="at most 50 rows",
        ),
    ],
)
def test_refusals_name_the_field(record: HealthRecordInput, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        _check(record)
    assert caught.value.field == field
    assert field.split("[", maxsplit=1)[0] in caught.value.message


def test_a_full_record_passes_unchanged() -> None:
    record = HealthRecordInput(
        diseases=(PastDisease(condition=HistoryCondition.STROKE, diagnosed_on=dt.date(2019, 4, 1)),),
        family_history=(
            FamilyHistoryEntry(relation=Relation.FATHER, condition=HistoryCondition.HYPERTENSION),
        ),
        lifestyle=Lifestyle(
            smoking=SmokingStatus.CURRENT,
            cigarettes_per_day=10,
            alcohol=AlcoholFrequency.DAILY,
            baijiu_liang_per_day=2.0,
            exercise=ExerciseFrequency.WEEKLY,
            exercise_minutes=30,
            diet=(DietHabit.MOSTLY_MEAT, DietHabit.SALTY),
        ),
        relations=(HouseholdRelation(relative_id=2, relation=Relation.SPOUSE),),
    )
    assert _check(record) == record


def test_inverse_relations_follow_the_sex_of_the_parent() -> None:
    assert inverse(Relation.CHILD, Sex.MALE) is Relation.FATHER
    assert inverse(Relation.CHILD, Sex.FEMALE) is Relation.MOTHER
    assert inverse(Relation.MOTHER, Sex.MALE) is Relation.CHILD
    assert inverse(Relation.GRANDPARENT, Sex.MALE) is Relation.GRANDCHILD
    assert inverse(Relation.UNCLE_AUNT, Sex.FEMALE) is Relation.NEPHEW_NIECE
    assert inverse(Relation.SPOUSE, Sex.FEMALE) is Relation.SPOUSE


def test_a_father_is_a_man() -> None:
    check_relation(Relation.FATHER, Sex.MALE, "relations[0].relation")
    with pytest.raises(InvalidInput) as caught:
        check_relation(Relation.FATHER, Sex.FEMALE, "relations[0].relation")
    assert caught.value.field == "relations[0].relation"


def test_the_stored_record_is_the_body_that_saves_it_unchanged() -> None:
    member = HouseholdMember(
        resident_id=2, name="李秀英", sex=Sex.FEMALE, birth_date=BORN, relation=Relation.SPOUSE
    )
    unknown = HouseholdMember(resident_id=3, name="张小明", sex=Sex.MALE, birth_date=BORN)
    record = HealthRecord(
        resident_id=1,
        allergies=(Allergy(kind=AllergyKind.DRUG, substance="青霉素"),),
        household=(member, unknown),
    )
    body = as_input(record, visit_id=9)
    assert body.relations == (HouseholdRelation(relative_id=2, relation=Relation.SPOUSE),)
    assert body.allergies == record.allergies
    assert body.visit_id == 9
