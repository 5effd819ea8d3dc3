"""The patient-link QR drawn with half blocks: exact characters, a lossless drawing, and a fit within 80×24."""

from __future__ import annotations

import random

import pytest
from rich.color import Color
from textual.app import App, ComposeResult
from textual.containers import Center
from textual.widgets import Footer, Label

from tui.widgets.qr import DARK, LIGHT, QrCode, half_blocks

# A 3×3 matrix: an odd row count, so the drawing adds one light row below the quiet zone.
SMALL = ["101", "010", "111"]


def _matrix(size: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice("01") for _ in range(size)) for _ in range(size)]


def _unpack(lines: list[str], quiet: int, size: int) -> list[str]:
    """Back from half blocks to module rows: the inverse a phone's camera performs."""
    top = {" ": "0", "▀": "1", "▄": "0", "█": "1"}
    bottom = {" ": "0", "▀": "0", "▄": "1", "█": "1"}
    rows = []
    for line in lines:
        rows.append("".join(top[c] for c in line))
        rows.append("".join(bottom[c] for c in line))
    margin = "0" * (size + 2 * quiet)
    assert rows[:quiet] == [margin] * quiet, "light quiet zone above"
    assert all(r == margin for r in rows[quiet + size :]), "light quiet zone (and padding) below"
    inner = rows[quiet : quiet + size]
    assert all(r[:quiet] == "0" * quiet and r[quiet + size :] == "0" * quiet for r in inner), "light sides"
    return [r[quiet : quiet + size] for r in inner]


def test_small_matrix_exact_with_default_quiet_zone() -> None:
    assert half_blocks(SMALL) == [
        "       ",
        "  ▀▄▀  ",
        "  ▀▀▀  ",
        "       ",
    ]


def test_small_matrix_exact_with_one_module_of_quiet_zone() -> None:
    assert half_blocks(SMALL, quiet=1) == [
        " ▄ ▄ ",
        " ▄█▄ ",
        "     ",
    ]


@pytest.mark.parametrize(
    ("size", "quiet"),
    [
        pytest.param(3, 2, id="3 modules"),
        pytest.param(21, 2, id="version 1"),
        pytest.param(29, 2, id="version 3"),
        pytest.param(33, 4, id="version 4, ISO quiet zone"),
        pytest.param(33, 0, id="no quiet zone"),
    ],
)
def test_drawing_round_trips_to_the_matrix(size: int, quiet: int) -> None:
    matrix = _matrix(size, seed=size)
    lines = half_blocks(matrix, quiet=quiet)
    assert {len(line) for line in lines} == {size + 2 * quiet}
    assert len(lines) == (size + 2 * quiet + 1) // 2
    assert set("".join(lines)) <= {" ", "▀", "▄", "█"}
    assert _unpack(lines, quiet, size) == matrix


@pytest.mark.parametrize(
    ("rows", "quiet", "expected"),
    [
        pytest.param(["10", "1"], 2, "row 1 must be 2 characters", id="ragged"),
        pytest.param(["1x", "01"], 2, "row 0 must be 2 characters of '0' and '1'", id="not a module"),
        pytest.param(["1"], -1, "quiet zone must be 0 modules or more", id="negative quiet zone"),
    ],
)
def test_bad_matrix_is_refused_by_what_is_wrong(rows: list[str], quiet: int, expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        half_blocks(rows, quiet=quiet)


class _QrDesk(App[None]):
    """The patient-link screen's frame: a header line, the code centred, the address, the footer."""

    def __init__(self, rows: list[str]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Label("header", id="header")
        with Center():
            yield QrCode(self.rows, id="qr")
        yield Label("http://192.168.1.10:8750/p/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", id="url")
        yield Footer()


@pytest.mark.parametrize(
    ("size", "width", "height"),
    [pytest.param(29, 33, 17, id="version 3"), pytest.param(33, 37, 19, id="version 4")],
)
async def test_widget_fits_80x24_with_header_address_and_footer(size: int, width: int, height: int) -> None:
    app = _QrDesk(_matrix(size, seed=7))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        qr = app.query_one("#qr", QrCode)
        assert (qr.size.width, qr.size.height) == (width, height)
        region = qr.region
        assert region.y >= 1, "below the header line"
        assert region.bottom + 1 + 1 <= 24, "room for the address and the footer"
        assert region.x == (80 - width) // 2, "centred"
        url = app.query_one("#url", Label)
        assert url.region.y == region.bottom


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_widget_draws_black_on_white_whatever_the_theme(theme: str) -> None:
    app = _QrDesk(SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await pilot.pause()
        qr = app.query_one("#qr", QrCode)
        lines = half_blocks(SMALL)
        for y, expected in enumerate(lines):
            strip = qr.render_line(y)
            assert strip.text == expected
            colours = {(seg.style.color, seg.style.bgcolor) for seg in strip if seg.style is not None}
            assert colours == {(Color.parse(DARK), Color.parse(LIGHT))}, f"line {y} in {theme}"
