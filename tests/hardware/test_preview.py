"""PNG preview of printer output: paper widths, one PNG per ticket, Chinese drawn with a CJK font."""

from __future__ import annotations

import io
import logging

import pytest
from PIL import Image as PILImage
from PIL import ImageChops, ImageStat

from hardware.printer import preview
from hardware.printer.ticket import render_ticket
from tests.hardware.test_ticket import sample_content

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _open(png: bytes) -> PILImage.Image:
    assert png.startswith(PNG_SIGNATURE)
    return PILImage.open(io.BytesIO(png))


def _line(text: str) -> bytes:
    return b"\x1b@\x1c&\x1d!\x11" + text.encode("gbk") + b"\n"


@pytest.mark.parametrize(("paper", "width"), [(58, 384), (80, 576)])
@pytest.mark.parametrize("native", [True, False])
def test_ticket_preview_is_a_png_of_the_paper_width(paper: int, width: int, native: bool) -> None:
    image = _open(
        preview.render_png(render_ticket(sample_content(), paper_mm=paper, native_qr=native), paper_mm=paper)
    )
    assert image.width == width
    assert image.height > 500


def test_one_png_per_ticket() -> None:
    one = render_ticket(sample_content(label="A001"), paper_mm=58, native_qr=True)
    two = render_ticket(sample_content(label="A002"), paper_mm=58, native_qr=False)
    pngs = preview.render_pngs(one + b"\x10\x04\x04" + two, paper_mm=58)
    assert len(pngs) == 2
    assert all(_open(png).width == 384 for png in pngs)


def test_other_paper_widths_are_refused() -> None:
    with pytest.raises(ValueError, match="76"):
        preview.render_png(_line("急"), paper_mm=76)


def test_chinese_is_drawn_with_glyphs() -> None:
    if preview.find_cjk_font() is None:
        pytest.skip("no CJK font installed (Debian: fonts-wqy-microhei)")
    first = _open(preview.render_png(_line("急诊"), paper_mm=58)).convert("L")
    second = _open(preview.render_png(_line("全科"), paper_mm=58)).convert("L")
    assert ImageStat.Stat(first).stddev[0] > 20  # ink on paper, not a blank region
    # Different characters give different pixels: a font without CJK glyphs draws the same box for both.
    assert ImageChops.difference(first, second).getbbox() is not None


def test_without_a_cjk_font_it_still_renders_and_warns_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(preview, "find_cjk_font", lambda: None)
    preview._font.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger=preview.__name__):
            for _ in range(2):
                assert _open(preview.render_png(_line("急诊"), paper_mm=58)).width == 384
        assert len([r for r in caplog.records if "CJK font" in r.getMessage()]) == 1
    finally:
        preview._font.cache_clear()
