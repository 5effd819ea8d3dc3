"""Pilot helpers for the TUI tests: wait for a condition (not a fixed sleep), read the screen as text, log in."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable

from onestop.config import BoardConfig, DatabaseConfig, DeviceConfig, PrinterConfig, Settings
from tests.support.server import LiveServer
from tui.app import OnestopApp


@dataclass
class Resident:
    id: int
    name: str
    id_number: str
    record_number: str
    phone: str | None


@dataclass
class DeskApi:
    server: LiveServer
    base_url: str
    username: str
    password: str
    display_name: str
    residents: dict[str, Resident]  # by name
    team_name: str


async def settle(pilot: Pilot[Any]) -> None:
    """Let posted messages run, wait for every worker, then let their messages run."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot: Pilot[Any], condition: Callable[[], bool], what: str, timeout_s: float = 15.0) -> None:
    """Wait until `condition()` holds (debounce timers and workers finish), failing with `what` otherwise."""
    waited = 0.0
    while not condition():
        if waited > timeout_s:
            raise AssertionError(
                f"timed out after {timeout_s} s waiting for {what}\n{screen_text(pilot.app)}"
            )
        await settle(pilot)
        if not condition():
            await pilot.pause(0.05)  # a debounce timer may still be pending: give it its turn
            waited += 0.05
    await settle(pilot)


def screen_text(app: Any) -> str:
    """The current screen as the terminal shows it, in plain text (what a screenshot would contain)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    text: str = console.export_text()
    return text


def screen_name(app: Any) -> str:
    return type(app.screen).__name__


def table_rows(app: Any) -> list[list[str]]:
    table = app.screen.query_one("#results", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def shot(app: OnestopApp, artifacts: Path, name: str) -> str:
    """Save an SVG screenshot to test-artifacts/ and return its text, for assertions on what was saved."""
    path = app.save_screenshot(f"{name}.svg", str(artifacts))
    return Path(path).read_text(encoding="utf-8")


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*[_key(c) for c in text])


def _key(char: str) -> str:
    names = {" ": "space", "-": "minus", "/": "slash", ".": "full_stop"}
    return names.get(char, char)


async def log_in(pilot: Pilot[Any], username: str, password: str) -> None:
    """From a fresh login screen: type both fields, Enter, wait for the answer."""
    await type_text(pilot, username)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")
    await settle(pilot)


def desk_settings_with(db_config: DatabaseConfig, tmp_path: Path, *devices: DeviceConfig) -> Settings:
    """The desk tests' API settings (preview printer, silent board) with these devices attached."""
    return Settings(
        database=db_config,
        printer=PrinterConfig(url=f"preview://{tmp_path / 'tickets'}"),
        board=BoardConfig(speech="off"),
        devices=list(devices),
    )


def sim_bp(station: str, *, seed: int = 1, interval: float = 0.5, device_id: str = "bp-1") -> DeviceConfig:
    """A simulated BP monitor at `station` measuring every `interval` s, never failing."""
    return DeviceConfig(
        id=device_id,
        kind="blood_pressure",
        protocol="omron-hbp9030",
        url=f"sim://?seed={seed}&interval={interval:g}&errors=0&garbage=0",
        station=station,
    )
