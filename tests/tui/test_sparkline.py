"""The sparkline: one block a value, scaled to the series, flat in the middle, gaps for missing values."""

from __future__ import annotations

import pytest

from tui.widgets.sparkline import BLOCKS, sparkline

CASES = [
    ("empty", [], ""),
    ("one value sits in the middle", [140.0], "▄"),
    ("flat sits in the middle", [7.0, 7.0, 7.0], "▄▄▄"),
    ("lowest ▁, highest █", [120.0, 180.0], "▁█"),
    ("in proportion", [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], BLOCKS),
    ("falling; a half step rounds up", [7.0, 3.5, 0.0], "█▅▁"),
    ("rounded to the nearest block", [0.0, 0.49, 1.0], "▁▄█"),
    ("negative values scale too", [-2.0, 0.0, 2.0], "▁▅█"),
    ("a missing value is a gap", [1.0, float("nan"), 3.0], "▁ █"),
    ("nothing finite: all gaps", [float("inf"), float("nan")], "  "),
]


@pytest.mark.parametrize(("values", "drawn"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_sparkline(values: list[float], drawn: str) -> None:
    assert sparkline(values) == drawn


def test_one_cell_a_value() -> None:
    values = [float(v % 17) for v in range(40)]
    assert len(sparkline(values)) == len(values)
    assert set(sparkline(values)) <= set(BLOCKS)
