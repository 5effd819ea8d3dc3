"""`onestop user add` through api.users.add_user against a real database: hashes, refusals, duplicates."""

from __future__ import annotations

import pytest

from api.auth import verify_password
from api.users import add_user
from db.engine import close, connect
from db.staff import staff_credentials
from flows.errors import Conflict, InvalidInput
from flows.model import Role
from onestop.config import DatabaseConfig, Settings


@pytest.fixture
def settings(db_config: DatabaseConfig) -> Settings:
    return Settings(database=db_config)  # migrated and empty (tests/conftest.py)


async def _credentials(settings: Settings, username: str) -> tuple[object, str] | None:
    db = await connect(settings.database)
    try:
        return await staff_credentials(db, username)
    finally:
        await close(db)


async def test_add_user_stores_a_scrypt_hash(settings: Settings) -> None:
    staff = await add_user(settings, "dr.wang", "王医生", "doctor", "long enough pw")
    assert staff.role is Role.DOCTOR
    assert staff.display_name == "王医生"
    found = await _credentials(settings, "dr.wang")
    assert found is not None
    _, stored = found
    assert stored.startswith("scrypt$")
    assert "long enough pw" not in stored
    assert verify_password("long enough pw", stored)


async def test_add_user_refuses_weak_input_and_writes_nothing(settings: Settings) -> None:
    with pytest.raises(InvalidInput, match="at least 8"):
        await add_user(settings, "nurse2", "护士", Role.NURSE, "short")
    with pytest.raises(InvalidInput):
        await add_user(settings, "nurse2", "护士", "chief", "long enough pw")
    assert await _credentials(settings, "nurse2") is None


async def test_duplicate_user_name_is_a_conflict(settings: Settings) -> None:
    await add_user(settings, "admin1", "管理员", "admin", "long enough pw")
    with pytest.raises(Conflict):
        await add_user(settings, "admin1", "另一个", "nurse", "other long pw")


async def test_a_doctor_joins_a_team_by_name(settings: Settings) -> None:
    """`onestop user add NAME --role doctor --team 第一团队`: the doctor's queue is their team's."""
    db = await connect(settings.database)
    try:
        from db.staff import create_team

        team = await create_team(db, name="第一家庭医生团队", room="全科诊室2")
    finally:
        await close(db)
    staff = await add_user(settings, "dr.li", "李医生", "doctor", "long enough pw", team="第一家庭医生团队")
    assert staff.team_id == team.id
    with pytest.raises(InvalidInput, match="第一家庭医生团队") as refused:
        await add_user(settings, "dr.zhao", "赵医生", "doctor", "long enough pw", team="第二团队")
    assert refused.value.field == "team"
    assert await _credentials(settings, "dr.zhao") is None
