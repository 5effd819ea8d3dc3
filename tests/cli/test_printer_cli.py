"""`onestop printer test` against the fake network printer and a preview directory, as the IT person runs it."""

from __future__ import annotations

from pathlib import Path

from hardware.printer.decode import Cut, decode, text_of
from tests.cli.test_cli import onestop
from tests.support.fake_printer import FakePrinter


def test_a_ready_printer_prints_the_test_page_and_reports_its_status() -> None:
    with FakePrinter() as printer:
        done = onestop("printer", "test", env={"ONESTOP_PRINTER_URL": printer.url})
        assert done.returncode == 0, done.stderr
        assert "status: ready" in done.stdout
        tokens = decode(printer.data_without_queries())
    assert isinstance(tokens[-1], Cut)
    assert any("打印机测试" in line for line in text_of(tokens))


def test_paper_out_is_reported_and_nothing_is_printed() -> None:
    with FakePrinter() as printer:
        printer.set_mode("paper_out")
        done = onestop("printer", "test", env={"ONESTOP_PRINTER_URL": printer.url})
        assert done.returncode == 1
        assert "paper_out" in done.stdout
        assert printer.data_without_queries() == b""


def test_a_printer_that_is_off_is_refused_quickly(tmp_path: Path) -> None:
    with FakePrinter() as printer:
        printer.set_mode("refuse")
        done = onestop(
            "printer", "test", env={"ONESTOP_PRINTER_URL": printer.url, "ONESTOP_PRINTER_TIMEOUT_S": "0.5"}
        )
    assert done.returncode == 1
    assert "refused" in done.stdout


def test_status_only_prints_nothing() -> None:
    with FakePrinter() as printer:
        done = onestop("printer", "test", "--status-only", env={"ONESTOP_PRINTER_URL": printer.url})
        assert done.returncode == 0
        assert printer.data_without_queries() == b""


def test_the_preview_printer_writes_bytes_and_a_png(tmp_path: Path) -> None:
    done = onestop("printer", "test", env={"ONESTOP_PRINTER_URL": f"preview://{tmp_path}"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert list(tmp_path.glob("*.bin"))
    assert list(tmp_path.glob("*.png"))
