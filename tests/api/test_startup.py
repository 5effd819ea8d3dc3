"""Start-up: the API refuses an unmigrated database with a message naming the command to run."""

from __future__ import annotations

import pytest

from api.app import SchemaNotReady, preflight
from onestop.config import DatabaseConfig, Settings
from tests.support.server import live_server


async def test_preflight_refuses_an_unmigrated_database(empty_db_config: DatabaseConfig) -> None:
    with pytest.raises(SchemaNotReady, match="onestop db migrate"):
        await preflight(Settings(database=empty_db_config))


def test_server_does_not_start_on_an_unmigrated_database(empty_db_config: DatabaseConfig) -> None:
    with (
        pytest.raises(RuntimeError, match="onestop db migrate"),
        live_server(Settings(database=empty_db_config), migrate=False, timeout=15),
    ):
        pass


async def test_preflight_refuses_a_database_one_migration_behind(empty_db_config: DatabaseConfig) -> None:
    from db.engine import close, connect, migrate, pending_migrations

    db = await connect(empty_db_config)
    try:
        applied = await migrate(db)
        assert await pending_migrations(db) == []
        # Forget the newest migration, as a database restored from an older backup would.
        await db.engine.run_ddl(f"DELETE FROM migration WHERE name = '{applied[-1]}'")
        assert await pending_migrations(db) == [applied[-1]]
    finally:
        await close(db)
    with pytest.raises(SchemaNotReady, match=applied[-1]):
        await preflight(Settings(database=empty_db_config))


async def test_preflight_accepts_a_current_database(empty_db_config: DatabaseConfig) -> None:
    from db.engine import close, connect, migrate

    db = await connect(empty_db_config)
    try:
        await migrate(db)
    finally:
        await close(db)
    await preflight(Settings(database=empty_db_config))


def test_a_bad_rules_setting_stops_the_app_being_built_naming_the_key() -> None:
    from api.app import create_app
    from flows.rules.base import RuleError
    from onestop.config import Settings

    with pytest.raises(RuleError) as caught:
        create_app(Settings(rules={"hypertension": {"no_such_setting": 1}}))
    assert caught.value.field == "rules.hypertension.no_such_setting"
    app = create_app(Settings(rules={"hypertension": {"screening_age_floor": 35}}))
    assert app.state["onestop"].rules.hypertension.screening_age_floor == 35
