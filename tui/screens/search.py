"""Find a resident as you type: name, pinyin initials, ID number, record number, phone or its last 4 digits."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Label
from textual.worker import get_current_worker

from flows.model import ResidentHit
from tui import labels
from tui.errors import describe
from tui.i18n import _
from tui.screens.starting import VisitStarter
from tui.widgets.status_bar import StatusBar


class SearchResults(Message):
    """Hits for one query; the screen drops them if the query changed meanwhile."""

    def __init__(self, query: str, hits: list[ResidentHit]) -> None:
        super().__init__()
        self.query = query
        self.hits = hits


class SearchScreen(VisitStarter):
    CSS_PATH = "search.tcss"
    KEYS: ClassVar[tuple[str, ...]] = (
        "search.results",
        "search.query",
        "search.clear",
        "intake.register",
        "intake.bookings",
        "intake.referrals",
        "search.devices",
        "app.quit",
    )
    # Long enough that a typist's burst is one request, short enough to feel immediate at the desk.
    DEBOUNCE_S: ClassVar[float] = 0.25
    LIMIT: ClassVar[int] = 50

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Horizontal(id="search-bar"):
            yield Label(_("Find resident"), id="search-label")
            yield Input(placeholder=_("name, initials, ID number, record number or phone"), id="query")
        yield Label(self._hint(), id="search-info", markup=False)
        yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self._timer: Timer | None = None
        self._hits: dict[str, ResidentHit] = {}
        self._shown_query = ""
        self._open_when_loaded = False
        table = self.query_one("#results", DataTable)
        for label in (
            _("Name"),
            _("Sex"),
            _("Age"),
            _("ID number"),
            _("Phone"),
            _("Record number"),
            _("Matched on"),
        ):
            table.add_column(label)
        self.query_one("#query", Input).focus()

    # --- typing and searching ----------------------------------------------------------------------

    def _query(self) -> str:
        return self.query_one("#query", Input).value.strip()

    @on(Input.Changed, "#query")
    def _typed(self) -> None:
        self._open_when_loaded = False
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.DEBOUNCE_S, self._search_now)

    def _search_now(self) -> None:
        self._timer = None
        query = self._query()
        if not query:
            self._show([], "")
            self._info(self._hint())
            return
        self._info(_("Searching…"))
        self._search(query)

    @work(thread=True, exit_on_error=False, exclusive=True, group="search")
    def _search(self, query: str) -> None:
        hits = self.desk.client.search_residents(query, limit=self.LIMIT)
        # A thread cannot be interrupted; an outdated answer is simply not delivered.
        if not get_current_worker().is_cancelled:
            self.post_message(SearchResults(query, hits))

    def on_search_results(self, message: SearchResults) -> None:
        if message.query != self._query():
            return
        self._show(message.hits, message.query)
        if message.hits:
            self._info(_("Residents found: {count}").format(count=len(message.hits)))
        else:
            self._info(_("No resident matches “{query}”.").format(query=message.query))
        if self._open_when_loaded and message.hits:
            self._open_when_loaded = False
            self._open(message.hits[0].id)

    def _show(self, hits: list[ResidentHit], query: str) -> None:
        table = self.query_one("#results", DataTable)
        table.clear()
        self._hits = {str(hit.id): hit for hit in hits}
        self._shown_query = query
        today = self.desk.today()
        for hit in hits:
            table.add_row(
                hit.name,
                labels.word(labels.SEX, hit.sex),
                str(labels.age(hit.birth_date, today)),
                hit.id_number_masked,
                hit.phone_masked or "",
                hit.record_number,
                labels.word(labels.MATCHED_ON, hit.matched_on),
                key=str(hit.id),
            )

    # --- opening a record --------------------------------------------------------------------------

    @on(Input.Submitted, "#query")
    def _enter(self) -> None:
        """Enter opens the highlighted resident; typed or scanned faster than the search, the top hit."""
        query = self._query()
        if not query:
            return
        table = self.query_one("#results", DataTable)
        if query == self._shown_query and self._hits and self._timer is None:
            self._open(int(list(self._hits)[table.cursor_row]))
            return
        self._open_when_loaded = True
        if self._timer is not None:
            self._timer.stop()
        self._search_now()

    @on(DataTable.RowSelected, "#results")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self._open(int(event.row_key.value))

    def _open(self, resident_id: int) -> None:
        from tui.screens.summary import SummaryScreen

        self.app.push_screen(SummaryScreen(resident_id))

    # --- keys --------------------------------------------------------------------------------------

    def action_focus_results(self) -> None:
        table = self.query_one("#results", DataTable)
        if table.row_count:
            table.focus()

    def action_register(self) -> None:
        from tui.screens.register import RegisterScreen

        query = self._query().upper()
        # A scanned or typed ID number that found nobody starts the form with it already filled in.
        looks_like_id = len(query) == 18 and query[:17].isdigit()
        prefill = query if looks_like_id and not self._hits else None

        def registered(resident_id: int | None) -> None:
            if resident_id is not None:
                self._open(resident_id)

        self.app.push_screen(RegisterScreen(id_number=prefill), registered)

    def action_bookings(self) -> None:
        self._arrivals("booking")

    def action_referrals(self) -> None:
        self._arrivals("incoming_referral")

    def _arrivals(self, purpose: str) -> None:
        from tui.endpoints.arrivals import Arrival
        from tui.screens.arrivals import ArrivalsScreen

        def arrived(arrival: Arrival | None) -> None:
            if arrival is not None:
                self.start_visit_for(arrival.resident_id, visit=arrival.visit)

        self.app.push_screen(ArrivalsScreen(purpose), arrived)

    def action_devices(self) -> None:
        from tui.screens.devices import DevicesScreen

        self.app.push_screen(DevicesScreen())

    def action_focus_query(self) -> None:
        self.query_one("#query", Input).focus()

    def ready_for_next(self) -> None:
        """The last resident's visit is done: an empty search, the cursor in it, for the next one."""
        self._show([], "")
        self._info(self._hint())
        self.action_clear_query()

    def action_clear_query(self) -> None:
        query = self.query_one("#query", Input)
        query.value = ""
        query.focus()

    # --- words -------------------------------------------------------------------------------------

    def _info(self, text: str, *, error: bool = False) -> None:
        info = self.query_one("#search-info", Label)
        info.update(text)
        info.set_class(error, "-error")

    @staticmethod
    def _hint() -> str:
        return _(
            "Type a name, pinyin initials, ID number, record number or phone (the last 4 digits will do)."
        )

    def show_error(self, error: BaseException) -> None:
        self._info(describe(error), error=True)
