"""Resident search: each branch, the ranking between branches, masking and limits."""

from __future__ import annotations

import datetime as dt

import pytest

from db.engine import Database
from db.residents import search_residents
from flows.model import Resident
from onestop.config import SiteConfig
from tests.db.conftest import id_number, register


@pytest.fixture
async def people(database: Database, site: SiteConfig, now: dt.datetime) -> dict[str, Resident]:
    # Chosen so that branches collide: 张三's phone ends in 1234 like 张三丰's, 单志声 is "szs" (单 read
    # shan as a surname), 曾 zeng, and 张 prefixes three names.
    specs = [
        ("张三", "13812341234"),
        ("张三丰", "13900001234"),
        ("张伟", "13700005678"),
        ("单志声", None),
        ("曾国藩", "13600009999"),
        ("李四", "13500000000"),
    ]
    return {
        name: await register(database, site, now, n, name=name, phone=phone)
        for n, (name, phone) in enumerate(specs, start=1)
    }


async def test_exact_id_number_masked_in_results(database: Database, people: dict[str, Resident]) -> None:
    hits = await search_residents(database, people["张三"].id_number)
    assert [(h.name, h.matched_on, h.score) for h in hits] == [("张三", "id_number", 100)]
    hit = hits[0]
    assert hit.id_number_masked == people["张三"].id_number[:6] + "********" + people["张三"].id_number[-4:]
    assert people["张三"].id_number not in repr(hit)
    assert hit.phone_masked == "138****1234"


async def test_id_number_with_lower_case_x_and_spaces(
    database: Database, site: SiteConfig, now: dt.datetime
) -> None:
    n = next(i for i in range(200) if id_number(i).endswith("X"))
    created = await register(database, site, now, n)
    hits = await search_residents(database, f" {created.id_number[:9]} {created.id_number[9:].lower()} ")
    assert [h.id for h in hits] == [created.id]


async def test_legacy_15_digit_id_number_finds_the_upgraded_one(
    database: Database, site: SiteConfig, now: dt.datetime
) -> None:
    created = await register(database, site, now, 3)
    legacy = created.id_number[:6] + created.id_number[8:17]
    assert [h.id for h in await search_residents(database, legacy)] == [created.id]


async def test_record_number(database: Database, people: dict[str, Resident]) -> None:
    hits = await search_residents(database, people["李四"].record_number)
    assert [(h.name, h.matched_on, h.score) for h in hits] == [("李四", "record_number", 90)]


async def test_whole_phone(database: Database, people: dict[str, Resident]) -> None:
    hits = await search_residents(database, "139 0000 1234")
    assert [(h.name, h.matched_on, h.score) for h in hits] == [("张三丰", "phone", 80)]


async def test_phone_last_four(database: Database, people: dict[str, Resident]) -> None:
    hits = await search_residents(database, "1234")
    assert {(h.name, h.matched_on, h.score) for h in hits} == {
        ("张三", "phone_last4", 70),
        ("张三丰", "phone_last4", 70),
    }


async def test_exact_name_ranks_above_name_prefix(database: Database, people: dict[str, Resident]) -> None:
    hits = await search_residents(database, "张三")
    assert [(h.name, h.matched_on, h.score) for h in hits] == [("张三", "name", 60), ("张三丰", "name", 50)]
    hits = await search_residents(database, "张")
    assert [h.name for h in hits] == ["张三", "张三丰", "张伟"]
    assert {h.score for h in hits} == {50}


async def test_pinyin_initials_exact_then_prefix(database: Database, people: dict[str, Resident]) -> None:
    hits = await search_residents(database, "ZS")
    assert [(h.name, h.matched_on, h.score) for h in hits] == [
        ("张三", "initials", 40),
        ("张三丰", "initials", 30),
    ]
    assert [h.name for h in await search_residents(database, "zw")] == ["张伟"]


async def test_surname_readings_of_the_table(database: Database, people: dict[str, Resident]) -> None:
    assert [h.name for h in await search_residents(database, "szs")] == ["单志声"]
    assert [h.name for h in await search_residents(database, "zgf")] == ["曾国藩"]


async def test_limit_and_nonsense(database: Database, people: dict[str, Resident]) -> None:
    assert len(await search_residents(database, "z", limit=2)) == 2
    for query in ["", "   ", "12", "123456", "!!", "zs1"]:
        assert await search_residents(database, query) == [], query
