"""The dashboard's three panels as Rich text for a given width: the rates, the cohorts, the year's trend.

Drawn by tui.widgets.bar_chart; the bars are readable without colour (the cohort's parts differ by shading
too). `Panel` redraws its text at its own width whenever it is resized.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from flows.indicator_series import IndicatorSeries
from flows.rules.indicators import CohortReport, IndicatorCode, IndicatorReport, Rate
from tui import labels
from tui.i18n import N_, _
from tui.widgets.bar_chart import columns, hbar, split_widths

RATE_WORDS: Final = {
    IndicatorCode.HTN_MANAGED_TO_SPEC: N_("HTN managed to spec"),
    IndicatorCode.HTN_BP_CONTROLLED: N_("BP controlled"),
    IndicatorCode.DM_MANAGED_TO_SPEC: N_("DM managed to spec"),
    IndicatorCode.DM_FPG_CONTROLLED: N_("Glucose controlled"),
}
# The cohort's parts, in the order of the stacked bar: character, style, words.
COHORT_PARTS: Final = (
    ("█", "green", N_("controlled")),
    ("▓", "red", N_("uncontrolled")),
    ("▒", "yellow", N_("not measured")),
    ("░", "dark_orange", N_("no visit 3 months")),
    ("·", "grey50", N_("lost")),
)


class Panel(Widget):
    """A box whose text is drawn for its width (`draw(width)`), again on every resize."""

    DEFAULT_CSS = "Panel { height: auto; }"

    def __init__(self, draw: Callable[[int], Text], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._draw = draw

    def show(self, draw: Callable[[int], Text]) -> None:
        self._draw = draw
        self.refresh(layout=True)

    def render(self) -> Text:
        return self._draw(max(1, self.content_size.width))


def _pad(text: str, cells: int) -> str:
    text = labels.clip(text, cells)
    return text + " " * (cells - cell_len(text))


def percent(rate: Rate) -> str:
    return "—" if rate.rate is None else f"{rate.rate * 100:.1f}%"


def rates_text(report: IndicatorReport, width: int) -> Text:
    """One line per rate: name, percentage, numerator/denominator, and a bar of the rest of the width."""
    words = [_(RATE_WORDS[r.code]) for r in report.rates]
    name_w = max((cell_len(w) for w in words), default=0)
    counts = [f"{r.numerator}/{r.denominator}" for r in report.rates]
    count_w = max((len(c) for c in counts), default=0)
    out = Text()
    for rate, word, count in zip(report.rates, words, counts, strict=True):
        head = f"{_pad(word, name_w)} {percent(rate):>6} {count:>{count_w}} "
        bar_w = max(0, width - cell_len(head))
        out.append(head)
        out.append(hbar(rate.rate, bar_w, empty="·"), style="bold cyan")
        out.append("\n")
    out.rstrip()
    return out


def _cohort_counts(c: CohortReport) -> list[int]:
    return [
        c.controlled.numerator,
        c.uncontrolled.numerator,
        c.visit_no_measure.numerator,
        c.missed_visit.numerator,
        c.lost_to_follow_up.numerator,
    ]


def cohorts_text(cohorts: Sequence[CohortReport], width: int) -> Text:
    """One line per condition: its registered patients, a stacked bar of the parts, and each part's count
    (the controlled with their share of the patients under care). `cohort_legend` names the parts."""
    names = [labels.word(labels.CONDITION, c.condition) for c in cohorts]
    name_w = max((cell_len(n) for n in names), default=0)
    tails = [_cohort_tail(c) for c in cohorts]
    tail_w = max((cell_len(t.plain) for t in tails), default=0)
    out = Text()
    for cohort, name, tail in zip(cohorts, names, tails, strict=True):
        head = f"{_pad(name, name_w)} {cohort.registered:>6} "
        out.append(head)
        cells = split_widths(_cohort_counts(cohort), max(0, width - cell_len(head) - tail_w - 1))
        for (char, style, _word), n in zip(COHORT_PARTS, cells, strict=True):
            out.append(char * n, style=style)
        out.append(" " * (width - cell_len(head) - sum(cells) - tail_w))
        out.append(tail)
        out.append("\n")
    out.rstrip()
    return out


def _cohort_tail(cohort: CohortReport) -> Text:
    tail = Text()
    for i, ((char, style, _word), n) in enumerate(zip(COHORT_PARTS, _cohort_counts(cohort), strict=True)):
        tail.append(char, style=style)
        tail.append(f"{n}")
        if i == 0:
            tail.append(f" {percent(cohort.controlled)}")
        tail.append(" " if i < len(COHORT_PARTS) - 1 else "")
    return tail


def cohort_legend() -> str:
    """The parts' characters and names, for the cohort box's bottom border."""
    return " ".join(f"{char}{_(word)}" for char, _style, word in COHORT_PARTS)


def trend_text(series: IndicatorSeries | None, width: int, rows_per_rate: int) -> Text:
    """Each rate's figure per period of the year as columns, `rows_per_rate` cells tall, and the axis."""
    if series is None or not series.points:
        return Text(_("No periods of this year yet."))
    codes = [r.code for r in series.points[0].report.rates]
    words = [_(RATE_WORDS[c]) for c in codes]
    name_w = max(cell_len(w) for w in words)
    # Each period a slot of a column and a one-cell gap, as wide as the room allows (at least one cell).
    slot = max(1, (width - name_w - 1) // len(series.points))
    gap = 1 if slot >= 2 else 0
    col_w = min(3, slot - gap)
    out = Text()
    for code, word in zip(codes, words, strict=True):
        values = [p.report.rate(code).rate for p in series.points]
        lines = columns(values, rows_per_rate, gap=gap, width=col_w)
        for i, line in enumerate(lines):
            out.append(_pad(word if i == len(lines) - 1 else "", name_w) + " ")
            out.append(line, style="bold cyan")
            out.append("\n")
        if rows_per_rate > 1:  # a zero line under each rate, so tall blocks of two rates do not merge
            out.append(" " * (name_w + 1) + "─" * cell_len(lines[0]) + "\n", style="dim")
    marks = [_axis_mark(p.period.index, col_w + gap) for p in series.points]
    out.append(" " * (name_w + 1) + "".join(marks).rstrip(), style="dim")
    return out


def _axis_mark(index: int, slot: int) -> str:
    """The period's number under its column, left-aligned in its slot; in one cell 1–9, then 0 1 2."""
    mark = str(index) if slot >= len(str(index)) else str(index % 10)
    return mark.ljust(slot)
