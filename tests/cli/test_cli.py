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


@pytest.mark.parametrize(
    ("args", "what"), [(("devices", "list"), "device list"), (("printer", "test"), "printer test")]
)
def test_later_features_say_not_available_yet(args: tuple[str, ...], what: str) -> None:
    done = onestop(*args)
    assert done.returncode == 3
    assert f"{what} is not available yet" in done.stderr


def test_usage_errors_exit_2() -> None:
    assert onestop("user", "add", "x", "--role", "janitor").returncode == 2
    assert onestop("nonsense").returncode == 2
