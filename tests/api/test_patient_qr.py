"""The patient page's QR code: read back by an independent decoder, and a clean, compact standalone SVG.

No QR reader is installed, and the printer's `image_matches_qr` only regenerates the code with `qrcode`
itself, so this module carries a small reader written from ISO/IEC 18004:2015 (format information §7.9,
masks §7.8.2, codeword placement §7.7.3, block structure Table 9, Reed-Solomon §7.5.2). It corrects
nothing: every check bit must already be right, which is what a generated code owes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from api.patient.qr import qr_matrix, qr_svg
from hardware.printer.decode import Align, Image, image_matches_qr

SVG_NS = "{http://www.w3.org/2000/svg}"
URL_50 = "http://192.168.1.10:8750/p/Ab3dEfGh1jKlMnOpQr5tUvW"  # public_url + token, 50 characters
LONG_URL = "https://county-alliance.example.cn/onestop/p/" + "Zx9_yW8-vU7tS6rQ5pO4nM3lK2jI1hG0" * 3

# Table 9, level M: (blocks, codewords per block, data codewords per block), versions 1–10.
BLOCKS_M: dict[int, tuple[tuple[int, int, int], ...]] = {
    1: ((1, 26, 16),),
    2: ((1, 44, 28),),
    3: ((1, 70, 44),),
    4: ((2, 50, 32),),
    5: ((2, 67, 43),),
    6: ((4, 43, 27),),
    7: ((4, 49, 31),),
    8: ((2, 60, 38), (2, 61, 39)),
    9: ((3, 58, 36), (2, 59, 37)),
    10: ((4, 69, 43), (1, 70, 44)),
}
# Annex E: row/column centres of the alignment patterns.
ALIGNMENT: dict[int, tuple[int, ...]] = {
    1: (),
    2: (6, 18),
    3: (6, 22),
    4: (6, 26),
    5: (6, 30),
    6: (6, 34),
    7: (6, 22, 38),
    8: (6, 24, 42),
    9: (6, 26, 46),
    10: (6, 28, 50),
}
# Table 10: data mask conditions on (row, column); a module is inverted where the condition holds.
MASKS: tuple[Callable[[int, int], bool], ...] = (
    lambda r, c: (r + c) % 2 == 0,
    lambda r, c: r % 2 == 0,
    lambda r, c: c % 3 == 0,
    lambda r, c: (r + c) % 3 == 0,
    lambda r, c: (r // 2 + c // 3) % 2 == 0,
    lambda r, c: r * c % 2 + r * c % 3 == 0,
    lambda r, c: (r * c % 2 + r * c % 3) % 2 == 0,
    lambda r, c: ((r + c) % 2 + r * c % 3) % 2 == 0,
)
ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def format_words() -> dict[int, tuple[str, int]]:
    """All 32 valid format words (§7.9.1): level bits and mask, BCH(15,5), XOR 101010000010010."""
    words = {}
    for level_bits, level in ((1, "L"), (0, "M"), (3, "Q"), (2, "H")):
        for mask in range(8):
            data = level_bits << 3 | mask
            rem = data
            for _ in range(10):
                rem = (rem << 1) ^ ((rem >> 9) * 0x537)
            words[(data << 10 | rem) ^ 0x5412] = (level, mask)
    return words


def function_modules(version: int) -> set[tuple[int, int]]:
    """Finder patterns with separators and format areas, timing, alignment and version information."""
    n = 17 + 4 * version
    cells = {
        (r, c)
        for r in range(n)
        for c in range(n)
        if (r < 9 and c < 9) or (r < 9 and c >= n - 8) or (r >= n - 8 and c < 9) or r == 6 or c == 6
    }
    if version >= 7:
        cells |= {(r, c) for r in range(6) for c in range(n - 11, n - 8)}
        cells |= {(r, c) for r in range(n - 11, n - 8) for c in range(6)}
    for r0 in ALIGNMENT[version]:
        for c0 in ALIGNMENT[version]:
            if (r0, c0) not in {(6, 6), (6, n - 7), (n - 7, 6)}:
                cells |= {(r0 + dr, c0 + dc) for dr in range(-2, 3) for dc in range(-2, 3)}
    return cells


_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i], _LOG[_x] = _x, _i
    _x = (_x << 1) ^ (0x11D if _x & 0x80 else 0)
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


def _mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


def rs_check(data: list[int], n: int) -> list[int]:
    """The `n` Reed-Solomon check codewords of `data` over GF(256) mod x⁸+x⁴+x³+x²+1 (§7.5.2)."""
    generator = [1]
    for i in range(n):
        generator = [a ^ _mul(b, _EXP[i]) for a, b in zip([*generator, 0], [0, *generator], strict=True)]
    rem = [*data, *[0] * n]
    for i in range(len(data)):
        if coef := rem[i]:
            for j, g in enumerate(generator):
                rem[i + j] ^= _mul(g, coef)
    return rem[-n:]


def decode(rows: tuple[str, ...]) -> tuple[str, int, str]:
    """(level, version, text) of a QR matrix without quiet zone; AssertionError at the first wrong bit."""
    n = len(rows)
    assert all(len(row) == n for row in rows), "the matrix must be square"
    assert (n - 17) % 4 == 0, f"a QR side is 17 + 4·version; got {n}"
    version = (n - 17) // 4
    assert version in BLOCKS_M, f"the reader knows versions 1–10; got {version}"
    m = [[row[c] == "1" for c in range(n)] for row in rows]
    for r0, c0 in ((0, 0), (0, n - 7), (n - 7, 0)):  # finder: 7×7 ring, white ring, 3×3 core
        for dr in range(7):
            for dc in range(7):
                ring = max(abs(dr - 3), abs(dc - 3))
                assert m[r0 + dr][c0 + dc] == (ring != 2), f"finder pattern broken at {(r0 + dr, c0 + dc)}"
    assert all(m[6][i] == (i % 2 == 0) and m[i][6] == (i % 2 == 0) for i in range(8, n - 8)), "timing"
    assert m[n - 8][8], "the dark module (§7.9.1) is missing"

    first = 0
    for c in (0, 1, 2, 3, 4, 5, 7, 8):
        first = first << 1 | m[8][c]
    for r in (7, 5, 4, 3, 2, 1, 0):
        first = first << 1 | m[r][8]
    second = 0
    for r in range(n - 1, n - 8, -1):
        second = second << 1 | m[r][8]
    for c in range(n - 8, n):
        second = second << 1 | m[8][c]
    assert first == second, f"the two format copies differ: {first:015b} and {second:015b}"
    assert first in format_words(), f"{first:015b} is no valid format word"
    level, mask_number = format_words()[first]
    assert level == "M", f"error correction level {level}, not M"
    mask = MASKS[mask_number]

    functional = function_modules(version)
    bits: list[int] = []
    right = n - 1
    while right >= 1:
        if right == 6:  # the vertical timing pattern takes a whole column
            right = 5
        upward = (right + 1) & 2 == 0
        for vert in range(n):
            r = n - 1 - vert if upward else vert
            for c in (right, right - 1):
                if (r, c) not in functional:
                    bits.append(int(m[r][c] != mask(r, c)))
        right -= 2
    codewords = [int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits) - 7, 8)]

    blocks = [(total, data) for count, total, data in BLOCKS_M[version] for _ in range(count)]
    assert len(codewords) >= sum(total for total, _ in blocks)
    datas: list[list[int]] = [[] for _ in blocks]
    checks: list[list[int]] = [[] for _ in blocks]
    it = iter(codewords)
    for k in range(max(data for _, data in blocks)):
        for j, (_, data) in enumerate(blocks):
            if k < data:
                datas[j].append(next(it))
    for _ in range(blocks[0][0] - blocks[0][1]):
        for j in range(len(blocks)):
            checks[j].append(next(it))
    for j, (data_words, check_words) in enumerate(zip(datas, checks, strict=True)):
        assert rs_check(data_words, len(check_words)) == check_words, f"Reed-Solomon block {j} is wrong"
    return level, version, _segments([b for block in datas for b in block], version)


def _segments(data: list[int], version: int) -> str:
    """The text of the data codewords: numeric, alphanumeric and byte segments (§7.4), then padding."""
    bits = "".join(f"{b:08b}" for b in data)
    pos = 0

    def take(k: int) -> int:
        nonlocal pos
        assert pos + k <= len(bits), "a segment runs past the data"
        pos += k
        return int(bits[pos - k : pos], 2)

    small = version < 10
    out = bytearray()
    while pos + 4 <= len(bits) and (mode := take(4)) != 0:
        if mode == 0b0001:
            count = take(10 if small else 12)
            for size, width in [(3, 10)] * (count // 3) + (
                [(count % 3, 1 + 3 * (count % 3))] if count % 3 else []
            ):
                out += str(take(width)).zfill(size).encode()
        elif mode == 0b0010:
            count = take(9 if small else 11)
            for _ in range(count // 2):
                pair = take(11)
                out += (ALPHANUMERIC[pair // 45] + ALPHANUMERIC[pair % 45]).encode()
            if count % 2:
                out += ALPHANUMERIC[take(6)].encode()
        elif mode == 0b0100:
            out += bytes(take(8) for _ in range(take(8 if small else 16)))
        else:
            raise AssertionError(f"unexpected mode indicator {mode:04b}")
    pad_from = (pos + 7) // 8
    assert bits[pos : pad_from * 8].strip("0") == "", "the terminator is followed by non-zero bits"
    assert data[pad_from:] == [(0xEC, 0x11)[i % 2] for i in range(len(data) - pad_from)], "bad pad codewords"
    return out.decode("utf-8")


def svg_modules(svg: str) -> tuple[ET.Element, set[tuple[int, int]]]:
    """The root element and the dark cells (row, column, in viewBox units) of the one path."""
    root = ET.fromstring(svg.encode())
    (path,) = root.iter(f"{SVG_NS}path")
    d = path.get("d", "")
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z", d)
    assert "".join(f"M{x} {y}h{a}v1h-{b}z" for x, y, a, b in runs) == d, "the path holds something else"
    cells: set[tuple[int, int]] = set()
    for x, y, a, b in runs:
        assert a == b, "a run must close on itself"
        cells |= {(int(y), int(x) + i) for i in range(int(a))}
    return root, cells


PAYLOADS = [
    pytest.param(URL_50, id="patient page address, 50 characters"),
    pytest.param("1", id="one digit"),
    pytest.param("0123456789" * 4, id="numeric segment"),
    pytest.param("HTTP://192.168.1.10:8750/P/ABCDEFGHIJKLMNOPQRSTUVWXYZ", id="alphanumeric segment"),
    pytest.param("张三 的健康档案 ✓", id="UTF-8 bytes"),
    pytest.param(LONG_URL, id="long address, blocks of two sizes"),
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_matrix_decodes_back_to_the_payload_at_level_m(payload: str) -> None:
    level, _, text = decode(qr_matrix(payload))
    assert (level, text) == ("M", payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_matrix_is_qrcodes_own_at_the_smallest_version_that_fits(payload: str) -> None:
    import qrcode
    import qrcode.constants
    import qrcode.exceptions

    rows = qr_matrix(payload)
    version = (len(rows) - 17) // 4
    code = qrcode.QRCode(version=version, error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(payload)
    code.make(fit=False)
    assert rows == tuple("".join("1" if dark else "0" for dark in row) for row in code.get_matrix())
    if version > 1:
        smaller = qrcode.QRCode(
            version=version - 1, error_correction=qrcode.constants.ERROR_CORRECT_M, border=0
        )
        smaller.add_data(payload)
        with pytest.raises(qrcode.exceptions.DataOverflowError):
            smaller.make(fit=False)


def test_the_long_address_exercises_blocks_of_two_sizes() -> None:
    _, version, _ = decode(qr_matrix(LONG_URL))
    assert len(BLOCKS_M[version]) == 2


def test_a_corrupted_matrix_is_refused_by_the_reader() -> None:
    """The reader is strict: one flipped data module breaks a Reed-Solomon block."""
    rows = list(qr_matrix(URL_50))
    n = len(rows)
    rows[n - 1] = rows[n - 1][:-1] + ("0" if rows[n - 1][-1] == "1" else "1")  # the first data bit
    with pytest.raises(AssertionError, match="Reed-Solomon"):
        decode(tuple(rows))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_svg_draws_exactly_the_matrix_inside_its_quiet_zone(payload: str) -> None:
    rows = qr_matrix(payload)
    root, cells = svg_modules(qr_svg(payload))
    side = len(rows) + 8
    assert root.get("viewBox") == f"0 0 {side} {side}"
    assert (root.get("width"), root.get("height")) == (str(side * 8), str(side * 8))
    assert cells == {(r + 4, c + 4) for r, row in enumerate(rows) for c, v in enumerate(row) if v == "1"}


def test_the_svg_is_a_clean_standalone_document() -> None:
    svg = qr_svg(URL_50)
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    root = ET.fromstring(svg.encode())
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("shape-rendering") == "crispEdges"
    assert [child.tag for child in root] == [f"{SVG_NS}rect", f"{SVG_NS}path"]
    rect = root[0]
    assert (rect.get("width"), rect.get("height"), rect.get("fill")) == ("41", "41", "#fff")
    assert root[1].get("fill") == "#000"
    assert not re.search(r"<script|href|style|\son[a-z]+=", svg, re.IGNORECASE)


def test_the_svg_of_a_patient_address_is_small() -> None:
    size = len(qr_svg(URL_50).encode())
    assert 1_000 < size < 6_000


def test_module_and_border_set_the_pixel_size() -> None:
    rows = qr_matrix(URL_50)
    root, cells = svg_modules(qr_svg(URL_50, module=1, border=0))
    assert root.get("width") == str(len(rows))
    assert min(r for r, _ in cells) == 0
    assert qr_svg(URL_50, module=3, border=2).count('width="111"') == 1  # (33 + 4) × 3


@pytest.mark.parametrize(("module", "border"), [(0, 4), (8, -1)])
def test_impossible_sizes_are_refused(module: int, border: int) -> None:
    with pytest.raises(ValueError, match="module"):
        qr_svg(URL_50, module=module, border=border)


def test_the_ticket_printers_checker_recognises_the_rasterised_svg() -> None:
    """The same check the printer tests apply to an image QR, on the SVG drawn at 2 dots a module."""
    _, cells = svg_modules(qr_svg(URL_50))
    side = max(c for _, c in cells) + 5
    dots = side * 2
    width = (dots + 7) // 8 * 8
    rows = tuple(
        bytes(
            sum(128 >> bit for bit in range(8) if ((y // 2, (byte * 8 + bit) // 2) in cells))
            for byte in range(width // 8)
        )
        for y in range(dots)
    )
    image = Image(width_dots=width, height_dots=dots, rows=rows, align=Align.LEFT)
    assert image_matches_qr(image, URL_50)
    assert not image_matches_qr(image, URL_50 + "x")
