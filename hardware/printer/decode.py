"""A strict tokenizer of exactly the ESC/POS subset `ticket.py` emits, so tests and the preview see content.

Recognised (anything else raises `DecodeError` naming the offset and byte, so a wrong guess fails loudly):
    ESC @            init                       FS &  / FS .     Chinese mode on / off
    ESC a n          align 0/1/2 (or '0'–'2')   ESC E n          bold
    GS ! n           size: bits 4–6 width−1, bits 0–2 height−1 (ESC ! is refused: it leaves Chinese unscaled)
    GS B n           reverse (white on black)   ESC t n          code page (python-escpos's image QR sends it)
    LF               print the line / feed one  ESC d n          feed n lines
    GS ( k pL pH 1 fn …   QR: A model, C module size, E level, P store (m='0'), Q print (m='0')
    GS v 0 m xL xH yL yH d…   raster image, MSB = leftmost dot, 1 = black
    GS V 0|1|48|49 / GS V 65|66 n   full / partial cut        DLE EOT n   real-time status query
Printable bytes are text: ASCII, and GBK double-byte characters only after FS & (DEVICES.md §1).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import msgspec
from msgspec.structs import replace


class DecodeError(ValueError):
    """The stream holds something outside the subset; `offset` is where it starts."""

    def __init__(self, offset: int, byte: int | None, what: str) -> None:
        shown = "end of data" if byte is None else f"byte 0x{byte:02X}"
        super().__init__(f"offset {offset} ({shown}): {what}")
        self.offset = offset
        self.byte = byte


class Align(enum.StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


class Init(msgspec.Struct, frozen=True, tag=True):
    """ESC @: reset all modes (and leave Chinese mode: FS & must follow)."""


class ChineseMode(msgspec.Struct, frozen=True, tag=True):
    on: bool


class CodePage(msgspec.Struct, frozen=True, tag=True):
    n: int


class Text(msgspec.Struct, frozen=True, tag=True, kw_only=True):
    """One printed line, with the style in force when its first byte arrived."""

    text: str
    align: Align = Align.LEFT
    width_mag: int = 1
    height_mag: int = 1
    bold: bool = False
    invert: bool = False


class Feed(msgspec.Struct, frozen=True, tag=True):
    lines: int


class Qr(msgspec.Struct, frozen=True, tag=True, kw_only=True):
    """A native GS ( k QR code, at its print command."""

    payload: str
    model: int
    module_size: int
    ec_level: str  # L M Q H
    align: Align


class Image(msgspec.Struct, frozen=True, tag=True, kw_only=True):
    """A GS v 0 raster image. `rows` holds width_dots / 8 bytes each."""

    width_dots: int
    height_dots: int
    rows: tuple[bytes, ...]
    align: Align

    def dark(self, x: int, y: int) -> bool:
        return bool(self.rows[y][x >> 3] >> (7 - (x & 7)) & 1)


class Cut(msgspec.Struct, frozen=True, tag=True):
    partial: bool


class Status(msgspec.Struct, frozen=True, tag=True):
    """DLE EOT n: a status query interleaved with the jobs (n = 1 printer, 2 offline cause, 4 paper)."""

    n: int


Token = Init | ChineseMode | CodePage | Text | Feed | Qr | Image | Cut | Status

_ALIGN = {0: Align.LEFT, 1: Align.CENTER, 2: Align.RIGHT, 48: Align.LEFT, 49: Align.CENTER, 50: Align.RIGHT}
_EC_LEVEL = {48: "L", 49: "M", 50: "Q", 51: "H"}
_CUT = {0: False, 48: False, 1: True, 49: True}


class _Decoder:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.tokens: list[Token] = []
        self.line = bytearray()
        self.line_start = 0
        self._reset()
        self.line_style = self.style

    def _reset(self) -> None:
        self.style = Text(text="")  # the style in force: ESC a, GS !, ESC E and GS B change it
        self.chinese = False
        self.qr = Qr(payload="", model=2, module_size=3, ec_level="L", align=Align.LEFT)  # printer defaults
        self.qr_data: bytes | None = None

    def take(self, n: int, what: str) -> bytes:
        if self.pos + n > len(self.data):
            raise DecodeError(self.pos, None, f"truncated {what}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def fail(self, at: int, what: str) -> DecodeError:
        return DecodeError(at, self.data[at], what)

    def no_pending_text(self, at: int) -> None:
        if self.line:
            raise self.fail(at, f"command inside the text line that started at offset {self.line_start}")

    def run(self) -> list[Token]:
        while self.pos < len(self.data):
            at, byte = self.pos, self.data[self.pos]
            self.pos += 1
            if byte == 0x0A:
                self.end_line()
            elif 0x20 <= byte <= 0x7E:
                self.text_byte(at, bytes([byte]))
            elif 0x81 <= byte <= 0xFE and self.chinese:
                trail = self.take(1, "GBK character")[0]
                if not (0x40 <= trail <= 0xFE and trail != 0x7F):
                    raise self.fail(at, "GBK lead byte without a valid trail byte")
                self.text_byte(at, bytes([byte, trail]))
            elif byte == 0x1B:
                self.no_pending_text(at)
                self.esc(at)
            elif byte == 0x1D:
                self.no_pending_text(at)
                self.gs(at)
            elif byte == 0x1C:
                self.no_pending_text(at)
                sub = self.take(1, "FS command")[0]
                if sub not in (0x26, 0x2E):
                    raise self.fail(at, "unknown FS command")
                self.chinese = sub == 0x26
                self.tokens.append(ChineseMode(self.chinese))
            elif byte == 0x10:
                sub, n = self.take(2, "DLE EOT")
                if sub != 0x04 or n not in (1, 2, 3, 4):
                    raise self.fail(at, "unknown DLE command")
                self.tokens.append(Status(n))
            else:
                what = "non-ASCII byte before FS & (Chinese mode)" if byte >= 0x80 else "unknown byte"
                raise self.fail(at, what)
        if self.line:
            raise DecodeError(self.line_start, self.data[self.line_start], "text not ended by LF")
        return self.tokens

    def text_byte(self, at: int, chunk: bytes) -> None:
        if not self.line:
            self.line_start = at
            self.line_style = self.style
        self.line += chunk

    def end_line(self) -> None:
        if not self.line:
            self.tokens.append(Feed(1))
            return
        self.tokens.append(replace(self.line_style, text=self.line.decode("gbk")))
        self.line.clear()

    def esc(self, at: int) -> None:
        sub = self.take(1, "ESC command")[0]
        if sub == 0x40:
            self._reset()
            self.tokens.append(Init())
            return
        n = self.take(1, "ESC parameter")[0]
        if sub == 0x61 and n in _ALIGN:
            self.style = replace(self.style, align=_ALIGN[n])
        elif sub == 0x45 and n in (0, 1):
            self.style = replace(self.style, bold=n == 1)
        elif sub == 0x64:
            self.tokens.append(Feed(n))
        elif sub == 0x74:
            self.tokens.append(CodePage(n))
        else:
            raise self.fail(at, "unknown ESC command or parameter")

    def gs(self, at: int) -> None:
        sub = self.take(1, "GS command")[0]
        if sub == 0x28:
            self.gs_paren(at)
        elif sub == 0x76:
            self.raster(at)
        elif sub == 0x56:
            m = self.take(1, "GS V mode")[0]
            if m in (65, 66):
                self.take(1, "GS V feed")
                self.tokens.append(Cut(m == 66))
            elif m in _CUT:
                self.tokens.append(Cut(_CUT[m]))
            else:
                raise self.fail(at, "unknown cut mode")
        elif sub in (0x21, 0x42):
            n = self.take(1, "GS parameter")[0]
            if sub == 0x42 and n in (0, 1):
                self.style = replace(self.style, invert=n == 1)
            elif sub == 0x21 and not n & 0x88:
                self.style = replace(self.style, width_mag=(n >> 4) + 1, height_mag=(n & 0x07) + 1)
            else:
                raise self.fail(at, "unknown GS parameter")
        else:
            raise self.fail(at, "unknown GS command")

    def gs_paren(self, at: int) -> None:
        kind, lo, hi = self.take(3, "GS ( header")
        body = self.take(lo + hi * 256, "GS ( body")
        if kind != 0x6B or len(body) < 2 or body[0] != 0x31:
            raise self.fail(at, "GS ( command other than GS ( k for QR")
        fn, args = body[1], body[2:]
        if fn == 0x41 and len(args) == 2 and args[0] in (49, 50, 51):
            self.qr = replace(self.qr, model=args[0] - 48)
        elif fn == 0x43 and len(args) == 1 and 1 <= args[0] <= 16:
            self.qr = replace(self.qr, module_size=args[0])
        elif fn == 0x45 and len(args) == 1 and args[0] in _EC_LEVEL:
            self.qr = replace(self.qr, ec_level=_EC_LEVEL[args[0]])
        elif fn == 0x50 and args[:1] == b"0":
            self.qr_data = bytes(args[1:])
        elif fn == 0x51 and args == b"0" and self.qr_data is not None:
            self.tokens.append(replace(self.qr, payload=self.qr_data.decode("utf-8"), align=self.style.align))
        else:
            raise self.fail(at, "unknown or out-of-order GS ( k QR function")

    def raster(self, at: int) -> None:
        zero, mode, xl, xh, yl, yh = self.take(6, "GS v 0 header")
        if zero != 0x30 or mode not in (0, 48):
            raise self.fail(at, "GS v other than GS v 0 at normal density")
        width_bytes, height = xl + xh * 256, yl + yh * 256
        bitmap = self.take(width_bytes * height, "GS v 0 bitmap")
        rows = tuple(bitmap[y * width_bytes : (y + 1) * width_bytes] for y in range(height))
        self.tokens.append(
            Image(width_dots=width_bytes * 8, height_dots=height, rows=rows, align=self.style.align)
        )


def decode(data: bytes) -> list[Token]:
    """Tokens of an ESC/POS stream; raises DecodeError at the first byte outside the subset."""
    return _Decoder(data).run()


def text_of(tokens: Iterable[Token]) -> list[str]:
    return [t.text for t in tokens if isinstance(t, Text)]


def qr_payloads(tokens: Iterable[Token]) -> list[str]:
    """Payloads of native QR codes (an image QR is checked with `image_matches_qr`)."""
    return [t.payload for t in tokens if isinstance(t, Qr)]


def tickets_in(data: bytes) -> list[list[Token]]:
    """Split a recorded stream into jobs ending at each Cut; status queries between jobs are dropped.
    Tokens after the last cut (a job cut short) form a last, uncut ticket."""
    tickets: list[list[Token]] = [[]]
    for token in decode(data):
        if isinstance(token, Status):
            continue
        tickets[-1].append(token)
        if isinstance(token, Cut):
            tickets.append([])
    return [t for t in tickets if t]


def image_matches_qr(image: Image, payload: str) -> bool:
    """Whether the raster holds the QR code of `payload`: regenerate its matrix with `qrcode` (any level),
    find the dark bounding box, and compare the centre dot of every module."""
    import qrcode

    dark_rows = [y for y in range(image.height_dots) if any(image.rows[y])]
    dark_cols = [x for x in range(image.width_dots) if any(image.dark(x, y) for y in dark_rows)]
    if not dark_rows or not dark_cols:
        return False
    x0, y0 = dark_cols[0], dark_rows[0]
    width, height = dark_cols[-1] - x0 + 1, dark_rows[-1] - y0 + 1
    for level in ("L", "M", "Q", "H"):
        code = qrcode.QRCode(error_correction=getattr(qrcode.constants, f"ERROR_CORRECT_{level}"), border=0)
        code.add_data(payload)
        code.make(fit=True)
        matrix: list[list[bool]] = code.get_matrix()
        n = len(matrix)
        if width != height or width % n:
            continue
        dots = width // n
        if all(
            image.dark(x0 + col * dots + dots // 2, y0 + row * dots + dots // 2) == matrix[row][col]
            for row in range(n)
            for col in range(n)
        ):
            return True
    return False
