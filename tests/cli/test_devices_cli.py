"""`onestop devices list` as the IT person runs it: from the running API's readers, or, with no API, by
opening each configured port and listening."""

from __future__ import annotations

import re
import socket
from pathlib import Path

from onestop.config import BoardConfig, DatabaseConfig, DeviceConfig, PrinterConfig, Settings
from tests.cli.test_cli import onestop
from tests.support.server import live_server

CONFIG = """
[[devices]]
id = "bp-1"
kind = "blood_pressure"
protocol = "omron-hbp9030"
url = "sim://?seed=2&interval=0.2&errors=0&garbage=0"
station = "screening-1"

[[devices]]
id = "scale-1"
kind = "height_weight"
protocol = "scale-line"
url = "{missing}"
station = "screening-1"
"""


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_without_the_api_each_port_is_opened_and_listened_to(tmp_path: Path) -> None:
    config = tmp_path / "onestop.toml"
    config.write_text(CONFIG.format(missing=tmp_path / "ttyUSB9"), encoding="utf-8")
    server = f"http://127.0.0.1:{_closed_port()}"
    done = onestop("--config", str(config), "devices", "list", "--server", server, "--listen", "1.5")
    assert done.returncode == 1, done.stdout + done.stderr  # one device is missing
    lines = {line.split()[0]: line for line in done.stdout.splitlines()[1:]}
    assert "the API is not answering" in done.stdout
    bp = lines["bp-1"]
    assert "opened" in bp
    assert "9600 8N1" in bp
    readings = re.search(r"(\d+) readings, (\d+) rejected", bp)
    assert readings is not None
    assert int(readings[1]) >= 2, bp
    assert "NOT opened" in lines["scale-1"]
    assert "no such device" in lines["scale-1"]


def test_no_devices_configured_says_how_to_add_one() -> None:
    done = onestop("devices", "list")
    assert done.returncode == 0
    assert "no devices configured" in done.stdout


def test_with_the_api_running_its_readers_are_listed(db_config: DatabaseConfig, tmp_path: Path) -> None:
    settings = Settings(
        database=db_config,
        printer=PrinterConfig(url=f"preview://{tmp_path / 'tickets'}"),
        board=BoardConfig(speech="off"),
        devices=[
            DeviceConfig(
                id="bp-1", kind="blood_pressure", protocol="omron-hbp9030", url="sim://?seed=1", station="s1"
            ),
            DeviceConfig(
                id="scale-1",
                kind="height_weight",
                protocol="scale-line",
                url=str(tmp_path / "none"),
                station="s1",
            ),
        ],
    )
    config = tmp_path / "onestop.toml"
    config.write_text(CONFIG.format(missing=tmp_path / "none"), encoding="utf-8")
    with live_server(settings, migrate=False) as server:
        done = onestop("--config", str(config), "devices", "list", "--server", server.base_url)
    assert done.returncode == 1  # the scale is not connected
    assert f"devices of the API at {server.base_url}" in done.stdout
    lines = {line.split()[0]: line for line in done.stdout.splitlines()[2:]}
    assert " connected" in lines["bp-1"]
    assert "NOT connected" in lines["scale-1"]
    assert "no such device" in lines["scale-1"]
