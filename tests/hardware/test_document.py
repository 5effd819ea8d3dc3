"""A document (health education, a referral summary) rendered for 58/80 mm, decoded and asserted by content;
sent whole to a fake TCP printer; drawn by the preview printer."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage

from flows.printing import DocumentContent
from hardware.printer import preview
from hardware.printer.decode import Align, ChineseMode, Cut, Feed, Init, Text, decode, text_of
from hardware.printer.document import render_document
from hardware.printer.text import columns_for, display_width
from hardware.printer.transport import open_transport
from tests.support.fake_printer import FakePrinter

LONG = (
    "您的血压处于正常高值（130–139/85–89 mmHg），属于高血压高危人群：每6个月测量一次血压，每天吃盐少于5克。"
)
CONTENT = DocumentContent(
    title="健康教育处方",
    lines=("【血压正常高值】", LONG, "", "价格：¥9.50"),
    footer="某某镇卫生院 王医生 2026-03-02",
)


@pytest.mark.parametrize("paper", [58, 80])
def test_a_document_starts_in_chinese_mode_and_ends_with_a_cut(paper: int) -> None:
    tokens = decode(render_document(CONTENT, paper_mm=paper))
    assert tokens[:2] == [Init(), ChineseMode(on=True)]
    assert isinstance(tokens[-1], Cut)
    title = next(t for t in tokens if isinstance(t, Text))
    assert (title.text, title.align, title.bold, title.height_mag) == ("健康教育处方", Align.CENTER, True, 2)
    blank = next(i for i, t in enumerate(tokens) if isinstance(t, Text) and t.text.endswith("5克。"))
    assert tokens[blank + 1] == Feed(1), "an empty line is a blank line"
    heading = next(t for t in tokens if isinstance(t, Text) and t.text == "【血压正常高值】")
    assert heading.bold
    body = next(t for t in tokens if isinstance(t, Text) and t.text.startswith("您的"))
    assert not body.bold
    assert body.height_mag == 1


@pytest.mark.parametrize("paper", [58, 80])
def test_long_lines_wrap_by_printed_width_and_nothing_is_lost(paper: int) -> None:
    lines = text_of(decode(render_document(CONTENT, paper_mm=paper)))
    columns = columns_for(paper)
    assert all(display_width(line) <= columns for line in lines), lines
    start = next(i for i, line in enumerate(lines) if line.startswith("您的"))
    end = next(i for i, line in enumerate(lines) if line.endswith("5克。"))
    assert end > start, "the long line took more than one printed line"
    assert "".join(lines[start : end + 1]).replace(" ", "") == LONG.replace(" ", "")
    assert "价格：￥9.50" in lines, "¥ prints as the GBK ￥, not a GB18030 sequence"
    assert lines[-1] == "某某镇卫生院 王医生 2026-03-02"
    assert lines[-2] == "-" * columns, "a rule before the footer"


def test_no_footer_no_second_rule() -> None:
    plain = DocumentContent(title="标题", lines=("一行",))
    lines = text_of(decode(render_document(plain, paper_mm=58)))
    assert lines == ["标题", "-" * 32, "一行"]


def test_an_id_number_is_never_printed() -> None:
    leaky = DocumentContent(title="转诊单", lines=("身份证 320923196005170125",))
    with pytest.raises(ValueError, match="ID number"):
        render_document(leaky, paper_mm=80)


def test_other_paper_widths_are_refused() -> None:
    with pytest.raises(ValueError, match="76"):
        render_document(CONTENT, paper_mm=76)


def test_a_document_reaches_a_network_printer_whole() -> None:
    data = render_document(CONTENT, paper_mm=80)
    with FakePrinter() as printer:
        transport = open_transport(printer.url, timeout_s=1.0)
        try:
            transport.send(data)
        finally:
            transport.close()
        received = printer.wait_for_data(len(data))
    assert text_of(decode(received)) == text_of(decode(data))
    assert isinstance(decode(received)[-1], Cut)


@pytest.mark.parametrize(("paper", "width"), [(58, 384), (80, 576)])
def test_the_preview_printer_draws_a_document(paper: int, width: int) -> None:
    pngs = preview.render_pngs(render_document(CONTENT, paper_mm=paper), paper_mm=paper)
    assert len(pngs) == 1
    image = PILImage.open(io.BytesIO(pngs[0]))
    assert image.width == width
    assert image.height > 300
