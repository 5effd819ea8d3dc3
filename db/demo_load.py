"""Bulk-load a synthetic township (flows.synthetic) into the real tables, fast, on SQLite or PostgreSQL.

Rows are written batch by batch (whole households with their history), each batch in one transaction:
SQLite through a stdlib sqlite3 connection of its own in a second process (executemany inside BEGIN
IMMEDIATE, the engine's PRAGMAs), PostgreSQL through asyncpg COPY. On SQLite generating the next batch
overlaps with writing the current one. Ids are given explicitly (past existing rows), so no row needs reading back.
A failed load keeps the batches committed before the failure; it started from an empty database, so start
again on a fresh one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import os
import subprocess
import sys
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
from piccolo.engine.postgres import PostgresEngine

from db import demo_writer
from db.demo_rows import TABLES, Ids, Rows, batch_rows, counter_rows, layout_rows
from db.engine import Database
from db.errors import StoreError
from db.tables import Resident
from flows.errors import Conflict, InvalidInput
from flows.synthetic import Counter, Township, TownshipSpec, check_size, generate, layout, utc_at
from onestop.config import SiteConfig

Progress = Callable[[int, int], None]  # (residents written so far, residents asked for)


class TownshipCounts(msgspec.Struct, frozen=True, kw_only=True):
    """What a load wrote: the generator's summary and the rows inserted per table."""

    township: Township
    rows: dict[str, int]


async def load_township(
    db: Database,
    *,
    residents: int,
    seed: int,
    site: SiteConfig,
    today: dt.date,
    progress: Progress | None = None,
    allow_existing: bool = False,
    batch_residents: int = 2000,
) -> TownshipCounts:
    """Generate `residents` residents with three years of history and write them. Deterministic for a seed.

    Refuses (Conflict, nothing written) a database that already holds residents unless `allow_existing`:
    then ids, ID numbers and record numbers continue after what is there. Teams and staff that exist under
    the demo's names are reused, not duplicated. The demo staff (demo-doctor-N, demo-nurse-N) are inactive
    and have no password: they sign the history and cannot log in.
    `progress(done, total)` is called with 0 first and after each committed batch.
    """
    check_size(residents)
    if batch_residents < 1:
        raise InvalidInput(
            f"batch_residents must be at least 1, got {batch_residents}", field="batch_residents"
        )
    if not allow_existing and (count := await Resident.count()):
        raise Conflict(
            f"the database already holds {count} residents; demo data goes into an empty database "
            "(use a fresh database, or ask explicitly to add a township beside them)",
            details={"residents": count},
        )
    spec = TownshipSpec(
        residents=residents,
        seed=seed,
        today=today,
        region_code=site.region_code,
        township_code=site.township_code,
        township_name=township_name(site.name),
        timezone=site.timezone,
        batch_residents=batch_residents,
    )
    plan = layout(spec)
    writer: _Writer = _SqliteWriter(db) if db.kind == "sqlite" else await _PostgresWriter.open(db)
    text = db.kind == "sqlite"
    try:
        # The highest id of every table, in one query: new rows are numbered past them.
        [last_ids] = await writer.rows(
            "SELECT " + ", ".join(f"(SELECT COALESCE(MAX(id), 0) FROM {t})" for t in TABLES)
        )
        maxima = {t: int(n) for t, n in zip(TABLES, last_ids, strict=True)}
        taken: frozenset[str] = frozenset()
        starts: dict[str, int] = {}
        # Teams and staff of the same name are reused (a demo database may have them before its residents).
        teams = {n: i for i, n in await writer.rows("SELECT id, name FROM family_doctor_team")}
        staff = {n: i for i, n in await writer.rows("SELECT id, username FROM staff")}
        if allow_existing:
            taken = frozenset(n for (n,) in await writer.rows("SELECT id_number FROM resident"))
            counters = await writer.rows("SELECT name, value FROM counter WHERE name LIKE 'record_number:%'")
            starts = {name.removeprefix("record_number:"): int(value) for name, value in counters}
        ids = Ids.make(plan, maxima, teams, staff)
        counter = Counter(spec, plan)
        written = dict.fromkeys(TABLES, 0)
        joined = staff_joined(spec)
        _add(written, await writer.start(layout_rows(plan, ids, joined, text=text)))
        if progress:
            progress(0, residents)
        batches = generate(spec, plan, taken_id_numbers=taken, record_start=starts)

        def produce() -> tuple[int, Rows] | None:
            batch = next(batches, None)
            if batch is None:
                return None
            counter.add(batch)
            return len(batch.residents), batch_rows(batch, ids, text=text)

        done = 0
        pending: asyncio.Future[dict[str, int]] | None = None
        # Generation runs in a thread so the event loop stays free: it streams the COPY of the previous batch
        # to PostgreSQL (the SQLite write runs in its own process) while the next batch is computed.
        while (item := await asyncio.to_thread(produce)) is not None:
            if pending is not None:
                _add(written, await pending)
                if progress:
                    progress(done, residents)
            pending = writer.start(item[1])
            done += item[0]
        if pending is not None:
            _add(written, await pending)
        await writer.finish(counter_rows(ids))
        if progress:
            progress(done, residents)
    finally:
        await writer.close()
    return TownshipCounts(township=counter.result(), rows={k: v for k, v in written.items() if v})


def staff_joined(spec: TownshipSpec) -> dt.datetime:
    """When the demo staff joined (UTC): a month before the history they sign begins."""
    day = spec.today - dt.timedelta(days=365 * spec.history_years + 30)
    return utc_at(day, 7, 0, zoneinfo.ZoneInfo(spec.timezone))


def _add(written: dict[str, int], counts: dict[str, int]) -> None:
    for table, n in counts.items():
        written[table] += n


def township_name(site_name: str) -> str:
    """示范镇卫生院 → 示范镇: addresses name the township, not the health centre."""
    for suffix in ("社区卫生服务中心", "卫生院"):
        if site_name.endswith(suffix) and len(site_name) > len(suffix):
            return site_name[: -len(suffix)]
    return site_name


class _Writer:
    async def rows(self, sql: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def start(self, rows: Rows) -> asyncio.Future[dict[str, int]]:
        """Begin writing a batch at once (the caller generates the next one meanwhile)."""
        raise NotImplementedError

    async def finish(self, counters: Rows) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


class _SqliteWriter(_Writer):
    """Writes through a child process (`python -m db.demo_writer`, see there) with a sqlite3 connection."""

    def __init__(self, db: Database):
        if db.path is None:
            raise StoreError("a SQLite database without a file path")
        root = str(Path(demo_writer.__file__).resolve().parent.parent)  # where the `db` package lives
        env = dict(
            os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "db.demo_writer", str(db.path), str(db.busy_timeout_s)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        # One thread talks to the child: the blocking pipe I/O releases the GIL, so generation goes on.
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-load")

    def _ask(self, kind: str, body: object) -> Any:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        try:
            demo_writer.send(self.proc.stdin, (kind, body))
            status, result = demo_writer.receive(self.proc.stdout)
        except (EOFError, BrokenPipeError) as exc:
            raise StoreError(f"the SQLite writer process stopped (exit {self.proc.poll()})") from exc
        if status != "ok":
            raise StoreError(f"loading the demo township failed: {result}")
        return result

    def _submit(self, kind: str, body: object) -> asyncio.Future[Any]:
        return asyncio.wrap_future(self.pool.submit(self._ask, kind, body))

    async def rows(self, sql: str) -> list[tuple[Any, ...]]:
        result: list[tuple[Any, ...]] = await self._submit("query", sql)
        return result

    def start(self, rows: Rows) -> asyncio.Future[dict[str, int]]:
        return self._submit("write", rows)

    async def finish(self, counters: Rows) -> None:
        await self._submit("write", counters)

    async def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()  # end of requests: the child closes its connection and exits
        await asyncio.get_running_loop().run_in_executor(self.pool, self.proc.wait)
        self.pool.shutdown(wait=True)


class _PostgresWriter(_Writer):
    """COPY into each table on one asyncpg connection, one transaction per batch."""

    def __init__(self, conn: Any):
        self.conn = conn  # asyncpg.Connection

    @classmethod
    async def open(cls, db: Database) -> _PostgresWriter:
        if not isinstance(db.engine, PostgresEngine):
            raise StoreError(f"expected a PostgreSQL engine, got {type(db.engine).__name__}")
        return cls(await db.engine.get_new_connection())

    async def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.conn.fetch(sql)]

    async def _write(self, rows: Rows) -> dict[str, int]:
        async with self.conn.transaction():
            for table, table_rows in rows.items():
                if table_rows:
                    columns = list(TABLES[table].columns)
                    await self.conn.copy_records_to_table(table, records=table_rows, columns=columns)
        return {table: len(table_rows) for table, table_rows in rows.items()}

    def start(self, rows: Rows) -> asyncio.Future[dict[str, int]]:
        return asyncio.ensure_future(self._write(rows))

    async def finish(self, counters: Rows) -> None:
        async with self.conn.transaction():
            await self.conn.executemany(
                "INSERT INTO counter (name, value) VALUES ($1, $2) ON CONFLICT (name) "
                "DO UPDATE SET value = GREATEST(counter.value, EXCLUDED.value)",
                counters["counter"],
            )
            # Explicit ids bypassed the serial sequences: move each past the highest id now in its table.
            await self.conn.execute(
                "SELECT "
                + ", ".join(
                    f"setval(pg_get_serial_sequence('{t}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {t}), false)"
                    for t in TABLES
                )
            )

    async def close(self) -> None:
        await self.conn.close()
