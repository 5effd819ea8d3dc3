"""Queue ticket and test page: rendered for 58/80 mm with native and image QR, decoded, asserted by content."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import pytest

from hardware.printer.decode import (
    Align,
    ChineseMode,
    Cut,
    Feed,
    Image,
    Init,
    Text,
    Token,
    decode,
    image_matches_qr,
    qr_payloads,
    text_of,
)
from hardware.printer.text import columns_for, display_width
from hardware.printer.ticket import PAPER_DOTS, TicketContent, render_test_ticket, render_ticket

CST = datetime.timezone(datetime.timedelta(hours=8))
URL = "http://onestop.test/t/7Kq2"
FULL_NAME = "张小三"
PAPERS_AND_QR = [
    pytest.param(58, True, id="58mm-native"),
    pytest.param(58, False, id="58mm-image"),
    pytest.param(80, True, id="80mm-native"),
    pytest.param(80, False, id="80mm-image"),
]


def sample_content(**changes: object) -> TicketContent:
    values: dict[str, object] = {
        "site_name": "某某镇卫生院",
        "label": "A001",
        "queue_name": "全科门诊",
        "room": "3号诊室",
        "ahead": 3,
        "masked_name": "张*三",
        "issued_at": datetime.datetime(2026, 11, 23, 9, 5, tzinfo=CST),
        "qr_url": URL,
        "footer": "请留意叫号屏与语音提示，过号请到分诊台",
    }
    values.update(changes)
    return TicketContent(**values)  # type: ignore[arg-type]


def _qr_matches(tokens: list[Token], native: bool, url: str) -> bool:
    if native:
        return qr_payloads(tokens) == [url]
    images = [t for t in tokens if isinstance(t, Image)]
    return len(images) == 1 and image_matches_qr(images[0], url)


@pytest.mark.parametrize(("paper", "native"), PAPERS_AND_QR)
def test_ticket_content(paper: int, native: bool) -> None:
    data = render_ticket(sample_content(), paper_mm=paper, native_qr=native)
    assert data.startswith(b"\x1b@\x1c&")  # ESC @ then FS & (DEVICES.md §1)
    tokens = decode(data)
    assert tokens[:2] == [Init(), ChineseMode(True)]
    lines = text_of(tokens)
    for expected in (
        "某某镇卫生院",
        "A001",
        "全科门诊",
        "3号诊室",
        "前面还有 3 人",
        "姓名：张*三",
        "时间：2026-11-23 09:05",
        "扫码查看",
    ):
        assert expected in lines
    assert _qr_matches(tokens, native, URL)
    assert tokens[-2:] == [Feed(6), Cut(partial=False)]


@pytest.mark.parametrize(("paper", "native"), PAPERS_AND_QR)
def test_every_line_fits_the_paper(paper: int, native: bool) -> None:
    content = sample_content(
        emergency=True,
        reprint=True,
        priority_note="签约优先",
        site_name="某某市某某区某某街道社区卫生服务中心",
    )
    for token in decode(render_ticket(content, paper_mm=paper, native_qr=native)):
        if isinstance(token, Text):
            assert display_width(token.text) * token.width_mag <= columns_for(paper), token
        if isinstance(token, Image):
            assert token.width_dots <= PAPER_DOTS[paper]


def test_label_is_large_and_centred() -> None:
    tokens = decode(render_ticket(sample_content(), paper_mm=58, native_qr=True))
    (label,) = [t for t in tokens if isinstance(t, Text) and t.text == "A001"]
    assert (label.width_mag, label.height_mag, label.align) == (4, 4, Align.CENTER)


def test_full_name_and_id_number_are_never_printed() -> None:
    data = render_ticket(sample_content(), paper_mm=58, native_qr=True)
    assert FULL_NAME.encode("gbk") not in data
    assert FULL_NAME not in "".join(text_of(decode(data)))
    with pytest.raises(ValueError, match="masked"):
        sample_content(masked_name=FULL_NAME)
    with pytest.raises(ValueError, match="ID number"):
        render_ticket(sample_content(footer="身份证 11010519491231002X"), paper_mm=58, native_qr=True)


@pytest.mark.parametrize("emergency", [True, False])
def test_emergency_mark_is_a_large_reversed_line_at_the_top(emergency: bool) -> None:
    texts = [
        t
        for t in decode(render_ticket(sample_content(emergency=emergency), paper_mm=58, native_qr=True))
        if isinstance(t, Text)
    ]
    marks = [t for t in texts if "急" in t.text]
    if emergency:
        assert texts[0] is marks[0]
        assert marks[0].invert
        assert marks[0].width_mag >= 2
    else:
        assert marks == []


@pytest.mark.parametrize("reprint", [True, False])
def test_reprint_mark(reprint: bool) -> None:
    lines = text_of(decode(render_ticket(sample_content(reprint=reprint), paper_mm=80, native_qr=False)))
    assert any("补打" in line for line in lines) is reprint


def test_priority_note_is_printed() -> None:
    lines = text_of(
        decode(render_ticket(sample_content(priority_note="签约优先"), paper_mm=58, native_qr=True))
    )
    assert "签约优先" in lines


def test_long_site_name_wraps() -> None:
    name = "某某市某某区某某街道社区卫生服务中心第一分中心"  # 23 characters: 46 columns
    lines = text_of(decode(render_ticket(sample_content(site_name=name), paper_mm=58, native_qr=True)))
    start = lines.index(name[:16])
    assert lines[start : start + 2] == [name[:16], name[16:]]


def test_gbk_replacements_reach_the_ticket() -> None:
    lines = text_of(decode(render_ticket(sample_content(queue_name="¥ 收费处"), paper_mm=58, native_qr=True)))
    assert "￥ 收费处" in lines


def test_image_qr_does_not_match_another_payload() -> None:
    tokens = decode(render_ticket(sample_content(), paper_mm=58, native_qr=False))
    (image,) = [t for t in tokens if isinstance(t, Image)]
    assert not image_matches_qr(image, "http://onestop.test/t/other")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"issued_at": datetime.datetime(2026, 11, 23, 9, 5)}, "aware", id="naive time"),
        pytest.param({"ahead": -1}, "ahead", id="negative ahead"),
    ],
)
def test_content_is_validated(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sample_content(**changes)


@pytest.mark.parametrize("url", ["", "http://onestop.test/二维码", "x" * 201])
def test_qr_payload_must_be_short_ascii(url: str) -> None:
    with pytest.raises(ValueError, match="QR payload"):
        render_ticket(sample_content(qr_url=url), paper_mm=58, native_qr=True)


def test_other_paper_widths_are_refused() -> None:
    with pytest.raises(ValueError, match="76"):
        render_ticket(sample_content(), paper_mm=76, native_qr=True)


@pytest.mark.parametrize(("paper", "native"), PAPERS_AND_QR)
def test_test_page(paper: int, native: bool) -> None:
    printed_at = datetime.datetime(2026, 11, 23, 9, 5, 7, tzinfo=CST)
    data = render_test_ticket(
        site_name="某某镇卫生院",
        printed_at=printed_at,
        paper_mm=paper,
        native_qr=native,
        lines=["打印机：前台 1 号"],
    )
    tokens = decode(data)
    assert tokens[:2] == [Init(), ChineseMode(True)]
    lines = text_of(tokens)
    for expected in (
        "打印机测试",
        "某某镇卫生院",
        "时间：2026-11-23 09:05:07",
        "打印机：前台 1 号",
        "扫码查看",
    ):
        assert expected in lines
    columns = columns_for(paper)
    rulers = [
        line
        for line in lines
        if display_width(line) == columns and (line.startswith("....") or line.startswith("一二三"))
    ]
    assert len(rulers) == 2  # one ASCII, one Chinese, each exactly one full line
    assert "GBK：￥9.50 ℃ “引号”，：" in lines  # one line even at 58 mm
    assert _qr_matches(tokens, native, "http://onestop.test/qr")
    assert tokens[-1] == Cut(partial=False)


def test_rendering_modules_do_not_import_escpos() -> None:
    # escpos loads its printer database at import (0.2–0.3 s, DEVICES.md §1): only rendering may pay it.
    code = "import sys, hardware.printer.ticket, hardware.printer.decode, hardware.printer.preview; print('escpos' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "False"


def test_image_qr_prints_nothing_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    # python-escpos print()s a warning from image() when the profile's media width is unknown.
    render_ticket(sample_content(), paper_mm=58, native_qr=False)
    assert capsys.readouterr().out == ""
