"""Open, migrate, back up and write to the database: SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib
import io
import os
import pkgutil
import shutil
import sqlite3
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.apps.migrations.tables import Migration
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table

from db import piccolo_conf
from db.errors import StoreError, busy_error, is_busy
from db.piccolo_app import APP_NAME
from db.sqlite_pool import PooledSQLiteEngine
from db.tables import ALL_TABLES
from onestop.config import DatabaseConfig, sqlite_path

Kind = Literal["sqlite", "postgres"]

# Piccolo's migration runner looks its engine up through PICCOLO_CONF; connect() points db.piccolo_conf.DB
# at the engine it opens, so migrations run on the database the caller chose.
os.environ.setdefault("PICCOLO_CONF", "db.piccolo_conf")


@dataclasses.dataclass(frozen=True)
class Database:
    """An open database: the Piccolo engine, its kind, and where it lives."""

    engine: Engine  # type: ignore[type-arg]
    kind: Kind
    url: str
    busy_timeout_s: float
    path: Path | None = None  # SQLite file
    pooled: bool = False


async def connect(config: DatabaseConfig, *, pool: bool = False) -> Database:
    """Open the configured database and bind every table to it. Raises StoreError if it cannot be reached."""
    scheme = urlsplit(config.url).scheme
    if scheme == "sqlite":
        db = await _connect_sqlite(config)
    elif scheme in ("postgresql", "postgres"):
        db = await _connect_postgres(config, pool=pool)
    else:
        raise StoreError(f"database.url must start with sqlite:// or postgresql://, got {config.url!r}")
    _bind(db.engine)
    return db


async def _connect_sqlite(config: DatabaseConfig) -> Database:
    path = sqlite_path(config.url)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the database directory {path.parent}: {exc}") from exc
    # `timeout` is sqlite3's busy timeout: a writer waits this long for the lock before "database is locked".
    # Persistent connections (db.sqlite_pool): Piccolo's own engine opens one per query, ~2.5 ms each.
    engine = PooledSQLiteEngine(path=str(path), timeout=config.busy_timeout_s)
    db = Database(
        engine=engine, kind="sqlite", url=config.url, busy_timeout_s=config.busy_timeout_s, path=path
    )
    try:
        # WAL is persistent in the file: readers never block the writer, which a room of terminals needs.
        await engine.run_ddl("PRAGMA journal_mode=WAL")
    except BaseException as exc:
        await engine.close_pool()
        if isinstance(exc, sqlite3.OperationalError):
            if is_busy(exc):
                raise busy_error(exc, config.busy_timeout_s) from exc
            raise StoreError(f"cannot open the SQLite database {path}: {exc}") from exc
        raise
    return db


async def _connect_postgres(config: DatabaseConfig, *, pool: bool) -> Database:
    with warnings.catch_warnings():
        # Piccolo probes the server version on construction and only warns if it cannot; the SELECT 1
        # below turns that case into a clear StoreError instead. No extensions: the default would try
        # CREATE EXTENSION "uuid-ossp", which needs a superuser.
        warnings.simplefilter("ignore")
        engine = PostgresEngine(config={"dsn": config.url}, extensions=())
    where = _redact(config.url)
    try:
        if pool:
            await engine.start_connection_pool(min_size=1, max_size=10)
        await engine.run_ddl("SELECT 1")
    except (TimeoutError, OSError) as exc:
        raise StoreError(f"cannot reach PostgreSQL at {where}: {exc}") from exc
    except Exception as exc:  # asyncpg's errors (unknown database, bad password) share no useful base
        raise StoreError(f"PostgreSQL at {where} refused the connection: {exc}") from exc
    return Database(
        engine=engine, kind="postgres", url=config.url, busy_timeout_s=config.busy_timeout_s, pooled=pool
    )


def _bind(engine: Engine) -> None:  # type: ignore[type-arg]
    tables: tuple[type[Table], ...] = (*ALL_TABLES, Migration)
    for table in tables:
        table._meta.db = engine
    piccolo_conf.DB = engine


async def close(db: Database) -> None:
    """Close every connection: on SQLite each is a thread, on PostgreSQL the pool's sockets."""
    if isinstance(db.engine, PooledSQLiteEngine):
        await db.engine.close_pool()
    elif isinstance(db.engine, PostgresEngine) and db.engine.pool is not None:
        await db.engine.close_connection_pool()


@contextlib.asynccontextmanager
async def write_transaction(db: Database) -> AsyncIterator[None]:
    """A writing transaction: IMMEDIATE on SQLite (takes the write lock at BEGIN, so two writers queue
    instead of one failing at its first write); a busy database raises DatabaseBusy, not a driver error.

    Nested calls join the outer transaction (Piccolo's `current_transaction`), so an outer
    write_transaction around several store writes commits all of them or none."""
    try:
        if isinstance(db.engine, SQLiteEngine):
            async with db.engine.transaction(transaction_type=TransactionType.immediate):
                yield
        else:
            async with db.engine.transaction():
                yield
    except sqlite3.OperationalError as exc:
        if is_busy(exc):
            raise busy_error(exc, db.busy_timeout_s) from exc
        raise


# --- migrations ---------------------------------------------------------------------------------------


def _migration_modules() -> dict[str, object]:
    """Committed migrations by ID, imported as db.migrations.<name> (not via sys.path like Piccolo's CLI)."""
    package = importlib.import_module("db.migrations")
    modules: dict[str, object] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"db.migrations.{info.name}")
        migration_id = getattr(module, "ID", None)
        if isinstance(migration_id, str):
            modules[migration_id] = module
    return modules


async def pending_migrations(db: Database) -> list[str]:
    """Committed migrations this database has not applied yet, in ID order (all of them on a new one)."""
    _bind(db.engine)
    modules = _migration_modules()
    if not await Migration.table_exists():
        return sorted(modules)
    done = set(await Migration.get_migrations_which_ran(app_name=APP_NAME))
    return sorted(set(modules) - done)


async def migrate(db: Database) -> list[str]:
    """Apply the committed migrations not yet applied, in ID order; returns their IDs ([] if none)."""
    _bind(db.engine)
    modules = _migration_modules()
    applied: list[str] = []
    async with write_transaction(db):
        if db.kind == "postgres":
            # Two processes migrating at once would both see "not applied"; serialise them.
            await db.engine.run_ddl("SELECT pg_advisory_xact_lock(724011)")
        await Migration.create_table(if_not_exists=True)
        done = set(await Migration.get_migrations_which_ran(app_name=APP_NAME))
        for migration_id in sorted(set(modules) - done):
            manager = await modules[migration_id].forwards()  # type: ignore[attr-defined]
            assert isinstance(manager, MigrationManager)
            # Piccolo prints progress to stdout; the CLI prints its own summary instead.
            with contextlib.redirect_stdout(io.StringIO()):
                await manager.run()
            await Migration.insert(Migration(name=migration_id, app_name=APP_NAME))
            applied.append(migration_id)
    return applied


# --- backup -------------------------------------------------------------------------------------------


async def backup(db: Database, dest: Path) -> None:
    """A consistent copy while the API keeps writing: SQLite's online backup API, or pg_dump."""
    dest = Path(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the backup directory {dest.parent}: {exc}") from exc
    if db.kind == "sqlite":
        assert db.path is not None
        if dest.exists() and dest.resolve() == db.path.resolve():
            raise StoreError(f"the backup file {dest} is the database itself; choose another path")
        await asyncio.to_thread(_sqlite_backup, db.path, dest, db.busy_timeout_s)
    else:
        await _pg_dump(db.url, dest)


def _sqlite_backup(src: Path, dest: Path, timeout_s: float) -> None:
    # Copy into a temporary file and rename, so a failed backup never leaves a half-written file at `dest`.
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        source = sqlite3.connect(src, timeout=timeout_s)
        try:
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
        os.replace(partial, dest)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"backup of {src} to {dest} failed: {exc}") from exc


async def _pg_dump(url: str, dest: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise StoreError("backup of a PostgreSQL database needs pg_dump on PATH (package postgresql-client)")
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password:
        # The password goes through the environment, not the command line other users can read.
        env["PGPASSWORD"] = parts.password
    dsn = urlunsplit(parts._replace(scheme="postgresql", netloc=_netloc_without_password(parts.netloc)))
    proc = await asyncio.create_subprocess_exec(
        pg_dump,
        "--format=custom",
        f"--file={dest}",
        f"--dbname={dsn}",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    _, stderr = await proc.communicate()
    if proc.returncode != 0:
        raise StoreError(
            f"pg_dump of {_redact(url)} to {dest} failed (exit {proc.returncode}): "
            f"{stderr.decode(errors='replace').strip()}"
        )


def _netloc_without_password(netloc: str) -> str:
    if "@" not in netloc:
        return netloc
    userinfo, host = netloc.rsplit("@", 1)
    return f"{userinfo.split(':', 1)[0]}@{host}"


def _redact(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=_netloc_without_password(parts.netloc)))
