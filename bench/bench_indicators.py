"""Time the work indicators on a 50,000-resident township with three years of follow-ups, and one classification.

    .venv/bin/python -m bench.bench_indicators --engine sqlite|postgres [--residents 50000] [--runs 20]

Builds the township once per engine and size with the demo-data loader (fixed seed and date, so every run reads
the same data) and reuses it: var/bench/indicators-N.db, or the PostgreSQL database onestop_bench_indicators_N.
Then, over several runs after a warm-up, times db.indicators: the four BPHS-2017 rates of a year, the
HEARTS-style cohort (hypertension and diabetes) and the overdue list (top 100), each, the four one after
another, and `dashboard` (the same answers with the patients read once, as the indicators screen asks).
Goals (issue 3): ≤ 1 s for all of them on each engine; classifying one follow-up ≤ 1 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import time
import timeit
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.bench_api import percentile
from bench.bench_demo_data import pg_admin
from db import indicators as db_ind
from db.demo_load import load_township
from db.engine import close, connect, migrate
from db.tables import FollowUp
from flows.model import Condition
from flows.rules.followup import FollowupClass
from flows.synthetic.followups import assess
from onestop.config import DatabaseConfig, SiteConfig

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2025, 11, 20)  # fixed: the township and the figures are the same on every run
YEAR = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
SEED = 1


def database_url(engine: str, residents: int) -> str:
    if engine == "sqlite":
        return f"sqlite:///{ROOT / 'var' / 'bench' / f'indicators-{residents}.db'}"
    return f"postgresql://postgres@127.0.0.1:5432/onestop_bench_indicators_{residents}"


async def _loaded() -> bool:
    return bool(await FollowUp.count().where(FollowUp.done_at.is_not_null()))


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def ensure_township(engine: str, residents: int) -> None:
    """Load the township unless a complete one (with follow-ups) is already there; loading is timed elsewhere."""
    url = database_url(engine, residents)
    if engine == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        name = url.rsplit("/", 1)[1]
        if not await pg_admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
            await pg_admin(f'CREATE DATABASE "{name}"')
    db = await connect(DatabaseConfig(url=url))
    try:
        await migrate(db)
        if await _loaded():
            return
    finally:
        await close(db)
    # A half-loaded or older township (no follow-ups): start again from an empty database.
    if engine == "sqlite":
        _remove_sqlite(path)
    else:
        await pg_admin(f'DROP DATABASE "{name}" WITH (FORCE)')
        await pg_admin(f'CREATE DATABASE "{name}"')
    print(f"loading a township of {residents} residents into {url} (once) …", flush=True)
    start = time.perf_counter()
    db = await connect(DatabaseConfig(url=url))
    try:
        await migrate(db)
        await load_township(db, residents=residents, seed=SEED, site=SiteConfig(), today=TODAY)
        if engine == "postgres":
            await db.engine.run_ddl("ANALYZE")
    finally:
        await close(db)
    print(f"  loaded in {time.perf_counter() - start:.1f} s")


def _line(label: str, samples: list[float]) -> None:
    print(
        f"  {label:<30} n={len(samples):<3} p50 {percentile(samples, 50):7.1f} ms   "
        f"p99 {percentile(samples, 99):7.1f} ms   max {max(samples):7.1f} ms"
    )


async def time_indicators(engine: str, residents: int, runs: int) -> None:
    url = database_url(engine, residents)
    db = await connect(DatabaseConfig(url=url), pool=engine == "postgres")  # as the API opens it
    tasks: dict[str, Callable[[], Awaitable[object]]] = {
        "BPHS four rates, a year": lambda: db_ind.indicators(db, start=YEAR[0], end=YEAR[1], today=TODAY),
        "HEARTS cohort, hypertension": lambda: db_ind.hearts_cohort(db, at=TODAY),
        "HEARTS cohort, diabetes": lambda: db_ind.hearts_cohort(db, at=TODAY, condition=Condition.DIABETES),
        "overdue list, top 100": lambda: db_ind.overdue(db, today=TODAY, limit=100),
    }
    board = "dashboard: all four at once"
    samples: dict[str, list[float]] = {label: [] for label in (*tasks, "the four, one after another", board)}
    try:
        report = await db_ind.indicators(db, start=YEAR[0], end=YEAR[1], today=TODAY)
        cohort = await db_ind.hearts_cohort(db, at=TODAY)
        listed = await db_ind.overdue(db, today=TODAY, limit=100)
        print(f"indicators on {engine}, {residents} residents, {runs} runs after a warm-up (today {TODAY})")
        for r in report.rates:
            print(f"  {r.code.value:<22} {r.numerator:>6} / {r.denominator:<6} = {r.rate or 0:.1%}")
        print(
            f"  HEARTS hypertension: registered {cohort.registered}, under care {cohort.under_care}, "
            f"controlled {cohort.controlled.rate or 0:.1%}, lost {cohort.lost_to_follow_up.rate or 0:.1%}; "
            f"overdue top: {sum(i.high_risk for i in listed)} of {len(listed)} high risk"
        )
        for _ in range(runs):
            total = 0.0
            for label, task in tasks.items():
                start = time.perf_counter()
                await task()
                ms = (time.perf_counter() - start) * 1000
                samples[label].append(ms)
                total += ms
            samples["the four, one after another"].append(total)
            start = time.perf_counter()
            await db_ind.dashboard(db, start=YEAR[0], end=YEAR[1], today=TODAY, limit=100)
            samples[board].append((time.perf_counter() - start) * 1000)
        for label, values in samples.items():
            _line(label, values)
    finally:
        await close(db)


def time_classification() -> None:
    """hypertension.is_controlled at the age on the day, then followup.classify (flows.synthetic.followups.assess)."""
    day = dt.date(2025, 11, 20)
    cases = [(150, 95, FollowupClass.UNCONTROLLED), (128, 80, None), (145, 85, FollowupClass.CONTROLLED)]

    def run() -> None:
        for sbp, dbp, previous in cases:
            assess(Condition.HYPERTENSION, sbp=sbp, dbp=dbp, fpg=None, age=66, day=day, previous=previous)

    n = 20_000
    best = min(timeit.repeat(run, number=n, repeat=5)) / (n * len(cases))
    print(
        f"  classify one follow-up (is_controlled + classify): {best * 1e6:.2f} µs per call (goal ≤ 1000 µs)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--residents", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    asyncio.run(ensure_township(args.engine, args.residents))
    asyncio.run(time_indicators(args.engine, args.residents, args.runs))
    time_classification()
    print(
        f"  (measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, {sys.platform})"
    )


if __name__ == "__main__":
    main()
