"""tui.widgets.bar_chart: bars in eighths of a cell, stacked parts that add up, trend columns."""

from __future__ import annotations

import pytest

from tui.widgets.bar_chart import columns, hbar, split_widths


@pytest.mark.parametrize(
    ("fraction", "width", "expected"),
    [
        pytest.param(0.0, 4, "    ", id="zero is empty"),
        pytest.param(1.0, 4, "████", id="one is full"),
        pytest.param(0.5, 4, "██  ", id="a half"),
        pytest.param(0.5, 3, "█▌ ", id="a half of three cells ends in a half cell"),
        pytest.param(1 / 32, 4, "▏   ", id="an eighth of a cell"),
        pytest.param(0.78, 10, "███████▊  ", id="78% of ten cells: 62 eighths (62.4 rounded)"),
        pytest.param(0.0001, 10, "▏         ", id="a sliver is never rounded away"),
        pytest.param(1.7, 3, "███", id="above one is full"),
        pytest.param(-0.2, 3, "   ", id="below zero is empty"),
        pytest.param(None, 3, "   ", id="no denominator: empty"),
    ],
)
def test_hbar(fraction: float | None, width: int, expected: str) -> None:
    assert hbar(fraction, width) == expected
    assert len(hbar(fraction, width)) == width


def test_hbar_fill_and_zero_width() -> None:
    assert hbar(0.25, 4, empty="·") == "█···"
    assert hbar(0.5, 0) == ""


@pytest.mark.parametrize(
    ("counts", "width", "expected"),
    [
        pytest.param([1, 1, 1, 1], 8, [2, 2, 2, 2], id="equal parts"),
        pytest.param([70, 20, 7, 3], 20, [14, 4, 1, 1], id="largest remainder"),
        pytest.param([1000, 1, 0, 0], 10, [9, 1, 0, 0], id="a tiny part keeps one cell"),
        pytest.param([0, 0, 0], 10, [0, 0, 0], id="nobody"),
        pytest.param([1, 2], 0, [0, 0], id="no room"),
        pytest.param([2, 1], 1, [1, 0], id="one cell: the bigger part"),
    ],
)
def test_split_widths(counts: list[int], width: int, expected: list[int]) -> None:
    cells = split_widths(counts, width)
    assert cells == expected
    if sum(counts) and width:
        assert sum(cells) == width


def test_columns_are_bottom_aligned_in_eighths() -> None:
    # Two cells tall: 1.0 fills both, 0.5 the bottom one, 0 and None nothing, 1/16 one eighth of a cell.
    assert columns([1.0, 0.5, 0.0, None, 1 / 16], 2) == ["█        ", "█ █     ▁"]


def test_columns_shape() -> None:
    lines = columns([0.25, 0.75, None], 4, gap=0)
    assert lines == ["   ", " █ ", " █ ", "██ "]
    assert columns([], 3) == ["", "", ""]
    assert columns([1.0, 0.5], 2, width=2) == ["██   ", "██ ██"]
