"""A series of values as one line of block characters (▁▂▃▄▅▆▇█): the chart's trend beside each value."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

BLOCKS: Final = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """One block a value, the lowest value ▁ and the highest █, the others in proportion between them.

    The scale is the series' own (a trend, not a level: the value itself stands beside it). A flat series
    sits in the middle, so it reads as "no change" rather than as all low or all high; a value that is not a
    finite number is drawn as a space (a gap, never a made-up level).
    """
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return " " * len(values)
    low, high = min(finite), max(finite)
    top = len(BLOCKS) - 1
    out = []
    for v in values:
        if not math.isfinite(v):
            out.append(" ")
        elif high == low:
            out.append(BLOCKS[top // 2])
        else:
            # Half up, not Python's half-to-even, so equal steps draw equal blocks.
            out.append(BLOCKS[math.floor((v - low) / (high - low) * top + 0.5)])
    return "".join(out)
