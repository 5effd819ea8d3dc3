"""Resident search and visit transitions through the real API over HTTP, and the API's resident memory.

    .venv/bin/python bench/bench_api.py [--engine sqlite|postgres] [--residents 100000] [--requests 400]

Builds (or reuses, keyed by size and engine) a synthetic township, starts `onestop serve` as a child process,
logs in, then times requests one at a time over a keep-alive connection, as a front-desk terminal makes them.
Goals (issue 2): p99 ≤ 20 ms exact ID, ≤ 50 ms name or pinyin; one visit transition p99 ≤ 15 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import os
import random
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def database_url(engine: str, residents: int) -> str:
    if engine == "sqlite":
        path = ROOT / "var" / "bench" / f"township-{residents}.db"
        return f"sqlite:///{path}"
    return f"postgresql://postgres@127.0.0.1:5432/onestop_bench_{residents}"


def ensure_township(url: str, engine: str, residents: int) -> None:
    """Load the township once per size; later runs reuse it (loading is measured by bench_demo_data.py)."""
    env = {**os.environ, "ONESTOP_DATABASE_URL": url}
    if engine == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        name = url.rsplit("/", 1)[1]
        exists = subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname='{name}'",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if exists == "1":
            return
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    print(f"loading a township of {residents} residents into {url} (once) …", flush=True)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "onestop.cli", "demo-data", "--residents", str(residents), "--seed", "1"],
        env=env,
        check=True,
        cwd=ROOT,
    )
    print(f"  loaded in {time.perf_counter() - start:.1f} s")


def sample_residents(url: str, engine: str, n: int) -> list[dict[str, Any]]:
    query = "SELECT id, id_number, record_number, phone, name, name_initials FROM resident ORDER BY random() LIMIT ?"
    return query_rows(url, engine, query, n)


def query_rows(url: str, engine: str, query: str, *args: object) -> list[dict[str, Any]]:
    """Rows of a read-only query straight from the benchmark's database (`?` placeholders)."""
    if engine == "sqlite":
        with sqlite3.connect(url.removeprefix("sqlite:///")) as con:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute(query, args)]

    async def fetch() -> list[dict[str, Any]]:
        import asyncpg

        con = await asyncpg.connect(url)
        try:
            numbered = query
            for i in range(len(args)):
                numbered = numbered.replace("?", f"${i + 1}", 1)
            rows = await con.fetch(numbered, *args)
            return [dict(r) for r in rows]
        finally:
            await con.close()

    return asyncio.run(fetch())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def add_nurse(env: dict[str, str], username: str, password: str) -> None:
    """A nurse account through the CLI (the password on standard input, as an administrator gives it)."""
    subprocess.run(
        [sys.executable, "-m", "onestop.cli", "user", "add", username, "--role", "nurse"],
        input=password + "\n",
        text=True,
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )


def start_api(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """`onestop serve` as a child process, as at a site."""
    return subprocess.Popen(
        [sys.executable, "-m", "onestop.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def login_when_ready(client: httpx.Client, username: str, password: str) -> str:
    """Wait for the API's health check, then log in; returns the bearer token."""
    for _ in range(200):
        try:
            if client.get("/api/v1/health").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    answer = client.post("/api/v1/session", json={"username": username, "password": password})
    answer.raise_for_status()
    token: str = answer.json()["token"]
    return token


def report(label: str, samples: list[float], *, width: int = 44) -> None:
    """One line of a benchmark's figures: count, p50, p99 and max in milliseconds."""
    print(
        f"  {label:<{width}} n={len(samples):<5} p50 {percentile(samples, 50):6.2f} ms   "
        f"p99 {percentile(samples, 99):6.2f} ms   max {max(samples):6.2f} ms"
    )


def timed(label: str, requests: list[Callable[[], httpx.Response]]) -> None:
    samples = []
    for call in requests:
        start = time.perf_counter()
        answer = call()
        samples.append((time.perf_counter() - start) * 1000)
        answer.raise_for_status()
    report(label, samples, width=34)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()

    url = database_url(args.engine, args.residents)
    ensure_township(url, args.engine, args.residents)
    port = free_port()
    env = {**os.environ, "ONESTOP_DATABASE_URL": url, "ONESTOP_API_PORT": str(port)}
    password = "bench-" + str(random.randrange(10**9))
    username = f"bench{random.randrange(10**6)}"
    add_nurse(env, username, password)
    api = start_api(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            token = login_when_ready(client, username, password)
            client.headers["Authorization"] = f"Bearer {token}"
            sample = sample_residents(url, args.engine, args.requests)
            print(f"API on {args.engine}, {args.residents} residents, one request at a time, keep-alive")
            print(f"  API resident memory after start and login: {rss_mb(api.pid):.1f} MB")

            def search(text: str) -> Callable[[], httpx.Response]:
                return lambda: client.get("/api/v1/residents", params={"q": text})

            for _ in range(30):  # warm-up: first queries pay for imports, the pool and page cache
                client.get("/api/v1/residents", params={"q": sample[0]["name"]})
            timed("search exact ID number", [search(r["id_number"]) for r in sample])
            timed("search record number", [search(r["record_number"]) for r in sample])
            timed("search phone last 4", [search(r["phone"][-4:]) for r in sample if r["phone"]])
            timed("search full name", [search(r["name"]) for r in sample])
            timed("search surname (prefix)", [search(r["name"][:1]) for r in sample])
            timed("search pinyin initials", [search(r["name_initials"]) for r in sample])

            # Transitions: open a visit for residents without one today, then walk each a few steps.
            moves = ["start_screening", "finish_screening", "finish_record_update"]
            visits = []
            for r in sample[: args.requests // 4]:
                answer = client.post("/api/v1/visits", json={"resident_id": int(r["id"])})
                if answer.status_code == 201:
                    visits.append(answer.json()["id"])
            calls: list[Callable[[], httpx.Response]] = [
                functools.partial(client.post, f"/api/v1/visits/{v}/events", json={"move": m})
                for m in moves
                for v in visits
            ]
            timed("visit transition (POST events)", calls)
            print(f"  API resident memory after the run: {rss_mb(api.pid):.1f} MB")
            print(f"  (measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores)")
    finally:
        api.terminate()
        api.wait(timeout=10)


if __name__ == "__main__":
    main()
