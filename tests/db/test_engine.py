"""Engine behaviour: online backup while writing, a busy SQLite database, an unreachable server."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from db.engine import Database, backup, close, connect, migrate
from db.errors import DatabaseBusy, StoreError
from db.tables import Counter, Resident
from onestop.config import DatabaseConfig, SiteConfig
from tests.db.conftest import register


async def test_sqlite_backup_while_another_task_writes(
    tmp_path: Path, site: SiteConfig, now: dt.datetime
) -> None:
    db = await connect(DatabaseConfig(url=f"sqlite:///{tmp_path / 'live.db'}"))
    await migrate(db)
    for n in range(5):
        await register(db, site, now, n)

    async def writer() -> None:
        for n in range(5, 60):
            await register(db, site, now, n)

    copy = tmp_path / "backups" / "copy.db"
    writing = asyncio.create_task(writer())
    await asyncio.sleep(0.05)
    await backup(db, copy)
    await writing
    await close(db)

    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (count,) = conn.execute("SELECT count(*) FROM resident").fetchone()
        numbers = [int(r[0][-5:]) for r in conn.execute("SELECT record_number FROM resident ORDER BY id")]
    assert 5 <= count <= 60
    # A consistent copy: the counter and the residents come from the same instant, no gap, no extra.
    assert numbers == list(range(1, count + 1))
    assert not (tmp_path / "backups" / "copy.db.partial").exists()


async def test_backup_refuses_to_overwrite_the_database_itself(database: Database) -> None:
    if database.kind != "sqlite":
        pytest.skip("SQLite file paths only")
    assert database.path is not None
    with pytest.raises(StoreError, match="the database itself"):
        await backup(database, database.path)


async def test_postgres_backup_with_pg_dump(
    db_kind: str, database: Database, site: SiteConfig, now: dt.datetime, tmp_path: Path
) -> None:
    if db_kind != "postgres":
        pytest.skip("pg_dump is the PostgreSQL backup")
    if shutil.which("pg_restore") is None:
        pytest.skip("pg_restore is needed to read the dump back")
    await register(database, site, now, 1)
    dump = tmp_path / "onestop.dump"
    await backup(database, dump)
    listing = await asyncio.create_subprocess_exec(
        "pg_restore", "--list", str(dump), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await listing.communicate()
    assert listing.returncode == 0
    assert "TABLE DATA public resident" in out.decode()


async def test_busy_sqlite_gives_a_clear_error_and_writes_nothing(
    tmp_path: Path, site: SiteConfig, now: dt.datetime
) -> None:
    path = tmp_path / "busy.db"
    db = await connect(DatabaseConfig(url=f"sqlite:///{path}", busy_timeout_s=0.2))
    await migrate(db)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    try:
        with pytest.raises(DatabaseBusy) as refused:
            await register(db, site, now, 1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert refused.value.code == "database_busy"
    assert "busy" in refused.value.message
    assert "0.2 s" in refused.value.message
    assert await Resident.count() == 0
    assert await Counter.count() == 0
    await close(db)


async def test_unreachable_postgres_is_a_store_error() -> None:
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    with pytest.raises(
        StoreError, match=r"cannot reach PostgreSQL at postgresql://postgres@127\.0\.0\.1:1/x"
    ):
        await connect(DatabaseConfig(url="postgresql://postgres:secret@127.0.0.1:1/x"))


async def test_unknown_scheme_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="sqlite:// or postgresql://"):
        await connect(DatabaseConfig(url="mysql://localhost/x"))
