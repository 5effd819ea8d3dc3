"""Trend charts of the patient's page: well-formed SVG that the page's policy allows, scaled so every point
and target shows, readable without colour, and small."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import time
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.patient.charts import ChartWords, Series, TargetLine, nice_ticks, trend_chart

NS = "{http://www.w3.org/2000/svg}"
END = dt.date(2025, 11, 20)
START = END - dt.timedelta(days=365)


def monthly(count: int, first: float, drift: float = 0.0) -> list[tuple[dt.date, float]]:
    """`count` readings spread over the year, newest on END, values wandering around `first`."""
    return [
        (END - dt.timedelta(days=round(i * 364 / max(count - 1, 1))), first + round(drift * i) + (i * 7 % 5))
        for i in range(count)
    ]


def bp_chart(count: int, **overrides: object) -> str:
    arguments: dict[str, object] = {
        "title": "血压",
        "unit": "mmHg",
        "series": [Series("收缩压", monthly(count, 138.0, 0.5)), Series("舒张压", monthly(count, 86.0), "b")],
        "start": START,
        "end": END,
        "targets": [TargetLine(130, "目标 <130/80")],
    }
    return trend_chart(**{**arguments, **overrides})  # type: ignore[arg-type]


def parse(svg: str) -> ET.Element:
    """The root element, after checking what the page's Content-Security-Policy and sanitising demand."""
    assert not re.search(r"script|href|style=|\son[a-z]+=|url\(", svg, re.IGNORECASE), svg
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.find(f"{NS}title") is not None
    return root


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if name in (el.get("class") or "").split()]


def frame(root: ET.Element) -> tuple[float, float, float, float]:
    (rect,) = by_class(root, "c-frame")
    x, y, w, h = (float(rect.get(k, "nan")) for k in ("x", "y", "width", "height"))
    return x, y, x + w, y + h


def subpaths(d: str) -> list[list[tuple[float, float]]]:
    """The vertices of each subpath of path data made of M m L l H h v commands (all the charts use)."""
    tokens = re.findall(r"[MmLlHhv]|-?[\d.]+", d)
    out: list[list[tuple[float, float]]] = []
    x = y = 0.0
    command = ""
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
        if command in "Mm":
            dx, dy = float(tokens[i]), float(tokens[i + 1])
            x, y = (dx, dy) if command == "M" else (x + dx, y + dy)
            out.append([(x, y)])
            command = "L" if command == "M" else "l"  # further pairs are line-tos (SVG 1.1 §8.3.2)
            i += 2
        elif command in "Ll":
            dx, dy = float(tokens[i]), float(tokens[i + 1])
            x, y = (dx, dy) if command == "L" else (x + dx, y + dy)
            out[-1].append((x, y))
            i += 2
        else:
            value = float(tokens[i])
            x, y = {"H": (value, y), "h": (x + value, y), "v": (x, y + value)}[command]
            out[-1].append((x, y))
            i += 1
    return out


def series_path(root: ET.Element, part: str, kind: str) -> ET.Element:
    (element,) = [e for e in by_class(root, part) if f"c-{kind}" in e.get("class", "").split()]
    return element


def plotted(root: ET.Element, kind: str) -> list[tuple[float, float]]:
    """Marker positions of one series kind, without its legend sample (the heading row, y < 24)."""
    dots = subpaths(series_path(root, "c-dots", kind).get("d", ""))
    assert all(len(dot) == 2 and dot[0] == dot[1] for dot in dots), "each marker is a zero-length subpath"
    return [dot[0] for dot in dots if dot[0][1] > 20]


def texts(root: ET.Element, name: str) -> list[str]:
    return ["".join(el.itertext()) for el in by_class(root, name)]


def y_labels(root: ET.Element) -> list[float]:
    (axis,) = by_class(root, "c-axis")
    return [float(t.text or "") for t in axis if t.get("text-anchor") is None]


def test_a_year_of_blood_pressure_draws_both_series_with_their_latest_values() -> None:
    root = parse(bp_chart(12))
    left, top, right, bottom = frame(root)
    for kind in ("a", "b"):
        points = plotted(root, kind)
        assert len(points) == 12
        assert all(left <= x <= right and top <= y <= bottom for x, y in points)
        assert points == sorted(points), "oldest first, left to right"
        sample, line = subpaths(series_path(root, "c-line", kind).get("d", ""))
        assert line == points, "the line runs through the markers"
        assert sample[0][1] < 20, "the legend sample is in the heading row"
    assert texts(root, "c-latest") == ["138", "86"]  # the higher series first, as placed
    assert texts(root, "c-legend") == ["收缩压舒张压"]
    label = root.get("aria-label", "")
    assert "血压" in label
    assert "收缩压最近138 mmHg（11月20日）" in label
    assert "舒张压最近86 mmHg" in label
    assert "共12次记录" in label


@pytest.mark.parametrize("count", [12, 24])
def test_a_year_of_monthly_blood_pressure_stays_under_3_kb(count: int) -> None:
    """The page's whole budget is 30 KB; both targets (systolic and diastolic) drawn, as the page does."""
    targets = [TargetLine(130, "目标 <130"), TargetLine(80, "目标 <80")]
    assert len(bp_chart(count, targets=targets).encode()) < 3_000


def test_the_two_kinds_differ_by_dash_and_marker_shape_not_only_colour() -> None:
    root = parse(bp_chart(6))
    (line_a,) = [e for e in by_class(root, "c-line") if "c-a" in e.get("class", "")]
    (line_b,) = [e for e in by_class(root, "c-line") if "c-b" in e.get("class", "")]
    (dots_a,) = [e for e in by_class(root, "c-dots") if "c-a" in e.get("class", "")]
    (dots_b,) = [e for e in by_class(root, "c-dots") if "c-b" in e.get("class", "")]
    assert line_a.get("stroke-dasharray") is None
    assert line_b.get("stroke-dasharray")
    assert (dots_a.get("stroke-linecap"), dots_b.get("stroke-linecap")) == ("round", "square")
    (target,) = by_class(root, "c-target")
    assert target.get("stroke-dasharray") not in (None, line_b.get("stroke-dasharray"))


def test_every_element_is_drawn_by_presentation_attributes_alone() -> None:
    root = parse(bp_chart(6, targets=[TargetLine(4.4, "目标", band_to=7.0)]))
    assert root.get("font-family")
    assert root.get("font-size")
    for el in root.iter():
        tag = el.tag.removeprefix(NS)
        if tag in {"path", "rect"}:
            assert el.get("fill") or el.get("stroke"), ET.tostring(el)
        if tag == "path" and "c-dots" not in el.get("class", ""):
            assert el.get("fill") == "none", "an open path would be filled black by default"


def test_no_points_draws_the_frame_with_the_empty_text() -> None:
    root = parse(
        trend_chart(
            title="糖化血红蛋白",
            unit="%",
            series=[Series("HbA1c", [])],
            start=START,
            end=END,
            targets=[TargetLine(7, "目标 <7")],
        )
    )
    assert texts(root, "c-empty") == ["暂无记录"]
    assert frame(root)
    assert not by_class(root, "c-line")
    assert not by_class(root, "c-dots")
    assert not by_class(root, "c-target")
    assert root.get("aria-label") == "糖化血红蛋白：暂无记录"


def test_points_all_outside_the_range_count_as_none() -> None:
    old = [(START - dt.timedelta(days=d), 150.0) for d in (1, 40)] + [(END + dt.timedelta(days=1), 150.0)]
    root = parse(
        trend_chart(
            title="血压",
            unit="mmHg",
            series=[Series("收缩压", old)],
            start=START,
            end=END,
            empty_text="一年内无记录",
        )
    )
    assert texts(root, "c-empty") == ["一年内无记录"]


def test_points_outside_the_range_are_dropped_and_the_rest_kept() -> None:
    points = [
        (START - dt.timedelta(days=1), 300.0),
        (START, 140.0),
        (END, 130.0),
        (END + dt.timedelta(days=1), 10.0),
    ]
    root = parse(
        trend_chart(title="血压", unit="mmHg", series=[Series("收缩压", points)], start=START, end=END)
    )
    left, _, right, _ = frame(root)
    assert [x for x, _ in plotted(root, "a")] == [left, right]
    assert max(y_labels(root)) < 200, "the dropped 300 must not stretch the axis"
    assert min(y_labels(root)) > 10
    assert "共2次记录" in root.get("aria-label", "")


def test_one_point_is_a_dot_without_a_line() -> None:
    root = parse(
        trend_chart(title="体重", unit="kg", series=[Series("体重", [(END, 68.5)])], start=START, end=END)
    )
    assert len(plotted(root, "a")) == 1
    (line,) = by_class(root, "c-line")
    assert len(subpaths(line.get("d", ""))) == 1, "only the legend sample"
    assert texts(root, "c-latest") == ["68.5"]
    assert "体重最近68.5 kg" in root.get("aria-label", "")


def test_unordered_points_are_drawn_in_date_order() -> None:
    points = [(END, 3.0), (START, 1.0), (START + dt.timedelta(days=100), 2.0)]
    root = parse(trend_chart(title="t", unit="", series=[Series("s", points)], start=START, end=END))
    xs = [x for x, _ in plotted(root, "a")]
    assert xs == sorted(xs)
    assert texts(root, "c-latest") == ["3"]


def test_all_equal_values_sit_mid_axis_and_do_not_fake_a_trend() -> None:
    points = [(START + dt.timedelta(days=30 * i), 130.0) for i in range(12)]
    root = parse(
        trend_chart(title="血压", unit="mmHg", series=[Series("收缩压", points)], start=START, end=END)
    )
    _, top, _, bottom = frame(root)
    ys = {y for _, y in plotted(root, "a")}
    assert len(ys) == 1
    assert top + 10 < ys.pop() < bottom - 10
    labels = y_labels(root)
    assert 3 <= len(labels) <= 5
    assert labels[-1] - labels[0] >= 0.1 * 130, "a flat series keeps a sensible span"


def test_small_values_never_scale_below_zero() -> None:
    points = [(START + dt.timedelta(days=60 * i), v) for i, v in enumerate([0.4, 0.2, 0.6, 0.0])]
    root = parse(
        trend_chart(title="尿微量白蛋白", unit="g/L", series=[Series("s", points)], start=START, end=END)
    )
    assert min(y_labels(root)) >= 0
    _, _, _, bottom = frame(root)
    assert max(y for _, y in plotted(root, "a")) <= bottom


def test_negative_values_are_scaled_too() -> None:
    points = [(START, -2.0), (END, 3.0)]
    root = parse(trend_chart(title="体重变化", unit="kg", series=[Series("s", points)], start=START, end=END))
    labels = y_labels(root)
    assert labels[0] <= 0 <= labels[-1]
    assert texts(root, "c-latest") == ["3"]


def test_targets_outside_the_data_are_still_on_the_chart() -> None:
    points = [(START + dt.timedelta(days=60 * i), 9.0 + i / 10) for i in range(6)]
    target = TargetLine(4.4, "目标 4.4–7.0", band_to=7.0)
    root = parse(
        trend_chart(
            title="空腹血糖",
            unit="mmol/L",
            series=[Series("空腹血糖", points)],
            start=START,
            end=END,
            targets=[target],
        )
    )
    _left, top, _right, bottom = frame(root)
    (band,) = by_class(root, "c-band")
    band_top = float(band.get("y", "nan"))
    band_bottom = band_top + float(band.get("height", "nan"))
    assert top <= band_top < band_bottom <= bottom
    (line,) = by_class(root, "c-target")
    edges = [float(y) for y in re.findall(r"M[\d.]+ ([\d.]+)H", line.get("d", ""))]
    assert edges == [band_top, band_bottom]
    assert texts(root, "c-target-label") == ["目标 4.4–7.0"]
    assert all(top <= y <= bottom for _, y in plotted(root, "a"))


def test_a_target_above_everything_keeps_its_label_inside_the_plot() -> None:
    points = [(END, 100.0)]
    root = parse(
        trend_chart(
            title="t",
            unit="",
            series=[Series("s", points)],
            start=START,
            end=END,
            targets=[TargetLine(180, "上限")],
        )
    )
    _, top, _, bottom = frame(root)
    (label,) = by_class(root, "c-target-label")
    assert top + 8 <= float(label.get("y", "nan")) <= bottom


def test_text_is_escaped_everywhere() -> None:
    nasty = "<&>\"收缩压'"
    svg = trend_chart(
        title=nasty,
        unit="<u>",
        series=[Series(nasty, monthly(3, 120.0))],
        start=START,
        end=END,
        targets=[TargetLine(130, nasty)],
        date_format="{m}<&>",
    )
    root = parse(svg)
    assert "<u>" not in svg
    assert "<&>" not in svg
    assert root.findtext(f"{NS}title") == f"{nasty} <u>"
    assert texts(root, "c-legend") == [nasty]
    assert texts(root, "c-target-label") == [nasty]
    assert nasty in root.get("aria-label", "")
    (axis,) = by_class(root, "c-axis")
    assert any(t.text == "1<&>" for t in axis)


def test_empty_text_is_escaped() -> None:
    root = parse(trend_chart(title="t", unit="", series=[], start=START, end=END, empty_text="<无>"))
    assert texts(root, "c-empty") == ["<无>"]


def test_month_ticks_label_a_year_every_quarter() -> None:
    root = parse(bp_chart(12))
    (axis,) = by_class(root, "c-axis")
    months = [t.text for t in axis if t.get("text-anchor") is not None]
    assert months == ["1月", "4月", "7月", "10月"]


def test_the_date_format_has_year_month_and_day_fields() -> None:
    root = parse(bp_chart(4, date_format="{y}-{m:02d}"))
    (axis,) = by_class(root, "c-axis")
    assert [t.text for t in axis if t.get("text-anchor") is not None] == [
        "2025-01",
        "2025-04",
        "2025-07",
        "2025-10",
    ]


def test_a_short_range_labels_its_ends() -> None:
    start = dt.date(2025, 3, 3)
    root = parse(
        trend_chart(
            title="t",
            unit="",
            series=[Series("s", [(start, 1.0)])],
            start=start,
            end=start + dt.timedelta(days=20),
            date_format="{m}/{d}",
        )
    )
    (axis,) = by_class(root, "c-axis")
    assert [t.text for t in axis if t.get("text-anchor") is not None] == ["3/3", "3/23"]


def test_close_latest_values_get_labels_that_do_not_overlap() -> None:
    series = [Series("收缩压", [(END, 100.0)]), Series("舒张压", [(END, 98.0)], "b")]
    root = parse(trend_chart(title="血压", unit="mmHg", series=series, start=START, end=END))
    a, b = by_class(root, "c-latest")
    assert abs(float(a.get("y", "nan")) - float(b.get("y", "nan"))) >= 10
    _, top, _, bottom = frame(root)
    assert all(top < float(e.get("y", "nan")) <= bottom for e in (a, b))
    assert all(float(e.get("x", "nan")) <= 320 - 8 for e in (a, b)), "kept inside the picture on the right"


def test_the_summary_words_can_be_translated() -> None:
    words = ChartWords(
        latest="{label} latest {value} {unit} ({date:%b} {d})",
        summary="{title}: {latest}; {count} readings",
        joiner=", ",
        empty="{title}: {empty_text}",
    )
    root = parse(bp_chart(12, title="Blood pressure", words=words, date_format="{date:%b}"))
    assert root.get("aria-label") == (
        "Blood pressure: 收缩压 latest 138 mmHg (Nov 20), 舒张压 latest 86 mmHg (Nov 20); 12 readings"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param({"start": END, "end": START}, "run forwards", id="backwards range"),
        pytest.param({"series": [Series("s", [], "c")]}, 'kind must be "a" or "b"', id="unknown kind"),  # type: ignore[arg-type]
        pytest.param({"width": 40}, "at least", id="too narrow"),
    ],
)
def test_impossible_charts_are_refused(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        bp_chart(3, **arguments)


def test_a_pages_worth_of_charts_renders_in_milliseconds() -> None:
    began = time.perf_counter()
    for _ in range(20):
        bp_chart(24)
    assert time.perf_counter() - began < 0.5  # about 3 ms on an old PC; the bound only catches blunders


@given(
    lo=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    span=st.floats(min_value=1e-3, max_value=1e6, allow_nan=False),
)
def test_nice_ticks_are_three_to_five_round_even_steps_over_the_range(lo: float, span: float) -> None:
    hi = lo + span
    if hi <= lo:
        return
    ticks = nice_ticks(lo, hi)
    assert 3 <= len(ticks) <= 5
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    step = max(steps)
    assert all(math.isclose(s, step, rel_tol=1e-6) for s in steps)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5))
    assert all(math.isclose(t / step, round(t / step), abs_tol=1e-6) for t in ticks)
    assert ticks[0] <= hi
    assert ticks[-1] >= lo
    assert ticks[0] >= lo - step * 1.000001, "at most one step below"
    assert ticks[-1] <= hi + step * 1.000001, "at most one step above"
    if lo >= 0:
        assert ticks[0] >= 0


def test_layers_keep_targets_visible_on_gridlines_and_labels_on_top() -> None:
    """A target on a gridline (80 mmHg often is one) must be painted after the grid, not hidden by it."""
    root = parse(bp_chart(6, targets=[TargetLine(80, "目标 <80"), TargetLine(4.4, "b", band_to=7.0)]))
    order = [(e.get("class") or "").split()[0] for e in root if e.get("class")]
    layers = ["c-band", "c-grid", "c-target", "c-line", "c-labels"]
    assert [order.index(name) for name in layers] == sorted(order.index(name) for name in layers)
    assert order[-1] == "c-labels"
