"""Bars drawn with block characters, as plain text: a rate as a horizontal bar, parts as a stacked bar, a trend.

Pure functions of numbers and widths (tests/tui/test_bar_chart.py): a cell is split in eighths, so a bar
40 cells wide shows a rate to 1/320. The characters are in every CJK terminal font of a clinic PC's
Windows console and of Linux terminals; no colour is needed to read a bar (colour is added by the screen).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

# Left-aligned eighths of a cell, 1/8 to 8/8 (U+258F … U+2588).
H_EIGHTHS: Final = "▏▎▍▌▋▊▉█"
# Bottom-aligned eighths of a cell, 1/8 to 8/8 (U+2581 … U+2588).
V_EIGHTHS: Final = "▁▂▃▄▅▆▇█"


def _clamp(fraction: float) -> float:
    return min(1.0, max(0.0, fraction))


def hbar(fraction: float | None, width: int, *, empty: str = " ") -> str:
    """`fraction` of `width` cells filled from the left, to the nearest eighth; the rest `empty`.

    None (no denominator) is an empty bar; a fraction above 0 never rounds down to nothing, so "one patient
    of 3,000" still shows a sliver.
    """
    if width <= 0:
        return ""
    if fraction is None:
        return empty * width
    eighths = round(_clamp(fraction) * width * 8)
    if fraction > 0 and eighths == 0:
        eighths = 1
    full, rest = divmod(eighths, 8)
    bar = "█" * full + (H_EIGHTHS[rest - 1] if rest else "")
    return bar + empty * (width - len(bar))


def split_widths(counts: Sequence[int], width: int) -> list[int]:
    """Whole cells per part, adding up to `width` (largest remainder), every non-zero part at least one
    cell when there is room: a stacked bar where each group stays visible."""
    total = sum(counts)
    if width <= 0 or total <= 0:
        return [0 for _ in counts]
    exact = [c * width / total for c in counts]
    cells = [int(x) for x in exact]
    by_remainder = sorted(range(len(counts)), key=lambda i: (-(exact[i] - cells[i]), i))
    for i in by_remainder[: width - sum(cells)]:
        cells[i] += 1
    # A part that rounded to nothing takes a cell from the widest part, while that one keeps at least one.
    for i, c in enumerate(counts):
        if c > 0 and cells[i] == 0:
            widest = max(range(len(cells)), key=lambda j: cells[j])
            if cells[widest] > 1:
                cells[widest] -= 1
                cells[i] = 1
    return cells


def column(fraction: float | None, height: int) -> list[str]:
    """One column of a trend chart, top row first, `height` cells tall, to the nearest eighth.

    None (no figure for the period) is a blank column; above 0 shows at least a sliver.
    """
    if fraction is None or height <= 0:
        return [" "] * max(0, height)
    eighths = round(_clamp(fraction) * height * 8)
    if fraction > 0 and eighths == 0:
        eighths = 1
    rows = []
    for row in range(height):  # row 0 is the bottom
        filled = min(8, max(0, eighths - row * 8))
        rows.append(V_EIGHTHS[filled - 1] if filled else " ")
    return rows[::-1]


def columns(values: Sequence[float | None], height: int, *, gap: int = 1, width: int = 1) -> list[str]:
    """A trend: one column per value, `width` cells wide and `gap` blank cells apart, as `height` lines of
    text (top first)."""
    cols = [column(v, height) for v in values]
    sep = " " * gap
    return [sep.join(c[row] * width for c in cols) for row in range(height)]
