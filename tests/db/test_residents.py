"""Registering, reading and updating residents; every refusal writes nothing."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from db.engine import Database
from db.households import create_household
from db.residents import create_resident, get_resident, update_resident
from db.tables import Counter, Resident
from flows.errors import Conflict, InvalidInput, NotFound
from flows.identity import IdCheck, IdNumberError
from flows.model import NewHousehold, NewResident, ResidentUpdate, Sex
from onestop.config import SiteConfig
from tests.db.conftest import id_number, register


async def _count() -> int:
    return int(await Resident.count())


async def test_create_derives_sex_birth_date_and_record_number(
    database: Database, site: SiteConfig, now: dt.datetime
) -> None:
    number = id_number(7, sex=Sex.FEMALE, born=dt.date(1958, 6, 30))
    created = await create_resident(
        database,
        NewResident(id_number=number.lower(), name=" 李  秀英 ", phone="138-1234-5678", address="东街 3 号"),
        site=site,
        now=now,
    )
    assert created.sex is Sex.FEMALE
    assert created.birth_date == dt.date(1958, 6, 30)
    assert created.id_number == number.upper()
    assert created.name == "李 秀英"
    assert created.phone == "13812345678"
    assert created.record_number == "320923" + "001" + "901" + "00001"
    assert created.created_at == now
    assert await get_resident(database, created.id) == created


async def test_record_numbers_follow_the_village_and_count_per_prefix(
    database: Database, site: SiteConfig, now: dt.datetime
) -> None:
    a = await register(database, site, now, 1, village_code="101")
    b = await register(database, site, now, 2, village_code="101")
    c = await register(database, site, now, 3)
    assert (a.record_number, b.record_number) == ("32092300110100001", "32092300110100002")
    assert c.record_number == "32092300190100001"


async def test_duplicate_id_is_refused_with_a_pointer_and_nothing_written(
    database: Database, site: SiteConfig, now: dt.datetime
) -> None:
    first = await register(database, site, now, 1)
    with pytest.raises(Conflict) as refused:
        await register(database, site, now, 1, name="另一个")
    assert refused.value.field == "id_number"
    assert refused.value.details == {"existing_id": first.id, "record_number": first.record_number}
    assert await _count() == 1
    # The refused registration took no record number: the next one follows without a gap.
    second = await register(database, site, now, 2)
    assert second.record_number[-5:] == "00002"


@pytest.mark.parametrize(
    ("raw", "check"),
    [
        pytest.param("32092319600101013", IdCheck.LENGTH, id="GB-11643 length: 17 characters"),
        pytest.param("32092319600101013A", IdCheck.CHARACTERS, id="GB-11643 characters: letter not X"),
        pytest.param("320923196002300135", IdCheck.DATE, id="GB-11643 date: 30 February"),
        pytest.param("320923209901010134", IdCheck.FUTURE_DATE, id="GB-11643 date: born in 2099"),
        pytest.param("320923196001010139", IdCheck.CHECK_CHARACTER, id="GB-11643 check character wrong"),
    ],
)
async def test_bad_id_number_is_refused_naming_the_check(
    database: Database, site: SiteConfig, now: dt.datetime, raw: str, check: IdCheck
) -> None:
    with pytest.raises(IdNumberError) as refused:
        await create_resident(database, NewResident(id_number=raw, name="张三"), site=site, now=now)
    assert refused.value.check is check
    assert refused.value.field == "id_number"
    assert await _count() == 0
    assert await Counter.count() == 0


async def test_unknown_household_is_refused_and_nothing_written(
    database: Database, site: SiteConfig, now: dt.datetime
) -> None:
    with pytest.raises(NotFound) as refused:
        await register(database, site, now, 1, household_id=999)
    assert refused.value.field == "household_id"
    assert await _count() == 0
    assert (await register(database, site, now, 2)).record_number[-5:] == "00001"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        pytest.param({"name": "  "}, "name", id="empty name"),
        pytest.param({"phone": "12ab"}, "phone", id="phone with letters"),
        pytest.param({"village_code": "555"}, "village_code", id="BPHS-2017 village code outside ranges"),
    ],
)
async def test_bad_fields_are_refused(
    database: Database, site: SiteConfig, now: dt.datetime, fields: dict[str, str], field: str
) -> None:
    new = NewResident(
        id_number=id_number(1),
        name=fields.get("name", "张三"),
        phone=fields.get("phone"),
        village_code=fields.get("village_code"),
    )
    with pytest.raises(InvalidInput) as refused:
        await create_resident(database, new, site=site, now=now)
    assert refused.value.field == field
    assert await _count() == 0


async def test_record_numbers_are_gap_free_under_concurrent_registration(
    database: Database, site: SiteConfig, now: dt.datetime
) -> None:
    # 20 desks at once, two of them registering a person who already exists: 18 new numbers, no gap.
    await register(database, site, now, 0)
    tasks = [register(database, site, now, n) for n in range(1, 19)] + [
        register(database, site, now, 0),
        register(database, site, now, 5),
    ]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 2
    numbers = sorted(int(r.record_number[-5:]) for r in await _all())
    assert numbers == list(range(1, 20))


async def _all() -> list[Resident]:
    rows = await Resident.objects()
    return list(rows)


async def test_update_changes_fields_and_keeps_the_rest(
    database: Database, site: SiteConfig, now: dt.datetime
) -> None:
    created = await register(database, site, now, 1, phone="13812345678", address="东街")
    household = await create_household(database, NewHousehold(address="东街 3 号"), now=now)
    later = now + dt.timedelta(hours=1)
    updated = await update_resident(
        database,
        created.id,
        ResidentUpdate(name="张叁", phone="139 0000 1111", household_id=household.id),
        now=later,
    )
    assert (updated.name, updated.phone, updated.address) == ("张叁", "13900001111", "东街")
    assert updated.household_id == household.id
    assert updated.updated_at == later
    assert updated.created_at == created.created_at
    assert updated.id_number == created.id_number
    cleared = await update_resident(database, created.id, ResidentUpdate(phone=""), now=later)
    assert cleared.phone is None


async def test_update_refusals_write_nothing(database: Database, site: SiteConfig, now: dt.datetime) -> None:
    created = await register(database, site, now, 1)
    with pytest.raises(NotFound):
        await update_resident(database, 999, ResidentUpdate(name="李四"), now=now)
    with pytest.raises(NotFound) as refused:
        await update_resident(database, created.id, ResidentUpdate(name="李四", household_id=42), now=now)
    assert refused.value.field == "household_id"
    with pytest.raises(InvalidInput):
        await update_resident(database, created.id, ResidentUpdate(phone="x"), now=now)
    assert await get_resident(database, created.id) == created


async def test_get_unknown_resident_is_not_found(database: Database) -> None:
    with pytest.raises(NotFound) as refused:
        await get_resident(database, 12345)
    assert refused.value.details == {"id": 12345}
