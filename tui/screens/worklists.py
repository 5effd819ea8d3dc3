"""The doctor's worklists: due today, overdue, contracts and long-term prescriptions expiring, referrals
awaiting their result — digits 1–5 switch, each title with its count; Enter opens the resident's chart.

On the overdue list (high risk first, then days overdue: CLINICAL_RULES.md §10) the outcome of a phone call
is recorded by key, Simple.org's three: `a` agreed to visit (optionally on a day), `l` call later (on a day,
default in a week), `x` remove with a reason. On the referrals list `e` enters what came of the referral.
The lists are the doctor's own team's (the whole site for a doctor in no team).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import ClassVar, Final

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Footer, Label, Static

from flows.worklists import (
    CALL_LATER_DAYS,
    CallOutcome,
    CallRecord,
    OverdueEntry,
    ReferralAwaiting,
    RemovalReason,
)
from tui import labels
from tui.endpoints.worklists import PAGES, ROWS, Page, load_all, record_call, record_result
from tui.errors import describe
from tui.i18n import _
from tui.screens import worklist_rows as words
from tui.screens.base import DeskScreen
from tui.screens.worklist_dialogs import DayDialog, DayPick, ResultDialog, ResultPick
from tui.widgets.status_bar import StatusBar

WIDE: Final = 110
LISTS: Final = tuple(PAGES)
OVERDUE_ONLY: Final = frozenset({"agreed", "call_later", "remove"})


class Loaded(Message):
    def __init__(self, pages: dict[str, Page], done: str | None = None) -> None:
        super().__init__()
        self.pages = pages
        self.done = done  # what was just saved, for the info line


class Saved(Message):
    """A call outcome or a referral result was stored: reload, then say so."""

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words = words


class WorklistScreen(DeskScreen):
    CSS_PATH = "worklists.tcss"
    KEYS: ClassVar[tuple[str, ...]] = (
        "worklists.due",
        "worklists.overdue",
        "worklists.contracts",
        "worklists.prescriptions",
        "worklists.referrals",
        "worklists.agreed",
        "worklists.call_later",
        "worklists.remove",
        "worklists.result",
        "worklists.chart",
        "worklists.refresh",
        "worklists.back",
    )

    def __init__(self, shown: str = "overdue") -> None:
        super().__init__()
        self.shown = shown
        self.pages: dict[str, Page] = {}
        self._wide: bool | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Label(id="worklist-tabs")
        yield DataTable(id="worklist", cursor_type="row", zebra_stripes=True)
        yield Static("", id="worklist-detail", markup=False)
        yield Label(_("Loading the worklists…"), id="worklist-info", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._tabs()
        self.query_one("#worklist", DataTable).focus()
        self._load()

    @property
    def mine(self) -> bool:
        session = self.desk.session
        return session is not None and session.staff.team_id is not None

    # --- loading -------------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="worklists")
    def _load(self, done: str | None = None) -> None:
        self.post_message(Loaded(load_all(self.desk.client, mine=self.mine), done))

    def on_loaded(self, message: Loaded) -> None:
        self.pages = message.pages
        self._show()
        if message.done:
            self._info(message.done)

    def on_saved(self, message: Saved) -> None:
        self._load(message.words)

    def on_resize(self) -> None:
        if self.pages and (self.size.width >= WIDE) != self._wide:
            self._show()

    def _items(self) -> tuple[words.Item, ...]:
        page = self.pages.get(self.shown)
        return page.items if page is not None else ()

    def _show(self) -> None:
        table = self.query_one("#worklist", DataTable)
        row = table.cursor_row
        wide = self._wide = self.size.width >= WIDE
        table.clear(columns=True)
        for column in words.columns(self.shown, wide):
            table.add_column(_(column))
        zone = zoneinfo.ZoneInfo(self.desk.site_timezone) if self.desk.site_timezone else None
        for item in self._items():
            table.add_row(*words.cells(item, wide, zone))
        if self._items():
            table.move_cursor(row=min(row, len(self._items()) - 1))
        self._tabs()
        self._detail()
        self._info(
            _("Arrows choose; Enter opens the chart.") if self._items() else _(words.EMPTY[self.shown])
        )
        self.refresh_bindings()

    # --- the highlighted row -------------------------------------------------------------------------

    def _current(self) -> words.Item | None:
        items, row = self._items(), self.query_one("#worklist", DataTable).cursor_row
        return items[row] if 0 <= row < len(items) else None

    @on(DataTable.RowHighlighted, "#worklist")
    def _highlighted(self) -> None:
        self._detail()

    @on(DataTable.RowSelected, "#worklist")
    def _selected(self) -> None:
        self.action_open_chart()

    def _detail(self) -> None:
        item = self._current()
        text = words.detail(item, self.desk.today()) if item is not None else ""
        self.query_one("#worklist-detail", Static).update(text)

    # --- keys ----------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in OVERDUE_ONLY:
            return self.shown == "overdue"
        if action == "enter_result":
            return self.shown == "referrals-awaiting"
        return True

    def action_show_list(self, name: str) -> None:
        if name in PAGES and name != self.shown:
            self.shown = name
            self.query_one("#worklist", DataTable).move_cursor(row=0)
            self._show()

    def action_open_chart(self) -> None:
        item = self._current()
        if item is None:
            return
        from tui.screens.chart import ChartScreen

        self.app.push_screen(ChartScreen(item.resident.resident_id))

    def action_refresh(self) -> None:
        self._info(_("Loading the worklists…"))
        self._load()

    def action_back(self) -> None:
        self.dismiss()

    def action_agreed(self) -> None:
        entry = self._overdue()
        if entry is not None:
            question = _("{name} agreed to come. On which day? (empty: no day)").format(
                name=entry.resident.name
            )
            dialog = DayDialog(_("Agreed to visit"), question, default=None, optional=True)
            self.app.push_screen(dialog, lambda pick: self._day(entry, CallOutcome.AGREED, pick))

    def action_call_later(self) -> None:
        entry = self._overdue()
        if entry is not None:
            default = self.desk.today() + dt.timedelta(days=CALL_LATER_DAYS)
            question = _("Call {name} again on:").format(name=entry.resident.name)
            dialog = DayDialog(_("Call later"), question, default=default, optional=False)
            self.app.push_screen(dialog, lambda pick: self._day(entry, CallOutcome.CALL_LATER, pick))

    def _day(self, entry: OverdueEntry, outcome: CallOutcome, pick: DayPick | None) -> None:
        if pick is not None:
            self._save_call(entry, outcome, on=pick.on)

    def action_remove(self) -> None:
        entry = self._overdue()
        if entry is None:
            return
        from tui.screens.reason import ReasonDialog

        choices = tuple(_(words.REMOVAL[r]) for r in RemovalReason)
        question = _("Why does {name} leave the overdue list?").format(name=entry.resident.name)
        dialog = ReasonDialog(_("Remove from the list"), question, choices=choices)
        self.app.push_screen(dialog, lambda text: self._removed(entry, text, choices))

    def _removed(self, entry: OverdueEntry, text: str | None, choices: tuple[str, ...]) -> None:
        """A reason picked by its number is that reason; typed text is `other` with the text as its note."""
        if text is None:
            return
        if text not in choices:
            self._save_call(entry, CallOutcome.REMOVED, reason=RemovalReason.OTHER, note=text)
            return
        reason = tuple(RemovalReason)[choices.index(text)]
        if reason is not RemovalReason.OTHER:
            self._save_call(entry, CallOutcome.REMOVED, reason=reason)
            return
        from tui.screens.reason import ReasonDialog

        ask = ReasonDialog(_("Remove from the list"), _("Other: say why."))
        self.app.push_screen(ask, lambda why: self._removed(entry, why, ()))

    def _overdue(self) -> OverdueEntry | None:
        item = self._current()
        return item if isinstance(item, OverdueEntry) else None

    @work(thread=True, exit_on_error=False, group="call")
    def _save_call(
        self,
        entry: OverdueEntry,
        outcome: CallOutcome,
        *,
        on: dt.date | None = None,
        reason: RemovalReason | None = None,
        note: str | None = None,
    ) -> None:
        saved = record_call(self.desk.client, entry.follow_up_id, outcome, on=on, reason=reason, note=note)
        self.post_message(Saved(_saved_words(entry, saved)))

    def action_enter_result(self) -> None:
        item = self._current()
        if isinstance(item, ReferralAwaiting):
            title = _("Referral result: {name}").format(name=item.resident.name)
            self.app.push_screen(ResultDialog(title), lambda pick: self._result(item, pick))

    def _result(self, item: ReferralAwaiting, pick: ResultPick | None) -> None:
        if pick is not None:
            self._save_result(item, pick)

    @work(thread=True, exit_on_error=False, group="result")
    def _save_result(self, item: ReferralAwaiting, pick: ResultPick) -> None:
        record_result(self.desk.client, item.referral_id, arrived=pick.arrived, result=pick.result)
        self.post_message(Saved(_("Saved the result of {name}'s referral.").format(name=item.resident.name)))

    # --- words ---------------------------------------------------------------------------------------

    def _tabs(self) -> None:
        tabs = Text()
        for i, name in enumerate(LISTS, start=1):
            page = self.pages.get(name)
            count = "" if page is None else f"({page.total}{'+' if page.total > ROWS else ''})"
            tabs.append(
                f" {i} {_(words.TITLES[name])}{count} ", style="reverse bold" if name == self.shown else ""
            )
        self.query_one("#worklist-tabs", Label).update(tabs)

    def _info(self, text: str, *, error: bool = False) -> None:
        info = self.query_one("#worklist-info", Label)
        info.update(text)
        info.set_class(error, "-error")

    def show_error(self, error: BaseException) -> None:
        self._info(describe(error), error=True)


def _saved_words(entry: OverdueEntry, saved: CallRecord) -> str:
    outcome = labels.word(words.CALL, saved.call.outcome)
    return _("Saved: {name} — {outcome}").format(name=entry.resident.name, outcome=outcome) + (
        f" {saved.call.call_again_on.isoformat()}" if saved.call.call_again_on else ""
    )
