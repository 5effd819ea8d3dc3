"""The health record's history (BPHS-2017 居民健康档案 个人基本信息表) as values, and its validation.

Past history (既往史: diseases with the date of diagnosis; surgery, trauma, transfusion), family history
(家族史), lifestyle (the 健康体检表's smoking, drinking, exercise and diet lines, salt as on the follow-up
form), allergies (药物过敏史 and the rest) and the medicines a resident takes that this site did not
prescribe. `check_record` cleans what the desk typed and refuses, naming the field as a JSON path
(`allergies[2].substance`), anything that cannot be right; nothing is judged clinically here.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Sequence
from typing import Final, TypeVar

import msgspec

from flows.errors import InvalidInput
from flows.model import Sex
from flows.patient import Medicine
from flows.rules.htn_form import MAX_LIANG_PER_DAY, SaltIntake


class Struct(msgspec.Struct, frozen=True, kw_only=True):
    """As in flows.model: every subclass states frozen and kw_only itself. What the desk sends also refuses
    unknown fields, nested ones included: a misspelt `reacton` must not be dropped silently."""


class HistoryCondition(enum.StrEnum):
    """Diseases of the 既往史 and 家族史 boxes (BPHS-2017), plus what the rules here ask about.

    The first five are flows.model.Condition's values, so a confirmed diagnosis maps onto them; stroke, coronary
    heart disease and CKD matter to the rules (8+2, LIPID-2023 risk tiers), asthma, chronic bronchitis and
    emphysema to the COPD-SQ family item, atrial fibrillation to the 8+2 screen."""

    HYPERTENSION = "hypertension"
    DIABETES = "diabetes"
    DYSLIPIDAEMIA = "dyslipidaemia"
    OBESITY = "obesity"
    COPD = "copd"
    CORONARY_HEART_DISEASE = "coronary_heart_disease"
    STROKE = "stroke"
    CKD = "ckd"
    ATRIAL_FIBRILLATION = "atrial_fibrillation"
    ASTHMA = "asthma"
    CHRONIC_BRONCHITIS = "chronic_bronchitis"
    EMPHYSEMA = "emphysema"
    CANCER = "cancer"
    SEVERE_MENTAL_ILLNESS = "severe_mental_illness"
    TUBERCULOSIS = "tuberculosis"
    HEPATITIS = "hepatitis"
    OTHER_INFECTIOUS = "other_infectious"  # 其他法定传染病
    OCCUPATIONAL = "occupational"  # 职业病
    CONGENITAL = "congenital"  # 先天畸形 (family history box)
    OTHER = "other"  # needs a note saying what


class PastEventKind(enum.StrEnum):
    SURGERY = "surgery"  # 手术
    TRAUMA = "trauma"  # 外伤
    TRANSFUSION = "transfusion"  # 输血


class Relation(enum.StrEnum):
    """Who a relative is to a resident (`relative is the resident's FATHER`)."""

    FATHER = "father"
    MOTHER = "mother"
    SIBLING = "sibling"
    CHILD = "child"
    GRANDPARENT = "grandparent"
    GRANDCHILD = "grandchild"
    UNCLE_AUNT = "uncle_aunt"
    NEPHEW_NIECE = "nephew_niece"
    SPOUSE = "spouse"
    OTHER = "other"


# Degree of kinship: parents, siblings and children are first-degree relatives; grandparents, grandchildren,
# uncles, aunts, nephews and nieces second-degree. A spouse (or anyone else) shares no inherited risk.
DEGREE: Final[dict[Relation, int | None]] = {
    Relation.FATHER: 1,
    Relation.MOTHER: 1,
    Relation.SIBLING: 1,
    Relation.CHILD: 1,
    Relation.GRANDPARENT: 2,
    Relation.GRANDCHILD: 2,
    Relation.UNCLE_AUNT: 2,
    Relation.NEPHEW_NIECE: 2,
    Relation.SPOUSE: None,
    Relation.OTHER: None,
}
_INVERSE: Final = {
    Relation.SIBLING: Relation.SIBLING,
    Relation.GRANDPARENT: Relation.GRANDCHILD,
    Relation.GRANDCHILD: Relation.GRANDPARENT,
    Relation.UNCLE_AUNT: Relation.NEPHEW_NIECE,
    Relation.NEPHEW_NIECE: Relation.UNCLE_AUNT,
    Relation.SPOUSE: Relation.SPOUSE,
    Relation.OTHER: Relation.OTHER,
}


def inverse(relation: Relation, sex: Sex) -> Relation:
    """If B is A's `relation`, A is B's `inverse(relation, A's sex)`: a child's parent is a father or mother."""
    if relation in (Relation.FATHER, Relation.MOTHER):
        return Relation.CHILD
    if relation is Relation.CHILD:
        return Relation.FATHER if sex is Sex.MALE else Relation.MOTHER
    return _INVERSE[relation]


class SmokingStatus(enum.StrEnum):
    NEVER = "never"  # 从不吸烟
    FORMER = "former"  # 已戒烟
    CURRENT = "current"  # 吸烟


class AlcoholFrequency(enum.StrEnum):
    NEVER = "never"  # 从不
    OCCASIONAL = "occasional"  # 偶尔
    OFTEN = "often"  # 经常
    DAILY = "daily"  # 每天


class ExerciseFrequency(enum.StrEnum):
    DAILY = "daily"  # 每天
    WEEKLY = "weekly"  # 每周一次以上
    OCCASIONAL = "occasional"  # 偶尔
    NEVER = "never"  # 不锻炼


class DietHabit(enum.StrEnum):
    BALANCED = "balanced"  # 荤素均衡
    MOSTLY_MEAT = "mostly_meat"  # 荤食为主
    MOSTLY_VEGETABLES = "mostly_vegetables"  # 素食为主
    SALTY = "salty"  # 嗜盐
    OILY = "oily"  # 嗜油
    SWEET = "sweet"  # 嗜糖


# The form's first three diet boxes describe the same thing (the balance of the diet): at most one of them.
DIET_BALANCE: Final = frozenset({DietHabit.BALANCED, DietHabit.MOSTLY_MEAT, DietHabit.MOSTLY_VEGETABLES})


class AllergyKind(enum.StrEnum):
    DRUG = "drug"
    FOOD = "food"
    OTHER = "other"


class PastDisease(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    condition: HistoryCondition
    diagnosed_on: dt.date | None = None  # the form asks for the month; the day may be the 1st
    note: str | None = None


class PastEvent(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: PastEventKind
    name: str  # the operation, the injury, the reason for the transfusion
    occurred_on: dt.date | None = None


class FamilyHistoryEntry(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    relation: Relation  # the relative who has it, seen from this resident
    condition: HistoryCondition
    note: str | None = None
    relative_id: int | None = None  # the relative's own record, when it is in the register (family alerts)


class Lifestyle(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """None everywhere means "not asked yet", which is not the same as "never"."""

    smoking: SmokingStatus | None = None
    cigarettes_per_day: int | None = None  # current smokers
    alcohol: AlcoholFrequency | None = None
    baijiu_liang_per_day: float | None = None  # 两 of baijiu: beer ÷10, wine ÷4, huangjiu ÷5 (BPHS-2017 form)
    exercise: ExerciseFrequency | None = None
    exercise_minutes: int | None = None  # each time
    salt: SaltIntake | None = None  # 轻/中/重
    diet: tuple[DietHabit, ...] = ()


class Allergy(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: AllergyKind
    substance: str
    reaction: str | None = None


class OutsideMedicine(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A medicine taken that this site did not prescribe (bought, or prescribed by a hospital)."""

    name: str
    dose: str | None = None
    frequency: str | None = None
    source: str | None = None  # from where: 县医院, 药店 …


class HouseholdRelation(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """`relative_id` (a member of the resident's household) is the resident's `relation`."""

    relative_id: int
    relation: Relation


class HealthRecordInput(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What the desk saves (PUT): every section whole; what is left out of a list is taken off the record."""

    diseases: tuple[PastDisease, ...] = ()
    events: tuple[PastEvent, ...] = ()
    family_history: tuple[FamilyHistoryEntry, ...] = ()
    lifestyle: Lifestyle = Lifestyle()
    allergies: tuple[Allergy, ...] = ()
    medicines: tuple[OutsideMedicine, ...] = ()
    relations: tuple[HouseholdRelation, ...] = ()
    visit_id: int | None = None  # the visit it was updated in, if any


class HouseholdMember(Struct, frozen=True, kw_only=True):
    resident_id: int
    name: str
    sex: Sex
    birth_date: dt.date
    relation: Relation | None = None  # who they are to the resident; None until the desk says


class HealthRecord(Struct, frozen=True, kw_only=True):
    """What the desk reads (GET): the stored sections, the household, and this site's prescriptions."""

    resident_id: int
    diseases: tuple[PastDisease, ...] = ()
    events: tuple[PastEvent, ...] = ()
    family_history: tuple[FamilyHistoryEntry, ...] = ()
    lifestyle: Lifestyle = Lifestyle()
    allergies: tuple[Allergy, ...] = ()
    medicines: tuple[OutsideMedicine, ...] = ()
    household: tuple[HouseholdMember, ...] = ()
    prescriptions: tuple[Medicine, ...] = ()  # running here today (read-only beside `medicines`)
    updated_at: dt.datetime | None = None  # the newest change of any section
    updated_by: int | None = None


def as_input(record: HealthRecord, *, visit_id: int | None = None) -> HealthRecordInput:
    """The stored record as the body that would save it unchanged (the desk edits this)."""
    relations = tuple(
        HouseholdRelation(relative_id=m.resident_id, relation=m.relation)
        for m in record.household
        if m.relation is not None
    )
    return HealthRecordInput(
        diseases=record.diseases,
        events=record.events,
        family_history=record.family_history,
        lifestyle=record.lifestyle,
        allergies=record.allergies,
        medicines=record.medicines,
        relations=relations,
        visit_id=visit_id,
    )


# --- validation ------------------------------------------------------------------------------------------

MAX_ROWS: Final = 50  # per list: far more than any real record; a runaway client is refused
NAME_LENGTH: Final = 100  # a drug, substance, operation or source
NOTE_LENGTH: Final = 200
MAX_CIGARETTES: Final = 100  # plausibility, as flows.rules.htn_form.LIFESTYLE_RANGES
MAX_EXERCISE_MINUTES: Final = 600

T = TypeVar("T")


def _text(value: str | None, field: str, limit: int, *, required: bool = False) -> str | None:
    """Spaces collapsed; empty is None (or refused when required); longer than `limit` is refused."""
    cleaned = " ".join(value.split()) if value is not None else ""
    if not cleaned:
        if required:
            raise InvalidInput(f"{field} must not be empty", field=field)
        return None
    if len(cleaned) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters ({len(cleaned)})", field=field)
    return cleaned


def _required(value: str, field: str, limit: int) -> str:
    cleaned = _text(value, field, limit, required=True)
    assert cleaned is not None
    return cleaned


def _rows(rows: Sequence[T], field: str) -> Sequence[T]:
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"{field} has {len(rows)} rows; at most {MAX_ROWS}", field=field)
    return rows


def _date(day: dt.date | None, field: str, *, born: dt.date, today: dt.date) -> dt.date | None:
    if day is not None and day > today:
        raise InvalidInput(f"{field} {day} is after today {today}", field=field)
    if day is not None and day < born:
        raise InvalidInput(f"{field} {day} is before the resident was born ({born})", field=field)
    return day


def _once(key: object, seen: set[object], field: str, what: str) -> None:
    if key in seen:
        raise InvalidInput(f"{field}: {what} is already on the record", field=field)
    seen.add(key)


def _other_note(condition: HistoryCondition, note: str | None, field: str) -> None:
    if condition is HistoryCondition.OTHER and note is None:
        raise InvalidInput(f"{field}: say what the other condition is", field=field)


def check_record(
    record: HealthRecordInput, *, resident_id: int, born: dt.date, today: dt.date
) -> HealthRecordInput:
    """The record cleaned (text trimmed, empty text None), or InvalidInput naming the first bad field."""
    diseases, seen = [], set[object]()
    for i, d in enumerate(_rows(record.diseases, "diseases")):
        at = f"diseases[{i}]"
        note = _text(d.note, f"{at}.note", NOTE_LENGTH)
        _other_note(d.condition, note, f"{at}.note")
        _once(
            (d.condition, note if d.condition is HistoryCondition.OTHER else None),
            seen,
            f"{at}.condition",
            d.condition,
        )
        diseases.append(
            PastDisease(
                condition=d.condition,
                diagnosed_on=_date(d.diagnosed_on, f"{at}.diagnosed_on", born=born, today=today),
                note=note,
            )
        )
    events = [
        PastEvent(
            kind=e.kind,
            name=_required(e.name, f"events[{i}].name", NAME_LENGTH),
            occurred_on=_date(e.occurred_on, f"events[{i}].occurred_on", born=born, today=today),
        )
        for i, e in enumerate(_rows(record.events, "events"))
    ]
    family, seen = [], set()
    for i, f in enumerate(_rows(record.family_history, "family_history")):
        at = f"family_history[{i}]"
        if DEGREE[f.relation] is None and f.relation is not Relation.OTHER:
            raise InvalidInput(
                f"{at}.relation: a {f.relation} is not a blood relative", field=f"{at}.relation"
            )
        note = _text(f.note, f"{at}.note", NOTE_LENGTH)
        _other_note(f.condition, note, f"{at}.note")
        _once(
            (f.relation, f.condition, f.relative_id, note),
            seen,
            f"{at}.condition",
            f"{f.relation} {f.condition}",
        )
        family.append(msgspec.structs.replace(f, note=note))
    allergies, seen = [], set()
    for i, a in enumerate(_rows(record.allergies, "allergies")):
        substance = _required(a.substance, f"allergies[{i}].substance", NAME_LENGTH)
        _once(substance.casefold(), seen, f"allergies[{i}].substance", substance)
        reaction = _text(a.reaction, f"allergies[{i}].reaction", NOTE_LENGTH)
        allergies.append(Allergy(kind=a.kind, substance=substance, reaction=reaction))
    medicines, seen = [], set()
    for i, m in enumerate(_rows(record.medicines, "medicines")):
        at = f"medicines[{i}]"
        name = _required(m.name, f"{at}.name", NAME_LENGTH)
        _once(name.casefold(), seen, f"{at}.name", name)
        medicines.append(
            OutsideMedicine(
                name=name,
                dose=_text(m.dose, f"{at}.dose", NAME_LENGTH),
                frequency=_text(m.frequency, f"{at}.frequency", NAME_LENGTH),
                source=_text(m.source, f"{at}.source", NAME_LENGTH),
            )
        )
    seen = set()
    for i, r in enumerate(_rows(record.relations, "relations")):
        if r.relative_id == resident_id:
            raise InvalidInput(
                f"relations[{i}].relative_id: a resident is not their own relative",
                field=f"relations[{i}].relative_id",
            )
        _once(r.relative_id, seen, f"relations[{i}].relative_id", f"resident {r.relative_id}")
    return HealthRecordInput(
        diseases=tuple(diseases),
        events=tuple(events),
        family_history=tuple(family),
        lifestyle=check_lifestyle(record.lifestyle),
        allergies=tuple(allergies),
        medicines=tuple(medicines),
        relations=record.relations,
        visit_id=record.visit_id,
    )


def check_lifestyle(life: Lifestyle) -> Lifestyle:
    """Amounts only where the answer allows them (a non-smoker smokes no cigarettes), within plausible bounds."""
    at = "lifestyle."
    if life.cigarettes_per_day is not None:
        if life.smoking is not SmokingStatus.CURRENT:
            raise InvalidInput(
                f"{at}cigarettes_per_day: only a current smoker has a number of cigarettes a day",
                field=f"{at}cigarettes_per_day",
            )
        if not 1 <= life.cigarettes_per_day <= MAX_CIGARETTES:
            raise InvalidInput(
                f"{at}cigarettes_per_day must be 1–{MAX_CIGARETTES}, got {life.cigarettes_per_day}",
                field=f"{at}cigarettes_per_day",
            )
    if life.baijiu_liang_per_day is not None:
        amount = life.baijiu_liang_per_day
        if life.alcohol in (None, AlcoholFrequency.NEVER):
            raise InvalidInput(
                f"{at}baijiu_liang_per_day: only a drinker has an amount a day",
                field=f"{at}baijiu_liang_per_day",
            )
        if not math.isfinite(amount) or not 0 < amount <= MAX_LIANG_PER_DAY:
            raise InvalidInput(
                f"{at}baijiu_liang_per_day must be more than 0 and at most {MAX_LIANG_PER_DAY:g} 两, got {amount}",
                field=f"{at}baijiu_liang_per_day",
            )
    if life.exercise_minutes is not None:
        if life.exercise in (None, ExerciseFrequency.NEVER):
            raise InvalidInput(
                f"{at}exercise_minutes: only someone who exercises has minutes", field=f"{at}exercise_minutes"
            )
        if not 1 <= life.exercise_minutes <= MAX_EXERCISE_MINUTES:
            raise InvalidInput(
                f"{at}exercise_minutes must be 1–{MAX_EXERCISE_MINUTES}, got {life.exercise_minutes}",
                field=f"{at}exercise_minutes",
            )
    seen: set[object] = set()
    for i, habit in enumerate(life.diet):
        _once(habit, seen, f"{at}diet[{i}]", habit)
    if len(DIET_BALANCE & set(life.diet)) > 1:
        raise InvalidInput(
            f"{at}diet: balanced, mostly meat and mostly vegetables exclude each other", field=f"{at}diet"
        )
    return life


def check_relation(relation: Relation, relative_sex: Sex, field: str) -> None:
    """A father is a man and a mother a woman (the ID number says the relative's sex)."""
    if (relation is Relation.FATHER and relative_sex is not Sex.MALE) or (
        relation is Relation.MOTHER and relative_sex is not Sex.FEMALE
    ):
        raise InvalidInput(
            f"{field}: the relative is {relative_sex.value}, not a {relation.value}", field=field
        )
