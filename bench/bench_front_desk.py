"""The front desk, scripted: keystrokes and key-to-screen latency for returning signed hypertension patients.

A copy of a synthetic township (SQLite), `onestop serve` as a child process with a simulated blood-pressure
monitor at the desk's station and the preview printer, and the real TUI driven by Textual's Pilot at 80×24
(headless: the terminal's own drawing is not in the figure). For each resident: type the ID number, Enter
(summary), Enter (visit, into screening), wait for the monitor's reading to arrive, F10 (record update),
F10 (signing check: the contract in force is confirmed), F10 (triage), F10 (print) — until the ticket says
it is printed. Typed values are not counted as keystrokes (the issue's rule); every other key is.

Latency is from a key's press to the next screen mounted and drawn (`key→screen`), and, separately, to
that screen showing its data from the API (`key→data`). Goals (issue 7): ≤ 12 keystrokes; key→screen
p99 ≤ 50 ms.

    .venv/bin/python -m bench.bench_front_desk [--patients 20] [--residents 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench.bench_api import (
    add_nurse,
    database_url,
    ensure_township,
    free_port,
    percentile,
    query_rows,
    start_api,
)

GOAL_KEYS = 12
GOAL_P99_MS = 50.0
STATION = "front-desk-1"

SIGNED_HYPERTENSIVE = """
SELECT r.id, r.id_number, r.name FROM resident r
WHERE EXISTS (SELECT 1 FROM diagnosis d WHERE d.resident = r.id AND d.condition = 'hypertension'
              AND d.status = 'confirmed')
  AND EXISTS (SELECT 1 FROM contract c WHERE c.resident = r.id AND c.status = 'active'
              AND c.start_date <= date('now') AND c.end_date >= date('now'))
  AND NOT EXISTS (SELECT 1 FROM visit v WHERE v.resident = r.id AND v.visit_date = date('now'))
ORDER BY random() LIMIT ?
"""

CONFIG = """
[printer]
url = "preview://{tickets}"

[[devices]]
id = "bp-1"
kind = "blood_pressure"
protocol = "omron-hbp9030"
url = "sim://?seed=7&interval=1&errors=0&garbage=0"
station = "{station}"
"""


class Recorder:
    """Counts the keys a nurse presses (not the values she types) and times each to the next screen drawn.

    A key goes in as the terminal driver delivers it (`driver.send_message`), not through `pilot.press`,
    which waits for the whole process to be idle and would time that instead. "Drawn" is the app's first
    `_display` of the new screen after the key: the compositor has rendered it; the headless driver only
    skips turning it into terminal bytes.
    """

    def __init__(self, pilot: Any) -> None:
        self.pilot = pilot
        self.keys = 0
        self.screen_ms: list[float] = []
        self.data_ms: list[float] = []
        self.by_screen: dict[str, list[float]] = {}
        self.paints: list[tuple[float, str]] = []
        app = pilot.app
        display = app._display

        def recorded(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None:
                self.paints.append((time.perf_counter(), type(screen).__name__))

        app._display = recorded

    async def type(self, text: str) -> None:
        await self.pilot.press(*text)

    async def key(
        self, key: str, screen: str, data: Callable[[], bool] | None = None, *, timeout_s: float = 20.0
    ) -> None:
        from textual import events

        app = self.pilot.app
        self.keys += 1
        start = time.perf_counter()
        event = events.Key(key, "\r" if key == "enter" else None)
        event.set_sender(app)
        app._driver.send_message(event)

        def drawn() -> bool:
            return any(t > start and name == screen for t, name in self.paints)

        await _wait(drawn, screen, timeout_s)
        painted = next(t for t, name in self.paints if t > start and name == screen)
        took = (painted - start) * 1000
        self.screen_ms.append(took)
        self.by_screen.setdefault(f"{key}→{screen}", []).append(took)
        if data is not None:
            await _wait(data, f"{screen} data", timeout_s)
            self.data_ms.append((time.perf_counter() - start) * 1000)
        self.paints.clear()
        await self.pilot.pause()


async def _wait(condition: Callable[[], bool], what: str, timeout_s: float) -> None:
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            from textual._context import active_app

            shown = ""
            try:
                from tests.tui.helpers import screen_text

                shown = screen_text(active_app.get())
            except Exception:
                pass
            raise TimeoutError(f"waited {timeout_s} s for {what}\n{shown}")
        await asyncio.sleep(0.001)


def _text(app: Any, selector: str) -> str:
    from textual.css.query import NoMatches

    try:
        return str(app.screen.query_one(selector).render())
    except NoMatches:
        return ""


async def _run(
    base: str, username: str, password: str, people: list[dict[str, Any]], api: httpx.Client
) -> None:
    from tui.app import OnestopApp

    app = OnestopApp(server=base, lang="zh_CN", station=STATION)
    keys_per_patient: list[int] = []
    emergencies = 0
    rec: Recorder | None = None
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*username, "enter", *password, "enter")
        await _wait(lambda: type(app.screen).__name__ == "SearchScreen", "the desk", 20)
        rec = Recorder(pilot)
        for person in people:
            pressed = await _one_patient(rec, app, api, person)
            if pressed is None:
                emergencies += 1
            else:
                keys_per_patient.append(pressed)
    assert rec is not None
    print(
        f"front desk, {len(people)} returning signed hypertension patients, SQLite, TUI at 80×24 (headless)"
    )
    print(
        f"  keystrokes from search to printed ticket (typed ID not counted): {statistics.median(keys_per_patient):.0f}"
        f" (min {min(keys_per_patient)}, max {max(keys_per_patient)})  goal <= {GOAL_KEYS}"
    )
    s, d = rec.screen_ms, rec.data_ms
    print(
        f"  key→screen  n={len(s)}  p50 {percentile(s, 50):.1f} ms  p95 {percentile(s, 95):.1f} ms"
        f"  p99 {percentile(s, 99):.1f} ms  max {max(s):.1f} ms  goal p99 <= {GOAL_P99_MS:.0f} ms"
    )
    for step, samples in rec.by_screen.items():
        print(f"    {step:<24} median {statistics.median(samples):7.1f} ms  max {max(samples):7.1f} ms")
    print(
        f"  key→data    n={len(d)}  p50 {percentile(d, 50):.1f} ms  p95 {percentile(d, 95):.1f} ms"
        f"  p99 {percentile(d, 99):.1f} ms  (the summary, triage's decision, the printed ticket)"
    )


async def _one_patient(rec: Recorder, app: Any, api: httpx.Client, person: dict[str, Any]) -> int | None:
    """One resident from the search field to the printed ticket; the keys pressed (None: an emergency)."""
    before = rec.keys
    await rec.type(person["id_number"])
    await rec.key("enter", "SummaryScreen", lambda: person["name"] in _text(app, "#summary-title"))
    await rec.key("enter", "ScreeningScreen")
    visit_id = _open_visit(api, person["id"])
    await _wait(lambda: _claimed(api, visit_id), "the monitor's reading", 30)
    await rec.pilot.pause(0.3)
    if type(app.screen).__name__ == "EmergencyScreen":
        # The simulator measured an emergency (≥ 180/110): that resident takes the emergency path, which is
        # not the path timed here. Keep measuring, leave the visit open, and go on with the next resident.
        rec.keys = before
        await rec.pilot.press("m", "escape", "escape")
        await _wait(lambda: type(app.screen).__name__ == "SearchScreen", "back at intake", 20)
        await rec.pilot.press("escape")
        return None
    await rec.key("f10", "RecordScreen")
    await rec.key("f10", "SigningScreen")
    await rec.key("f10", "TriageScreen", lambda: bool(_text(app, "#triage-decision").strip()))
    await rec.key("f10", "TicketScreen", lambda: "已打印" in _text(app, "#ticket-print"))
    pressed = rec.keys - before
    await rec.key("f10", "SearchScreen")  # on to the next resident: not part of this one's count
    rec.keys -= 1
    return pressed


def _open_visit(api: httpx.Client, resident_id: int) -> int:
    visits = api.get("/api/v1/visits", params={"resident_id": resident_id, "open": "true"}).json()
    return int(visits[0]["id"])


def _claimed(api: httpx.Client, visit_id: int) -> bool:
    readings = api.get(f"/api/v1/visits/{visit_id}/readings").json()
    return any("sbp" in (r.get("values") or {}) for r in readings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=20)
    parser.add_argument("--residents", type=int, default=10_000)
    args = parser.parse_args()

    source = database_url("sqlite", args.residents)
    ensure_township(source, "sqlite", args.residents)
    with tempfile.TemporaryDirectory(prefix="onestop-desk-bench-") as tmp:
        db = Path(tmp) / "desk.db"
        shutil.copy(source.removeprefix("sqlite:///"), db)
        url = f"sqlite:///{db}"
        people = query_rows(url, "sqlite", SIGNED_HYPERTENSIVE, args.patients)
        config = Path(tmp) / "onestop.toml"
        config.write_text(CONFIG.format(tickets=Path(tmp) / "tickets", station=STATION), encoding="utf-8")
        port = free_port()
        env = {
            **os.environ,
            "ONESTOP_CONFIG": str(config),
            "ONESTOP_DATABASE_URL": url,
            "ONESTOP_API_PORT": str(port),
        }
        password = "bench-" + str(random.randrange(10**9))
        username = f"bench{random.randrange(10**6)}"
        add_nurse(env, username, password)
        server = start_api(env, port)
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=10) as api:
                from bench.bench_api import login_when_ready

                api.headers["Authorization"] = f"Bearer {login_when_ready(api, username, password)}"
                asyncio.run(_run(base, username, password, people, api))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
