"""The patient page (/p/{token}) over HTTP: its time and its weight in bytes.

    .venv/bin/python -m bench.bench_patient_page [--engine sqlite|postgres] [--residents 10000] [--requests 400]

Builds (or reuses) a synthetic township (bench_api), starts `onestop serve` as a child process, issues a
record link for the residents with the most measurements (the heaviest pages) and for random ones, then
opens the pages one at a time over a keep-alive connection, as a phone would one after another. Each view
is the whole path: throttle check, token lookup, the use counted and audited (a write), the record read,
advice and targets, three inline SVG charts, HTML. Timed at the client on loopback, so the figure is the
server's time plus a loopback HTTP round trip (an upper bound of the server time).
Goals (issue 6): p95 ≤ 20 ms; page ≤ 30 KB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time

import httpx

from bench.bench_api import (
    add_nurse,
    database_url,
    ensure_township,
    free_port,
    login_when_ready,
    percentile,
    query_rows,
    start_api,
)

HEAVIEST = "SELECT resident AS id, COUNT(*) AS n FROM observation GROUP BY resident ORDER BY n DESC LIMIT ?"
RANDOM = "SELECT id FROM resident ORDER BY random() LIMIT ?"


def _line(label: str, samples: list[float]) -> None:
    print(
        f"  {label:<38} n={len(samples):<5} p50 {percentile(samples, 50):6.2f} ms   "
        f"p95 {percentile(samples, 95):6.2f} ms   p99 {percentile(samples, 99):6.2f} ms   max {max(samples):6.2f} ms"
    )


def _views(
    client: httpx.Client, paths: list[str], requests: int, params: dict[str, str]
) -> tuple[list[float], list[int]]:
    times: list[float] = []
    sizes: list[int] = []
    for i in range(requests):
        start = time.perf_counter()
        answer = client.get(paths[i % len(paths)], params=params)
        times.append((time.perf_counter() - start) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"page answered {answer.status_code}: {answer.text[:200]}")
        sizes.append(len(answer.content))
    return times, sizes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--residents", type=int, default=10_000)
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
        with (
            httpx.Client(base_url=base, timeout=10) as staff,
            httpx.Client(base_url=base, timeout=10) as phone,
        ):
            staff.headers["Authorization"] = f"Bearer {login_when_ready(staff, username, password)}"
            heavy = [int(r["id"]) for r in query_rows(url, args.engine, HEAVIEST, 40)]
            light = [int(r["id"]) for r in query_rows(url, args.engine, RANDOM, 40)]
            most = query_rows(url, args.engine, HEAVIEST, 1)[0]["n"]

            def link(resident_id: int) -> str:
                answer = staff.post(
                    "/api/v1/access-tokens", json={"resident_id": resident_id, "scope": "record"}
                )
                answer.raise_for_status()
                return str(answer.json()["url"]).split("/p/", 1)[1]

            heavy_paths = [f"/p/{link(r)}" for r in heavy]
            light_paths = [f"/p/{link(r)}" for r in light]
            for path in heavy_paths[:10]:  # warm-up: imports, the connection pool, the page cache
                phone.get(path)
            print(
                f"patient page on {args.engine}, {args.residents} residents, one view at a time, keep-alive "
                f"(timed at the client on loopback)"
            )
            heavy_times, heavy_sizes = _views(phone, heavy_paths, args.requests, {})
            _line(f"record page, 40 heaviest (≤{most} values)", heavy_times)
            light_times, light_sizes = _views(phone, light_paths, args.requests, {})
            _line("record page, 40 random residents", light_times)
            en_times, en_sizes = _views(phone, heavy_paths, args.requests // 2, {"lang": "en"})
            _line("record page in English, 40 heaviest", en_times)
            refusals: list[float] = []
            for i in range(min(19, args.requests)):  # below the per-address throttle
                start = time.perf_counter()
                phone.get(f"/p/{'R' * 20}{i:02d}")
                refusals.append((time.perf_counter() - start) * 1000)
            _line("refusal page (unknown link)", refusals)
            every = heavy_sizes + light_sizes + en_sizes
            print(
                f"  page weight: heaviest zh median {statistics.median(heavy_sizes):,.0f} B, max {max(heavy_sizes):,} B; "
                f"random median {statistics.median(light_sizes):,.0f} B; en max {max(en_sizes):,} B; "
                f"largest of all {max(every):,} B (goal ≤ 30,720 B)"
            )
            print(f"  (measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores)")
    finally:
        api.terminate()
        api.wait(timeout=10)


if __name__ == "__main__":
    main()
