"""Trend charts of the patient's page as inline SVG: no script, no style attribute, 1–3 KB each.

The page's policy is `default-src 'none'; style-src 'sha256-…'; img-src data:`, which blocks inline
`style="…"`. Every element therefore carries presentation attributes (fill=, stroke=, font-size=, …) that
draw the chart correctly on their own, and a class the page stylesheet may use to override them (a CSS rule
beats a presentation attribute):

    c-chart  the root <svg>             c-title  heading text             c-legend  legend group
    c-frame  plot border                c-grid   gridlines and tick marks c-axis    tick label group
    c-band   shaded target band         c-target dashed target line(s)    c-target-label
    c-line   a series' line             c-dots   a series' markers        c-latest  latest value label
    c-a c-b  series kind, on c-line, c-dots and c-latest (e.g. `.c-line.c-b{stroke:…}`)
    c-labels group of the latest-value and target labels (white halo)
    c-empty  the "no records" text

A series' legend sample (a short stretch of line and one marker in the heading row) is the first subpath of
its own c-line and c-dots paths, so restyling a series restyles its legend too.

Series differ by more than colour (readable in greyscale and by the colour-blind): kind "a" is a solid line
with round dots, kind "b" a dashed line with square markers; targets are dotted and labelled in words.
Markers are zero-length subpaths with round or square caps, which SVG strokes as dots (SVG 1.1 §11.4,
"zero length subpath"); with whole-unit relative moves a point costs about 7 bytes instead of a <circle>'s 35.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["a", "b"]


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a chart: `label` is legend text already in the page language; points in any order."""

    label: str
    points: Sequence[tuple[dt.date, float]]
    kind: Kind = "a"


@dataclass(frozen=True, slots=True)
class TargetLine:
    """A dashed line at `value`; with `band_to`, the band between the two values is shaded as well."""

    value: float
    label: str
    band_to: float | None = None


@dataclass(frozen=True, slots=True)
class ChartWords:
    """The words of the chart's accessible summary (its aria-label), for translation.

    `latest` has the fields label, value, unit, y, m, d and date (a `datetime.date`); `summary` has title,
    latest (the series' `latest` texts joined by `joiner`) and count (days with a record); `empty` has
    title and empty_text.
    """

    latest: str = "{label}最近{value} {unit}（{m}月{d}日）"
    summary: str = "{title}：{latest}；共{count}次记录"
    joiner: str = "，"
    empty: str = "{title}：{empty_text}"


@dataclass(frozen=True, slots=True)
class _Look:
    colour: str  # ≥ 5.5:1 against white
    dash: str  # stroke-dasharray attribute, or ""
    cap: str  # marker shape: the cap of a zero-length subpath


_LOOKS: Final[dict[str, _Look]] = {
    "a": _Look("#1565c0", "", "round"),
    "b": _Look("#a84300", ' stroke-dasharray="5 3"', "square"),
}
_TEXT: Final = "#222"
_MUTED: Final = "#555"  # 7.5:1 against white
_TARGET: Final = "#2e7d32"  # 5.1:1 against white
_BAND: Final = "#e3f2e4"
_LEFT, _RIGHT, _TOP, _BOTTOM = 30, 8, 24, 18  # margins: y labels, latest label room, heading row, x labels
_FONT: Final = 10
# A white outline painted under the glyphs (SVG 2 paint-order) keeps labels readable where lines cross them.
_HALO: Final = ' stroke="#fff" stroke-width="3" paint-order="stroke"'


def nice_ticks(lo: float, hi: float) -> tuple[float, ...]:
    """Three to five round values (steps of 1, 2, 2.5 or 5 × 10ⁿ) for gridlines over `lo`..`hi`: inside the
    range when three fit there, otherwise reaching past its nearer end (never below zero from `lo` ≥ 0)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        raise ValueError(f"an axis needs finite bounds, low below high; got {lo!r} and {hi!r}")
    exponent = math.floor(math.log10((hi - lo) / 5))
    while True:
        for mantissa in (1, 2, 2.5, 5):
            step = mantissa * 10.0**exponent
            first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
            if last - first <= 4:
                break
        else:
            exponent += 1
            continue
        break
    while last - first < 2:
        below, above = lo - (first - 1) * step, (last + 1) * step - hi
        if below <= above and not (lo >= 0 > (first - 1) * step):
            first -= 1
        else:
            last += 1
    return tuple(round(i * step, 10) for i in range(first, last + 1))


def trend_chart(
    *,
    title: str,
    unit: str,
    series: Sequence[Series],
    start: dt.date,
    end: dt.date,
    targets: Sequence[TargetLine] = (),
    empty_text: str = "暂无记录",
    width: int = 320,
    height: int = 150,
    date_format: str = "{m}月",
    words: ChartWords = ChartWords(),  # frozen: one shared default is safe
) -> str:
    """One `<svg>` element: the series over `start`..`end` (points outside are dropped), y scaled to the
    points and every target, the latest value of each series written at its last point.

    `date_format` labels the month ticks with the fields y, m, d and date. Without any point in range the
    chart is its frame with `empty_text` in the middle.
    """
    if end < start:
        raise ValueError(f"the chart's range must run forwards; got start {start} after end {end}")
    if width < _LEFT + _RIGHT + 40 or height < _TOP + _BOTTOM + 30:
        raise ValueError(f"a chart needs at least 78×72 units; got {width}×{height}")
    drawn = [(s, points) for s in series if (points := _in_range(s, start, end))]
    plot = _Plot(start, end, width, height)
    heading = f"{title} {unit}".strip()
    out: list[str] = []
    if drawn:
        values = [v for _, points in drawn for _, v in points]
        decimals = 0 if all(v == round(v) for v in values) else 1
        values += [v for t in targets for v in (t.value, t.band_to) if v is not None and math.isfinite(v)]
        plot.lo, plot.hi, plot.ticks = _scale(values)
        bands, target_lines, target_labels = _targets(targets, plot)
        lines, latest_labels = _series(drawn, plot, decimals)
        out += bands + _axes(plot, date_format) + target_lines + lines
        out.append(f'<g class="c-labels"{_HALO}>{"".join(latest_labels + target_labels)}</g>')
        latest = words.joiner.join(
            words.latest.format(
                label=s.label,
                value=_value(value, decimals),
                unit=unit,
                y=day.year,
                m=day.month,
                d=day.day,
                date=day,
            ).strip()
            for s, points in drawn
            for day, value in points[-1:]
        )
        count = len({day for _, points in drawn for day, _ in points})
        summary = words.summary.format(title=title, latest=latest, count=count)
    else:
        out += _axes(plot, date_format)
        out.append(
            f'<text class="c-empty" x="{_n((plot.x0 + plot.x1) / 2)}" y="{_n((plot.y0 + plot.y1) / 2 + 4)}" '
            f'text-anchor="middle" font-size="12" fill="{_MUTED}">{_e(empty_text)}</text>'
        )
        summary = words.empty.format(title=title, empty_text=empty_text)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="c-chart" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{_e(summary)}" font-family="sans-serif" font-size="{_FONT}">'
        f"<title>{_e(heading)}</title>"
        f'<text class="c-title" x="2" y="13" font-size="12" font-weight="bold" fill="{_TEXT}">{_e(heading)}</text>'
        + "".join(out)
        + "</svg>"
    )


class _Plot:
    """The plot area and its two mappings: dates to x, values to y (once `ticks` is set)."""

    def __init__(self, start: dt.date, end: dt.date, width: int, height: int) -> None:
        self.start, self.end, self.width = start, end, width
        self.x0, self.y0, self.x1, self.y1 = _LEFT, _TOP, width - _RIGHT, height - _BOTTOM
        self.lo, self.hi = 0.0, 1.0  # the value axis: its ends, and its gridlines below
        self.ticks: tuple[float, ...] = ()

    def x(self, day: dt.date) -> float:
        days = (self.end - self.start).days
        return (
            self.x0 + (day - self.start).days / days * (self.x1 - self.x0)
            if days
            else (self.x0 + self.x1) / 2
        )

    def y(self, value: float) -> float:
        return self.y1 - (value - self.lo) / (self.hi - self.lo) * (self.y1 - self.y0)


def _in_range(series: Series, start: dt.date, end: dt.date) -> list[tuple[dt.date, float]]:
    if series.kind not in _LOOKS:
        raise ValueError(f'series kind must be "a" or "b"; got {series.kind!r} for {series.label!r}')
    kept = [(day, float(v)) for day, v in series.points if start <= day <= end and math.isfinite(v)]
    return sorted(kept, key=lambda point: point[0])


def _scale(values: list[float]) -> tuple[float, float, tuple[float, ...]]:
    """The value axis (low end, high end, gridlines) around the values with some air.

    A flat series is not blown up to fill the plot: the axis spans at least a fifth of the largest value
    (130–134 mmHg looks steady, as it is). Never below zero when nothing is negative.
    """
    lo, hi = min(values), max(values)
    grow = max(0.2 * max(abs(lo), abs(hi)), 1.0 if hi == lo == 0 else 0.0) - (hi - lo)
    if grow > 0:
        lo, hi = lo - grow / 2, hi + grow / 2
    pad = (hi - lo) * 0.08
    bottom = lo - pad if lo - pad >= 0 or min(values) < 0 else 0.0
    ticks = nice_ticks(bottom, hi + pad)
    return min(bottom, ticks[0]), max(hi + pad, ticks[-1]), ticks


def _targets(targets: Sequence[TargetLine], plot: _Plot) -> tuple[list[str], list[str], list[str]]:
    """Bands (drawn under the gridlines), lines (over the gridlines, which could hide a target that falls
    on one, and under the series), and labels (over everything, with a halo)."""
    out: list[str] = []
    labels: list[str] = []
    lines = ""
    for target in targets:
        edges = [v for v in (target.value, target.band_to) if v is not None and math.isfinite(v)]
        if not edges:
            continue
        ys = sorted(plot.y(v) for v in edges)
        if len(ys) == 2:
            out.append(
                f'<rect class="c-band" x="{plot.x0}" y="{_n(ys[0])}" width="{plot.x1 - plot.x0}" '
                f'height="{_n(ys[1] - ys[0])}" fill="{_BAND}"/>'
            )
        lines += "".join(f"M{plot.x0} {_n(y)}H{plot.x1}" for y in ys)
        # Above the (upper) line, unless that would leave the plot: then just below it.
        label_y = ys[0] - 3 if ys[0] - 3 >= plot.y0 + _FONT else ys[0] + _FONT + 1
        labels.append(
            f'<text class="c-target-label" x="{plot.x0 + 3}" y="{_n(label_y)}" fill="{_TARGET}">'
            f"{_e(target.label)}</text>"
        )
    dashed = f'<path class="c-target" d="{lines}" stroke="{_TARGET}" stroke-dasharray="2 3" fill="none"/>'
    return out, [dashed] if lines else [], labels


def _axes(plot: _Plot, date_format: str) -> list[str]:
    """Gridlines, frame, and tick labels: values on the left, month starts below."""
    months = _month_ticks(plot.start, plot.end)
    grid = "".join(f"M{plot.x0} {_n(plot.y(t))}H{plot.x1}" for t in plot.ticks if plot.lo < t < plot.hi)
    grid += "".join(f"M{_n(plot.x(day))} {plot.y1}v3" for day in months)
    places = _decimals(plot.ticks[1] - plot.ticks[0]) if plot.ticks else 0
    labels = [
        f'<text x="{plot.x0 - 3}" y="{_n(plot.y(t) + 3.5)}">{_value(t, places)}</text>' for t in plot.ticks
    ]
    for day in months:
        text = date_format.format(y=day.year, m=day.month, d=day.day, date=day)
        x, half = plot.x(day), _text_width(text) / 2
        anchor = "end" if x + half > plot.width - 1 else "start" if x - half < 1 else "middle"
        labels.append(f'<text x="{_n(x)}" y="{plot.y1 + 13}" text-anchor="{anchor}">{_e(text)}</text>')
    return [
        f'<path class="c-grid" d="{grid}" stroke="#ddd" fill="none"/>' if grid else "",
        f'<rect class="c-frame" x="{plot.x0}" y="{plot.y0}" width="{plot.x1 - plot.x0}" '
        f'height="{plot.y1 - plot.y0}" fill="none" stroke="#999"/>',
        f'<g class="c-axis" fill="{_MUTED}" text-anchor="end">{"".join(labels)}</g>',
    ]


def _month_ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of months in range, every 1, 2, 3, 4, 6 or 12 months counted from January, at most five;
    the range's own ends when fewer than two month starts fall inside it."""
    firsts: list[dt.date] = []
    index = start.year * 12 + start.month - 1 + (start.day != 1)  # months since year 0 of the first start
    while (day := dt.date(index // 12, index % 12 + 1, 1)) <= end:
        firsts.append(day)
        index += 1
    for every in (1, 2, 3, 4, 6, 12):
        chosen = [day for day in firsts if (day.month - 1) % every == 0]
        if len(chosen) <= 5:
            return chosen if len(chosen) >= 2 else sorted({start, end})
    januaries = [day for day in firsts if day.month == 1]
    return januaries[:: math.ceil(len(januaries) / 5)]


def _legend(series: Sequence[Series], width: int) -> tuple[str, list[float]]:
    """Right-aligned in the heading row: each label, and where its sample of line and marker starts (drawn
    as part of the series' own paths, so a class that restyles a series restyles its sample too)."""
    texts: list[str] = []
    starts: list[float] = []
    x = float(width - _RIGHT)
    for s in reversed(series):
        x -= _text_width(s.label)
        texts.append(f'<text x="{_n(x)}" y="14">{_e(s.label)}</text>')
        x -= 20
        starts.append(x)
        x -= 8
    return f'<g class="c-legend" fill="{_TEXT}">{"".join(reversed(texts))}</g>', starts[::-1]


def _series(
    drawn: Sequence[tuple[Series, list[tuple[dt.date, float]]]], plot: _Plot, decimals: int
) -> tuple[list[str], list[str]]:
    """Each series' line and markers; and the labels of their latest values, placed not to collide."""
    legend, samples = _legend([s for s, _ in drawn], plot.width)
    out = [legend]
    for (s, points), sample in zip(drawn, samples, strict=True):
        look = _LOOKS[s.kind]
        # Whole units, each point relative to the one before: ±0.5 of 320 is invisible on a phone, and a
        # year of readings stays near 1 KB. Rounding the absolute positions first means no drift.
        xy = [(round(plot.x(day)), round(plot.y(v))) for day, v in points]
        first = f"M{_pair(*xy[0])}"
        steps = [(x - px, y - py) for (px, py), (x, y) in itertools.pairwise(xy)]
        line = f"M{_n(sample)} 10.5h16" + (f"{first}l{_pairs(steps)}" if steps else "")
        dots = f"M{_n(sample + 8)} 10.5h0{first}h0" + "".join(f"m{_pair(dx, dy)}h0" for dx, dy in steps)
        out.append(
            f'<path class="c-line c-{s.kind}" d="{line}" stroke="{look.colour}" stroke-width="1.5"{look.dash} '
            f'fill="none"/><path class="c-dots c-{s.kind}" d="{dots}" stroke="{look.colour}" stroke-width="5" '
            f'stroke-linecap="{look.cap}"/>'
        )
    # Latest values: the highest series' label above its point, the others below theirs; a label that
    # would leave the plot or cover one already placed (systolic and diastolic often end close) takes the
    # other side.
    labels: list[str] = []
    placed: list[tuple[float, float, float]] = []  # centre x, baseline, half width
    for rank, (s, points) in enumerate(sorted(drawn, key=lambda sp: -sp[1][-1][1])):
        day, value = points[-1]
        text = _value(value, decimals)
        half = _text_width(text) / 2 + 1
        x = min(max(plot.x(day), plot.x0 + half), plot.width - half - 1)
        above, below = plot.y(value) - 6, plot.y(value) + _FONT + 3
        choices = (above, below) if rank == 0 else (below, above)
        fits = [
            y
            for y in choices
            if plot.y0 + _FONT <= y <= plot.y1 - 1
            and all(abs(px - x) >= ph + half or abs(py - y) >= _FONT + 1 for px, py, ph in placed)
        ]
        y = fits[0] if fits else min(max(choices[0], plot.y0 + _FONT), plot.y1 - 1)
        placed.append((x, y, half))
        labels.append(
            f'<text class="c-latest c-{s.kind}" x="{_n(x)}" y="{_n(y)}" text-anchor="middle" '
            f'font-weight="bold" fill="{_LOOKS[s.kind].colour}">{text}</text>'
        )
    return out, labels


def _n(v: float) -> str:
    """A coordinate, at most one decimal, no trailing zero."""
    r = round(v, 1)
    return str(int(r)) if r == int(r) else str(r)


def _pair(x: int, y: int) -> str:
    """Two path numbers, with the separator a minus sign already provides left out."""
    return f"{x}{y}" if y < 0 else f"{x} {y}"


def _pairs(pairs: Sequence[tuple[int, int]]) -> str:
    return "".join(("" if x < 0 or i == 0 else " ") + _pair(x, y) for i, (x, y) in enumerate(pairs))


def _decimals(step: float) -> int:
    """Decimal places that show every multiple of `step` exactly (up to 4)."""
    for places in range(4):
        if abs(step * 10**places - round(step * 10**places)) < 1e-6:
            return places
    return 4


def _value(v: float, decimals: int) -> str:
    text = f"{v:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def _text_width(text: str, size: float = _FONT) -> float:
    """An estimate, with no font to measure: CJK glyphs are square, Latin ones about 0.6 em."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)


def _e(text: str) -> str:
    return html.escape(text, quote=True)
