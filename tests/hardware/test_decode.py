"""The ESC/POS tokenizer: the subset we emit decodes to content, anything else fails loudly at its offset."""

from __future__ import annotations

import datetime

import pytest

from hardware.printer.decode import (
    Align,
    ChineseMode,
    CodePage,
    Cut,
    DecodeError,
    Feed,
    Image,
    Init,
    Qr,
    Status,
    Text,
    decode,
    image_matches_qr,
    qr_payloads,
    text_of,
    tickets_in,
)
from hardware.printer.ticket import render_test_ticket, render_ticket
from tests.hardware.test_ticket import CST, sample_content

START = b"\x1b@\x1c&"


def test_text_carries_the_style_in_force() -> None:
    data = (
        START
        + b"\x1ba\x01\x1d!\x11\x1bE\x01\x1dB\x01"
        + "急诊".encode("gbk")
        + b"\n\x1bE\x00\x1d!\x00\x1dB\x00\x1ba\x00A1\n"
    )
    assert decode(data) == [
        Init(),
        ChineseMode(True),
        Text(text="急诊", align=Align.CENTER, width_mag=2, height_mag=2, bold=True, invert=True),
        Text(text="A1"),
    ]


def test_native_qr_as_python_escpos_sends_it() -> None:
    # Bytes of Dummy().qr("http://x.test", native=True, ec=QR_ECLEVEL_M, size=6), checked by hand.
    data = (
        START
        + b"\x1d(k\x04\x001A2\x00\x1d(k\x03\x001C\x06\x1d(k\x03\x001E1\x1d(k\x10\x001P0http://x.test\x1d(k\x03\x001Q0"
    )
    tokens = decode(data)
    assert tokens[2:] == [Qr(payload="http://x.test", model=2, module_size=6, ec_level="M", align=Align.LEFT)]
    assert qr_payloads(tokens) == ["http://x.test"]


@pytest.mark.parametrize(
    ("data", "tokens"),
    [
        pytest.param(b"\n", [Feed(1)], id="bare LF feeds a line"),
        pytest.param(b"\x1bd\x06", [Feed(6)], id="ESC d n"),
        pytest.param(b"\x1dV\x00\x1dV0", [Cut(False), Cut(False)], id="full cut"),
        pytest.param(b"\x1dV\x01\x1dVB\x00", [Cut(True), Cut(True)], id="partial cut"),
        pytest.param(b"\x10\x04\x04", [Status(4)], id="DLE EOT paper"),
        pytest.param(b"\x1bt\x00", [CodePage(0)], id="ESC t from the library's image QR"),
        pytest.param(b"\x1c.", [ChineseMode(False)], id="FS ."),
    ],
)
def test_commands(data: bytes, tokens: list[object]) -> None:
    assert decode(data) == tokens


def test_raster_image_rows_and_dots() -> None:
    tokens = decode(b"\x1dv0\x00\x01\x00\x02\x00\x80\x01")
    assert tokens == [Image(width_dots=8, height_dots=2, rows=(b"\x80", b"\x01"), align=Align.LEFT)]
    image = tokens[0]
    assert isinstance(image, Image)
    assert (image.dark(0, 0), image.dark(7, 0), image.dark(7, 1)) == (True, False, True)


@pytest.mark.parametrize(
    ("data", "offset", "byte"),
    [
        pytest.param(START + b"\x07", 4, "0x07", id="garbage control byte"),
        pytest.param(START + b"\x1b!\x30", 4, "0x1B", id="ESC ! refused: it leaves Chinese unscaled"),
        pytest.param(b"\x1b@" + "中".encode("gbk") + b"\n", 2, "0xD6", id="GBK before FS &"),
        pytest.param(START + b"\xd6\x0a", 4, "0xD6", id="GBK lead byte without trail"),
        pytest.param(START + b"ab", 4, "0x61", id="text not ended by LF"),
        pytest.param(START + b"ab\x1ba\x01\n", 6, "0x1B", id="style change inside a line"),
        pytest.param(b"\x1d(k\x03\x001Q0", 0, "0x1D", id="QR print before store"),
        pytest.param(b"\x1d(L\x02\x000p", 0, "0x1D", id="GS ( L graphics not emitted"),
        pytest.param(b"\x1b*\x21\x01\x00", 0, "0x1B", id="ESC * column image not emitted"),
        pytest.param(b"\x10\x04\x09", 0, "0x10", id="DLE EOT with an unknown n"),
    ],
)
def test_strict_errors_name_offset_and_byte(data: bytes, offset: int, byte: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode(data)
    assert caught.value.offset == offset
    assert f"offset {offset}" in str(caught.value)
    assert byte in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_truncated_command_names_end_of_data() -> None:
    with pytest.raises(DecodeError, match="truncated GS v 0 bitmap"):
        decode(b"\x1dv0\x00\x02\x00\x02\x00\x00")


def test_tickets_in_splits_a_recorded_stream_and_drops_status_queries() -> None:
    first = render_ticket(sample_content(label="A001"), paper_mm=58, native_qr=True)
    second = render_ticket(sample_content(label="A002", ahead=4), paper_mm=58, native_qr=False)
    stream = b"\x10\x04\x01\x10\x04\x04" + first + b"\x10\x04\x02\x10\x04\x04" + second + b"\x10\x04\x04"
    assert decode(stream).count(Status(4)) == 3
    tickets = tickets_in(stream)
    assert len(tickets) == 2
    for ticket in tickets:
        assert ticket[0] == Init()
        assert ticket[-1] == Cut(False)
        assert not any(isinstance(t, Status) for t in ticket)
    assert "A001" in text_of(tickets[0])
    assert "A002" in text_of(tickets[1])
    assert "前面还有 4 人" in text_of(tickets[1])


def test_tickets_in_keeps_an_uncut_last_job() -> None:
    job = render_test_ticket(
        site_name="某某镇卫生院",
        printed_at=datetime.datetime(2026, 1, 1, tzinfo=CST),
        paper_mm=58,
        native_qr=True,
    )
    cut_short = job[: job.index(b"\x1bd\x06")]
    tickets = tickets_in(job + cut_short)
    assert len(tickets) == 2
    assert tickets[1][-1] != Cut(False)


def test_image_matches_qr_refuses_a_blank_image() -> None:
    blank = Image(width_dots=16, height_dots=2, rows=(b"\x00\x00", b"\x00\x00"), align=Align.CENTER)
    assert not image_matches_qr(blank, "http://onestop.test/qr")
