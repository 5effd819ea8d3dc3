"""`onestop` and `onestop demo`: the API in a background process, the TUI in the foreground.

The API runs as a child process (not a thread) because it owns the database, serial ports and printer; a
crash of the TUI must not take them down mid-write, and the same `onestop serve` runs alone on a server.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from onestop.config import Settings

DEMO_DIR = Path("var/demo")
# The demo's simulated devices, all at the desk's station so the nurse sees them feed the visit live. A
# site's own [[devices]] win: these are added only when the configuration has none.
DEMO_DEVICES = """
[[devices]]
id = "bp-1"
kind = "blood_pressure"
protocol = "omron-hbp9030"
url = "sim://?seed=1&interval=25"
station = "{station}"

[[devices]]
id = "scale-1"
kind = "height_weight"
protocol = "scale-line"
pattern = "w-h"
url = "sim://?seed=2&interval=40"
station = "{station}"

[[devices]]
id = "body-1"
kind = "body_composition"
protocol = "tanita"
url = "sim://?seed=3&interval=60"
station = "{station}"

[[devices]]
id = "hba1c-1"
kind = "hba1c"
protocol = "astm"
url = "sim://?seed=4&interval=90"
station = "{station}"

[[devices]]
id = "spo2-1"
kind = "spo2"
protocol = "cms50"
url = "sim://?seed=5"
station = "{station}"
"""
DEMO_STAFF = (("nurse", "护士小李", "nurse"), ("doctor", "王医生", "doctor"), ("admin", "管理员", "admin"))
DEMO_DOCTOR = "doctor"  # joins the demo team (db/demo_doctor.py), whose queue has this morning's patients


def everything(settings: Settings) -> int:
    """`onestop`: migrate, then the API in the background and the TUI in the foreground."""
    from onestop import dbcommands

    asyncio.run(dbcommands.migrate(settings))
    return _run_with_api(settings, env={}, username=None)


def demo(settings: Settings, *, residents: int, with_tui: bool = True, login_as: str = "nurse") -> int:
    """A fresh demo database filled with a synthetic township, demo staff with one-off passwords, API + TUI.

    `login_as` is the demo account the TUI opens ready to log in as: the nurse (front desk) or the doctor."""
    from api.users import add_user
    from onestop import dbcommands

    if DEMO_DIR.exists():
        shutil.rmtree(DEMO_DIR)
    DEMO_DIR.mkdir(parents=True)
    port = settings.api.port if _port_free(settings.api.host, settings.api.port) else _free_port()
    env = {
        "ONESTOP_DATABASE_URL": f"sqlite:///{DEMO_DIR / 'onestop.db'}",
        "ONESTOP_API_PORT": str(port),
        "ONESTOP_API_PUBLIC_URL": f"http://{settings.api.host}:{port}",
        "ONESTOP_TUI_SERVER": f"http://{settings.api.host}:{port}",
        "ONESTOP_PRINTER_URL": f"preview://{DEMO_DIR / 'tickets'}",
    }
    if not settings.devices:
        env["ONESTOP_CONFIG"] = str(_demo_config(settings.tui.station))
    demo_settings = _with_env(settings, env)
    print(f"onestop demo: building a synthetic township of {residents} residents in {DEMO_DIR}/ …")
    counts = asyncio.run(dbcommands.demo_data(demo_settings, residents=residents, seed=1))
    print(counts)
    # No default passwords anywhere: each demo run makes new one-off passwords and shows them once.
    lines, passwords = [], {}
    for username, display, role in DEMO_STAFF:
        password = secrets.token_urlsafe(9)
        passwords[username] = password
        asyncio.run(add_user(demo_settings, username, display, role, password))
        if username == DEMO_DOCTOR:
            asyncio.run(_join_demo_team(demo_settings, username))
        lines.append(f"  {role:<7} user {username:<7} password {password}")
    (DEMO_DIR / "staff.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("demo staff accounts (also in var/demo/staff.txt):\n" + "\n".join(lines))
    if not with_tui or not sys.stdin.isatty():
        print(f"API at http://{settings.api.host}:{port} (no terminal: the TUI is not started; Ctrl-C stops)")
        return _serve_foreground(demo_settings, env)
    # The TUI runs in this process, so the one-off password is handed over in memory only.
    return _run_with_api(demo_settings, env=env, username=login_as, password=passwords[login_as])


async def _join_demo_team(settings: Settings, username: str) -> None:
    from db.demo_doctor import join_demo_team
    from db.engine import close, connect

    db = await connect(settings.database)
    try:
        await join_demo_team(db, username)
    finally:
        await close(db)


def _demo_config(station: str) -> Path:
    """The site's configuration file (if any) with the simulated devices added: devices are configured in
    the file only, so the demo writes its own copy."""
    own = os.environ.get("ONESTOP_CONFIG")
    text = Path(own).read_text(encoding="utf-8") if own else ""
    path = DEMO_DIR / "onestop.toml"
    path.write_text(text + "\n" + DEMO_DEVICES.format(station=station), encoding="utf-8")
    return path


def _run_with_api(
    settings: Settings, *, env: dict[str, str], username: str | None, password: str | None = None
) -> int:
    from tui.app import run as run_tui

    DEMO_DIR.parent.mkdir(parents=True, exist_ok=True)
    log_path = Path("var/api.log")
    with log_path.open("ab") as log:
        api = subprocess.Popen(
            [sys.executable, "-m", "onestop.cli", "serve"],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_healthy(settings.tui.server, api, log_path)
            run_tui(
                server=settings.tui.server,
                lang=settings.tui.lang,
                station=settings.tui.station,
                username=username,
                password=password,
                # Asked only with devices at several stations: the demo's are all at tui.station.
                choose_station=True,
            )
        finally:
            api.terminate()
            try:
                api.wait(timeout=10)
            except subprocess.TimeoutExpired:
                api.kill()
    return 0


def _serve_foreground(settings: Settings, env: dict[str, str]) -> int:
    from api.server import run

    os.environ.update(env)
    run(settings, host=settings.api.host, port=settings.api.port)
    return 0


def _wait_healthy(server: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float = 30) -> None:
    from onestop.cli import CommandError

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CommandError(f"the API stopped at start-up (exit {process.returncode}); see {log_path}")
        try:
            with urllib.request.urlopen(f"{server}/api/v1/health", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise CommandError(f"the API did not answer at {server} within {timeout:.0f} s; see {log_path}")


def _with_env(settings: Settings, env: dict[str, str]) -> Settings:
    """The same settings with the demo's overrides, as the child process will see them."""
    from onestop.config import load_settings

    merged = {**os.environ, **env}
    return load_settings(merged.get("ONESTOP_CONFIG"), env=merged)


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex((host, port)) != 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
