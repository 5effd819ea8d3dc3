"""Staff accounts, teams and sessions: expired, revoked and deactivated tokens give no one."""

from __future__ import annotations

import datetime as dt

import pytest

from db.engine import Database
from db.staff import (
    create_session,
    create_staff,
    create_team,
    revoke_session,
    session_staff,
    staff_credentials,
)
from db.tables import Staff as StaffRow
from flows.errors import Conflict, InvalidInput, NotFound
from flows.model import Role, Staff


async def test_staff_and_credentials(database: Database, now: dt.datetime) -> None:
    team = await create_team(database, name="第一团队", room="101")
    doctor = await create_staff(
        database,
        username="drli",
        display_name="李医生",
        role=Role.DOCTOR,
        password_hash="scrypt$abc",
        team_id=team.id,
        now=now,
    )
    assert (doctor.role, doctor.team_id, doctor.active) == (Role.DOCTOR, team.id, True)
    assert await staff_credentials(database, "drli") == (doctor, "scrypt$abc")
    assert await staff_credentials(database, "nobody") is None


async def test_staff_refusals(database: Database, nurse: Staff, now: dt.datetime) -> None:
    with pytest.raises(Conflict) as refused:
        await create_staff(
            database, username="nurse1", display_name="x", role=Role.NURSE, password_hash="h", now=now
        )
    assert refused.value.field == "username"
    with pytest.raises(NotFound):
        await create_staff(
            database, username="n2", display_name="x", role=Role.NURSE, password_hash="h", team_id=9, now=now
        )
    with pytest.raises(InvalidInput):
        await create_staff(
            database, username="a b", display_name="x", role=Role.NURSE, password_hash="h", now=now
        )
    assert await StaffRow.count() == 1
    await create_team(database, name="一队", room="1")
    with pytest.raises(Conflict):
        await create_team(database, name="一队", room="2")


async def test_sessions(database: Database, nurse: Staff, now: dt.datetime) -> None:
    later = now + dt.timedelta(hours=12)
    await create_session(database, staff_id=nurse.id, token_hash="good", expires_at=later, now=now)
    await create_session(database, staff_id=nurse.id, token_hash="revoked", expires_at=later, now=now)
    assert await session_staff(database, "good", now=now) == nurse
    assert await session_staff(database, "good", now=later) is None  # expired
    assert await session_staff(database, "unknown", now=now) is None
    await revoke_session(database, "revoked", now=now)
    assert await session_staff(database, "revoked", now=now) is None
    await revoke_session(database, "unknown")  # nothing to revoke: no error
    with pytest.raises(NotFound):
        await create_session(database, staff_id=999, token_hash="t", expires_at=later, now=now)
    with pytest.raises(InvalidInput):
        await create_session(database, staff_id=nurse.id, token_hash="t", expires_at=now, now=now)


async def test_deactivated_staff_cannot_log_in_or_use_a_token(
    database: Database, nurse: Staff, now: dt.datetime
) -> None:
    await create_session(
        database, staff_id=nurse.id, token_hash="tok", expires_at=now + dt.timedelta(hours=1), now=now
    )
    await StaffRow.update({StaffRow.active: False}).where(StaffRow.id == nurse.id)
    assert await staff_credentials(database, "nurse1") is None
    assert await session_staff(database, "tok", now=now) is None
