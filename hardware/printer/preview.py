"""A PNG of what the printer would print, drawn from `decode(data)` (the `preview://` printer, and for people).

Geometry follows a 203 dpi printer in Chinese mode: 384 / 576 dots across 58 / 80 mm paper, font A cells of
12 × 24 dots (a Chinese character takes two), a 30-dot line pitch (the common default of ESC 2), and
`GS !` magnification as dot multiplication — so each line is drawn once at 1× and scaled with NEAREST.
"""

from __future__ import annotations

import functools
import io
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TypeAlias

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from hardware.printer.decode import Align, Cut, Feed, Image, Qr, Text, Token, decode, tickets_in
from hardware.printer.text import char_width
from hardware.printer.ticket import PAPER_DOTS

log = logging.getLogger(__name__)

CELL_W, CELL_H, LINE_PITCH = 12, 24, 30
_FONT_NAMES = (
    "wqy-microhei.ttc",  # Debian fonts-wqy-microhei (DEVICES.md §1)
    "wqy-zenhei.ttc",
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
    "NotoSansSC-Regular.otf",
    "SourceHanSansSC-Regular.otf",
    "msyh.ttc",  # Windows: Microsoft YaHei
    "simsun.ttc",
    "PingFang.ttc",  # macOS
)
_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/System/Library/Fonts",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)

_Font: TypeAlias = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.cache
def find_cjk_font() -> Path | None:
    """The first CJK font found in the usual font directories (searched once per process)."""
    for name in _FONT_NAMES:
        for root in _FONT_DIRS:
            base = Path(os.path.expanduser(root))
            if base.is_dir():
                for found in base.rglob(name):
                    return found
    return None


@functools.cache
def _font() -> _Font:
    path = find_cjk_font()
    if path is not None:
        return ImageFont.truetype(str(path), CELL_H - 2)  # a little under the cell: ascenders stay inside
    # Logged once (this function is cached): the preview still renders, Chinese shows as boxes.
    log.warning("no CJK font found (install fonts-wqy-microhei); the preview will show boxes for Chinese")
    return ImageFont.load_default(size=CELL_H - 2)


def render_png(data: bytes, *, paper_mm: int) -> bytes:
    """The whole stream as one PNG, with a dashed line at each cut."""
    return _png(_draw(decode(data), PAPER_DOTS[_check(paper_mm)]))


def render_pngs(data: bytes, *, paper_mm: int) -> list[bytes]:
    """One PNG per ticket (the stream split at each cut; status queries ignored)."""
    width = PAPER_DOTS[_check(paper_mm)]
    return [_png(_draw(ticket, width)) for ticket in tickets_in(data)]


def _check(paper_mm: int) -> int:
    if paper_mm not in PAPER_DOTS:
        raise ValueError(f"paper width must be 58 or 80 mm, got {paper_mm!r}")
    return paper_mm


def _png(image: PILImage.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _draw(tokens: Iterable[Token], width: int) -> PILImage.Image:
    blocks: list[PILImage.Image] = []
    for token in tokens:
        if isinstance(token, Text):
            blocks.append(_text_block(token, width))
        elif isinstance(token, Feed):
            blocks.append(PILImage.new("L", (width, LINE_PITCH * token.lines), 255))
        elif isinstance(token, Qr):
            blocks.append(_placed(_qr_image(token), width, token.align))
        elif isinstance(token, Image):
            blocks.append(_placed(_raster_image(token), width, token.align))
        elif isinstance(token, Cut):
            blocks.append(_cut_block(width))
    page = PILImage.new("L", (width, max(1, sum(b.height for b in blocks))), 255)
    y = 0
    for block in blocks:
        page.paste(block, (0, y))
        y += block.height
    return page


def _text_block(token: Text, width: int) -> PILImage.Image:
    cells = sum(char_width(ch) for ch in token.text)
    line = PILImage.new("L", (max(1, cells * CELL_W), CELL_H), 0 if token.invert else 255)
    draw = ImageDraw.Draw(line)
    ink = 255 if token.invert else 0
    x = 0
    for ch in token.text:
        cw = char_width(ch) * CELL_W
        # Centre each glyph in its cell: the printer's font is monospaced, the screen font is not.
        # Bold as the printer does it (emphasized = the dots struck again one dot to the right); Pillow's
        # stroke fills the counters of a 24-dot Chinese glyph.
        for dx in (0, 1) if token.bold else (0,):
            draw.text((x + cw / 2 + dx, CELL_H / 2), ch, font=_font(), anchor="mm", fill=ink)
        x += cw
    scaled = line.resize(
        (line.width * token.width_mag, CELL_H * token.height_mag), PILImage.Resampling.NEAREST
    )
    pitch = LINE_PITCH - CELL_H + CELL_H * token.height_mag
    return _placed(scaled, width, token.align, height=pitch)


def _placed(image: PILImage.Image, width: int, align: Align, *, height: int | None = None) -> PILImage.Image:
    block = PILImage.new("L", (width, height or image.height), 255)
    image = image.crop((0, 0, min(image.width, width), image.height))  # the printer drops what overflows
    x = {Align.LEFT: 0, Align.CENTER: (width - image.width) // 2, Align.RIGHT: width - image.width}[align]
    block.paste(image, (x, 0))
    return block


def _qr_image(token: Qr) -> PILImage.Image:
    import qrcode

    code = qrcode.QRCode(
        error_correction=getattr(qrcode.constants, f"ERROR_CORRECT_{token.ec_level}"), border=0
    )
    code.add_data(token.payload)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    n, size = len(matrix), token.module_size
    image = PILImage.new("L", (n * size, n * size), 255)
    draw = ImageDraw.Draw(image)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                draw.rectangle((col * size, row * size, (col + 1) * size - 1, (row + 1) * size - 1), fill=0)
    return image


def _raster_image(token: Image) -> PILImage.Image:
    # GS v 0 bits are 1 = black; Pillow's mode "1" bytes are 1 = white, hence the inversion.
    bits = PILImage.frombytes("1", (token.width_dots, token.height_dots), b"".join(token.rows))
    return PILImage.eval(bits.convert("L"), lambda v: 255 - v)


def _cut_block(width: int) -> PILImage.Image:
    block = PILImage.new("L", (width, LINE_PITCH), 255)
    draw = ImageDraw.Draw(block)
    for x in range(0, width, 12):
        draw.line((x, LINE_PITCH // 2, x + 6, LINE_PITCH // 2), fill=0, width=2)
    return block
