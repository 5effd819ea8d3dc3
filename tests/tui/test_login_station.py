"""Log in, then choose the station: asked only without `--station` and with more than one to choose from."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from textual.widgets import OptionList

from flows.devices import DeviceStatus
from onestop.config import BoardConfig, DatabaseConfig, DeviceConfig, PrinterConfig, Settings
from tests.tui.helpers import DeskApi, log_in, screen_name, screen_text, settle, shot, type_text, until
from tui.app import OnestopApp
from tui.screens.station import StationChoice, station_choices


@pytest.fixture
def desk_settings(db_config: DatabaseConfig, tmp_path: Path) -> Settings:
    """Devices at two stations; this terminal's default station (front-desk-1) has none."""
    return Settings(
        database=db_config,
        printer=PrinterConfig(url=f"preview://{tmp_path / 'tickets'}"),
        board=BoardConfig(speech="off"),
        devices=[
            DeviceConfig(
                id="bp-1",
                kind="blood_pressure",
                protocol="omron-hbp9030",
                url="sim://?seed=1&interval=60",
                station="screening-1",
            ),
            DeviceConfig(
                id="scale-1",
                kind="height_weight",
                protocol="scale-line",
                url=str(tmp_path / "unplugged"),
                station="screening-1",
            ),
            DeviceConfig(
                id="bp-2",
                kind="blood_pressure",
                protocol="omron-hbp9030",
                url="loop://",
                station="screening-2",
            ),
        ],
    )


def _app(desk: DeskApi, *, choose: bool = True, lang: str = "zh_CN") -> OnestopApp:
    return OnestopApp(server=desk.base_url, lang=lang, station="front-desk-1", choose_station=choose)


def _device(device_id: str, kind: str, station: str) -> DeviceStatus:
    return DeviceStatus(
        device_id=device_id, kind=kind, protocol="p", url="loop://", station=station, connected=True
    )


def test_the_choices_are_the_device_stations_then_the_default_without_devices() -> None:
    devices = [
        _device("bp-2", "blood_pressure", "screening-2"),
        _device("bp-1", "blood_pressure", "screening-1"),
        _device("scale-1", "height_weight", "screening-1"),
    ]
    assert station_choices(devices, "front-desk-1") == [
        StationChoice(station="screening-1", kinds=("blood_pressure", "height_weight")),
        StationChoice(station="screening-2", kinds=("blood_pressure",)),
        StationChoice(station="front-desk-1"),
    ]
    # The demo: every device at the default station, so there is nothing to ask.
    assert station_choices([_device("bp-1", "blood_pressure", "front-desk-1")], "front-desk-1") == [
        StationChoice(station="front-desk-1", kinds=("blood_pressure",))
    ]
    assert station_choices([], "front-desk-1") == [StationChoice(station="front-desk-1")]


async def test_login_then_the_chosen_station_is_in_the_header(desk_api: DeskApi, artifacts: Path) -> None:
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, desk_api.username, desk_api.password)
        await until(pilot, lambda: screen_name(app) == "StationScreen", "the station question")
        text = screen_text(app)
        assert "选择工位" in text
        assert "1  screening-1  血压计、体重秤" in text
        assert "2  screening-2  血压计" in text
        assert "3  front-desk-1  无设备" in text
        assert "王护士" in text, "the header names who logged in while the station is chosen"
        shot(app, artifacts, "login-station")
        await pilot.press("1", "enter")
        await until(pilot, lambda: screen_name(app) == "SearchScreen", "the desk after choosing")
        await until(pilot, lambda: "体重秤✕未连接" in screen_text(app), "the station's devices in the header")
        assert app.station == "screening-1"
        assert "工位 screening-1" in screen_text(app)
        shot(app, artifacts, "desk-after-station")


async def test_the_default_is_preselected_arrows_move_and_the_choice_is_kept_after_a_new_login(
    desk_api: DeskApi,
) -> None:
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, desk_api.username, desk_api.password)
        await until(pilot, lambda: screen_name(app) == "StationScreen", "the station question")
        stations = app.screen.query_one("#stations", OptionList)
        assert stations.highlighted == 2, "this terminal's default station is preselected"
        await pilot.press("up")  # the arrows move the choice
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "SearchScreen", "the desk")
        assert app.station == "screening-2"
        token = app.client.token
        revoked = await asyncio.to_thread(
            httpx.delete, f"{desk_api.base_url}/api/v1/session", headers={"Authorization": f"Bearer {token}"}
        )
        assert revoked.status_code == 204
        app.end_session("expired")
        await settle(pilot)
        assert screen_name(app) == "LoginScreen"
        await type_text(pilot, desk_api.password)  # the user name is kept; the cursor is in the password
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "SearchScreen", "the desk without asking again")
        assert "工位 screening-2" in screen_text(app)


async def test_an_explicit_station_is_not_asked(desk_api: DeskApi) -> None:
    app = _app(desk_api, choose=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, desk_api.username, desk_api.password)
        await until(pilot, lambda: screen_name(app) == "SearchScreen", "the desk at once")
        assert app.station == "front-desk-1"
        assert "工位 front-desk-1" in screen_text(app)


async def test_escape_goes_back_to_the_login(desk_api: DeskApi) -> None:
    app = _app(desk_api, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, desk_api.username, desk_api.password)
        await until(pilot, lambda: screen_name(app) == "StationScreen", "the station question")
        text = screen_text(app)
        assert "Choose your station" in text
        assert "1  screening-1  BP monitor、scale" in text
        assert "3  front-desk-1  no devices" in text
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "LoginScreen"
        assert "Log in again to choose the station." in screen_text(app)
        assert "not logged in" in screen_text(app)
        assert app.client.token is None
