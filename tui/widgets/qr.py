"""A QR code drawn with half-block characters: two modules per terminal cell, black on white with a quiet zone."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

# (top module dark, bottom module dark) → the character that draws the pair in the foreground colour.
_CELL = {
    (False, False): " ",
    (True, False): "▀",
    (False, True): "▄",
    (True, True): "█",
}

# Explicit truecolour, not the theme's or the terminal's ANSI "black"/"white": a dark theme must not invert
# the code, and a phone reads dark modules on a light ground only.
DARK = "#000000"
LIGHT = "#ffffff"
QUIET = 2  # modules of light margin on every side; ISO/IEC 18004 asks 4, phones read 2 reliably


def half_blocks(rows: Sequence[str], quiet: int = QUIET) -> list[str]:
    """The QR matrix (rows of "1" dark / "0" light) as text lines, `quiet` light modules around it.

    Each line carries two module rows (a terminal cell is about twice as tall as wide, so modules come out
    square); an odd total gets one more light row at the bottom, which only widens the quiet zone.
    """
    if quiet < 0:
        raise ValueError(f"the quiet zone must be 0 modules or more, got {quiet}")
    size = len(rows[0]) if rows else 0
    for number, row in enumerate(rows):
        if len(row) != size or set(row) - {"0", "1"}:
            raise ValueError(
                f"QR row {number} must be {size} characters of '0' and '1', got {row[: size + 8]!r}"
            )
    width = size + 2 * quiet
    light = [False] * width
    padded = [light] * quiet
    padded += [[False] * quiet + [c == "1" for c in row] + [False] * quiet for row in rows]
    padded += [light] * quiet
    if len(padded) % 2:
        padded.append(light)
    return [
        "".join(_CELL[top[i], bottom[i]] for i in range(width))
        for top, bottom in zip(padded[::2], padded[1::2], strict=True)
    ]


class QrCode(Static):
    """Shows a QR matrix as half blocks; sized to the code, so a container can centre it."""

    DEFAULT_CSS = f"""
    QrCode {{
        width: auto;
        height: auto;
        color: {DARK};
        background: {LIGHT};
    }}
    """

    def __init__(self, rows: Sequence[str] = (), *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.show(rows)

    def show(self, rows: Sequence[str]) -> None:
        lines = half_blocks(rows) if rows else []
        self.update(Text("\n".join(lines), style=Style(color=DARK, bgcolor=LIGHT), no_wrap=True))
