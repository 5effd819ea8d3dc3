"""The screening step (GUIDE-2025 一站式流程 筛查): devices fill the form live, the nurse types the rest, ticks
danger signs, answers the questionnaires, and reads the rules' findings with their reasons.

On mount the visit is put at the desk's station, so the station's devices' next settled readings are claimed
into it by the API; the station's stream shows them as they arrive. Typed values enter as manual entries
when focus leaves their group. An emergency (from an entry, a claimed reading, or the API refusing F10)
raises the emergency screen; the visit can then only be referred as an emergency or cancelled.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING, ClassVar

import msgspec
from textual import on, work
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, SelectionList

from flows.devices import AnyReadingEvent, DeviceChanged, NewReading, ReadingClaimed
from flows.model import Move
from flows.rules.base import Clause
from tui import labels
from tui.client import ApiClientError, ApiUnreachable
from tui.endpoints.screening import HistoryFlags
from tui.errors import describe
from tui.flow import VisitContext
from tui.i18n import _
from tui.screens.emergency import EmergencyBanner
from tui.screens.visit import VisitScreen
from tui.state import Connection
from tui.widgets import readings_fields as fields
from tui.widgets.findings_facts import FindingsFacts
from tui.widgets.findings_questionnaires import QuestionnaireList
from tui.widgets.findings_view import FindingsView
from tui.widgets.readings_form import ReadingsForm
from tui.widgets.readings_messages import Entered, EntryRefused, FindingsReady, FlagsLoaded, Loaded
from tui.widgets.readings_state import VisitValues
from tui.widgets.readings_stream import ReadingStreamed, StationLine, StreamResync

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.timer import Timer

REPUT_S = 300.0  # the API lets a station forget its visit after 15 min without readings: renew well before
CLAIM_WAIT_S = 5.0  # a settled reading not claimed by then waited for nobody: the station held no visit
STREAM_RETRY_S = 3.0  # the API went away: try its stream again this often
REFRESH_S = 0.4  # findings are asked again this long after the last change (a burst of readings asks once)


class ScreeningScreen(VisitScreen):
    CSS_PATH = "screening.tcss"
    KEYS: ClassVar[tuple[str, ...]] = (
        "screening.values",
        "screening.symptoms",
        "screening.questionnaires",
        "screening.findings",
        "screening.claim",
        "screening.emergency",
        *VisitScreen.VISIT_KEYS,
    )

    def __init__(self, ctx: VisitContext) -> None:
        super().__init__(ctx)
        self.values = VisitValues(ctx.visit.id)
        self.clauses: dict[str, Clause] = {}
        self.loaded = False  # the visit's values, the station and the questionnaires have arrived
        self._in_flight: set[str] = set()
        self._finish_after_save = False
        self._refresh_timer: Timer | None = None

    @property
    def station(self) -> str:
        return self.desk.station

    @property
    def age(self) -> int:
        return labels.age(self.ctx.summary.resident.birth_date, self.ctx.visit.visit_date)

    @property
    def banner(self) -> EmergencyBanner:
        return self.query_one(EmergencyBanner)

    @property
    def line(self) -> StationLine:
        return self.query_one(StationLine)

    def compose_step(self) -> ComposeResult:
        yield EmergencyBanner()
        with Horizontal(id="screening-body"):
            with VerticalScroll(id="values-pane"):
                yield StationLine(self.station)
                yield ReadingsForm()
                yield FindingsFacts(female=self.ctx.summary.resident.sex.value == "female")
                yield Label(_("Questionnaires (Enter opens one)"), classes="group-title")
                yield QuestionnaireList(visit_id=self.ctx.visit.id, age=self.age, values=self.values.values)
            yield FindingsView()

    def on_mount(self) -> None:
        self.query_one(ReadingsForm).focus_code("sbp")
        self._load()
        self._follow()
        self.set_interval(REPUT_S, self._reput)

    def on_unmount(self) -> None:
        """Leaving screening: the station must not pour the next resident's readings into this visit."""
        from tui.endpoints.screening import release_station

        client, station, visit_id = self.desk.client, self.station, self.ctx.visit.id
        self.app.run_worker(
            lambda: release_station(client, station, visit_id), thread=True, exit_on_error=False
        )

    # --- loading and the live stream ----------------------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="screening-load")
    def _load(self) -> None:
        from tui.endpoints import screening as api

        client, visit_id = self.desk.client, self.ctx.visit.id
        api.put_station(client, self.station, visit_id)
        summary = client.resident_summary(self.ctx.summary.resident.id)
        loaded = Loaded(
            summary=summary,
            readings=api.visit_readings(client, visit_id),
            waiting=api.station_readings(client, self.station),
            devices=[d for d in client.devices() if d.station == self.station],
            flags=api.emergencies(client, visit_id),
            forms=api.questionnaires(client),
            clauses=api.clauses(client) if not self.clauses else list(self.clauses.values()),
        )
        self.post_message(loaded)

    @work(thread=True, exit_on_error=False, group="station-put")
    def _reput(self) -> None:
        from tui.endpoints.screening import put_station

        put_station(self.desk.client, self.station, self.ctx.visit.id)

    @work(thread=True, exit_on_error=False, exclusive=True, group="screening-stream")
    def _follow(self) -> None:
        """The station's stream for as long as the screen is open: after a lost connection it reconnects and
        reads the visit again, since whatever arrived meanwhile was not streamed to this desk."""
        from textual.worker import get_current_worker

        worker = get_current_worker()
        while not worker.is_cancelled:
            try:
                for event, data in self.desk.client.reading_events(
                    self.station, stop=lambda: worker.is_cancelled
                ):
                    if event == "resync":
                        self.post_message(StreamResync())
                    elif event in {"reading", "claimed", "device"}:
                        self.post_message(ReadingStreamed(msgspec.json.decode(data, type=AnyReadingEvent)))
            except ApiUnreachable:
                deadline = time.monotonic() + STREAM_RETRY_S
                while not worker.is_cancelled and time.monotonic() < deadline:
                    time.sleep(0.1)  # short naps: a closing screen must not wait for the retry
                if not worker.is_cancelled:
                    self.post_message(StreamResync())

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.ctx = msgspec.structs.replace(self.ctx, summary=message.summary)
        self.clauses = {c.id: c for c in message.clauses}
        self.line.loaded(message.devices, message.waiting)
        self._redraw(self.values.load(message.summary.latest, message.readings))
        self.query_one(QuestionnaireList).load(message.forms)
        self._flags_loaded(FlagsLoaded(message.flags, again=False))
        self._refresh_now()
        self.loaded = True

    @on(StreamResync)
    def _resync(self) -> None:
        self._load()

    @on(ReadingStreamed)
    def _streamed(self, message: ReadingStreamed) -> None:
        match message.event:
            case NewReading(reading=r) if r.station == self.station:
                self.line.reading(r)
                if r.error is None and r.stable and r.visit_id is None:
                    self.set_timer(CLAIM_WAIT_S, lambda: self._not_claimed(r.id))
                self._redraw(self.values.reading(r))
            case ReadingClaimed(reading_id=rid, visit_id=vid):
                self.line.claimed(rid)
                self._redraw(self.values.claimed(rid, vid))
                if vid == self.ctx.visit.id:
                    self._check_flags(again=False)
                    self._refresh_soon()
            case DeviceChanged(device=d) if d.station == self.station:
                self.line.device(d)

    def _not_claimed(self, reading_id: int) -> None:
        if reading_id in self.line.waiting:
            self._redraw(self.values.waiting(reading_id))

    def _redraw(self, codes: set[str]) -> None:
        form = self.query_one(ReadingsForm)
        for code in codes & set(fields.GROUP_OF):
            form.show(code, self.values.shown(code))

    # --- F7: the station's waiting readings into this visit --------------------------------------------

    def action_claim(self) -> None:
        """F7: the newest waiting reading of each device becomes this visit's (the nurse saw who was measured)."""
        ids = self.line.newest_waiting()
        if not ids:
            self.notify(_("No readings are waiting at this station."), timeout=5)
            return
        self._claim(ids)

    @work(thread=True, exit_on_error=False, group="screening-entry")
    def _claim(self, reading_ids: list[int]) -> None:
        from tui.endpoints.screening import claim_readings

        try:
            claimed = claim_readings(self.desk.client, self.ctx.visit.id, reading_ids)
        except ApiClientError as error:
            if error.code == "conflict":
                self.post_message(StreamResync())  # another desk took one first: read the station again
            raise
        self.post_message(Entered(claimed, [], ()))

    # --- typed values and ticked signs -----------------------------------------------------------------

    @on(ReadingsForm.GroupDone)
    def _group_done(self, message: ReadingsForm.GroupDone) -> None:
        self._save_group(message.group)

    def _save_group(self, group: str) -> bool:
        """Send the group's typed values; False when one cannot be right (it is marked, and not sent)."""
        form = self.query_one(ReadingsForm)
        good, all_good = form.ready(group, self.values.values(), self._in_flight)
        if good:
            codes = list(good)
            self._in_flight |= set(codes)
            form.saving(codes)
            self._enter(fields.with_bmi(good, self.values.values()), codes, (), self._pregnant())
        return all_good

    def _save_symptoms(self) -> None:
        pending = self.query_one(FindingsFacts).take_symptoms()
        if pending:
            self._enter({}, [], pending, self._pregnant())

    @on(FindingsFacts.SymptomsDone)
    def _symptoms_done(self) -> None:
        self._save_symptoms()

    @on(FindingsFacts.FlagsChanged)
    def _flags_changed(self) -> None:
        self._refresh_soon()

    def _pregnant(self) -> bool:
        return self.query_one(FindingsFacts).pregnant()

    @work(thread=True, exit_on_error=False, group="screening-entry")
    def _enter(
        self, values: dict[str, float], codes: list[str], symptoms: tuple[str, ...], pregnant: bool
    ) -> None:
        from tui.endpoints.screening import enter_values

        try:
            result = enter_values(
                self.desk.client, self.ctx.visit.id, values, symptoms=symptoms, pregnant_or_lactating=pregnant
            )
        except ApiClientError as error:
            if error.code == "unauthorized":
                raise
            self.post_message(EntryRefused(error, codes, symptoms))
            return
        self.post_message(Entered([result], codes, symptoms))

    @on(Entered)
    def _entered(self, message: Entered) -> None:
        form = self.query_one(ReadingsForm)
        self._in_flight -= set(message.codes)
        form.saved(message.codes)
        changed = set(message.codes)
        for result in message.results:
            changed |= self.values.entered(result.observations)
        self._redraw(changed)
        if message.symptoms:
            self.query_one(FindingsFacts).saved_symptoms(message.symptoms)
        flags = [r.flag for r in message.results if r.flag is not None]
        if flags:
            self.banner.alert(flags[-1], who=self._who(), clauses=self.clauses, again=False)
        self._refresh_soon()
        self._finish_if_saved()

    @on(EntryRefused)
    def _refused(self, message: EntryRefused) -> None:
        self._in_flight -= set(message.codes)
        self._finish_after_save = False
        reason = describe(message.error)
        if isinstance(message.error, ApiUnreachable):
            self.desk.note_connection(Connection.OFFLINE)
        self.query_one(ReadingsForm).refused(message.codes, message.error.field, reason)
        if message.symptoms:
            self.query_one(FindingsFacts).symptoms_error(_("Not saved: {reason}").format(reason=reason))

    # --- the emergency ---------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="screening-flags")
    def _check_flags(self, *, again: bool) -> None:
        from tui.endpoints.screening import emergencies

        self.post_message(FlagsLoaded(emergencies(self.desk.client, self.ctx.visit.id), again=again))

    @on(FlagsLoaded)
    def _flags_loaded(self, message: FlagsLoaded) -> None:
        self.banner.flags(message.flags, who=self._who(), clauses=self.clauses, again=message.again)

    def _who(self) -> str:
        r = self.ctx.summary.resident
        return f"{r.name}  {labels.word(labels.SEX, r.sex)}  " + _("{age} y").format(age=self.age)

    @on(EmergencyBanner.Refer)
    def _refer(self, message: EmergencyBanner.Refer) -> None:
        self.advance(Move.REFER_EMERGENCY, reason=message.reason)

    @on(EmergencyBanner.Measure)
    def _measure_again(self) -> None:
        self.query_one(ReadingsForm).focus_code("sbp")

    def action_emergency(self) -> None:
        flag = self.banner.flag
        if flag is None:
            self.notify(_("No open emergency in this visit."), timeout=5)
            return
        self.banner.alert(flag, who=self._who(), clauses=self.clauses, again=True)

    def show_error(self, error: BaseException) -> None:
        if isinstance(error, ApiClientError) and error.code == "emergency_pending":
            self._check_flags(again=True)  # F10 refused: the emergency is what stands in the way
            return
        super().show_error(error)

    # --- findings -----------------------------------------------------------------------------------

    def _refresh_soon(self) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        self._refresh_timer = self.set_timer(REFRESH_S, self._refresh_now)

    def _refresh_now(self) -> None:
        self.query_one(FindingsView).note(_("refreshing…"))
        self._screen(self.query_one(FindingsFacts).flags())

    @work(thread=True, exit_on_error=False, exclusive=True, group="screening-findings")
    def _screen(self, flags: HistoryFlags) -> None:
        from tui.endpoints.screening import screen_visit

        try:
            report = screen_visit(self.desk.client, self.ctx.visit.id, flags)
        except ApiClientError as error:
            if error.code in ("unauthorized", "unreachable"):
                raise
            self.post_message(FindingsReady(None, error))
            return
        self.post_message(FindingsReady(report, None))

    @on(FindingsReady)
    def _findings(self, message: FindingsReady) -> None:
        view = self.query_one(FindingsView)
        if message.report is None:
            assert message.error is not None
            view.note("✕ " + describe(message.error))
            return
        view.show(message.report, self.clauses, dt.datetime.now().strftime("%H:%M:%S"))

    @on(QuestionnaireList.Scored)
    def _scored(self) -> None:
        self._refresh_soon()

    # --- keys -----------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """F7 and F9 are in the footer only while there is something to take or an emergency to act on."""
        if action == "claim":
            lines = self.query(StationLine)
            return bool(lines) and bool(lines.first().waiting)
        if action == "emergency":
            banners = self.query(EmergencyBanner)
            return bool(banners) and banners.first().flag is not None
        return True

    def _show_values(self) -> None:
        self.remove_class("-show-findings")

    def action_values(self) -> None:
        self._show_values()
        form = self.query_one(ReadingsForm)
        form.focus_code(form.first_error() or "sbp")

    def action_symptoms(self) -> None:
        self._show_values()
        signs = self.query_one("#symptom-list", SelectionList)
        signs.focus()
        self.call_after_refresh(signs.scroll_visible, top=True)

    def action_questionnaires(self) -> None:
        self._show_values()
        forms = self.query_one(QuestionnaireList)
        forms.focus()
        self.call_after_refresh(forms.scroll_visible, top=True)

    def action_findings(self) -> None:
        self.add_class("-show-findings")
        self.query_one(FindingsView).focus()
        self._refresh_now()

    def action_next_step(self) -> None:
        """F10: every typed value and ticked sign saved first, then finish_screening."""
        if self.moving:
            return
        saved = [self._save_group(group.id) for group in fields.GROUPS]
        self._save_symptoms()
        if not all(saved):
            self.action_values()
            self.notify(_("Correct the marked values first; nothing typed is lost."), severity="warning")
            return
        self._finish_after_save = True
        self._finish_if_saved()

    def _finish_if_saved(self) -> None:
        if self._finish_after_save and not self._in_flight and not self.query_one(FindingsFacts).sending:
            self._finish_after_save = False
            self.advance(Move.FINISH_SCREENING)
