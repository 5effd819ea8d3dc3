"""The header tells the desk what the ticket printer is doing, in Chinese, and follows it when it changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onestop.config import BoardConfig, DatabaseConfig, PrinterConfig, Settings
from tests.support.fake_printer import FakePrinter
from tests.tui.helpers import DeskApi, log_in, screen_name, settle, shot, until
from tui.app import OnestopApp


@pytest.fixture
def fake_printer() -> Iterator[FakePrinter]:
    with FakePrinter() as printer:
        printer.set_mode("paper_out")
        yield printer


@pytest.fixture
def desk_settings(db_config: DatabaseConfig, fake_printer: FakePrinter) -> Settings:
    return Settings(
        database=db_config,
        printer=PrinterConfig(url=fake_printer.url, timeout_s=0.3, idle_check_s=0.3),
        board=BoardConfig(speech="off"),
    )


def _printer_label(app: OnestopApp) -> str:
    from textual.widgets import Label

    return str(app.screen.query_one("#status-printer", Label).render())


async def test_the_header_shows_paper_out_then_ready(
    desk_api: DeskApi, fake_printer: FakePrinter, artifacts: Path
) -> None:
    app = OnestopApp(server=desk_api.base_url, lang="zh_CN", station="front-desk-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot, desk_api.username, desk_api.password)
        await until(pilot, lambda: screen_name(app) == "SearchScreen", "the search screen after login")
        await until(pilot, lambda: "打印机缺纸" in _printer_label(app), "the printer's fault in the header")
        assert app.screen.query_one("#status-printer").has_class("-warning")
        shot(app, artifacts, "header-printer-paper-out")
        fake_printer.set_mode("ok")
        app.poll_printer()
        await until(pilot, lambda: "打印机就绪" in _printer_label(app), "the printer ready again")
        assert not app.screen.query_one("#status-printer").has_class("-warning")
