"""The header: site, user and role, station, API connection, printer and the station's devices, in words,
on one line at 80 columns; it follows the devices and says when the API has gone away."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len

from onestop.config import BoardConfig, DatabaseConfig, DeviceConfig, PrinterConfig, Settings
from tests.support.server import LiveServer, add_staff, live_server
from tests.tui.helpers import screen_name, screen_text, settle, shot, type_text, until
from tui import i18n
from tui.app import OnestopApp
from tui.state import Connection, DeskStatus, DeviceLight
from tui.widgets.status_bar import fit_header

STATION = "front-desk-1"
PASSWORD = "correct horse battery"

BP = DeviceLight(device_id="bp-1", kind="blood_pressure", connected=True)
SCALE = DeviceLight(device_id="scale-1", kind="height_weight", connected=False)
LOGGED_IN = DeskStatus(
    site="示范镇卫生院",
    station=STATION,
    user="王护士",
    role="nurse",
    connection=Connection.ONLINE,
    printer="ready",
    devices=(BP, SCALE),
)


@pytest.fixture
def zh() -> Iterator[None]:
    i18n.activate("zh_CN")
    yield
    i18n.activate(i18n.DEFAULT_LANGUAGE)


def _line(parts: dict[str, str]) -> str:
    return "  ".join(text for text in parts.values() if text)


@pytest.mark.usefixtures("zh")
def test_a_wide_header_names_every_device_and_the_role() -> None:
    line = _line(fit_header(LOGGED_IN, 120))
    assert "示范镇卫生院" in line
    assert "王护士（护士）" in line
    assert "工位 front-desk-1" in line
    assert "打印机就绪" in line
    assert "血压计●已连接 体重秤✕未连接" in line


@pytest.mark.usefixtures("zh")
def test_at_80_columns_the_devices_shorten_to_a_count_and_the_faulty_one_in_words() -> None:
    parts = fit_header(LOGGED_IN, 80)
    assert "体重秤✕未连接" in parts["status-devices"]
    assert "设备 1/2" in parts["status-devices"]
    assert "血压计" not in parts["status-devices"], "a connected device needs no room of its own"
    assert parts["status-connection"] == "● 服务器已连接"
    assert sum(cell_len(t) + 2 for t in parts.values() if t) <= 80


@pytest.mark.usefixtures("zh")
def test_all_connected_is_a_count_in_words() -> None:
    status = DeskStatus(site="示范镇卫生院", station=STATION, user="王护士", devices=(BP, BP))
    assert fit_header(status, 80)["status-devices"] == "设备 2/2 已连接"


@pytest.mark.usefixtures("zh")
def test_with_the_api_gone_the_states_are_unknown_not_the_last_known() -> None:
    gone = DeskStatus(
        site="示范镇卫生院",
        station=STATION,
        user="王护士",
        connection=Connection.OFFLINE,
        printer="ready",
        devices=(BP, SCALE),
        stale=True,
    )
    wide = fit_header(gone, 120)
    assert wide["status-devices"] == "血压计?状态未知 体重秤?状态未知"
    assert wide["status-printer"] == "打印机状态未知"
    assert wide["status-connection"] == "✕ 服务器无法连接"
    assert fit_header(gone, 80)["status-devices"] == "设备状态未知"


def test_english_words() -> None:
    i18n.activate("en")
    try:
        parts = fit_header(LOGGED_IN, 140)  # English words are longer: all of it needs 126 columns
    finally:
        i18n.activate(i18n.DEFAULT_LANGUAGE)
    assert parts["status-user"] == "王护士 (nurse)"
    assert parts["status-devices"] == "BP monitor●connected scale✕not connected"


# --- against a live API, stopped half-way --------------------------------------------------------------


def _settings(db_config: DatabaseConfig, tmp_path: Path) -> Settings:
    """Two devices at the desk's station: a simulated BP monitor that connects, a scale that is unplugged."""
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
                station=STATION,
            ),
            DeviceConfig(
                id="scale-1",
                kind="height_weight",
                protocol="scale-line",
                url=str(tmp_path / "unplugged"),
                station=STATION,
            ),
        ],
    )


@contextlib.contextmanager
def _api(settings: Settings) -> Iterator[tuple[LiveServer, contextlib.ExitStack]]:
    """The API with a nurse; closing the stack stops the API while the terminal keeps running."""
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(live_server(settings))
        add_staff(server, "nurse1", "nurse", PASSWORD, display_name="王护士")
        yield server, stack


async def test_the_demo_way_in_one_enter_then_the_header_follows_the_devices_and_the_api(
    db_config: DatabaseConfig, tmp_path: Path, artifacts: Path
) -> None:
    with _api(_settings(db_config, tmp_path)) as (server, stack):
        # As `onestop demo` starts it: user and one-off password filled in, the station not given, and
        # every device at the default station, so there is no station question.
        app = OnestopApp(
            server=server.base_url,
            lang="zh_CN",
            station=STATION,
            choose_station=True,
            username="nurse1",
            password=PASSWORD,
        )
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await until(pilot, lambda: screen_name(app) == "SearchScreen", "the desk after one Enter")
            await until(pilot, lambda: "体重秤✕未连接" in screen_text(app), "the devices in the header")
            header = screen_text(app).splitlines()[0]
            assert "设备 1/2" in header
            assert "预览打印机" in header
            assert "● 服务器已连接" in header
            shot(app, artifacts, "header-devices")

            await asyncio.to_thread(stack.close)  # the API goes away
            app.poll_status()
            await until(pilot, lambda: "服务器无法连接" in screen_text(app), "the header to notice")
            header = screen_text(app).splitlines()[0]
            assert "设备状态未知" in header
            assert "打印机状态未知" in header
            assert "已连接" not in header, "no state that can no longer be known is shown as current"
            shot(app, artifacts, "header-api-gone")


async def test_a_wide_header_shows_each_device_and_the_role(
    db_config: DatabaseConfig, tmp_path: Path
) -> None:
    with _api(_settings(db_config, tmp_path)) as (server, _stack):
        app = OnestopApp(server=server.base_url, lang="zh_CN", station=STATION, username="nurse1")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await type_text(pilot, PASSWORD)
            await pilot.press("enter")
            await until(pilot, lambda: screen_name(app) == "SearchScreen", "the desk")
            await until(pilot, lambda: "体重秤✕未连接" in screen_text(app), "the devices in the header")
            header = screen_text(app).splitlines()[0]
            assert "示范镇卫生院" in header
            assert "王护士（护士）" in header
            assert "血压计●已连接 体重秤✕未连接" in header
