"""Forward migration from an empty database on both engines; running it again changes nothing."""

from __future__ import annotations

from pathlib import Path

from db.engine import close, connect, migrate, pending_migrations
from db.tables import ALL_TABLES, Resident
from onestop.config import DatabaseConfig

EXPECTED_INDEXES = {
    "visit_one_open_per_day",
    "visit_event_visit_seq",
    "observation_resident_code_at",
    "follow_up_condition_done",
    "follow_up_open_due",
}
# Every committed migration module (db/migrations/onestop_*.py) must be pending on an empty database.
_COMMITTED = sorted(p.stem for p in (Path(__file__).parents[2] / "db" / "migrations").glob("onestop_*.py"))


async def _tables_and_indexes(kind: str) -> tuple[set[str], set[str]]:
    if kind == "sqlite":
        rows = await Resident.raw("SELECT type, name FROM sqlite_master")
        tables = {r["name"] for r in rows if r["type"] == "table"}
        indexes = {r["name"] for r in rows if r["type"] == "index"}
    else:
        rows = await Resident.raw("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")
        tables = {r["name"] for r in rows}
        rows = await Resident.raw("SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public'")
        indexes = {r["name"] for r in rows}
    return tables, indexes


async def test_forward_migration_from_empty_then_noop(db_kind: str, empty_db_config: DatabaseConfig) -> None:
    db = await connect(empty_db_config)
    try:
        before, _ = await _tables_and_indexes(db_kind)
        assert not before & {t._meta.tablename for t in ALL_TABLES}
        pending = await pending_migrations(db)
        assert len(pending) == len(_COMMITTED)

        applied = await migrate(db)
        assert applied == pending
        assert await pending_migrations(db) == []
        assert len(applied) == len(_COMMITTED)
        assert applied == sorted(applied)
        tables, indexes = await _tables_and_indexes(db_kind)
        assert {t._meta.tablename for t in ALL_TABLES} <= tables
        assert indexes >= EXPECTED_INDEXES
        if db_kind == "postgres":
            assert {"resident_name_prefix", "resident_initials_prefix"} <= indexes

        assert await migrate(db) == []
        assert await _tables_and_indexes(db_kind) == (tables, indexes)
    finally:
        await close(db)


async def test_sqlite_file_is_wal_in_a_created_directory(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "onestop.db"
    db = await connect(DatabaseConfig(url=f"sqlite:///{path}"))
    await migrate(db)
    rows = await Resident.raw("PRAGMA journal_mode")
    assert rows[0]["journal_mode"] == "wal"
    rows = await Resident.raw("PRAGMA foreign_keys")
    assert rows[0]["foreign_keys"] == 1
    await close(db)
