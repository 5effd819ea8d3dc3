"""The record update step (GUIDE-2025 一站式流程 更新档案): history, family history, lifestyle, allergies, outside
medicines, and the household with its family alerts (家属健康提示).

A returning resident's record is shown as stored: nothing is retyped, and F10 saves only if something changed
(then moves the visit on). A new one is filled with the keyboard: Tab between the lists and option rows,
digits or letters pick options, Insert adds a row to the focused list, Enter changes it, Delete takes it off.
The household lists the members: Enter on one says who they are to the resident (saved at once, so the alerts
can be proposed); the alerts this visit's record proposes for them are confirmed with F9. Alerts about this
resident, from a relative's condition, stand above everything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

import msgspec
from textual import events, on, work
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static

from flows.alerts import FamilyAlert, FamilyAlerts, FamilyAlertStatus, RaiseAlerts
from flows.model import Move
from flows.record import (
    HealthRecord,
    HealthRecordInput,
    HouseholdMember,
    HouseholdRelation,
    Relation,
    as_input,
)
from flows.rules.family import ProposedAlert
from tui.client import ApiClientError
from tui.endpoints import record as api
from tui.errors import describe
from tui.flow import VisitContext
from tui.i18n import _
from tui.screens import record_edit as edit
from tui.screens import record_household as household
from tui.screens import record_words as w
from tui.screens.record_lifestyle import LifestyleForm
from tui.screens.record_parts import Field, RowDialog
from tui.screens.visit import VisitScreen

if TYPE_CHECKING:
    from textual.app import ComposeResult

_TITLES = {
    edit.HISTORY: w.SECTION["diseases"],
    edit.FAMILY: w.SECTION["family_history"],
    edit.ALLERGIES: w.SECTION["allergies"],
    edit.MEDICINES: w.SECTION["medicines"],
}


class Loaded(Message):
    """The record, the resident's alerts and the visit's proposals as the API has them now. `keep_draft`:
    nothing of the draft was saved on the way (an alert's status changed), so unsaved edits stay."""

    def __init__(
        self,
        record: HealthRecord,
        alerts: FamilyAlerts,
        proposed: list[ProposedAlert],
        note: str = "",
        *,
        keep_draft: bool = False,
    ) -> None:
        super().__init__()
        self.record, self.alerts, self.proposed, self.note = record, alerts, proposed, note
        self.keep_draft = keep_draft


class Saved(Message):
    """F10's save went through: the visit moves on."""


class RecordScreen(VisitScreen):
    CSS_PATH = "record.tcss"
    KEYS: ClassVar[tuple[str, ...]] = (
        "record.add",
        "record.delete",
        "record.alerts",
        *VisitScreen.VISIT_KEYS,
    )

    def __init__(self, ctx: VisitContext) -> None:
        super().__init__(ctx)
        self.record: HealthRecord | None = None
        self.stored: HealthRecordInput | None = None  # the record as saved: F10 compares with it
        self.draft = HealthRecordInput(visit_id=ctx.visit.id)
        self.alerts = FamilyAlerts(about=(), raised=())
        self.proposed: list[ProposedAlert] = []
        self.busy = False  # a save is on its way: F10, F9 and relation changes wait for it

    # --- layout --------------------------------------------------------------------------------------

    def compose_step(self) -> ComposeResult:
        yield Label("", id="record-about", markup=False)
        yield Label(_("Loading the record…"), id="record-info", markup=False)
        with VerticalScroll(id="record-body"):
            for section in (edit.HISTORY, edit.FAMILY):
                with Vertical(id=f"sec-{section}", classes="section"):
                    yield DataTable(id=section, cursor_type="row", classes="list")
            yield LifestyleForm(id="sec-lifestyle", classes="section")
            for section in (edit.ALLERGIES, edit.MEDICINES):
                with Vertical(id=f"sec-{section}", classes="section"):
                    yield DataTable(id=section, cursor_type="row", classes="list")
                    if section == edit.MEDICINES:
                        yield Static("", id="prescriptions", markup=False)
            with Vertical(id="sec-household", classes="section"):
                yield DataTable(id="household", cursor_type="row")
                yield Label("", id="proposed-title", markup=False)
                yield DataTable(id="proposed", cursor_type="row")
                yield DataTable(id="alerts", cursor_type="row")

    def on_mount(self) -> None:
        for section in edit.LISTS:
            self.query_one(f"#{section}", DataTable).add_columns(*edit.columns(section))
        self.query_one("#sec-lifestyle").border_title = _("Lifestyle")
        self.query_one("#sec-household").border_title = _("Household and family alerts")
        self.query_one("#household", DataTable).add_columns(
            _("Member"), _("Sex, age"), _("Relation"), _("Alerts")
        )
        self.query_one("#proposed", DataTable).add_columns(_("For"), _("Because"), _("Alert"), _("Clause"))
        self.query_one("#alerts", DataTable).add_columns(_("For"), _("Because of"), _("Alert"), _("Status"))
        self.query_one(f"#{edit.HISTORY}", DataTable).focus()
        self._load()

    # --- workers: each posts the record as the API has it afterwards ------------------------------------

    def _fetch(self, note: str = "", *, keep_draft: bool = False) -> Loaded:
        client, rid = self.desk.client, self.ctx.summary.resident.id
        record = api.get_record(client, rid)
        alerts, proposed = api.resident_alerts(client, rid), api.proposed_alerts(client, self.ctx.visit.id)
        return Loaded(record, alerts, proposed, note, keep_draft=keep_draft)

    @work(thread=True, exit_on_error=False, exclusive=True, group="record-load")
    def _load(self) -> None:
        self.post_message(self._fetch())

    @work(thread=True, exit_on_error=False, group="record-write")
    def _save(self, body: HealthRecordInput, *, then_move: bool) -> None:
        api.save_record(self.desk.client, self.ctx.summary.resident.id, body)
        self.post_message(Saved() if then_move else self._fetch(_("Saved.")))

    @work(thread=True, exit_on_error=False, group="record-write")
    def _raise(self, body: HealthRecordInput | None, request: RaiseAlerts) -> None:
        client = self.desk.client
        if body is not None:  # kinship typed but not saved yet: the proposals need it stored
            api.save_record(client, self.ctx.summary.resident.id, body)
        raised = api.raise_alerts(client, self.ctx.visit.id, request)
        self.post_message(self._fetch(_("{n} family alert(s) raised.").format(n=len(raised))))

    @work(thread=True, exit_on_error=False, group="record-write")
    def _status(self, alert_id: int, status: FamilyAlertStatus) -> None:
        api.set_alert_status(self.desk.client, alert_id, status)
        self.post_message(self._fetch(_("Alert updated."), keep_draft=True))

    # --- answers --------------------------------------------------------------------------------------

    def on_loaded(self, message: Loaded) -> None:
        self.busy = False
        self.record, self.alerts, self.proposed = message.record, message.alerts, message.proposed
        self.stored = as_input(message.record, visit_id=self.ctx.visit.id)
        if not message.keep_draft:
            self.draft = self.stored
            self.query_one(LifestyleForm).show(self.draft.lifestyle)
        self._draw()
        when = message.record.updated_at
        if message.note:
            self._info(message.note)
        elif when is None:
            self._info(_("New record: fill in what the resident tells. F10 saves and goes on."))
        else:
            self._info(
                _("Last updated {when}. Check it with the resident; F10 goes on.").format(when=_local(when))
            )
        self.refresh_bindings()

    def on_saved(self, _message: Saved) -> None:
        self.busy = False
        self.advance(Move.FINISH_RECORD_UPDATE)

    def show_error(self, error: BaseException) -> None:
        self.busy = False
        field = error.field if isinstance(error, ApiClientError) else None
        api_name, row, where = w.refused_field(field)
        section = edit.API_NAMES.get(api_name)
        if section is not None and row is not None:
            table = self.query_one(f"#{section}", DataTable)
            table.focus()
            table.move_cursor(row=edit.api_row(section, self.draft, api_name, row))
        self._info(f"{where}: {describe(error)}" if where else describe(error), error=True)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The whole section comes into view with its field: its title and keys are the nurse's guide."""
        for node in event.widget.ancestors:
            if isinstance(node, Widget) and node.has_class("section"):
                if node.outer_size.height <= self.query_one("#record-body").size.height:
                    node.scroll_visible(animate=False)  # taller than the view: the field alone is shown
                return

    # --- keys -----------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "raise_alerts":
            return bool(self.proposed)
        return True

    def action_next_step(self) -> None:
        if self.busy or self.moving or self.stored is None:
            return
        if self.draft == self.stored:  # a returning resident's record as it was: nothing is rewritten
            self.advance(Move.FINISH_RECORD_UPDATE)
            return
        self.busy = True
        self._info(_("Saving the record…"))
        self._save(self.draft, then_move=True)

    def action_raise_alerts(self) -> None:
        if self.busy or not self.proposed:
            return
        self._start_raise(RaiseAlerts())

    def _start_raise(self, request: RaiseAlerts) -> None:
        self.busy = True
        self._info(_("Raising the family alerts…"))
        self._raise(self.draft if self.draft != self.stored else None, request)

    def action_add_row(self) -> None:
        section = self._focused_list()
        if section is None:
            self._info(_("Move to a list first (Tab), then Insert adds a row to it."), error=True)
            return
        self._edit_row(section, None)

    def action_delete_row(self) -> None:
        focused = self.focused
        if not isinstance(focused, DataTable) or not focused.row_count:
            return
        if focused.id in edit.LISTS:
            self.draft = edit.delete(str(focused.id), self.draft, focused.cursor_row)
            self._draw()
            self._info(_("Row taken off; F10 saves the change."))
        elif focused.id == "household":
            self._set_relation(self._members()[focused.cursor_row].resident_id, None)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        table, row = event.data_table, event.cursor_row
        if table.id in edit.LISTS:
            self._edit_row(str(table.id), row)
        elif table.id == "household":
            self._ask_relation(row)
        elif table.id == "proposed" and not self.busy:
            p = self.proposed[row]
            self._start_raise(RaiseAlerts(relative_ids=(p.relative_id,), codes=(p.code,)))
        elif table.id == "alerts":
            self._ask_status(self._all_alerts()[row])

    # --- editing --------------------------------------------------------------------------------------

    def _focused_list(self) -> str | None:
        focused = self.focused
        return str(focused.id) if isinstance(focused, DataTable) and focused.id in edit.LISTS else None

    def _edit_row(self, section: str, index: int | None) -> None:
        title, fields = edit.dialog(section, self.draft, index)

        def done(values: dict[str, str | None] | None) -> None:
            if values is None:
                return
            try:
                self.draft = edit.apply(section, self.draft, index, values)
            except ValueError as problem:
                self._info(str(problem), error=True)
                return
            self._draw()
            self._info(_("F10 saves the record and goes on."))

        self.app.push_screen(RowDialog(title, fields), done)

    def _ask_relation(self, row: int) -> None:
        member = self._members()[row]
        field = Field(
            name="relation",
            label=_("{name} is the resident's").format(name=member.name),
            options=w.options(w.RELATION),
            value=member.relation.value if member.relation else None,
        )

        def done(values: dict[str, str | None] | None) -> None:
            if values is not None:
                chosen = values["relation"]
                self._set_relation(member.resident_id, Relation(chosen) if chosen else None)

        self.app.push_screen(RowDialog(_("Relation"), [field]), done)

    def _set_relation(self, relative_id: int, relation: Relation | None) -> None:
        """Saved at once: the family alerts are proposed from the stored kinship."""
        if self.busy:
            return
        kin: dict[int, Relation | None] = {r.relative_id: r.relation for r in self.draft.relations}
        kin[relative_id] = relation
        relations = tuple(
            HouseholdRelation(relative_id=m.resident_id, relation=found)
            for m in self._members()
            if (found := kin.get(m.resident_id)) is not None
        )
        self.draft = msgspec.structs.replace(self.draft, relations=relations)
        self.busy = True
        self._info(_("Saving the relation…"))
        self._save(self.draft, then_move=False)

    def _ask_status(self, alert: FamilyAlert) -> None:
        choices = (
            (FamilyAlertStatus.ACKNOWLEDGED.value, _("told")),
            (FamilyAlertStatus.DONE.value, _("screened")),
        )
        field = Field(name="status", label=_("The relative was"), options=choices, required=True)

        def done(values: dict[str, str | None] | None) -> None:
            if values is not None and values["status"] and not self.busy:
                self.busy = True
                self._status(alert.id, FamilyAlertStatus(values["status"]))

        self.app.push_screen(RowDialog(_("Family alert"), [field]), done)

    # --- lifestyle ------------------------------------------------------------------------------------

    def on_lifestyle_form_changed(self, _message: LifestyleForm.Changed) -> None:
        if self.stored is not None:
            self.draft = msgspec.structs.replace(self.draft, lifestyle=self.query_one(LifestyleForm).value())

    # --- drawing --------------------------------------------------------------------------------------

    def _members(self) -> list[HouseholdMember]:
        """The household as loaded, with the relations of the draft."""
        kin = {r.relative_id: r.relation for r in self.draft.relations}
        members = self.record.household if self.record else ()
        return [msgspec.structs.replace(m, relation=kin.get(m.resident_id)) for m in members]

    def _all_alerts(self) -> list[FamilyAlert]:
        return [*self.alerts.about, *self.alerts.raised]

    def _draw(self) -> None:
        for section in edit.LISTS:
            rows = edit.cells(section, self.draft)
            table = self.query_one(f"#{section}", DataTable)
            _refill(table, rows)
            count = str(len(rows)) if rows else _("none")
            box = self.query_one(f"#sec-{section}")
            box.border_title = f"{_(_TITLES[section])} ({count})"
            box.border_subtitle = _("Ins add · Enter change · Del remove")
        self._draw_household()

    def _draw_household(self) -> None:
        found = self._members()
        all_alerts = self._all_alerts()
        _refill(
            self.query_one("#household", DataTable), household.members(found, all_alerts, self.desk.today())
        )
        proposed = household.proposals(self.proposed, {m.resident_id: m.name for m in found})
        _refill(self.query_one("#proposed", DataTable), proposed)
        self.query_one("#proposed", DataTable).display = bool(proposed)
        title = (
            _("Proposed family alerts: F9 confirms all, Enter one")
            if proposed
            else _("No family alert to propose.")
        )
        self.query_one("#proposed-title", Label).update(title)
        _refill(self.query_one("#alerts", DataTable), household.alerts(all_alerts))
        self.query_one("#alerts", DataTable).display = bool(all_alerts)
        self.query_one("#sec-household").border_subtitle = _("Enter: relation · F9: confirm alerts")
        self.query_one("#prescriptions", Static).update(
            household.prescriptions(self.record.prescriptions if self.record else ())
        )
        text = household.banner(self.alerts.about)
        self.query_one("#record-about", Label).update(text)
        self.query_one("#record-about", Label).display = bool(text)

    def _info(self, text: str, *, error: bool = False) -> None:
        info = self.query_one("#record-info", Label)
        info.update(text)
        info.set_class(error, "-error")


def _refill(table: DataTable[str], rows: Sequence[tuple[str, ...]]) -> None:
    row = table.cursor_row
    table.clear()
    for cells in rows:
        table.add_row(*cells)
    if table.row_count:
        table.move_cursor(row=min(row, table.row_count - 1))


def _local(at: dt.datetime) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M")
