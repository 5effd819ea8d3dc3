"""The `onestop` command line, run as a real process: exit codes and messages of the public contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def onestop(
    *args: str, env: dict[str, str] | None = None, stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ONESTOP_")}
    return subprocess.run(
        [sys.executable, "-m", "onestop.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**clean, "PYTHONPATH": str(ROOT), **(env or {})},
        cwd=cwd or ROOT,
        timeout=120,
        check=False,
    )


def test_config_check_prints_the_effective_configuration() -> None:
    done = onestop("config", "check", env={"ONESTOP_SITE_NAME": "某某镇卫生院"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["site"]["name"] == "某某镇卫生院"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[rules.nope]\nx = 1\n", "rules.nope"),
        ("[rules.hypertension]\nscreening_floor = 35\n", "rules.hypertension.screening_floor"),
        ("[rules.hypertension]\nscreening_age_floor = 'x'\n", "rules.hypertension.screening_age_floor"),
    ],
)
def test_config_check_refuses_bad_rules_settings_naming_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    done = onestop("--config", str(path), "config", "check")
    assert done.returncode == 2, done.stdout
    assert key in done.stderr


def test_config_check_accepts_a_rules_override(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text("[rules.hypertension]\nscreening_age_floor = 35\n", encoding="utf-8")
    done = onestop("--config", str(path), "config", "check")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rules"] == {"hypertension": {"screening_age_floor": 35}}


def test_config_check_exits_2_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[api]\nport = 'x'\n", encoding="utf-8")
    done = onestop("--config", str(path), "config", "check")
    assert done.returncode == 2
    assert "api.port" in done.stderr


def test_bad_environment_stops_any_command_with_exit_2() -> None:
    done = onestop("db", "migrate", env={"ONESTOP_DATABASE_URL": "mysql://x/y"})
    assert done.returncode == 2
    assert "database.url" in done.stderr


def test_usage_errors_exit_2() -> None:
    assert onestop("user", "add", "x", "--role", "janitor").returncode == 2
    assert onestop("nonsense").returncode == 2


def sqlite_env(tmp_path: Path) -> dict[str, str]:
    return {"ONESTOP_DATABASE_URL": f"sqlite:///{tmp_path / 'site.db'}"}


def test_db_migrate_is_idempotent(tmp_path: Path) -> None:
    env = sqlite_env(tmp_path)
    first = onestop("db", "migrate", env=env)
    assert first.returncode == 0, first.stderr
    committed = len(list((ROOT / "db" / "migrations").glob("onestop_*.py")))
    assert f"applied {committed} migration(s)" in first.stdout
    again = onestop("db", "migrate", env=env)
    assert again.returncode == 0, again.stderr
    assert "applied 0 migration(s)" in again.stdout


def test_user_add_reads_the_password_from_stdin_and_refuses_bad_input(tmp_path: Path) -> None:
    env = sqlite_env(tmp_path)
    assert onestop("db", "migrate", env=env).returncode == 0
    ok = onestop("user", "add", "wang", "--role", "doctor", env=env, stdin="correct horse battery\n")
    assert ok.returncode == 0, ok.stderr
    assert "added doctor wang" in ok.stdout
    no_password = onestop("user", "add", "li", "--role", "nurse", env=env, stdin="")
    assert no_password.returncode == 1
    assert "no password on standard input" in no_password.stderr
    short = onestop("user", "add", "li", "--role", "nurse", env=env, stdin="short\n")
    assert short.returncode == 1
    assert "8" in short.stderr
    twice = onestop("user", "add", "wang", "--role", "nurse", env=env, stdin="another long one\n")
    assert twice.returncode == 1
    assert "wang" in twice.stderr


def test_demo_data_then_backup_makes_a_readable_copy(tmp_path: Path) -> None:
    import sqlite3

    env = sqlite_env(tmp_path)
    loaded = onestop("demo-data", "--residents", "60", "--seed", "3", env=env)
    assert loaded.returncode == 0, loaded.stderr
    copy = tmp_path / "copy.db"
    done = onestop("db", "backup", str(copy), env=env)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(copy) as con:
        (count,) = con.execute("SELECT count(*) FROM resident").fetchone()
    assert count == 60
    refused = onestop("demo-data", "--residents", "10", env=env)
    assert refused.returncode == 1
    assert "already holds" in refused.stderr


def test_demo_without_a_terminal_serves_the_api_with_one_off_staff_passwords(tmp_path: Path) -> None:
    import re
    import socket
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ONESTOP_")}
    demo = subprocess.Popen(
        [sys.executable, "-m", "onestop.cli", "demo", "--residents", "40", "--no-tui"],
        env={**clean, "PYTHONPATH": str(ROOT), "ONESTOP_API_PORT": str(port)},
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        staff = tmp_path / "var" / "demo" / "staff.txt"
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if staff.exists() and httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert demo.poll() is None, demo.stdout.read() if demo.stdout else ""
            time.sleep(0.2)
        else:
            pytest.fail("the demo API did not come up")
        match = re.search(r"user nurse\s+password (\S+)", staff.read_text(encoding="utf-8"))
        assert match
        login = httpx.post(f"{base}/api/v1/session", json={"username": "nurse", "password": match.group(1)})
        assert login.status_code == 201, login.text
        token = login.json()["token"]
        found = httpx.get(
            f"{base}/api/v1/residents", params={"q": "1"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert found.status_code == 200
        # Another run makes other passwords: there is no default password to know.
        assert "password" in staff.read_text(encoding="utf-8")
    finally:
        demo.terminate()
        demo.wait(timeout=15)
