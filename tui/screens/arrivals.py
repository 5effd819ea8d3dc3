"""Today's arrivals at intake: the bookings (and clinic follow-ups due) or the incoming referrals, one list
at a time (Tab switches); Enter on a row opens the resident's visit, or continues the one already open.

Dismissed with an `Arrival` (tui/endpoints/arrivals.py) for intake to go on with the visit, or None (Esc).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Final, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Footer, Label, Static

from flows.appointments import AppointmentItem, AppointmentStatus, ReferralUrgency
from flows.model import Step
from tui import labels
from tui.client import ApiClientError
from tui.endpoints.arrivals import LISTS, Arrival, arrive, todays
from tui.errors import describe
from tui.i18n import N_, _
from tui.screens.base import DeskScreen
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from textual.events import Resize
    from textual.screen import Screen

TITLE: Final = {"booking": N_("Today's bookings"), "incoming_referral": N_("Incoming referrals")}
EMPTY: Final = {"booking": N_("No bookings today."), "incoming_referral": N_("No incoming referrals today.")}
STATUS: Final = {
    AppointmentStatus.BOOKED: N_("expected"),
    AppointmentStatus.ARRIVED: N_("arrived"),
    AppointmentStatus.CANCELLED: N_("cancelled"),
    AppointmentStatus.MISSED: N_("did not come"),
}
STATUS_STYLE: Final = {
    AppointmentStatus.BOOKED: "bold",
    AppointmentStatus.ARRIVED: "green",
    AppointmentStatus.CANCELLED: "dim strike",
    AppointmentStatus.MISSED: "red",
}
URGENCY: Final = {
    ReferralUrgency.ROUTINE: N_("routine"),
    ReferralUrgency.URGENT: N_("urgent"),
    ReferralUrgency.EMERGENCY: N_("emergency"),
}
URGENCY_STYLE: Final = {ReferralUrgency.URGENT: "bold yellow", ReferralUrgency.EMERGENCY: "bold red"}
ENDED: Final = frozenset({Step.DONE, Step.CANCELLED})
WIDE: Final = 110  # the app's -wide breakpoint: more columns, longer reasons


class ListLoaded(Message):
    def __init__(self, items: list[AppointmentItem]) -> None:
        super().__init__()
        self.items = items


class Arrived(Message):
    def __init__(self, arrival: Arrival) -> None:
        super().__init__()
        self.arrival = arrival


class ArrivalsScreen(DeskScreen):
    CSS_PATH = "arrivals.tcss"
    KEYS: ClassVar[tuple[str, ...]] = (
        "arrivals.arrive",
        "arrivals.switch",
        "arrivals.refresh",
        "arrivals.back",
        "app.quit",
    )

    def __init__(self, purpose: str = "booking") -> None:
        if purpose not in LISTS:
            raise ValueError(f"purpose must be one of {sorted(LISTS)}, got {purpose!r}")
        super().__init__()
        self.purpose = purpose
        self.items: list[AppointmentItem] | None = None  # the whole day, both lists, once loaded
        self.shown: list[AppointmentItem] = []  # the rows of the table, in order
        self.busy = False  # an arrival is on its way: a second Enter must not send a second one
        self._wide: bool | None = None
        self._keep_info = False  # an error on the info line outlives the reload it caused

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Label(id="arrivals-title")
        yield DataTable(id="arrivals", cursor_type="row", zebra_stripes=True)
        yield Static("", id="arrivals-detail", markup=False)
        yield Label(_("Loading today's lists…"), id="arrivals-info", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._title()
        self.query_one("#arrivals", DataTable).focus()
        self._load()

    # --- loading -------------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="arrivals")
    def _load(self) -> None:
        self.post_message(ListLoaded(todays(self.desk.client)))

    def on_list_loaded(self, message: ListLoaded) -> None:
        self.items = message.items
        self._show()

    def on_resize(self, event: Resize) -> None:
        if self.items is not None and (event.size.width >= WIDE) != self._wide:
            self._show()

    def _show(self) -> None:
        """The current list in the table; the highlighted resident stays highlighted across reloads."""
        table = self.query_one("#arrivals", DataTable)
        keep = self._current()
        wide = self.size.width >= WIDE
        self._wide = wide
        table.clear(columns=True)
        for column in self._columns(wide):
            table.add_column(_(column))
        purposes = LISTS[self.purpose]
        self.shown = [i for i in self.items or [] if i.purpose in purposes]
        for item in self.shown:
            table.add_row(*self._cells(item, wide), key=_key(item))
        if keep is not None and any(_key(i) == _key(keep) for i in self.shown):
            table.move_cursor(row=table.get_row_index(_key(keep)))
        self._title()
        self._detail()
        if self._keep_info:
            self._keep_info = False
        else:
            self._info(
                _("Arrow keys choose; Enter starts the visit.") if self.shown else _(EMPTY[self.purpose])
            )

    def _columns(self, wide: bool) -> list[str]:
        who = [N_("Time"), N_("Name"), N_("Sex/age")]
        if self.purpose == "booking":
            return [*who, N_("ID number"), N_("Team"), *([N_("Visit")] if wide else []), N_("Status")]
        # The team is in the detail line: with it the wide table would not fit 120 columns.
        extra = [N_("ID number")] if wide else []
        return [*who, *extra, N_("From"), N_("Urgency"), N_("Reasons"), N_("Status")]

    def _cells(self, item: AppointmentItem, wide: bool) -> list[str | Text]:
        when = item.scheduled_for.strftime("%H:%M") if item.scheduled_for else _("follow-up")
        who: list[str | Text] = [when, item.name, f"{labels.word(labels.SEX, item.sex)} {item.age}"]
        status = Text(labels.word(STATUS, item.status), style=STATUS_STYLE[item.status])
        team = item.team_name or "—"
        if self.purpose == "booking":
            step = [labels.word(labels.STEP, item.visit_step) if item.visit_step else ""] if wide else []
            return [*who, item.id_number_masked, team, *step, status]
        note = item.referral
        extra = [item.id_number_masked] if wide else []
        if note is None:
            return [*who, *extra, "—", "—", "—", status]
        urgency = Text(labels.word(URGENCY, note.urgency), style=URGENCY_STYLE.get(note.urgency, ""))
        origin = labels.clip(note.origin, 16 if wide else 12)
        return [*who, *extra, origin, urgency, labels.clip(note.reasons, 28 if wide else 16), status]

    # --- the highlighted row -------------------------------------------------------------------------

    def _current(self) -> AppointmentItem | None:
        table = self.query_one("#arrivals", DataTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row]

    @on(DataTable.RowHighlighted, "#arrivals")
    def _highlighted(self) -> None:
        self._detail()

    def _detail(self) -> None:
        """Under the table: who, in full; a referral's origin and reasons in full; what Enter will do."""
        item = self._current()
        detail = self.query_one("#arrivals-detail", Static)
        if item is None:
            detail.update("")
            return
        sex = labels.word(labels.SEX, item.sex)
        age = _("{age} years").format(age=item.age)
        team = item.team_name or _("no family doctor team")
        lines = [f"{item.name}  {sex} {age}  {item.id_number_masked}  {team}"]
        if item.referral is not None:
            urgency = labels.word(URGENCY, item.referral.urgency)
            lines.append(_("From: {origin} ({urgency})").format(origin=item.referral.origin, urgency=urgency))
            lines.append(_("Reasons: {reasons}").format(reasons=item.referral.reasons))
        if item.follow_up_conditions:
            due = _(", ").join(labels.word(labels.CONDITION, c) for c in item.follow_up_conditions)
            lines.append(_("Follow-up due: {conditions}").format(conditions=due))
        lines.append(self._what_enter_does(item))
        detail.update("\n".join(lines))

    @staticmethod
    def _what_enter_does(item: AppointmentItem) -> str:
        if item.status is AppointmentStatus.ARRIVED:
            if item.visit_step is None or item.visit_step in ENDED:
                step = labels.word(labels.STEP, item.visit_step) if item.visit_step else "—"
                return _("Arrived; the visit has ended ({step}).").format(step=step)
            step = labels.word(labels.STEP, item.visit_step)
            return _("Arrived; the visit is at {step}. Enter continues it.").format(step=step)
        if item.status is AppointmentStatus.CANCELLED:
            return _("Cancelled: search for the resident to start a visit.")
        if item.status is AppointmentStatus.MISSED:
            return _("Not for today: search for the resident to start a visit.")
        return _("Enter: the resident is here, open the visit.")

    # --- keys ----------------------------------------------------------------------------------------

    def action_arrive(self) -> None:
        item = self._current()
        if item is None or self.busy:
            return
        ended = item.status is AppointmentStatus.ARRIVED and (
            item.visit_step is None or item.visit_step in ENDED
        )
        if item.status in (AppointmentStatus.CANCELLED, AppointmentStatus.MISSED) or ended:
            self._info(self._what_enter_does(item), error=True)
            return
        self.busy = True
        self._info(_("Opening the visit of {name}…").format(name=item.name))
        self._arrive(item)

    @work(thread=True, exit_on_error=False, exclusive=True, group="arrive")
    def _arrive(self, item: AppointmentItem) -> None:
        self.post_message(Arrived(arrive(self.desk.client, item)))

    def on_arrived(self, message: Arrived) -> None:
        self.busy = False
        self._finish(message.arrival)

    def action_switch_list(self) -> None:
        self.purpose = "incoming_referral" if self.purpose == "booking" else "booking"
        self._wide = None
        if self.items is None:
            self._title()
            return
        self.shown = []  # the highlighted row of the other list is not kept across
        self._show()

    def action_refresh(self) -> None:
        self._info(_("Loading today's lists…"))
        self._load()

    def action_back(self) -> None:
        self._finish(None)

    def _finish(self, arrival: Arrival | None) -> None:
        # DeskScreen is a Screen[None]; this screen answers intake's callback with the arrival.
        cast("Screen[Arrival | None]", self).dismiss(arrival)

    # --- words ---------------------------------------------------------------------------------------

    def _title(self) -> None:
        title = Text()
        for purpose, msgid in TITLE.items():
            count = sum(1 for i in self.items or [] if i.purpose in LISTS[purpose])
            words = f" {_(msgid)} ({count}) " if self.items is not None else f" {_(msgid)} "
            title.append(words, style="reverse bold" if purpose == self.purpose else "dim")
            title.append("  ")
        title.append(_("Tab: other list"), style="dim")
        self.query_one("#arrivals-title", Label).update(title)

    def _info(self, text: str, *, error: bool = False) -> None:
        info = self.query_one("#arrivals-info", Label)
        info.update(text)
        info.set_class(error, "-error")

    def show_error(self, error: BaseException) -> None:
        self.busy = False
        self._info(describe(error), error=True)
        if isinstance(error, ApiClientError) and error.code in ("conflict", "not_found"):
            self._keep_info = True
            self._load()  # the row changed on another terminal: show it as it is now


def _key(item: AppointmentItem) -> str:
    return f"a{item.id}" if item.id is not None else f"f{item.resident_id}-{item.purpose.value}"
