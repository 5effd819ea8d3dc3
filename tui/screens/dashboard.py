"""The indicators dashboard (工作指标): the BPHS-2017 rates of a period, today's cohorts, the year's trend.

Scope: the site, my team, me (the patients whose latest follow-up I did) or any team by its number; period:
a month, quarter or year, moved with ←/→. The calls run in workers, so the screen answers keys while the API
counts: `getIndicatorBoard` once per year and scope (every month's rates, the trend, the cohorts and the
overdue count today), and `getIndicatorSeries` once per year and scope for the quarters or the year. Answers
are kept, so moving between months, or back to a period seen, asks nothing.
`e` writes the period's CSV (the API's, UTF-8 with BOM) into $ONESTOP_EXPORT_DIR or the current directory.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import ClassVar, NamedTuple

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.message import Message
from textual.widgets import Footer, Label
from textual.worker import Worker, WorkerState

from flows.indicator_board import IndicatorBoard
from flows.indicator_export import export_filename
from flows.indicator_series import IndicatorSeries, Period, PeriodKind
from flows.model import FamilyDoctorTeam
from flows.rules.indicators import IndicatorReport
from tui.errors import describe
from tui.i18n import _
from tui.screens.base import DeskScreen
from tui.widgets import indicator_panels as panels
from tui.widgets.status_bar import StatusBar

EXPORT_DIR_ENV = "ONESTOP_EXPORT_DIR"


def _blank(_width: int) -> Text:
    return Text("")


class Scope(NamedTuple):
    team_id: int | None
    doctor_id: int | None
    name: str


class Figures(NamedTuple):
    """What is asked of the API: a change of any part makes the figures shown stale."""

    period: Period
    team_id: int | None
    doctor_id: int | None


BoardKey = tuple[int, int | None, int | None]  # year, team, doctor
SeriesKey = tuple[PeriodKind, int, int | None, int | None]


class BoardLoaded(Message):
    def __init__(self, key: BoardKey, board: IndicatorBoard) -> None:
        super().__init__()
        self.key = key
        self.board = board


class SeriesLoaded(Message):
    def __init__(self, key: SeriesKey, series: IndicatorSeries) -> None:
        super().__init__()
        self.key = key
        self.series = series


class TeamsLoaded(Message):
    def __init__(self, teams: list[FamilyDoctorTeam]) -> None:
        super().__init__()
        self.teams = teams


class Exported(Message):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


def period_words(period: Period) -> str:
    if period.kind is PeriodKind.MONTH:
        return _("{year}-{month:02d}").format(year=period.year, month=period.index)
    if period.kind is PeriodKind.QUARTER:
        return _("{year} Q{quarter}").format(year=period.year, quarter=period.index)
    return _("year {year}").format(year=period.year)


class DashboardScreen(DeskScreen):
    CSS_PATH = "dashboard.tcss"
    KEYS: ClassVar[tuple[str, ...]] = (
        "dashboard.back",
        "dashboard.site",
        "dashboard.team",
        "dashboard.me",
        "dashboard.month",
        "dashboard.quarter",
        "dashboard.year",
        "dashboard.previous",
        "dashboard.next",
        "dashboard.previous_bracket",
        "dashboard.next_bracket",
        "dashboard.export",
        "dashboard.reload",
        *(f"dashboard.team_{n}" for n in range(1, 10)),
        "app.quit",
    )

    def __init__(self) -> None:
        super().__init__()
        self.period = Period(kind=PeriodKind.MONTH, year=1, index=1)  # set on mount, from today
        self.scope = Scope(None, None, "")
        self.teams: list[FamilyDoctorTeam] = []
        # Answers kept for the screen's life: moving back to a period asks nothing again (F5 forgets them).
        self.boards: dict[BoardKey, IndicatorBoard] = {}
        self.series: dict[SeriesKey, IndicatorSeries] = {}
        self.shown: Figures | None = None  # the figures on the screen now (None: none yet)
        self.failed = False

    @property
    def today(self) -> dt.date:
        return self.desk.today()

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Label("", id="dashboard-title", markup=False)
        with Horizontal(id="dashboard-body"):
            with Vertical(id="dashboard-left"):
                yield panels.Panel(_blank, id="dashboard-rates")
                yield panels.Panel(_blank, id="dashboard-cohorts")
            yield panels.Panel(_blank, id="dashboard-trend")
        yield Label("", id="dashboard-info", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.period = Period.containing(PeriodKind.MONTH, self.today)
        self.scope = Scope(None, None, _("whole site"))
        for box, title in (
            ("#dashboard-rates", _("BPHS-2017 rates")),
            ("#dashboard-cohorts", _("Cohorts today (registered >3 months)")),
        ):
            self.query_one(box).border_title = title
        self.query_one("#dashboard-cohorts").border_subtitle = panels.cohort_legend()
        self._load_teams()
        self.load()

    # --- what is asked -------------------------------------------------------------------------------

    def _asked(self) -> Figures:
        return Figures(self.period, self.scope.team_id, self.scope.doctor_id)

    def _board_key(self) -> BoardKey:
        return (self.period.year, self.scope.team_id, self.scope.doctor_id)

    def _series_key(self) -> SeriesKey:
        return (self.period.kind, self.period.year, self.scope.team_id, self.scope.doctor_id)

    def _figures(self) -> tuple[IndicatorBoard, IndicatorReport] | None:
        """The board and the period's rates, when both have arrived."""
        board = self.boards.get(self._board_key())
        if board is None:
            return None
        series = board.months if self.period.kind is PeriodKind.MONTH else self.series.get(self._series_key())
        if series is None:
            return None
        point = next((p for p in series.points if p.period == self.period), None)
        return None if point is None else (board, point.report)

    @property
    def counting(self) -> bool:
        return self.shown != self._asked() and not self.failed

    @property
    def ready(self) -> bool:
        """The figures asked for last are on the screen (tests and the benchmark wait for this)."""
        return self.shown == self._asked()

    def load(self) -> None:
        self.failed = False
        if self._board_key() not in self.boards:
            self._fetch_board(self._board_key())
        if self.period.kind is not PeriodKind.MONTH and self._series_key() not in self.series:
            self._fetch_series(self._series_key())
        self._draw()

    @work(thread=True, exit_on_error=False, group="dashboard-board")
    def _fetch_board(self, key: BoardKey) -> None:
        from tui.endpoints.indicators import board

        year, team_id, doctor_id = key
        self.post_message(
            BoardLoaded(key, board(self.desk.client, year, team_id=team_id, doctor_id=doctor_id))
        )

    @work(thread=True, exit_on_error=False, group="dashboard-series")
    def _fetch_series(self, key: SeriesKey) -> None:
        from tui.endpoints.indicators import series

        kind, year, team_id, doctor_id = key
        found = series(self.desk.client, kind, year, team_id=team_id, doctor_id=doctor_id)
        self.post_message(SeriesLoaded(key, found))

    @work(thread=True, exit_on_error=False, exclusive=True, group="dashboard-teams")
    def _load_teams(self) -> None:
        from tui.endpoints.contracts import list_teams

        self.post_message(TeamsLoaded(list_teams(self.desk.client)))

    def on_board_loaded(self, message: BoardLoaded) -> None:
        self.boards[message.key] = message.board
        self._draw()

    def on_series_loaded(self, message: SeriesLoaded) -> None:
        self.series[message.key] = message.series
        self._draw()

    def on_teams_loaded(self, message: TeamsLoaded) -> None:
        self.teams = message.teams
        self._info()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.group in ("dashboard-board", "dashboard-series"):
            self.failed = True  # the error replaces "counting" in the title (show_error)
        super().on_worker_state_changed(event)

    # --- drawing -------------------------------------------------------------------------------------

    def _title(self) -> None:
        period = period_words(self.period)
        words = _("Indicators · {scope} · {period}").format(scope=self.scope.name, period=period)
        if self.counting:
            words += "  " + _("Counting…")
        title = self.query_one("#dashboard-title", Label)
        title.update(words)
        title.set_class(self.counting, "-loading")
        title.remove_class("-error")

    def _draw(self) -> None:
        """The figures asked for if they are here (else the last ones stay, under "counting" in the title)."""
        found = self._figures()
        if found is not None:
            board, rates = found
            self.shown = self._asked()
            self.query_one("#dashboard-rates", panels.Panel).show(lambda w: panels.rates_text(rates, w))
            cohorts = [board.hypertension, board.diabetes]
            self.query_one("#dashboard-cohorts", panels.Panel).show(lambda w: panels.cohorts_text(cohorts, w))
            trend = board.months
            rows = max(1, min(4, (self.app.size.height - 24) // 4 + 1))
            self.query_one("#dashboard-trend", panels.Panel).show(lambda w: panels.trend_text(trend, w, rows))
            self.query_one("#dashboard-trend").border_title = _("Trend by month, {year}").format(
                year=trend.year
            )
        self._title()
        self._info()

    def _info(self) -> None:
        parts = []
        board = self.boards.get(self._board_key())
        if board is not None:
            parts.append(
                _("Overdue follow-ups {count} (high risk {high})").format(
                    count=board.overdue, high=board.overdue_high_risk
                )
            )
        if self.teams:
            teams = " ".join(f"{n} {t.name}" for n, t in enumerate(self.teams[:9], start=1))
            parts.append(_("Teams: {teams}").format(teams=teams))
        self.query_one("#dashboard-info", Label).update("   ".join(parts))

    def on_resize(self, event: Resize) -> None:
        if self.is_mounted:
            self._draw()

    def show_error(self, error: BaseException) -> None:
        title = self.query_one("#dashboard-title", Label)
        title.update(describe(error))
        title.add_class("-error")

    # --- keys ----------------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_scope(self, which: str) -> None:
        staff = self.desk.session.staff if self.desk.session else None
        if which == "site":
            self.scope = Scope(None, None, _("whole site"))
        elif which == "me" and staff is not None:
            self.scope = Scope(None, staff.id, staff.display_name)
        elif which == "team" and staff is not None and staff.team_id is not None:
            name = next((t.name for t in self.teams if t.id == staff.team_id), _("my team"))
            self.scope = Scope(staff.team_id, None, name)
        else:
            self.notify(_("You are not in a family doctor team."), severity="warning")
            return
        self.load()

    def action_pick_team(self, number: int) -> None:
        if not 1 <= number <= len(self.teams):
            self.notify(_("No team {number}.").format(number=number), severity="warning")
            return
        team = self.teams[number - 1]
        self.scope = Scope(team.id, None, team.name)
        self.load()

    def action_kind(self, kind: str) -> None:
        # The new kind's period that holds the old period's first day (Q3 → July, → the year).
        self.period = Period.containing(PeriodKind(kind), min(self.period.start, self.today))
        self.load()

    def action_shift(self, step: int) -> None:
        moved = self.period.shifted(step)
        if moved.start > self.today:
            return  # a period that has not begun has no figures
        self.period = moved
        self.load()

    def action_reload(self) -> None:
        self.boards.clear()
        self.series.clear()
        self.shown = None
        self.load()

    def action_export(self) -> None:
        folder = Path(os.environ.get(EXPORT_DIR_ENV) or Path.cwd())
        self._export(self._asked(), folder)

    @work(thread=True, exit_on_error=False, exclusive=True, group="dashboard-export")
    def _export(self, asked: Figures, folder: Path) -> None:
        from tui.endpoints.indicators import export_csv

        content = export_csv(self.desk.client, asked.period, team_id=asked.team_id, doctor_id=asked.doctor_id)
        path = folder / export_filename(asked.team_id, asked.doctor_id, asked.period.label)
        path.write_bytes(content)
        self.post_message(Exported(path))

    def on_exported(self, message: Exported) -> None:
        words = _("Saved {path}").format(path=message.path)
        self.query_one("#dashboard-info", Label).update(words)
        self.notify(words, timeout=10)
