"""Households and their members."""

from __future__ import annotations

import datetime as dt

import pytest

from db.engine import Database
from db.households import add_member, create_household, get_household, remove_member
from db.residents import get_resident
from flows.errors import Conflict, InvalidInput, NotFound
from flows.model import NewHousehold
from onestop.config import SiteConfig
from tests.db.conftest import register


async def test_members_join_and_leave_and_the_head_follows(
    database: Database, site: SiteConfig, now: dt.datetime
) -> None:
    home = await create_household(database, NewHousehold(address=" 东街  3 号 "), now=now)
    assert (home.address, home.member_ids, home.head_resident_id) == ("东街 3 号", (), None)
    father = await register(database, site, now, 1, name="王父")
    mother = await register(database, site, now, 2, name="王母", household_id=home.id)
    assert (await get_household(database, home.id)).member_ids == (mother.id,)

    home = await add_member(database, home.id, father.id)
    assert home.member_ids == (father.id, mother.id)
    assert home.head_resident_id == father.id
    assert (await get_resident(database, father.id)).household_id == home.id

    home = await remove_member(database, home.id, father.id)
    assert home.member_ids == (mother.id,)
    assert home.head_resident_id == mother.id
    assert (await get_resident(database, father.id)).household_id is None


async def test_moving_to_another_household(database: Database, site: SiteConfig, now: dt.datetime) -> None:
    old = await create_household(database, NewHousehold(address="西街 1 号"), now=now)
    new = await create_household(database, NewHousehold(address="西街 2 号"), now=now)
    son = await register(database, site, now, 1)
    await add_member(database, old.id, son.id)
    await add_member(database, new.id, son.id)
    assert (await get_household(database, old.id)).member_ids == ()
    assert (await get_household(database, old.id)).head_resident_id is None
    assert (await get_household(database, new.id)).member_ids == (son.id,)


async def test_refusals(database: Database, site: SiteConfig, now: dt.datetime) -> None:
    home = await create_household(database, NewHousehold(address="南街"), now=now)
    someone = await register(database, site, now, 1)
    with pytest.raises(InvalidInput):
        await create_household(database, NewHousehold(address="  "), now=now)
    with pytest.raises(NotFound):
        await get_household(database, 999)
    with pytest.raises(NotFound):
        await add_member(database, 999, someone.id)
    with pytest.raises(NotFound) as refused:
        await add_member(database, home.id, 999)
    assert refused.value.field == "resident_id"
    with pytest.raises(Conflict):
        await remove_member(database, home.id, someone.id)
    assert (await get_household(database, home.id)).member_ids == ()
