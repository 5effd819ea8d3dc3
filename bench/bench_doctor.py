"""The doctor's desk, scripted: keystrokes and key-to-screen latency of a controlled hypertension follow-up.

A copy of a synthetic township (SQLite), `onestop serve` as a child process with the preview printer, and the
real TUI driven by Textual's Pilot at 80×24 (headless). The front desk's part is done over the API for each
patient (values measured 126/78, contract confirmed, ticket issued), so the doctor's team queue holds them.
Then, for each patient, from the doctor's queue: `n` (call next: the board shows the number), Enter (see the
patient: the diagnosis step), F10 (nothing to decide: hypertension is confirmed), F10 (the plan: running
drugs continue), F10 (the follow-up: controlled, next date computed, booked) — until the doctor is back at the
queue. Typed values are not counted (the issue's rule); every other key is.

Goal (issue 8): ≤ 15 keystrokes from "call next" to "booked".

    .venv/bin/python -m bench.bench_doctor [--patients 10] [--residents 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from bench.bench_api import ROOT, database_url, ensure_township, free_port, percentile, query_rows, start_api
from bench.bench_front_desk import Recorder, _wait

GOAL_KEYS = 15

# Signed hypertensive residents of one team with a height and weight on record (the plan's target weight).
SIGNED_HYPERTENSIVE = """
SELECT r.id, r.name, c.team AS team_id FROM resident r
JOIN contract c ON c.resident = r.id AND c.status = 'active'
     AND c.start_date <= date('now') AND c.end_date >= date('now')
WHERE c.team = (SELECT team FROM contract WHERE status = 'active' GROUP BY team ORDER BY count(*) DESC LIMIT 1)
  AND EXISTS (SELECT 1 FROM diagnosis d WHERE d.resident = r.id AND d.condition = 'hypertension'
              AND d.status = 'confirmed')
  AND NOT EXISTS (SELECT 1 FROM diagnosis d WHERE d.resident = r.id AND d.condition <> 'hypertension'
                  AND d.status = 'confirmed')
  AND EXISTS (SELECT 1 FROM observation o WHERE o.resident = r.id AND o.code = 'height')
  AND EXISTS (SELECT 1 FROM observation o WHERE o.resident = r.id AND o.code = 'weight')
  AND NOT EXISTS (SELECT 1 FROM visit v WHERE v.resident = r.id AND v.visit_date = date('now'))
ORDER BY random() LIMIT ?
"""
DESK_MOVES = ("start_screening", "finish_screening", "finish_record_update")


def _add_user(env: dict[str, str], username: str, password: str, role: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "onestop.cli", "user", "add", username, "--role", role],
        input=password + "\n",
        text=True,
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )


def _queue(api: httpx.Client, person: dict[str, Any]) -> int:
    """The front desk's part over the API: a controlled BP, the contract confirmed, triage and a ticket."""
    visit = api.post("/api/v1/visits", json={"resident_id": person["id"]})
    visit.raise_for_status()
    visit_id = visit.json()["id"]
    for move in DESK_MOVES:
        if move == "finish_screening":
            entered = api.post(
                f"/api/v1/visits/{visit_id}/entries", json={"measurements": {"sbp": 126, "dbp": 78}}
            )
            entered.raise_for_status()
        api.post(f"/api/v1/visits/{visit_id}/events", json={"move": move}).raise_for_status()
    confirm = {"move": "confirm_contract", "team_id": person["team_id"]}
    api.post(f"/api/v1/visits/{visit_id}/events", json=confirm).raise_for_status()
    api.post("/api/v1/tickets", json={"visit_id": visit_id}).raise_for_status()
    return int(visit_id)


async def _run(base: str, username: str, password: str, visits: list[int], api: httpx.Client) -> None:
    import tui.screens.doctor_queue as queue_screen
    from tui.app import OnestopApp

    queue_screen.REFRESH_S = 3600.0  # type: ignore[misc]  # no periodic reload racing the timed keys

    app = OnestopApp(server=base, lang="zh_CN", station="doctor-1")
    keys: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*username, "enter", *password, "enter")
        await _wait(lambda: type(app.screen).__name__ == "DoctorQueueScreen", "the doctor's queue", 20)
        await _wait(lambda: getattr(app.screen, "patients", None) is not None, "the queue loaded", 20)
        rec = Recorder(pilot)
        for visit_id in visits:
            keys.append(await _one_patient(rec, app, api, visit_id))
    print(f"doctor's desk, {len(visits)} controlled hypertension follow-ups, SQLite, TUI at 80×24 (headless)")
    print(
        f"  keystrokes from call next to booked: {statistics.median(keys):.0f}"
        f" (min {min(keys)}, max {max(keys)})  goal <= {GOAL_KEYS}"
    )
    s, d = rec.screen_ms, rec.data_ms
    print(
        f"  key→screen  n={len(s)}  p50 {percentile(s, 50):.1f} ms  p95 {percentile(s, 95):.1f} ms"
        f"  max {max(s):.1f} ms"
    )
    for step, samples in rec.by_screen.items():
        print(f"    {step:<26} median {statistics.median(samples):7.1f} ms  max {max(samples):7.1f} ms")
    print(f"  key→data    n={len(d)}  p50 {percentile(d, 50):.1f} ms  p95 {percentile(d, 95):.1f} ms")


async def _one_patient(rec: Recorder, app: Any, api: httpx.Client, visit_id: int) -> int:
    before = rec.keys

    def called() -> bool:
        tickets = api.get("/api/v1/tickets", params={"visit_id": visit_id}).json()
        return bool(tickets) and tickets[0]["status"] == "called"

    def attr(name: str) -> Any:
        return getattr(app.screen, name, None)

    await rec.key("n", "DoctorQueueScreen", called)
    await rec.key("enter", "DiagnosisScreen", lambda: attr("data") is not None)
    await rec.key("f10", "PlanScreen", lambda: attr("drugs") is not None)
    await rec.key("f10", "FollowupScreen", lambda: attr("preview") is not None)
    await rec.key("f10", "DoctorQueueScreen")
    pressed = rec.keys - before
    step = _step(api, visit_id)
    if step != "done":
        raise RuntimeError(f"visit {visit_id} ended at {step}, not done")
    return pressed


def _step(api: httpx.Client, visit_id: int) -> str:
    step: str = api.get(f"/api/v1/visits/{visit_id}").json()["step"]
    return step


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=10)
    parser.add_argument("--residents", type=int, default=10_000)
    args = parser.parse_args()

    source = database_url("sqlite", args.residents)
    ensure_township(source, "sqlite", args.residents)
    with tempfile.TemporaryDirectory(prefix="onestop-doctor-bench-") as tmp:
        db = Path(tmp) / "doctor.db"
        shutil.copy(source.removeprefix("sqlite:///"), db)
        url = f"sqlite:///{db}"
        people = query_rows(url, "sqlite", SIGNED_HYPERTENSIVE, args.patients)
        config = Path(tmp) / "onestop.toml"
        config.write_text(f'[printer]\nurl = "preview://{Path(tmp) / "tickets"}"\n', encoding="utf-8")
        port = free_port()
        env = {
            **os.environ,
            "ONESTOP_CONFIG": str(config),
            "ONESTOP_DATABASE_URL": url,
            "ONESTOP_API_PORT": str(port),
        }
        password = "bench-" + str(random.randrange(10**9))
        nurse, doctor = f"nurse{random.randrange(10**6)}", f"doctor{random.randrange(10**6)}"
        _add_user(env, nurse, password, "nurse")
        _add_user(env, doctor, password, "doctor")
        with sqlite3.connect(db) as con:  # the doctor belongs to the patients' team (its queue is theirs)
            con.execute("UPDATE staff SET team = ? WHERE username = ?", (people[0]["team_id"], doctor))
        server = start_api(env, port)
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=10) as api:
                from bench.bench_api import login_when_ready

                api.headers["Authorization"] = f"Bearer {login_when_ready(api, nurse, password)}"
                visits = [_queue(api, p) for p in people]
                asyncio.run(_run(base, doctor, password, visits, api))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
