"""F6 at the desk: the station's devices and their readings arriving live, in Chinese, at 80×24."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from onestop.config import DatabaseConfig, DeviceConfig, Settings
from tests.tui.helpers import DeskApi, desk_settings_with, log_in, screen_name, settle, shot, sim_bp, until
from tui.app import OnestopApp

STATION = "front-desk-1"


@pytest.fixture
def desk_settings(db_config: DatabaseConfig, tmp_path: Path) -> Settings:
    # A simulated BP monitor measuring every 0.5 s (readings arrive during the test), an unplugged scale and a
    # device at another station.
    return desk_settings_with(
        db_config,
        tmp_path,
        sim_bp(STATION),
        DeviceConfig(
            id="scale-1",
            kind="height_weight",
            protocol="scale-line",
            url=str(tmp_path / "unplugged"),
            station=STATION,
        ),
        DeviceConfig(id="bp-2", kind="blood_pressure", protocol="omron-hbp9030", url="loop://", station="x"),
    )


async def live(pilot: Pilot[Any], condition: Callable[[], bool], what: str, timeout_s: float = 15.0) -> None:
    """Like helpers.until, without waiting for every worker: the screen's stream worker runs until it
    closes."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout_s} s waiting for {what}"
        await pilot.pause(0.05)


def _cells(app: OnestopApp, table_id: str) -> list[list[str]]:
    from textual.widgets import DataTable

    table = app.screen.query_one(table_id, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_devices_screen_shows_states_and_live_readings(desk_api: DeskApi, artifacts: Path) -> None:
    app = OnestopApp(server=desk_api.base_url, lang="zh_CN", station=STATION)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot, desk_api.username, desk_api.password)
        await until(pilot, lambda: screen_name(app) == "SearchScreen", "the search screen after login")
        await pilot.press("f6")
        await live(pilot, lambda: screen_name(app) == "DevicesScreen", "the devices screen")
        await live(pilot, lambda: len(_cells(app, "#device-table")) == 2, "this station's two devices")
        states = {row[0]: row[2] for row in _cells(app, "#device-table")}
        await live(
            pilot,
            lambda: {r[0]: r[2] for r in _cells(app, "#device-table")}["bp-1"] == "已连接",
            "the simulated monitor connected",
        )
        assert states["scale-1"].startswith("未连接")
        await live(pilot, lambda: len(_cells(app, "#reading-table")) >= 2, "readings arriving live")
        first = _cells(app, "#reading-table")[0]
        assert first[1] == "bp-1"
        assert "mmHg" in first[2]
        assert first[3] == "待认领"
        shot(app, artifacts, "devices-live-80x24")
        await pilot.press("escape")
        await live(pilot, lambda: screen_name(app) == "SearchScreen", "back to the search")
