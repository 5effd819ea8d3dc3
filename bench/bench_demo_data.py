"""Benchmark `onestop demo-data`: generate and load a synthetic township, print residents/s, rows and size.

    .venv/bin/python -m bench.bench_demo_data                       # 100,000 residents, fresh SQLite file
    .venv/bin/python -m bench.bench_demo_data --residents 20000 --postgres   # also a throwaway PostgreSQL db
    .venv/bin/python -m bench.bench_demo_data --profile             # cProfile of the SQLite run, top 25

Goal (issue 2): 100,000 residents with their histories in under 2 minutes on SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

from db.demo_load import TownshipCounts, load_township
from db.engine import close, connect, migrate
from onestop.config import DatabaseConfig, SiteConfig

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
TODAY = dt.date(2025, 11, 20)  # fixed, so every run writes the same township


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\r  {done:>7}/{total} residents")
    sys.stderr.flush()


async def run(url: str, residents: int, seed: int) -> tuple[float, TownshipCounts]:
    db = await connect(DatabaseConfig(url=url))
    try:
        await migrate(db)
        start = time.perf_counter()
        counts = await load_township(
            db, residents=residents, seed=seed, site=SiteConfig(), today=TODAY, progress=_progress
        )
        seconds = time.perf_counter() - start
    finally:
        await close(db)
    sys.stderr.write("\n")
    return seconds, counts


def report(label: str, seconds: float, counts: TownshipCounts, size: int | None) -> None:
    t = counts.township
    print(f"{label}: {t.residents} residents in {seconds:.1f} s = {t.residents / seconds:,.0f} residents/s")
    total = sum(counts.rows.values())
    print(f"  rows written: {total:,} ({total / seconds:,.0f} rows/s)")
    for table, n in counts.rows.items():
        print(f"    {table:<20} {n:>10,}")
    if size is not None:
        print(f"  file size: {size / 1e6:,.1f} MB")
    print(f"  conditions: {t.conditions}; ≥60: {t.aged_60_plus / t.residents:.1%}")


async def pg_admin(sql: str) -> object:
    """One statement on the server's `postgres` database (CREATE / DROP DATABASE), its first value."""
    import asyncpg  # only for the PostgreSQL runs

    conn = await asyncpg.connect(PG_ADMIN)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--postgres", action="store_true", help="also load into a throwaway PostgreSQL database"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the SQLite run and print the top 25")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="onestop-bench-") as tmp:
        path = Path(tmp) / "demo.db"
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        seconds, counts = asyncio.run(run(f"sqlite:///{path}", args.residents, args.seed))
        if profiler:
            profiler.disable()
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        report("SQLite", seconds, counts, size)
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)

    if args.postgres:
        name = f"synthetic_bench_{os.getpid()}"
        asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
        try:
            seconds, counts = asyncio.run(
                run(f"postgresql://postgres@127.0.0.1:5432/{name}", args.residents, args.seed)
            )
            report("PostgreSQL", seconds, counts, None)
        finally:
            asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}"'))


if __name__ == "__main__":
    main()
