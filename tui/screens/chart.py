"""The patient in one screen (the doctor's chart, F2 from any doctor's step): pushed over any screen, Esc closes.

One request (GET /residents/{id}/chart) fills it. At 80×24 the essentials fit without scrolling: the alerts
and the header line at the top, then allergies, conditions with their follow-up class, one line a measure with
its sparkline, and the medicines; plans, recent visits and identity follow below the fold. From 110 columns
the blocks stand in two columns.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Static

from flows.chart import Chart
from tui.errors import describe
from tui.i18n import _
from tui.screens import chart_parts as parts
from tui.screens.base import DeskScreen


class ChartLoaded(Message):
    def __init__(self, chart: Chart) -> None:
        super().__init__()
        self.chart = chart


# Each block's widget id and the part that draws it, column by column.
_LEFT = (
    ("chart-allergies", parts.allergies),
    ("chart-conditions", parts.conditions),
    ("chart-values", parts.values),
)
_RIGHT = (
    ("chart-medicines", parts.medicines),
    ("chart-plans", parts.plans),
    ("chart-visits", parts.visits),
    ("chart-identity", parts.identity),
)


class ChartScreen(DeskScreen):
    CSS_PATH = "chart.tcss"
    KEYS: ClassVar[tuple[str, ...]] = ("chart.back", "chart.reload")

    def __init__(self, resident_id: int) -> None:
        super().__init__()
        self.resident_id = resident_id
        self.chart: Chart | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Loading the chart…"), id="chart-title", markup=False)
        yield Static("", id="chart-alerts", markup=False)
        with VerticalScroll(id="chart"), Horizontal(id="chart-columns"):
            for column, blocks in (("chart-left", _LEFT), ("chart-right", _RIGHT)):
                with Vertical(id=column, classes="chart-column"):
                    for widget_id, _draw in blocks:
                        yield Static("", id=widget_id, classes="chart-block", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#chart-alerts", Static).display = False  # until the chart says there are some
        self.query_one("#chart", VerticalScroll).focus()
        self._load()

    @work(thread=True, exit_on_error=False, exclusive=True, group="chart")
    def _load(self) -> None:
        from tui.endpoints.chart import get_chart

        self.post_message(ChartLoaded(get_chart(self.desk.client, self.resident_id)))

    def on_chart_loaded(self, message: ChartLoaded) -> None:
        c = self.chart = message.chart
        title = self.query_one("#chart-title", Static)
        title.remove_class("-error")
        title.update(parts.header(c))
        alerts = self.query_one("#chart-alerts", Static)
        alerts.update(parts.alerts(c.alerts))
        alerts.display = bool(c.alerts)
        gutter = parts.gutter()
        for widget_id, draw in (*_LEFT, *_RIGHT):
            self.query_one(f"#{widget_id}", Static).update(draw(c, gutter))

    def show_error(self, error: BaseException) -> None:
        title = self.query_one("#chart-title", Static)
        title.update(Content(describe(error)))
        title.add_class("-error")

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self._load()
