"""The doctor's dashboard on a 50,000-resident township: from the key to the figures on the screen.

    .venv/bin/python -m bench.bench_dashboard --engine sqlite|postgres [--residents 50000] [--runs 7]

The township of bench/bench_indicators.py (built once per engine and size; its day is 2025-11-20). The API
runs as its own process (uvicorn, as `onestop serve` runs it) with the site's clock set to the township's
day, so "today", the cohorts and the overdue list are those of the data. In this process the real
`OnestopApp` runs headless under Pilot at 80×24, logged in as a doctor, its date pinned to the same day.

Timed, median and max of `--runs` after one warm-up each:
- open: `d` on the doctor's queue → a new DashboardScreen shows this month's figures, the cohorts, the
  overdue count and the year's trend (one call: getIndicatorBoard);
- ←: last month's figures (kept from the board: no call);
- q: this quarter's figures (one call: getIndicatorSeries, quarters);
- y: the year's figures (one call: getIndicatorSeries, the year);
- and the API calls alone over HTTP: getIndicatorBoard, getIndicatorSeries (quarters), and getDashboard
  (the older one-call figures of a month, for comparison).
Goal (issue 8): ≤ 1.5 s from the key to the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import os
import statistics
import subprocess
import sys
import time
import zoneinfo
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from bench.bench_api import free_port, login_when_ready
from bench.bench_indicators import TODAY, database_url, ensure_township

GOAL_S = 1.5
DOCTOR, PASSWORD = "bench-doctor", "bench dashboard password"
ZONE = "Asia/Shanghai"


def _settings(engine: str, residents: int) -> Any:
    from onestop.config import DatabaseConfig, Settings

    return Settings(database=DatabaseConfig(url=database_url(engine, residents)))


async def _ensure_doctor(engine: str, residents: int) -> None:
    from api.auth import hash_password
    from db.engine import close, connect
    from db.staff import create_staff
    from db.tables import Staff
    from flows.model import Role

    db = await connect(_settings(engine, residents).database)
    try:
        if not await Staff.exists().where(Staff.username == DOCTOR):
            await create_staff(
                db,
                username=DOCTOR,
                display_name="看板医生",
                role=Role.DOCTOR,
                password_hash=hash_password(PASSWORD),
                now=dt.datetime.now(dt.UTC),
            )
    finally:
        await close(db)


def serve(engine: str, residents: int, port: int) -> None:
    """The child process: the API on loopback, its clock on the township's day (the time of day is now's)."""
    import uvicorn

    from api.app import create_app

    zone = zoneinfo.ZoneInfo(ZONE)
    offset = dt.timedelta(days=(TODAY - dt.datetime.now(zone).date()).days)

    def clock() -> dt.datetime:
        return dt.datetime.now(zone) + offset

    app = create_app(_settings(engine, residents), clock=clock)
    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_level="warning", lifespan="on")


def _line(label: str, samples: list[float]) -> None:
    verdict = "ok" if max(samples) <= GOAL_S * 1000 else "OVER"
    print(
        f"  {label:<44} n={len(samples):<3} median {statistics.median(samples):7.1f} ms   "
        f"max {max(samples):7.1f} ms   ({verdict}, goal {GOAL_S * 1000:.0f} ms)"
    )


def api_alone(base_url: str, runs: int) -> None:
    with httpx.Client(base_url=base_url, timeout=60) as client:
        token = login_when_ready(client, DOCTOR, PASSWORD)
        client.headers["authorization"] = f"Bearer {token}"
        start, end = TODAY.replace(day=1).isoformat(), TODAY.isoformat()
        calls: dict[str, Callable[[], httpx.Response]] = {
            "getIndicatorBoard (a year)": lambda: client.get(
                "/api/v1/indicators/board", params={"year": TODAY.year}
            ),
            "getIndicatorSeries (quarters)": lambda: client.get(
                "/api/v1/indicators/series", params={"kind": "quarter", "year": TODAY.year}
            ),
            "getDashboard (a month, overdue ≤1000)": lambda: client.get(
                "/api/v1/indicators/dashboard", params={"start": start, "end": end, "limit": 1000}
            ),
        }
        samples: dict[str, list[float]] = {label: [] for label in calls}
        for run in range(runs + 1):
            for label, call in calls.items():
                t = time.perf_counter()
                call().raise_for_status()
                if run:
                    samples[label].append((time.perf_counter() - t) * 1000)
    print("the API calls alone (HTTP, one client):")
    for label, values in samples.items():
        _line(label, values)


async def screen(base_url: str, runs: int) -> None:
    from tests.tui.helpers import log_in
    from tui import app as tui_app
    from tui.app import OnestopApp
    from tui.screens.dashboard import DashboardScreen

    class PinnedApp(OnestopApp):
        CSS_PATH = str(Path(tui_app.__file__).with_name("app.tcss"))  # relative paths are the subclass's

        def today(self) -> dt.date:
            return TODAY  # the township's day, as the API's clock

    app = PinnedApp(server=base_url, lang="zh_CN", station="bench")
    keys = {"open: d → figures": "d", "month before: ← (kept)": "left", "quarter: q": "q", "year: y": "y"}
    samples: dict[str, list[float]] = {label: [] for label in keys}

    async with app.run_test(size=(80, 24)) as pilot:

        async def timed(label: str, press: Callable[[], Awaitable[None]], run: int) -> DashboardScreen:
            t = time.perf_counter()
            await press()
            while not (isinstance(app.screen, DashboardScreen) and app.screen.ready):
                await pilot.pause(0.002)
            await pilot.pause()  # the frame with the figures
            if run:
                samples[label].append((time.perf_counter() - t) * 1000)
            return app.screen

        await log_in(pilot, DOCTOR, PASSWORD)
        while type(app.screen).__name__ != "DoctorQueueScreen":
            await pilot.pause(0.05)
        for run in range(runs + 1):
            for label, key in keys.items():
                shown = await timed(label, functools.partial(pilot.press, key), run)
                if run == runs and key == "d":
                    _print_figures(shown)
            await pilot.press("escape")
            while isinstance(app.screen, DashboardScreen):
                await pilot.pause(0.01)
    print("the dashboard screen (Pilot, headless, 80×24):")
    for label, values in samples.items():
        _line(label, values)


def _print_figures(screen: Any) -> None:
    board = screen.boards[screen._board_key()]
    rates = next(p.report for p in board.months.points if p.period == screen.period)
    print(f"figures on the screen ({screen.period.label}, whole site, today {TODAY}):")
    for r in rates.rates:
        print(f"  {r.code.value:<22} {r.numerator:>6} / {r.denominator:<6} = {(r.rate or 0):.1%}")
    for c in (board.hypertension, board.diabetes):
        print(
            f"  cohort {c.condition.value:<12} registered {c.registered}, controlled {c.controlled.numerator}, "
            f"uncontrolled {c.uncontrolled.numerator}, no visit 3 months {c.missed_visit.numerator}, "
            f"lost {c.lost_to_follow_up.numerator}"
        )
    print(f"  overdue follow-ups: {board.overdue}, high risk {board.overdue_high_risk}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--residents", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.engine, args.residents, args.serve)
        return
    asyncio.run(ensure_township(args.engine, args.residents))
    asyncio.run(_ensure_doctor(args.engine, args.residents))
    port = free_port()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.bench_dashboard",
            "--engine",
            args.engine,
            "--residents",
            str(args.residents),
            "--serve",
            str(port),
        ],
        env=os.environ.copy(),
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        print(f"dashboard on {args.engine}, {args.residents} residents, {args.runs} runs after a warm-up")
        api_alone(base_url, args.runs)
        asyncio.run(screen(base_url, args.runs))
    finally:
        child.terminate()
        child.wait(10)
    print(
        f"  (measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, {sys.platform})"
    )


if __name__ == "__main__":
    main()
