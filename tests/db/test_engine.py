"""Engine behaviour: online backup while writing, a busy SQLite database, an unreachable server, SQLite's
persistent connections (concurrency, failed transactions, nothing left running after close)."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from db.audit import record_audit
from db.engine import Database, backup, close, connect, migrate, write_transaction
from db.errors import DatabaseBusy, StoreError
from db.households import create_household
from db.search import search_residents
from db.sqlite_pool import PooledSQLiteEngine
from db.tables import AuditEvent, Counter, Household, Resident
from flows.model import NewHousehold
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
    # The refused BEGIN left the persistent writer usable once the other process let go.
    await register(db, site, now, 1)
    assert await Resident.count() == 1
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


# --- SQLite's persistent connections (db.sqlite_pool) ----------------------------------------------------


class Boom(Exception):
    pass


def _sqlite_threads() -> list[threading.Thread]:
    # aiosqlite runs each connection in a thread whose target is _connection_worker_thread.
    return [t for t in threading.enumerate() if "_connection_worker_thread" in t.name]


def _pooled(db: Database) -> PooledSQLiteEngine:
    assert isinstance(db.engine, PooledSQLiteEngine)
    return db.engine


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    db = await connect(DatabaseConfig(url=f"sqlite:///{tmp_path / 'pool.db'}", busy_timeout_s=0.5))
    await migrate(db)
    yield db
    await close(db)


async def test_sqlite_connections_keep_foreign_keys_full_sync_and_wal(sqlite_db: Database) -> None:
    async def pragmas() -> list[Any]:
        return [
            (await Resident.raw("PRAGMA foreign_keys"))[0]["foreign_keys"],
            (await Resident.raw("PRAGMA synchronous"))[0]["synchronous"],
            (await Resident.raw("PRAGMA journal_mode"))[0]["journal_mode"],
        ]

    assert await pragmas() == [1, 2, "wal"]  # 2 = FULL: a power cut loses no committed visit
    async with write_transaction(sqlite_db):
        assert await pragmas() == [1, 2, "wal"]


async def test_sqlite_pool_serves_concurrent_reads_and_writes_one_task_per_connection(
    tmp_path: Path, site: SiteConfig, now: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every call into a connection's thread goes through Connection._execute: two at once on one
    # connection would mean two coroutines share it.
    in_flight: set[int] = set()
    overlaps: list[object] = []
    original: Callable[..., Any] = aiosqlite.Connection._execute

    async def watched(self: aiosqlite.Connection, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if id(self) in in_flight:
            overlaps.append(fn)
        in_flight.add(id(self))
        try:
            return await original(self, fn, *args, **kwargs)
        finally:
            in_flight.discard(id(self))

    monkeypatch.setattr(aiosqlite.Connection, "_execute", watched)
    db = await connect(DatabaseConfig(url=f"sqlite:///{tmp_path / 'busy-room.db'}", busy_timeout_s=5.0))
    try:
        await migrate(db)
        for n in range(10):
            await register(db, site, now, n, name="李四")
        searches = [search_residents(db, "李四") for _ in range(50)]
        writes = [register(db, site, now, n, name="王五") for n in range(10, 25)]
        found, _ = await asyncio.gather(asyncio.gather(*searches), asyncio.gather(*writes))
        numbers = [r["record_number"] for r in await Resident.raw("SELECT record_number FROM resident")]
        pool = _pooled(db)._pool
        assert pool is not None
        opened = len(pool.opened)
    finally:
        await close(db)
    assert overlaps == []
    assert [len(hits) for hits in found] == [10] * 50
    assert len(numbers) == len(set(numbers)) == 25  # the writers queued, none lost, none doubled
    assert opened <= 5  # four readers and the writer


async def test_close_leaves_no_sqlite_connection_threads(
    tmp_path: Path, site: SiteConfig, now: dt.datetime
) -> None:
    before = set(_sqlite_threads())
    db = await connect(DatabaseConfig(url=f"sqlite:///{tmp_path / 'threads.db'}"))
    await migrate(db)
    await asyncio.gather(
        *(register(db, site, now, n) for n in range(3)), *(Resident.count() for _ in range(8))
    )
    opened = [t for t in _sqlite_threads() if t not in before]
    assert len(opened) >= 2  # readers and the writer stay open between queries
    await close(db)
    # Used again after close, the engine opens new connections; closing again ends them too.
    assert await Resident.count() == 3
    await close(db)
    for thread in _sqlite_threads():
        thread.join(timeout=5)
    assert [t for t in _sqlite_threads() if t not in before] == []


async def test_failed_write_transaction_rolls_back_and_keeps_the_writer(
    sqlite_db: Database, site: SiteConfig, now: dt.datetime
) -> None:
    await register(sqlite_db, site, now, 1)
    pool = _pooled(sqlite_db)._pool
    assert pool is not None
    writer = pool.writer

    async def fails() -> None:
        async with write_transaction(sqlite_db):
            await register(sqlite_db, site, now, 2)
            raise Boom

    with pytest.raises(Boom):
        await fails()
    assert writer is not None
    assert pool.writer is writer  # rolled back and kept, not replaced
    assert not writer.in_transaction
    assert await Resident.count() == 1
    await register(sqlite_db, site, now, 3)
    assert await Resident.count() == 2


async def test_failed_commit_leaves_the_writer_outside_any_transaction(
    sqlite_db: Database, site: SiteConfig, now: dt.datetime
) -> None:
    resident = await register(sqlite_db, site, now, 1)

    async def orphan_the_resident() -> None:
        async with write_transaction(sqlite_db):
            # Deferred checks make COMMIT itself fail, and SQLite then keeps the transaction open.
            await Resident.raw("PRAGMA defer_foreign_keys = ON")
            await Resident.raw("UPDATE resident SET household = 424242 WHERE id = {}", resident.id)

    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        await orphan_the_resident()
    rows = await Resident.raw("SELECT household FROM resident WHERE id = {}", resident.id)
    assert rows == [{"household": None}]
    await register(sqlite_db, site, now, 2)
    assert await Resident.count() == 2


async def test_cancelled_write_transaction_frees_the_writer(
    sqlite_db: Database, site: SiteConfig, now: dt.datetime
) -> None:
    entered = asyncio.Event()

    async def slow_writer() -> None:
        async with write_transaction(sqlite_db):
            await register(sqlite_db, site, now, 1)
            entered.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(slow_writer())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await register(sqlite_db, site, now, 2)
    assert await Resident.count() == 1


async def test_a_writer_of_this_process_held_too_long_gives_database_busy(
    sqlite_db: Database, site: SiteConfig, now: dt.datetime
) -> None:
    entered, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with write_transaction(sqlite_db):
            entered.set()
            await release.wait()

    task = asyncio.create_task(holder())
    await entered.wait()
    try:
        with pytest.raises(DatabaseBusy, match=r"0\.5 s"):
            await register(sqlite_db, site, now, 1)
        # Reads do not wait for the writer.
        assert await Resident.count() == 0
    finally:
        release.set()
        await task
    await register(sqlite_db, site, now, 1)
    assert await Resident.count() == 1


@pytest.mark.parametrize("fail", [False, True], ids=["no error: both commit", "error: neither commits"])
async def test_outer_write_transaction_commits_store_write_and_audit_together(
    database: Database, site: SiteConfig, now: dt.datetime, fail: bool
) -> None:
    async def register_and_audit() -> None:
        async with write_transaction(database):
            resident = await register(database, site, now, 1)
            await record_audit(
                database, actor_id=None, action="create", entity="resident", entity_id=resident.id, now=now
            )
            if fail:
                raise Boom

    if fail:
        with pytest.raises(Boom):
            await register_and_audit()
    else:
        await register_and_audit()
    expected = 0 if fail else 1
    assert (await Resident.count(), await AuditEvent.count()) == (expected, expected)
    if fail:
        assert await Counter.count() == 0  # the record-number counter rolled back with them


async def test_piccolo_transaction_and_atomic_still_work(database: Database, now: dt.datetime) -> None:
    async def fails() -> None:
        async with database.engine.transaction():
            await create_household(database, NewHousehold(address="一组"), now=now)
            raise Boom

    with pytest.raises(Boom):
        await fails()
    assert await Household.count() == 0
    atomic = database.engine.atomic()
    atomic.add(
        Household.insert(Household(address="二组", created_at=now)),
        Household.insert(Household(address="三组", created_at=now)),
    )
    await atomic.run()  # type: ignore[no-untyped-call]
    assert await Household.count() == 2


async def test_sqlite_queries_from_another_event_loop_use_their_own_connections(
    sqlite_db: Database, site: SiteConfig, now: dt.datetime
) -> None:
    await register(sqlite_db, site, now, 1)
    before = set(_sqlite_threads())

    async def elsewhere() -> int:
        async with write_transaction(sqlite_db):
            await register(sqlite_db, site, now, 2)
        count: int = await Resident.count()
        return count

    assert await asyncio.to_thread(asyncio.run, elsewhere()) == 2
    assert await Resident.count() == 2  # this loop's pool is untouched and still works
    for thread in set(_sqlite_threads()) - before:
        thread.join(timeout=5)
    assert set(_sqlite_threads()) <= before


async def test_a_task_outliving_its_transaction_cannot_write_into_the_next_one(
    sqlite_db: Database, site: SiteConfig, now: dt.datetime
) -> None:
    go = asyncio.Event()

    async def late() -> None:
        await go.wait()
        await register(sqlite_db, site, now, 2)  # joins the ended transaction through its context

    async with write_transaction(sqlite_db):
        task = asyncio.create_task(late())
        await register(sqlite_db, site, now, 1)
    go.set()
    with pytest.raises(sqlite3.ProgrammingError, match="transaction has ended"):
        await task
    await register(sqlite_db, site, now, 3)
    assert await Resident.count() == 2
