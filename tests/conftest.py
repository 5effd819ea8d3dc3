"""Shared fixtures: a migrated, empty database of each kind (SQLite file, PostgreSQL), site and clock.

`db_kind` runs a test on both engines. PostgreSQL is the server at 127.0.0.1:5432 (override with
ONESTOP_TEST_POSTGRES_URL, an admin URL); each test session gets one throwaway database, migrated once,
emptied between tests. Unreachable PostgreSQL skips its tests, or fails them when CI=true.
Tables are bound globally to one engine (Piccolo's Table._meta.db), so tests use one database at a time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import itertools
import os
import shutil
import sqlite3
import zoneinfo
from collections.abc import AsyncIterator, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from db.engine import Database, close, connect, migrate
from db.tables import ALL_TABLES
from onestop.config import DatabaseConfig, SiteConfig

T = TypeVar("T")

PG_ADMIN_URL = os.environ.get("ONESTOP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_TEST_DB = f"onestop_test_{os.getpid()}"
_empty_counter = itertools.count(1)


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion in a fresh thread and loop, leaving pytest-asyncio's loop alone."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _pg_url(database: str) -> str:
    return urlunsplit(urlsplit(PG_ADMIN_URL)._replace(path=f"/{database}"))


async def _pg_admin(*statements: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        for sql in statements:
            await conn.execute(sql)
    finally:
        await conn.close()


def _require_postgres() -> None:
    try:
        run_sync(_pg_admin("SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        message = f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: PostgreSQL is required)", pytrace=False)
        pytest.skip(message)


async def _migrated(config: DatabaseConfig) -> None:
    db = await connect(config)
    try:
        await migrate(db)
    finally:
        await close(db)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The session's throwaway PostgreSQL database, migrated; dropped at the end of the session."""
    _require_postgres()
    run_sync(_pg_admin(f"DROP DATABASE IF EXISTS {PG_TEST_DB} WITH (FORCE)", f"CREATE DATABASE {PG_TEST_DB}"))
    url = _pg_url(PG_TEST_DB)
    try:
        run_sync(_migrated(DatabaseConfig(url=url)))
        yield url
    finally:
        run_sync(_pg_admin(f"DROP DATABASE IF EXISTS {PG_TEST_DB} WITH (FORCE)"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating every time)."""
    path = tmp_path_factory.mktemp("template") / "onestop.db"
    run_sync(_migrated(DatabaseConfig(url=f"sqlite:///{path}")))
    with sqlite3.connect(path) as conn:  # fold the WAL into the file so a plain copy is complete
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


async def _truncate(url: str) -> None:
    conn = await asyncpg.connect(url, timeout=5)
    try:
        names = ", ".join(table._meta.tablename for table in ALL_TABLES)
        await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


@pytest.fixture
def db_config(db_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> DatabaseConfig:
    """The configuration of this test's migrated, empty database (the API tests start a server on it)."""
    if db_kind == "sqlite":
        path = tmp_path / "onestop.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return DatabaseConfig(url=f"sqlite:///{path}", busy_timeout_s=5.0)
    url: str = request.getfixturevalue("postgres_url")
    run_sync(_truncate(url))
    return DatabaseConfig(url=url)


@pytest.fixture
async def database(db_config: DatabaseConfig) -> AsyncIterator[Database]:
    """A migrated, empty database of the kind `db_kind`, open for this test (a pool on PostgreSQL)."""
    db = await connect(db_config, pool=db_config.url.startswith("postgres"))
    try:
        yield db
    finally:
        await close(db)


@pytest.fixture
def empty_db_config(db_kind: str, tmp_path: Path) -> Iterator[DatabaseConfig]:
    """A brand-new database with no tables at all, for forward-migration tests; dropped afterwards."""
    if db_kind == "sqlite":
        yield DatabaseConfig(url=f"sqlite:///{tmp_path / 'empty' / 'onestop.db'}")
        return
    _require_postgres()
    name = f"{PG_TEST_DB}_empty_{next(_empty_counter)}"
    run_sync(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"))
    try:
        yield DatabaseConfig(url=_pg_url(name))
    finally:
        run_sync(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture
def site() -> SiteConfig:
    return SiteConfig()


@pytest.fixture
def now() -> dt.datetime:
    """A fixed working-day morning at the site (Monday 3 March 2025, 09:30 Beijing time)."""
    return dt.datetime(2025, 3, 3, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
