"""A ticket printer out of paper: the number stays large on the screen with its QR code, the desk is told what
to do about the printer in words, and the ticket prints by itself once paper is loaded — real API on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onestop.config import BoardConfig, DatabaseConfig, PrinterConfig, Settings
from tests.support.fake_printer import FakePrinter
from tests.tui.helpers import DeskApi, screen_name, screen_text, shot, until
from tests.tui.test_triage_ticket import _at_triage, _open_triage, _text
from tui.app import OnestopApp
from tui.widgets.big_text import big


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


async def test_a_printer_out_of_paper_still_shows_the_number_and_says_what_to_do(
    desk_api: DeskApi, fake_printer: FakePrinter, artifacts: Path
) -> None:
    ctx = _at_triage(desk_api, "李秀英")
    app = OnestopApp(server=desk_api.base_url, lang="zh_CN", station="front-desk-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_triage(pilot, app, desk_api, ctx)
        await pilot.press("f10")
        await until(pilot, lambda: screen_name(app) == "TicketScreen", "the ticket screen")

        def said() -> str:
            return _text(app, "#ticket-print")

        await until(pilot, lambda: "缺纸" in said(), "the printer's fault in words")
        assert "装纸" in said()
        text = screen_text(app)
        for row in big("A001"):
            assert row.rstrip() in text
        await until(pilot, lambda: "/p/" in _text(app, "#ticket-url"), "the QR")
        shot(app, artifacts, "ticket-printer-paper-out-80x24")
        fake_printer.set_mode("ok")
        await until(pilot, lambda: "已打印" in said(), "printed once paper is loaded", timeout_s=30)
