"""Device readings: latency from a frame's last byte to a server-sent-events client, and the readers' CPU.

    .venv/bin/python -m bench.bench_devices [--engine sqlite|postgres] [--frames 200] [--cpu-seconds 20]

`onestop serve` runs as a child process (as at a site) with two devices on pseudo-terminals behind
by-id-style symlinks: an Omron BP monitor (omron-hbp9030) and a Contec pulse oximeter (cms50).
Part 1: the bench writes a BP frame to the monitor's pty, one at a time, and times from the moment the
frame's last byte was written until the reading's `reading` event arrives at an SSE client of
/api/v1/readings/events (the reading is parsed, checked, saved in the database, and published on the way).
Part 2: the API process's CPU time (utime + stime from /proc) over `--cpu-seconds`, first with both devices
idle, then while the oximeter streams its 5-byte packets at 60 Hz (finger in, steady values).
BENCH_DEBUG=1 prints each frame slower than 50 ms (to look for a pattern in a latency tail).
Goals (issue 5): latency p99 ≤ 100 ms; CPU under 2 % of one core, idle and with the 60 Hz stream.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.bench_api import add_nurse, free_port, login_when_ready, report, start_api
from bench.bench_tickets import fresh_database
from hardware.devices.cms50 import encode_packet
from hardware.devices.omron import encode_reading
from tests.support.pty_device import PtyDevice
from tests.support.sse import SseClient

ROOT = Path(__file__).resolve().parents[1]
STATION = "bench-1"


def config_file(directory: Path, bp: PtyDevice, ox: PtyDevice) -> Path:
    path = directory / "onestop.toml"
    path.write_text(
        f"""
[[devices]]
id = "bp-1"
kind = "blood_pressure"
protocol = "omron-hbp9030"
url = "{bp.url}"
station = "{STATION}"

[[devices]]
id = "spo2-1"
kind = "spo2"
protocol = "cms50"
url = "{ox.url}"
station = "{STATION}"
""",
        encoding="utf-8",
    )
    return path


class Events:
    """Each `reading` event's arrival time at an SSE client, by systolic value."""

    def __init__(self, base: str, token: str) -> None:
        self.arrived: dict[int, float] = {}
        self.cond = threading.Condition()
        self.client = SseClient(
            base,
            f"/api/v1/readings/events?station={STATION}",
            authorization=f"Bearer {token}",
            on_event=self._seen,
        )

    def _seen(self, event: str, data: dict[str, Any], at: float) -> None:
        values = data.get("reading", {}).get("values", {}) if event == "reading" else {}
        if "sbp" in values:
            with self.cond:
                self.arrived[int(values["sbp"])] = at
                self.cond.notify_all()

    def wait(self, sbp: int, timeout: float = 5.0) -> float:
        with self.cond:
            assert self.cond.wait_for(lambda: sbp in self.arrived, timeout), f"reading {sbp} never arrived"
            return self.arrived.pop(sbp)

    def close(self) -> None:
        self.client.close()


def latency(bp: PtyDevice, events: Events, frames: int) -> list[float]:
    samples = []
    rng = random.Random(5)
    for i in range(frames):
        sbp = 100 + i % 150  # a distinct systolic value per frame in flight (only one is)
        frame = encode_reading(
            when=dt.datetime(2026, 11, 23, 9, 30), sbp=sbp, dbp=min(sbp - 20, 90), pulse=rng.randrange(55, 95)
        )
        bp.send(frame).wait(5)
        sent = bp.last_write_at
        samples.append((events.wait(sbp) - sent) * 1000)
        if samples[-1] > 50 and os.environ.get("BENCH_DEBUG"):
            print(f"  slow: frame {i} {samples[-1]:.0f} ms")
        time.sleep(0.2)  # a BP monitor sends one frame a measurement (≥ 30 s apart); never a stream
    return samples


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_percent(pid: int, seconds: float) -> float:
    before, start = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return 100 * (cpu_seconds(pid) - before) / (time.monotonic() - start)


def stream_oximeter(ox: PtyDevice, stop: threading.Event) -> None:
    """60 packets a second, on time (a steady finger: SpO2 97–98, pulse 70–73)."""
    rng = random.Random(7)
    next_at = time.monotonic()
    while not stop.is_set():
        ox.write_now(
            encode_packet(spo2=97 + rng.randrange(2), pulse=70 + rng.randrange(4), pleth=rng.randrange(128))
        )
        next_at += 1 / 60
        stop.wait(max(0.0, next_at - time.monotonic()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--cpu-seconds", type=float, default=20.0)
    args = parser.parse_args()

    url = fresh_database(args.engine)
    port = free_port()
    username, password = f"bench{random.randrange(10**6)}", f"bench-{random.randrange(10**9)}"
    with tempfile.TemporaryDirectory() as tmp:
        bp, ox = PtyDevice(Path(tmp), "usb-Omron-if00"), PtyDevice(Path(tmp), "usb-Contec-if00")
        env = {
            **os.environ,
            "ONESTOP_CONFIG": str(config_file(Path(tmp), bp, ox)),
            "ONESTOP_DATABASE_URL": url,
            "ONESTOP_API_PORT": str(port),
            "ONESTOP_PRINTER_URL": f"preview://{tmp}/tickets",
            "ONESTOP_BOARD_SPEECH": "off",
        }
        subprocess.run(
            [sys.executable, "-m", "onestop.cli", "db", "migrate"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        add_nurse(env, username, password)
        api = start_api(env, port)
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=10) as client:
                token = login_when_ready(client, username, password)
            events = Events(base, token)
            print(f"device readings on {args.engine}: omron-hbp9030 and cms50 on pseudo-terminals")
            time.sleep(1.0)  # the readers have opened their ports
            report("last byte written → reading at the SSE client", latency(bp, events, args.frames))
            time.sleep(2.0)
            print(
                f"  API process CPU, devices idle: {cpu_percent(api.pid, args.cpu_seconds):.2f} % of one core"
            )
            stop = threading.Event()
            streamer = threading.Thread(target=stream_oximeter, args=(ox, stop), daemon=True)
            streamer.start()
            time.sleep(2.0)
            busy = cpu_percent(api.pid, args.cpu_seconds)
            stop.set()
            streamer.join()
            print(f"  API process CPU, oximeter streaming at 60 Hz: {busy:.2f} % of one core")
            with httpx.Client(
                base_url=base, timeout=10, headers={"authorization": f"Bearer {token}"}
            ) as client:
                spo2 = client.get("/api/v1/devices/spo2-1").json()
            print(
                f"  oximeter: {spo2['readings']} readings, {spo2['rejected']} rejected frames during the stream"
            )
            print(f"  (measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores)")
            events.close()
        finally:
            api.terminate()
            api.wait(timeout=15)
            bp.close()
            ox.close()


if __name__ == "__main__":
    main()
