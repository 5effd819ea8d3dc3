"""Chinese text for ESC/POS: printed width, CJK-aware wrapping, and GBK encoding with a replacement rule.

Why not python-escpos `text()` (DEVICES.md §1): it sends any string with a Han character as GB18030, so
characters GBK lacks (¥ ® ² and rare name characters) go out as 4-byte sequences that a GBK-only printer
prints as junk, and a line of only Chinese punctuation becomes `??`. Here every line is made GBK-safe first
(`gbk_safe`), then wrapped, then encoded, so what we measure is what prints.

Width rule: in Chinese mode (`FS &`) a printer prints every double-byte GBK character from its GB font, one
Chinese cell (two ASCII columns) wide. Every double-byte GBK character is East Asian Wide, Fullwidth or
Ambiguous (checked over the whole GBK repertoire), and UAX #11 §5 says Ambiguous is wide in an East Asian
context — so W, F and A count two columns, which for GBK-safe text equals the number of GBK bytes.
"""

from __future__ import annotations

import functools
import re
import unicodedata

PLACEHOLDER = "□"  # U+25A1, GBK A1F5: visible, so a nurse sees that a character could not be printed

_PAPER_COLUMNS = {58: 32, 80: 48}  # font A, 12-dot cells: 384 and 576 printable dots (DEVICES.md §1)

# Characters GBK lacks that have a GBK look-alike. Checked against Python's `gbk` codec; the NFKC fallback in
# `_safe_char` covers the regular cases (fullwidth/halfwidth forms, superscripts, compatibility ideographs).
_SUBSTITUTES: dict[str, str] = {
    "\u00a5": "\uffe5",  # ¥ → ￥ (¥ is a GB18030 4-byte sequence: junk on GBK printers)
    "\u00a9": "(C)",
    "\u00ae": "(R)",
    "\u2122": "TM",
    "\u20ac": "EUR",  # € is 0x80 in Windows cp936 but absent from GBK proper: printers disagree
    "\u00b5": "\u03bc",  # micro sign → Greek mu (GBK A6CC), as in µmol/L
    "\u00b9": "1",
    "\u00b2": "2",
    "\u00b3": "3",
    "\u00bc": "1/4",
    "\u00bd": "1/2",
    "\u00be": "3/4",
    "\u00a0": " ",  # no-break space
    "\u00ad": "",  # soft hyphen
    "\u200b": "",  # zero-width space, joiners and BOM: invisible, and would otherwise become □
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
    "\t": " ",
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2212": "-",  # minus sign
    "\u2043": "-",
    "\u201a": "'",
    "\u201b": "'",
    "\u201e": '"',
    "\u201f": '"',
    "\u2039": "<",
    "\u203a": ">",
    "\u00ab": "\u300a",  # « → 《
    "\u00bb": "\u300b",  # » → 》
    # Interpuncts in minority names (买买提·艾力) are typed many ways; GBK has only U+00B7.
    "\u2022": "\u00b7",
    "\u2027": "\u00b7",
    "\u2219": "\u00b7",
    "\u30fb": "\u00b7",
    "\uff65": "\u00b7",
}
_SPACES = re.compile(r"[\u2000-\u200a\u202f\u205f]")  # typographic spaces → one ASCII space


def columns_for(paper_mm: int, *, double_width: bool = False, width_mag: int = 1) -> int:
    """ASCII columns on a line of 58 or 80 mm paper (32 / 48), divided by the width magnification
    (`double_width` is `width_mag=2`; `GS !` allows 1–8). A Chinese character takes two columns."""
    if paper_mm not in _PAPER_COLUMNS:
        raise ValueError(f"paper width must be 58 or 80 mm, got {paper_mm!r}")
    mag = 2 if double_width else width_mag
    if not 1 <= mag <= 8:
        raise ValueError(f"width magnification must be 1–8, got {mag!r}")
    return _PAPER_COLUMNS[paper_mm] // mag


def char_width(ch: str) -> int:
    """Columns one character takes: combining marks 0, East Asian W/F/A 2, everything else 1."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1


def display_width(s: str) -> int:
    """Columns `s` takes on the printer (see the module docstring for why Ambiguous counts two)."""
    return sum(char_width(ch) for ch in s)


@functools.lru_cache(maxsize=4096)
def _safe_char(ch: str) -> str:
    if ch in _SUBSTITUTES:
        return _SUBSTITUTES[ch]
    if _SPACES.fullmatch(ch):
        return " "
    if ch < " " or ch == "\x7f":
        # A stray ESC or GS in a name would be executed as a printer command, not printed.
        return PLACEHOLDER
    if _encodable(ch):
        return ch
    compat = unicodedata.normalize("NFKC", ch)
    if compat != ch and all(_encodable(c) and c >= " " for c in compat):
        return compat
    return PLACEHOLDER  # rare name characters (𠮷 U+20BB7, 䶮 U+4DAE) and everything else


def _encodable(ch: str) -> bool:
    try:
        ch.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def gbk_safe(s: str) -> str:
    """`s` as it will print: NFC, then the substitution table, then NFKC, then `PLACEHOLDER`."""
    return "".join(_safe_char(ch) for ch in unicodedata.normalize("NFC", s))


def encode_gbk(s: str) -> bytes:
    """One printed line as GBK bytes; never fails and never sends `?` or GB18030 4-byte sequences.
    Line breaks are the caller's business (`wrap`): a control character here becomes `PLACEHOLDER`."""
    return gbk_safe(s).encode("gbk")


# Chinese line-breaking (禁则): these never start a line, those never end one.
_NO_START = set("，。、；：！？）】》」』〉”’,.;:!?)]%…—·")
_NO_END = set("（【《「『〈“‘([")
_TOKEN = re.compile(r" +|[^ ]")


def wrap(s: str, columns: int) -> list[str]:
    """Wrap `s` to lines of at most `columns` printed columns. Breaks anywhere between Chinese characters
    (keeping closing punctuation off a line start), at spaces between Latin words, and hard-breaks a Latin
    word longer than a line. Newlines in `s` are kept as breaks; runs of ASCII spaces collapse to one and
    are dropped at line ends (U+3000, the ideographic space, is kept: it pads reversed labels)."""
    if columns < 2:
        raise ValueError(f"need at least 2 columns to print a Chinese character, got {columns!r}")
    lines: list[str] = []
    for paragraph in s.splitlines():
        lines.extend(_wrap_paragraph(paragraph.replace("\t", " ").strip(" "), columns))
    return lines


def _words(paragraph: str) -> list[str]:
    """Unbreakable pieces: each wide character alone, Latin runs whole, single spaces."""
    words: list[str] = []
    for match in _TOKEN.finditer(paragraph):
        piece = match.group()
        if piece[0] == " ":
            words.append(" ")
        elif char_width(piece) == 2 or not words or words[-1] == " " or char_width(words[-1][-1]) == 2:
            words.append(piece)
        else:
            words[-1] += piece  # extend the Latin run (combining marks join their base)
    return words


def _wrap_paragraph(paragraph: str, columns: int) -> list[str]:
    lines: list[str] = []
    line: list[str] = []
    width = 0
    for word in _words(paragraph):
        w = display_width(word)
        if word == " ":
            if line and width + 1 <= columns:
                line.append(word)
                width += 1
            elif line:
                lines.append("".join(line).rstrip(" "))
                line, width = [], 0
            continue
        if width + w <= columns:
            line.append(word)
            width += w
            continue
        carry: list[str] = []
        # A closing mark may not start the new line: take preceding characters along until one is not a
        # closing mark itself (“引号”，： moves 号”， with the ：), at most three.
        while (
            word[0] in _NO_START
            and len(line) > 1
            and line[-1] != " "
            and len(carry) < 3
            and (not carry or carry[0] in _NO_START)
        ):
            carry.insert(0, line.pop())
        while len(line) > 1 and line[-1] in _NO_END:
            carry.insert(0, line.pop())
        if line:
            lines.append("".join(line).rstrip(" "))
        line = carry
        width = display_width("".join(carry))
        if width + w <= columns:
            line.append(word)
            width += w
            continue
        for ch in word:  # a word wider than the line: hard-break it
            cw = char_width(ch)
            if width + cw > columns:
                lines.append("".join(line).rstrip(" "))
                line, width = [], 0
            line.append(ch)
            width += cw
    if line or not lines:
        lines.append("".join(line).rstrip(" "))
    return lines
