"""Fixtures of the db tests: a staff member to act, and ID numbers that pass every GB-11643 check."""

from __future__ import annotations

import datetime as dt

import pytest

from db.engine import Database
from db.residents import create_resident
from db.staff import create_staff
from flows.identity import make_id_number
from flows.model import NewResident, Resident, Role, Sex, Staff
from onestop.config import SiteConfig


def id_number(n: int, *, sex: Sex = Sex.MALE, born: dt.date = dt.date(1960, 1, 1)) -> str:
    """The n-th distinct valid ID number of the county (100 per birth date)."""
    return make_id_number("320923", born + dt.timedelta(days=n // 100), n % 100, sex)


async def register(
    db: Database, site: SiteConfig, now: dt.datetime, n: int, name: str = "张三", **fields: object
) -> Resident:
    new = NewResident(id_number=id_number(n), name=name, **fields)  # type: ignore[arg-type]
    return await create_resident(db, new, site=site, now=now)


@pytest.fixture
async def nurse(database: Database, now: dt.datetime) -> Staff:
    return await create_staff(
        database, username="nurse1", display_name="王护士", role=Role.NURSE, password_hash="x$hash", now=now
    )
