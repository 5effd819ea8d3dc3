"""Issuing queue tickets under 20 concurrent terminals, and from issue to the last byte at a printer.

    .venv/bin/python -m bench.bench_tickets [--engine sqlite|postgres] [--clients 20] [--per-client 50]

A fresh database, `onestop serve` as a child process (as at a site), a fake ESC/POS printer on loopback
(tests/support/fake_printer.py: answers DLE EOT like a real one). Part 1: `clients` threads, each with its
own keep-alive connection, issue `per-client` tickets into ONE queue (general practice) as fast as they
can — latency of POST /api/v1/tickets (number, save, job queued, triage move, audit) and tickets per second,
while the print worker prints them. Part 2: one ticket at a time, the time from sending the request until
the printer has received the ticket's cut (its last byte).
Goals (issue 4): issue p99 ≤ 30 ms with 20 concurrent clients.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import subprocess
import sys
import threading
import time
import zoneinfo
from pathlib import Path

import httpx

from bench.bench_api import add_nurse, free_port, login_when_ready, report, start_api
from db.engine import close, connect
from db.tables import Staff
from onestop.config import DatabaseConfig
from tests.api.queueing import bulk_visits_at_triage
from tests.support.fake_printer import FakePrinter

ROOT = Path(__file__).resolve().parents[1]
CUT = b"\x1dV\x00"  # GS V 0: the last command of every ticket (hardware/printer/ticket.py)


def fresh_database(engine: str) -> str:
    if engine == "sqlite":
        path = ROOT / "var" / "bench" / "tickets.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    name = "onestop_bench_tickets"
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def prepare(url: str, visits: int, username: str, password: str, env: dict[str, str]) -> list[int]:
    subprocess.run(
        [sys.executable, "-m", "onestop.cli", "db", "migrate"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    add_nurse(env, username, password)
    now = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai"))

    async def load() -> list[int]:
        db = await connect(DatabaseConfig(url=url))
        try:
            staff = await Staff.select(Staff.id).where(Staff.username == username)
            return await bulk_visits_at_triage(visits, opened_by=staff[0]["id"], now=now, day=now.date())
        finally:
            await close(db)

    return asyncio.run(load())


def concurrent_issue(
    base: str, token: str, visit_ids: list[int], clients: int, rate: float | None = None
) -> tuple[list[float], float]:
    """`clients` terminals issue their share of `visit_ids`: back to back (rate None: the saturation test),
    or each at `rate` tickets per second on average (random gaps: terminals at a busy desk)."""
    per = len(visit_ids) // clients
    samples: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)

    def terminal(ids: list[int]) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
            client.get("/api/v1/queues")  # connect and warm up before the gate
            start_gate.wait()
            pace = random.Random(ids[0])
            for visit_id in ids:
                if rate is not None:
                    time.sleep(pace.expovariate(rate))
                t0 = time.perf_counter()
                answer = client.post("/api/v1/tickets", json={"visit_id": visit_id})
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    samples.append(elapsed)
                    if answer.status_code != 201:
                        errors.append(answer.text)

    threads = [
        threading.Thread(target=terminal, args=(visit_ids[i * per : (i + 1) * per],)) for i in range(clients)
    ]
    for t in threads:
        t.start()
    start_gate.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        raise SystemExit(f"{len(errors)} issues failed, e.g. {errors[0]}")
    return samples, wall


def issue_to_last_byte(base: str, token: str, visit_ids: list[int], printer: FakePrinter) -> list[float]:
    samples = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        for visit_id in visit_ids:
            cuts = printer.received.count(CUT)
            t0 = time.perf_counter()
            answer = client.post("/api/v1/tickets", json={"visit_id": visit_id})
            answer.raise_for_status()
            while printer.received.count(CUT) == cuts:
                if time.perf_counter() - t0 > 10:
                    raise SystemExit("a ticket did not reach the printer within 10 s")
                time.sleep(0.0005)
            samples.append((time.perf_counter() - t0) * 1000)
    return samples


def wait_printed(printer: FakePrinter, count: int) -> None:
    deadline = time.monotonic() + 120
    while printer.received.count(CUT) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    print(f"  printed {printer.received.count(CUT)} of {count} at the loopback printer")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=50)
    parser.add_argument("--printed", type=int, default=200, help="tickets timed one at a time to the printer")
    parser.add_argument(
        "--paced", type=float, default=2.0, help="part 1b: tickets per second per client (a busy desk's pace)"
    )
    args = parser.parse_args()

    url = fresh_database(args.engine)
    port = free_port()
    username, password = f"bench{random.randrange(10**6)}", f"bench-{random.randrange(10**9)}"
    with FakePrinter() as printer:
        env = {
            **os.environ,
            "ONESTOP_DATABASE_URL": url,
            "ONESTOP_API_PORT": str(port),
            "ONESTOP_PRINTER_URL": printer.url,
            "ONESTOP_BOARD_SPEECH": "off",
            "ONESTOP_PRINTER_EXPIRE_S": "600",
        }
        total = args.clients * args.per_client
        visit_ids = prepare(url, 2 * total + args.printed, username, password, env)
        api = start_api(env, port)
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=10) as client:
                token = login_when_ready(client, username, password)
            print(
                f"tickets on {args.engine}: {args.clients} concurrent clients × {args.per_client}, one queue"
            )
            samples, wall = concurrent_issue(base, token, visit_ids[:total], args.clients)
            report(f"issue a ticket ({args.clients} concurrent clients)", samples)
            print(f"  throughput: {total / wall:.0f} tickets/s ({total} in {wall:.2f} s)")
            wait_printed(printer, total)
            paced, wall = concurrent_issue(
                base, token, visit_ids[total : 2 * total], args.clients, args.paced
            )
            report(f"issue, {args.clients} clients at {args.paced:g}/s each", paced)
            print(f"  throughput: {total / wall:.0f} tickets/s offered and served")
            wait_printed(printer, 2 * total)
            timed = issue_to_last_byte(base, token, visit_ids[2 * total :], printer)
            report("issue → last byte at the printer (one by one)", timed)
            print(f"  (measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores)")
        finally:
            api.terminate()
            api.wait(timeout=10)


if __name__ == "__main__":
    main()
