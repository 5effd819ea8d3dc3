"""The health record's history and family alerts in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from db import tables
from db.engine import Database
from db.family_alerts import proposals, raise_alerts, resident_alerts, set_status
from db.health_record import health_record, save_health_record
from db.households import add_member, create_household
from db.residents import create_resident
from db.visits import open_visit
from flows.alerts import FamilyAlertStatus, RaiseAlerts
from flows.errors import Conflict, InvalidInput, NotFound
from flows.model import NewHousehold, NewResident, Resident, Sex, Staff
from flows.record import (
    AlcoholFrequency,
    Allergy,
    AllergyKind,
    DietHabit,
    FamilyHistoryEntry,
    HealthRecordInput,
    HistoryCondition,
    HouseholdRelation,
    Lifestyle,
    OutsideMedicine,
    PastDisease,
    PastEvent,
    PastEventKind,
    Relation,
    SmokingStatus,
)
from flows.rules.family import AlertCode
from onestop.config import SiteConfig
from tests.db.conftest import id_number

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
PENICILLIN = Allergy(kind=AllergyKind.DRUG, substance="青霉素", reaction="皮疹")
PEANUT = Allergy(kind=AllergyKind.FOOD, substance="花生")
SMOKER = Lifestyle(smoking=SmokingStatus.CURRENT, cigarettes_per_day=10, diet=(DietHabit.SALTY,))


async def _person(
    db: Database, site: SiteConfig, now: dt.datetime, n: int, name: str, *, sex: Sex = Sex.MALE, born: dt.date
) -> Resident:
    new = NewResident(id_number=id_number(n, sex=sex, born=born), name=name)
    return await create_resident(db, new, site=site, now=now)


async def _counts(resident_id: int) -> dict[str, int]:
    out = {}
    for table in (
        tables.PastHistory,
        tables.FamilyHistory,
        tables.Allergy,
        tables.OutsideMedicine,
        tables.Lifestyle,
    ):
        rows = await table.raw(
            f"SELECT COUNT(*) AS n FROM {table._meta.tablename} WHERE resident = {{}}", resident_id
        )
        out[table._meta.tablename] = int(rows[0]["n"])
    rows = await tables.ResidentRelation.raw("SELECT COUNT(*) AS n FROM resident_relation")
    out["resident_relation"] = int(rows[0]["n"])
    return out


async def test_save_read_and_replace_cleanly(
    database: Database, site: SiteConfig, now: dt.datetime, nurse: Staff
) -> None:
    person = await _person(database, site, now, 1, "张三", born=dt.date(1960, 5, 17))
    empty = await health_record(database, person.id, today=now.date())
    assert (empty.allergies, empty.lifestyle, empty.updated_at) == ((), Lifestyle(), None)

    body = HealthRecordInput(
        diseases=(PastDisease(condition=HistoryCondition.STROKE, diagnosed_on=dt.date(2019, 4, 1)),),
        events=(PastEvent(kind=PastEventKind.SURGERY, name="阑尾切除", occurred_on=dt.date(1990, 6, 1)),),
        family_history=(
            FamilyHistoryEntry(relation=Relation.FATHER, condition=HistoryCondition.HYPERTENSION),
        ),
        lifestyle=SMOKER,
        allergies=(PENICILLIN, PEANUT),
        medicines=(OutsideMedicine(name="阿司匹林", dose="100 mg", frequency="每日一次", source="县医院"),),
    )
    saved = await save_health_record(database, person.id, body, actor_id=nurse.id, now=now, tz=TZ)
    assert (saved.added, saved.removed, saved.lifestyle_changed) == (6, 0, True)
    got = saved.record
    assert got.diseases == body.diseases
    assert got.events == body.events
    assert got.allergies == (PENICILLIN, PEANUT)
    assert got.lifestyle == SMOKER
    assert got.updated_by == nurse.id
    assert got.updated_at == now
    assert await health_record(database, person.id, today=now.date()) == got

    # The same body again writes nothing; dropping the peanut removes it, the penicillin row stays as it was.
    later = now + dt.timedelta(days=30)
    again = await save_health_record(database, person.id, body, actor_id=nurse.id, now=later, tz=TZ)
    assert not again.changed
    assert again.record.updated_at == now
    quit_smoking = Lifestyle(smoking=SmokingStatus.FORMER, alcohol=AlcoholFrequency.OCCASIONAL)
    fewer = HealthRecordInput(
        diseases=body.diseases, allergies=(PENICILLIN,), lifestyle=quit_smoking, medicines=body.medicines
    )
    changed = await save_health_record(database, person.id, fewer, actor_id=nurse.id, now=later, tz=TZ)
    assert (changed.added, changed.removed, changed.lifestyle_changed) == (0, 3, True)
    assert changed.record.allergies == (PENICILLIN,)
    assert changed.record.events == ()
    assert changed.record.family_history == ()
    assert changed.record.lifestyle == quit_smoking
    assert changed.record.updated_at == later

    rows = await tables.Allergy.raw("SELECT substance, recorded_at, removed_at FROM allergy ORDER BY id")
    assert [(r["substance"], r["removed_at"] is not None) for r in rows] == [
        ("青霉素", False),
        ("花生", True),
    ]
    assert rows[0]["recorded_at"] == now, "an unchanged entry keeps who recorded it first, and when"
    history = await tables.Lifestyle.raw("SELECT smoking FROM lifestyle ORDER BY id")
    assert [r["smoking"] for r in history] == ["current", "former"], "the lifestyle is a log"


async def test_a_refusal_writes_nothing(
    database: Database, site: SiteConfig, now: dt.datetime, nurse: Staff
) -> None:
    person = await _person(database, site, now, 2, "李四", born=dt.date(1970, 1, 1))
    other = await _person(database, site, now, 3, "王五", born=dt.date(1972, 1, 1))
    before = await _counts(person.id)
    bad = HealthRecordInput(
        allergies=(PENICILLIN, PEANUT, Allergy(kind=AllergyKind.OTHER, substance=" ")), lifestyle=SMOKER
    )
    with pytest.raises(InvalidInput) as caught:
        await save_health_record(database, person.id, bad, actor_id=nurse.id, now=now, tz=TZ)
    assert caught.value.field == "allergies[2].substance"
    not_member = HealthRecordInput(
        allergies=(PENICILLIN,),
        relations=(HouseholdRelation(relative_id=other.id, relation=Relation.SIBLING),),
    )
    with pytest.raises(InvalidInput) as caught:
        await save_health_record(database, person.id, not_member, actor_id=nurse.id, now=now, tz=TZ)
    assert caught.value.field == "relations[0].relative_id"
    with pytest.raises(NotFound):
        await save_health_record(database, 9999, HealthRecordInput(), actor_id=nurse.id, now=now, tz=TZ)
    with pytest.raises(NotFound) as found:
        await save_health_record(
            database, person.id, HealthRecordInput(visit_id=9999), actor_id=nurse.id, now=now, tz=TZ
        )
    assert found.value.field == "visit_id"
    assert await _counts(person.id) == before


async def _family(
    database: Database, site: SiteConfig, now: dt.datetime
) -> tuple[Resident, Resident, Resident]:
    """A father with hypertension, his wife and their son, in one household."""
    home = await create_household(database, NewHousehold(address="东村3组12号"), now=now)
    father = await _person(database, site, now, 10, "张三丰", born=dt.date(1960, 5, 17))
    mother = await _person(database, site, now, 11, "李秀英", sex=Sex.FEMALE, born=dt.date(1962, 8, 3))
    son = await _person(database, site, now, 12, "张小明", born=dt.date(1990, 1, 9))
    for person in (father, mother, son):
        await add_member(database, home.id, person.id)
    await tables.Diagnosis.insert(
        tables.Diagnosis(
            resident=father.id, condition="hypertension", icd10="I10", status="confirmed", diagnosed_at=now
        )
    )
    return father, mother, son


async def test_relations_are_written_both_ways(
    database: Database, site: SiteConfig, now: dt.datetime, nurse: Staff
) -> None:
    father, mother, son = await _family(database, site, now)
    body = HealthRecordInput(
        relations=(
            HouseholdRelation(relative_id=mother.id, relation=Relation.SPOUSE),
            HouseholdRelation(relative_id=son.id, relation=Relation.CHILD),
        )
    )
    saved = await save_health_record(database, father.id, body, actor_id=nurse.id, now=now, tz=TZ)
    assert saved.relatives == (mother.id, son.id)
    assert [(m.name, m.relation) for m in saved.record.household] == [
        ("李秀英", Relation.SPOUSE),
        ("张小明", Relation.CHILD),
    ]
    seen_by_son = await health_record(database, son.id, today=now.date())
    assert [(m.name, m.relation) for m in seen_by_son.household] == [
        ("张三丰", Relation.FATHER),
        ("李秀英", None),
    ]

    with pytest.raises(InvalidInput) as caught:
        await save_health_record(
            database,
            son.id,
            HealthRecordInput(
                relations=(HouseholdRelation(relative_id=mother.id, relation=Relation.FATHER),)
            ),
            actor_id=nurse.id,
            now=now,
            tz=TZ,
        )
    assert caught.value.field == "relations[0].relation"

    # Leaving the son out of the father's relations removes the pair both ways.
    only_wife = HealthRecordInput(relations=body.relations[:1])
    await save_health_record(database, father.id, only_wife, actor_id=nurse.id, now=now, tz=TZ)
    seen_by_son = await health_record(database, son.id, today=now.date())
    assert [m.relation for m in seen_by_son.household] == [None, None]


async def test_family_alerts_are_proposed_raised_once_and_closed(
    database: Database, site: SiteConfig, now: dt.datetime, nurse: Staff
) -> None:
    father, mother, son = await _family(database, site, now)
    visit = await open_visit(database, father.id, actor_id=nurse.id, now=now, tz="Asia/Shanghai")
    _visit, proposed = await proposals(database, visit.id)
    assert proposed == (), "no kinship set yet: nobody to alert"

    relations = (
        HouseholdRelation(relative_id=mother.id, relation=Relation.SPOUSE),
        HouseholdRelation(relative_id=son.id, relation=Relation.CHILD),
    )
    await save_health_record(
        database, father.id, HealthRecordInput(relations=relations), actor_id=nurse.id, now=now, tz=TZ
    )
    await tables.Observation.insert(
        tables.Observation(
            resident=father.id,
            visit=visit.id,
            code="ldl",
            value=5.3,
            unit="mmol/L",
            source="manual",
            observed_at=now,
        )
    )
    _visit, proposed = await proposals(database, visit.id)
    assert [(p.relative_id, p.code, p.relation) for p in proposed] == [
        (son.id, AlertCode.HTN, Relation.FATHER),
        (son.id, AlertCode.FH, Relation.FATHER),
    ]

    _visit, raised = await raise_alerts(
        database, visit.id, RaiseAlerts(codes=(AlertCode.HTN,)), actor_id=nurse.id, now=now
    )
    assert [(a.relative_name, a.source_name, a.code, a.status) for a in raised] == [
        ("张小明", "张三丰", AlertCode.HTN, FamilyAlertStatus.OPEN)
    ]
    son_record = await health_record(database, son.id, today=now.date())
    assert son_record.family_history == (
        FamilyHistoryEntry(
            relation=Relation.FATHER, condition=HistoryCondition.HYPERTENSION, relative_id=father.id
        ),
    ), "the son's own family history gains his father's hypertension"

    with pytest.raises(Conflict):
        await raise_alerts(
            database, visit.id, RaiseAlerts(codes=(AlertCode.HTN,)), actor_id=nurse.id, now=now
        )
    _visit, rest = await raise_alerts(database, visit.id, RaiseAlerts(), actor_id=nurse.id, now=now)
    assert [a.code for a in rest] == [AlertCode.FH]
    assert rest[0].values == {"ldl": 5.3}
    assert (await proposals(database, visit.id))[1] == ()

    alerts = await resident_alerts(database, son.id)
    assert {a.code for a in alerts.about} == {AlertCode.HTN, AlertCode.FH}
    assert alerts.raised == ()
    assert {a.code for a in (await resident_alerts(database, father.id)).raised} == {
        AlertCode.HTN,
        AlertCode.FH,
    }

    told = await set_status(
        database, raised[0].id, FamilyAlertStatus.ACKNOWLEDGED, actor_id=nurse.id, now=now
    )
    assert (told.status, told.status_by) == (FamilyAlertStatus.ACKNOWLEDGED, nurse.id)
    with pytest.raises(Conflict):
        await set_status(database, raised[0].id, FamilyAlertStatus.ACKNOWLEDGED, actor_id=nurse.id, now=now)
    done = await set_status(database, raised[0].id, FamilyAlertStatus.DONE, actor_id=nurse.id, now=now)
    assert done.status is FamilyAlertStatus.DONE
    with pytest.raises(NotFound):
        await set_status(database, 9999, FamilyAlertStatus.DONE, actor_id=nurse.id, now=now)
    first = (await resident_alerts(database, son.id)).about[0]
    assert first.status is FamilyAlertStatus.OPEN, "open alerts come first"
