"""The queue ticket and the printer test page, rendered as ESC/POS bytes (no port is touched here).

Layout commands come from python-escpos's `Dummy` printer, text does not (DEVICES.md §1):
- `ESC @` then `FS &` start every job: Chinese-market printers need Chinese mode for GBK, and the library never
  sends `FS &`.
- every line is made GBK-safe, wrapped to the paper (`text.wrap`) and encoded by `text.encode_gbk`;
- character size is always `GS !` (`set(custom_size=True)`), never `ESC !` (what `set(double_width=True)`
  sends): on Kanji/Chinese printers `ESC !` enlarges only alphanumerics, the Chinese size belongs to `FS !`,
  while `GS !` applies to both (Epson ESC/POS reference, GS !; HPRT TP80K manual);
- the profile is the library's default (it has a full cutter: the POS-5890 profile claims none, so `cut()`
  would only feed) with the paper's dot width filled in, so the image QR is centred and checked to fit.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec

from hardware.printer.text import columns_for, gbk_safe, wrap

PAPER_DOTS = {58: 384, 80: 576}  # printable dots at 203 dpi
_LABEL_MAG = {58: 4, 80: 5}  # GS ! 0x33 / 0x44: "A001" stays on one line, about 12 / 15 mm tall
_QR_MODULE_DOTS = {58: 6, 80: 8}  # 1 module ≈ 0.75 / 1 mm: reads well with a phone at arm's length
_ID_NUMBER = re.compile(r"\d{15}|\d{17}[\dXx]")  # 15- or 18-character resident ID: never printed
_QR_PAYLOAD = re.compile(r"[\x21-\x7e]{1,200}")


class TicketContent(msgspec.Struct, frozen=True, kw_only=True):
    """What a queue ticket shows. The name arrives already masked; the ID number never arrives."""

    site_name: str  # 某某镇卫生院
    label: str  # A001: printed large
    queue_name: str  # 全科门诊 / 第一家庭医生团队
    room: str | None  # 3号诊室
    ahead: int  # people ahead: 前面还有 N 人
    masked_name: str  # 张*三
    issued_at: datetime.datetime  # aware, site-local
    qr_url: str  # short ASCII URL
    emergency: bool = False
    priority_note: str | None = None  # 签约优先
    reprint: bool = False  # prints 补打, so a second copy of a number is recognisable
    footer: str | None = None

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at must be timezone-aware (site-local), got a naive datetime")
        if self.ahead < 0:
            raise ValueError(f"ahead must be ≥ 0, got {self.ahead}")
        if len(self.masked_name) >= 2 and not ({"*", "＊"} & set(self.masked_name)):  # flows mask_name
            raise ValueError(
                f"masked_name must be masked (张*三), got {len(self.masked_name)} unmasked characters"
            )


def escpos_cache_dir() -> Path:
    """Where python-escpos pickles its printer database (saves most of its import time after the first)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "onestop" / "escpos"


def _new_printer(paper_mm: int) -> Any:
    if paper_mm not in PAPER_DOTS:
        raise ValueError(f"paper width must be 58 or 80 mm, got {paper_mm!r}")
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
        try:
            escpos_cache_dir().mkdir(parents=True, exist_ok=True)
            os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(escpos_cache_dir())
        except OSError:
            pass  # a read-only home: the library falls back to a fresh temporary directory
    # Imported here, not at module level: loading the printer database costs 0.2–0.3 s (DEVICES.md §1).
    from escpos.printer import Dummy

    printer = Dummy()
    # An instance-level copy: the profile's class attribute is shared by every default-profile printer.
    # With the width known, image() centres the QR and raises ImageWidthError instead of printing a warning
    # to stdout about an unknown width.
    data = dict(printer.profile.profile_data)
    data["media"] = {"width": {"mm": paper_mm, "pixels": PAPER_DOTS[paper_mm]}, "dpi": 203}
    printer.profile.profile_data = data
    printer.hw("INIT")  # ESC @
    printer._raw(b"\x1c&")  # FS &: Chinese mode
    return printer


class _Page:
    """A job being built: text lines with their style, QR codes and the cut."""

    def __init__(self, paper_mm: int) -> None:
        self.paper_mm = paper_mm
        self.printer = _new_printer(paper_mm)

    def line(
        self,
        text: str,
        *,
        align: str = "left",
        mag: int = 1,
        tall: bool = False,
        bold: bool = False,
        invert: bool = False,
    ) -> None:
        """Print `text` wrapped to the paper at width magnification `mag` (height `mag`, or 2 if `tall`)."""
        height = 2 if tall and mag == 1 else mag
        self.printer.set(align=align, bold=bold, invert=invert, custom_size=True, width=mag, height=height)
        safe = gbk_safe(text)
        if _ID_NUMBER.search(safe.replace(" ", "")):
            raise ValueError("refusing to print text that contains a resident ID number")
        for piece in wrap(safe, columns_for(self.paper_mm, width_mag=mag)):
            self.printer._raw(piece.encode("gbk") + b"\n")
        self.printer.set(bold=False, invert=False, custom_size=True, width=1, height=1)

    def rule(self) -> None:
        self.line("-" * columns_for(self.paper_mm))

    def qr(self, url: str, *, native: bool) -> None:
        if not _QR_PAYLOAD.fullmatch(url):
            raise ValueError(f"QR payload must be 1–200 printable ASCII characters, got {url!r}")
        from escpos.constants import QR_ECLEVEL_M

        self.printer.set(align="center")
        if native:
            # GS ( k: model 2, module size, level M, store, print. The library does not check support.
            # The line feeds around it keep a quiet zone; the image path gets the same from the library.
            self.printer._raw(b"\n")
            self.printer.qr(url, native=True, ec=QR_ECLEVEL_M, size=_QR_MODULE_DOTS[self.paper_mm])
            self.printer._raw(b"\n")
        else:
            # Raster GS v 0 via qrcode + Pillow, padded to the paper width (centre=True). The library wraps it
            # in text("\n") calls, which add one ESC t 0 (code page) and three line feeds.
            self.printer.qr(url, native=False, ec=QR_ECLEVEL_M, size=self._image_module(url), center=True)
        self.printer.set(align="left")

    def _image_module(self, url: str) -> int:
        import qrcode

        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=1)
        code.add_data(url)
        code.make(fit=True)
        modules = int(code.modules_count) + 2  # the library draws a one-module border
        size = min(_QR_MODULE_DOTS[self.paper_mm], PAPER_DOTS[self.paper_mm] // modules)
        if size < 1:
            raise ValueError(
                f"QR of {url!r} is {modules} modules wide: too wide for {self.paper_mm} mm paper"
            )
        return size

    def finish(self) -> bytes:
        self.printer.cut()  # ESC d 6 (feeds the last line past the cutter), then GS V 0 full cut
        return bytes(self.printer.output)


def render_ticket(content: TicketContent, *, paper_mm: int, native_qr: bool) -> bytes:
    """The ESC/POS bytes of one queue ticket, ending with a full cut."""
    page = _Page(paper_mm)
    if content.emergency:
        page.line("\u3000急\u3000", align="center", mag=3, bold=True, invert=True)
    page.line(content.site_name, align="center", tall=True, bold=True)
    page.line(content.queue_name, align="center")
    page.line(content.label, align="center", mag=_LABEL_MAG[paper_mm], bold=True)
    if content.reprint:
        page.line("\u3000补打\u3000", align="center", bold=True, invert=True)
    if content.priority_note:
        page.line(content.priority_note, align="center")
    if content.room:
        page.line(content.room, align="center", tall=True, bold=True)
    page.line(f"前面还有 {content.ahead} 人", align="center")
    page.rule()
    if content.masked_name:
        page.line(f"姓名：{content.masked_name}")
    page.line(f"时间：{content.issued_at:%Y-%m-%d %H:%M}")
    page.qr(content.qr_url, native=native_qr)
    page.line("扫码查看", align="center")
    if content.footer:
        page.rule()
        page.line(content.footer)
    return page.finish()


def render_test_ticket(
    *,
    site_name: str,
    printed_at: datetime.datetime,
    paper_mm: int,
    native_qr: bool,
    lines: Sequence[str] = (),
) -> bytes:
    """The 打印机测试 page: rulers show whether 32/48 ASCII and 16/24 Chinese columns fit on one line."""
    page = _Page(paper_mm)
    columns = columns_for(paper_mm)
    page.line("打印机测试", align="center", mag=2, bold=True)
    page.line(site_name, align="center")
    page.line(f"时间：{printed_at:%Y-%m-%d %H:%M:%S}")
    page.line(f"纸宽 {paper_mm}mm：每行{columns}字符/{columns // 2}汉字")
    page.line("".join(_ruler_char(i) for i in range(1, columns + 1)))
    page.line("".join("一二三四五六七八九十"[i % 10] for i in range(columns // 2)))
    page.line("GBK：¥9.50 ℃ “引号”，：")  # ¥ must print as ￥, not GB18030 junk
    for extra in lines:
        page.line(extra)
    page.qr("http://onestop.test/qr", native=native_qr)
    page.line("扫码查看", align="center")
    return page.finish()


def _ruler_char(column: int) -> str:
    if column % 10 == 0:
        return str(column // 10 % 10)
    return "+" if column % 5 == 0 else "."
