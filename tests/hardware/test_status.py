"""DLE EOT answers → printer state: real printers' answers, the precedence of faults, garbled bytes."""

from __future__ import annotations

import itertools

import pytest

from hardware.printer.errors import PrinterState
from hardware.printer.status import (
    DETAILS,
    GARBLED_DETAIL,
    PrinterStatus,
    failed,
    interpret,
    is_status_byte,
)

S = PrinterState

# (n=1, n=2, n=4) as a printer answers them (DEVICES.md §1; ESC/POS reference DLE EOT tables).
CASES = [
    pytest.param(0x12, 0x12, 0x12, S.READY, id="ready: 12 12 12"),
    pytest.param(0x16, 0x12, 0x12, S.READY, id="ready with drawer pin 3 high (bit 2 of n=1 ignored)"),
    pytest.param(
        0x12, 0x12, 0x1E, S.PAPER_NEAR_END, id="near end: n=4 0x1E (python-escpos RT_MASK_LOWPAPER)"
    ),
    pytest.param(0x1A, 0x32, 0x72, S.PAPER_OUT, id="paper out: 1A 32 72 (python-escpos RT_MASK_NOPAPER)"),
    pytest.param(0x1A, 0x32, 0x7E, S.PAPER_OUT, id="paper out with near-end bits too: n=4 0x7E"),
    pytest.param(0x12, 0x12, 0x72, S.PAPER_OUT, id="paper sensor says end while still online"),
    pytest.param(0x1A, 0x32, 0x12, S.PAPER_OUT, id="stopped by paper end (n=2 bit 5) alone"),
    pytest.param(0x1A, 0x16, 0x12, S.COVER_OPEN, id="cover open: n=2 0x16"),
    pytest.param(0x1A, 0x52, 0x12, S.ERROR, id="error: n=2 bit 6"),
    pytest.param(0x1A, 0x12, 0x12, S.OFFLINE, id="offline with no cause named"),
    pytest.param(0x1A, 0x1A, 0x12, S.OFFLINE, id="offline while feeding by the FEED button"),
    pytest.param(0x1A, 0x12, 0x1E, S.OFFLINE, id="offline beats near end"),
    pytest.param(0x1A, 0x36, 0x72, S.COVER_OPEN, id="cover open beats paper out"),
    pytest.param(0x1A, 0x72, 0x72, S.PAPER_OUT, id="paper out beats error"),
    pytest.param(0x1A, 0x56, 0x12, S.COVER_OPEN, id="cover open beats error"),
    pytest.param(0x1A, 0x52, 0x1E, S.ERROR, id="error beats near end"),
    pytest.param(0x32, 0x12, 0x12, S.READY, id="reserved bit 5 of n=1 ignored"),
]


@pytest.mark.parametrize(("printer", "cause", "paper", "state"), CASES)
def test_answers_give_the_state(printer: int, cause: int, paper: int, state: PrinterState) -> None:
    status = interpret(printer, cause, paper)
    assert status.state is state
    assert (status.printer, status.offline_cause, status.paper) == (printer, cause, paper)
    assert status.detail  # always a message for the desk


@pytest.mark.parametrize(
    ("state", "detail"),
    [
        (S.READY, "打印机就绪"),
        (S.PAPER_NEAR_END, "纸将尽，请备纸"),
        (S.PAPER_OUT, "缺纸，请装纸"),
        (S.COVER_OPEN, "纸仓盖打开，请合上"),
        (S.OFFLINE, "打印机离线"),
        (S.NO_ANSWER, "打印机无应答"),
    ],
)
def test_details_are_chinese_messages_for_the_desk(state: PrinterState, detail: str) -> None:
    assert DETAILS[state] == detail


def test_every_state_has_a_detail() -> None:
    assert set(DETAILS) == set(PrinterState)


VARIABLE_BITS = [
    sum(bit for bit, on in zip((0x04, 0x08, 0x20, 0x40), bits, strict=True) if on)
    for bits in itertools.product((0, 1), repeat=4)
]
VALID = [0x12 | v for v in VARIABLE_BITS]  # the 16 bytes with the fixed bits right


def _expected(printer: int, cause: int, paper: int) -> PrinterState:
    """The precedence written as a list of (condition, state), first match wins."""
    rules = [
        (cause & 0x04, S.COVER_OPEN),
        (cause & 0x20 or paper & 0x60, S.PAPER_OUT),
        (cause & 0x40, S.ERROR),
        (printer & 0x08, S.OFFLINE),
        (paper & 0x0C, S.PAPER_NEAR_END),
    ]
    return next((state for condition, state in rules if condition), S.READY)


def test_every_valid_combination_follows_the_precedence() -> None:
    seen = set()
    for printer, cause, paper in itertools.product(VALID, repeat=3):
        status = interpret(printer, cause, paper)
        assert status.state is _expected(printer, cause, paper), (hex(printer), hex(cause), hex(paper))
        seen.add(status.state)
    assert seen == {S.READY, S.PAPER_NEAR_END, S.PAPER_OUT, S.COVER_OPEN, S.ERROR, S.OFFLINE}


def test_fixed_bits() -> None:
    assert sorted(VALID) == [b for b in range(256) if is_status_byte(b)]
    assert is_status_byte(0x12)
    assert not is_status_byte(0x00)
    assert not is_status_byte(0x10)  # bit 1 missing: e.g. the DLE of an echoed query
    assert not is_status_byte(0x13)  # bit 0 set
    assert not is_status_byte(0x92)  # bit 7 set
    assert not is_status_byte(0x02)  # bit 4 missing


@pytest.mark.parametrize("position", [0, 1, 2], ids=["n=1", "n=2", "n=4"])
@pytest.mark.parametrize("byte", [0x00, 0x10, 0x13, 0x92, 0xFF, 0x02], ids=lambda b: f"0x{b:02X}")
def test_a_byte_breaking_the_fixed_bits_is_no_answer(position: int, byte: int) -> None:
    answers = [0x12, 0x12, 0x12]
    answers[position] = byte
    status = interpret(*answers)
    assert status.state is S.NO_ANSWER
    assert status.detail == GARBLED_DETAIL
    assert f"0x{byte:02X}" in status.reason
    assert (status.printer, status.offline_cause, status.paper) == tuple(answers)


def test_garbled_wins_over_a_fault_in_the_other_bytes() -> None:
    assert interpret(0x1A, 0x16, 0x00).state is S.NO_ANSWER  # the cover bit cannot be trusted either


@pytest.mark.parametrize("value", [-1, 256, 0x1012])
def test_a_value_that_is_not_a_byte_is_a_bug(value: int) -> None:
    with pytest.raises(ValueError, match="one byte"):
        interpret(0x12, value, 0x12)


def test_failed_keeps_the_answers_that_came() -> None:
    status = failed(S.NO_ANSWER, "tcp://x: no answer to DLE EOT 2", answers=(0x12,))
    assert status == PrinterStatus(
        state=S.NO_ANSWER, detail="打印机无应答", printer=0x12, reason="tcp://x: no answer to DLE EOT 2"
    )
