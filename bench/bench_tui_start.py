"""Cold start of the TUI to its login screen: wall time (median of 5) and resident memory, in a real pty.

Each run is a new Python process on an 80×24 pseudo-terminal (the real Linux driver, not headless). The app
writes a probe file when its first frame is on the terminal (OnestopApp.on_ready) and exits; the time is
from just before the spawn to that moment. Memory is the child's max RSS (os.wait4), which includes the
short shutdown after the probe. Goal (issue 2): ≤ 0.6 s and ≤ 70 MB on an old front-desk PC.

Byte-code: an installed onestop has its .pyc files, so the main figure runs with a byte-code cache
(PYTHONPYCACHEPREFIX in a temp dir, written by a warm-up run; the source tree is not touched). With
PYTHONDONTWRITEBYTECODE set, as some sandboxes do, every start compiles Textual from source: that figure
is printed too, because it is what such a machine will see.

    .venv/bin/python bench/bench_tui_start.py [--runs 5] [--lang zh_CN|en]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 0.6
GOAL_MB = 70.0

_CHILD = """
import sys
from pathlib import Path
from tui.app import OnestopApp
OnestopApp(server="http://127.0.0.1:9", lang=sys.argv[2], station="bench", exit_when_ready=Path(sys.argv[1])).run()
"""


def _drain(fd: int) -> None:
    """Read the child's terminal output so it never blocks on a full pty buffer."""
    while True:
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


def one_run(lang: str, pycache: Path | None, timeout_s: float = 30.0) -> tuple[float, float, float]:
    """(seconds to the login screen, max RSS MB at ready, max RSS MB of the whole process).

    `pycache`: a byte-code cache directory, or None to run without byte-code caching.
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "ready.json"
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
        if pycache is None:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            env.pop("PYTHONPYCACHEPREFIX", None)
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(pycache)
        start = time.time()
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(probe), lang],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        reader = threading.Thread(target=_drain, args=(master,), daemon=True)
        reader.start()
        deadline = time.monotonic() + timeout_s
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise RuntimeError(f"the TUI did not reach its login screen within {timeout_s} s")
            time.sleep(0.002)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4; keep Popen from waiting
        os.close(master)
        if not probe.exists():
            raise RuntimeError(f"the TUI exited ({proc.returncode}) without writing its ready probe")
        data = json.loads(probe.read_text(encoding="utf-8"))
    return data["ready_at"] - start, data["maxrss_kb"] / 1024, usage.ru_maxrss / 1024


def measure(label: str, lang: str, runs: int, pycache: Path | None) -> None:
    one_run(lang, pycache)  # warm-up: byte-code cache written (if any), files in the page cache
    results = [one_run(lang, pycache) for _ in range(runs)]
    times = sorted(r[0] for r in results)
    ready_mb = max(r[1] for r in results)
    total_mb = max(r[2] for r in results)
    median = statistics.median(times)
    verdict = "OK" if median <= GOAL_S and total_mb <= GOAL_MB else "ABOVE GOAL"
    print(f"{label}:")
    print(
        f"  time    median {median:.3f} s  min {times[0]:.3f} s  max {times[-1]:.3f} s  (goal <= {GOAL_S} s)"
    )
    print(
        f"  memory  max RSS at ready {ready_mb:.1f} MB, whole process {total_mb:.1f} MB  (goal <= {GOAL_MB:.0f} MB)"
    )
    print(f"  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args()
    print(
        f"TUI cold start to the login screen: median of {args.runs} new processes, 80x24 pty, lang={args.lang}"
    )
    with tempfile.TemporaryDirectory(prefix="onestop-bench-pyc-") as cache:
        measure("with byte-code cache (an installed onestop)", args.lang, args.runs, Path(cache))
    measure("without byte-code cache (PYTHONDONTWRITEBYTECODE=1)", args.lang, args.runs, None)


if __name__ == "__main__":
    main()
