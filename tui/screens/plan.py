"""Graded intervention (分类分级管理): the plan per confirmed condition and class, the lifestyle goals, the drugs.

Each confirmed condition shows its default plan (flows.rules.plans, at the latest follow-up class) and today's
class from today's values (classifyFollowup); the goals are edited once for all (the merged plan's strictest
values). The running drugs continue unless stopped (F4, with a reason) or changed (F5); F3 adds a drug of the
essential medicines list. F10 saves each condition's plan, the stops and the new prescriptions, and moves the
visit to follow-up booking; a controlled patient with nothing to change needs F10 alone. At ≥5 running drugs the
pharmacist-review flag shows (多重用药, CLINICAL_RULES.md §11).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import msgspec
from textual import work
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Checkbox, DataTable, Input, Label

from flows.medicines import MedicineItem
from flows.model import Condition, Move, ResidentSummary
from flows.prescriptions import PrescriptionRequest, ResidentPrescriptions
from flows.rules.multimorbidity import DiseaseAssessment
from flows.rules.plans import ManagementPlan, PlanEdit, merge_plans
from tui import labels
from tui.errors import describe
from tui.i18n import _
from tui.screens.doctor import DoctorScreen
from tui.screens.plan_load import load_plan
from tui.screens.plan_words import (
    GOALS,
    NewDrug,
    condition_line,
    goal_text,
    goals_edit,
    monitoring_line,
    new_row,
    running_row,
)

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from tui.flow import VisitContext


class PlanLoaded(Message):
    def __init__(
        self,
        summary: ResidentSummary,
        plans: dict[Condition, ManagementPlan | str],
        today: dict[Condition, DiseaseAssessment],
        drugs: ResidentPrescriptions,
        medicines: list[MedicineItem],
    ) -> None:
        super().__init__()
        self.summary, self.plans, self.today, self.drugs, self.medicines = (
            summary,
            plans,
            today,
            drugs,
            medicines,
        )


class PlanSent(Message):
    """One part of the save went through: a plan (condition), a stop (prescription id) or a new drug (index)."""

    def __init__(self, kind: str, key: object) -> None:
        super().__init__()
        self.kind, self.key = kind, key


class PlanScreen(DoctorScreen):
    CSS_PATH = "plan.tcss"
    KEYS: ClassVar[tuple[str, ...]] = (*DoctorScreen.DOCTOR_KEYS, "plan.add", "plan.stop", "plan.dose")

    def __init__(self, ctx: VisitContext) -> None:
        super().__init__(ctx)
        self.plans: dict[Condition, ManagementPlan | str] = {}
        self.today: dict[Condition, DiseaseAssessment] = {}
        self.drugs: ResidentPrescriptions | None = None
        self.medicines: list[MedicineItem] = []
        self.stops: dict[int, str] = {}  # running prescription id → stop reason, sent with F10
        self.new: list[NewDrug] = []
        self.saved: dict[Condition, int] = {}  # plans saved by this F10 (a retry does not save them twice)
        self.saving = False

    def compose_step(self) -> ComposeResult:
        with Vertical(id="plan-body"):
            yield Label(_("Reading the plan…"), id="plan-conditions", markup=False)
            with Horizontal(id="plan-goals"):
                for field, name, _whole in GOALS:
                    yield Label(_(name), classes="plan-goal-name")
                    yield Input(
                        "", id=f"goal-{field}", classes="plan-goal", restrict=r"[0-9.]*", max_length=6
                    )
                yield Checkbox(_("No smoking"), id="goal-no_smoking")
            yield Label("", id="plan-monitoring", markup=False)
            yield Label("", id="plan-review", markup=False)
            yield DataTable(id="plan-drugs", cursor_type="row", zebra_stripes=True)
            yield Label("", id="plan-info", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#plan-drugs", DataTable)
        table.add_columns(_("Drug"), _("Dose"), _("Frequency"), _("Long-term"), _("Supply"), _("Plan"))
        self._load()

    # --- workers ---------------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="plan-load")
    def _load(self) -> None:
        found = load_plan(self.desk.client, self.ctx.visit)
        self.post_message(PlanLoaded(*found))

    @work(thread=True, exit_on_error=False, exclusive=True, group="plan-save")
    def _save(self, edit: PlanEdit, stops: dict[int, str], new: list[NewDrug]) -> None:
        from tui.endpoints.plans import prescribe, save_plan, stop_prescription

        client, rid, visit_id = self.desk.client, self.ctx.visit.resident_id, self.ctx.visit.id
        plan_ids = dict(self.saved)
        for condition, plan in self.plans.items():
            if condition not in plan_ids and not isinstance(plan, str):
                found = self.today.get(condition)
                cls = (found.cls or found.copd_cls) if found is not None else None
                saved = save_plan(
                    client, rid, condition, edit, visit_id, today_class=cls.value if cls else None
                )
                plan_ids[condition] = saved.id
                self.post_message(PlanSent("plan", (condition, plan_ids[condition])))
        for prescription_id, reason in stops.items():
            stop_prescription(client, prescription_id, reason)
            self.post_message(PlanSent("stop", prescription_id))
        for drug in new:
            plan_id = next((plan_ids[c] for c in drug.medicine.conditions if c in plan_ids), None)
            request = PrescriptionRequest(
                drug=drug.medicine.drug,
                dose=drug.dose,
                frequency=drug.frequency,
                days=drug.days,
                long_term=drug.long_term,
                visit_id=visit_id,
                plan_id=plan_id,
                shortage=drug.shortage,
            )
            prescribe(client, rid, request)
            self.post_message(PlanSent("new", drug))
        self.post_message(PlanSent("done", None))

    def on_plan_loaded(self, message: PlanLoaded) -> None:
        self.ctx = msgspec.structs.replace(self.ctx, summary=message.summary)
        self.plans, self.today = message.plans, message.today
        self.drugs, self.medicines = message.drugs, message.medicines
        merged = self._merged()
        if merged is not None:
            for field, _name, _whole in GOALS:
                self.query_one(f"#goal-{field}", Input).value = goal_text(merged.lifestyle, field)
            self.query_one("#goal-no_smoking", Checkbox).value = merged.lifestyle.no_smoking
        self._show()
        self.query_one("#plan-drugs", DataTable).focus()

    def on_plan_sent(self, message: PlanSent) -> None:
        if message.kind == "plan" and isinstance(message.key, tuple):
            condition, plan_id = message.key
            self.saved[condition] = plan_id
        elif message.kind == "stop" and isinstance(message.key, int):
            self.stops.pop(message.key, None)
        elif message.kind == "new" and isinstance(message.key, NewDrug) and message.key in self.new:
            self.new.remove(message.key)
        elif message.kind == "done":
            self.saving = False
            self._info(_("Plan saved."))
            self.advance(Move.SET_PLAN)

    def show_error(self, error: BaseException) -> None:
        self.saving = False
        self._info(describe(error), error=True)
        self._show()

    # --- keys ------------------------------------------------------------------------------------------

    def action_next_step(self) -> None:
        if self.drugs is None or self.saving or self.moving:
            return
        merged = self._merged()
        edit = PlanEdit()
        if merged is not None:
            typed = {f: self.query_one(f"#goal-{f}", Input).value for f, _n, _w in GOALS}
            try:
                edit = goals_edit(merged.lifestyle, typed, self.query_one("#goal-no_smoking", Checkbox).value)
            except ValueError as bad:
                names = {f: n for f, n, _w in GOALS}
                self._info(_("Not a number: {field}").format(field=_(names[str(bad)])), error=True)
                return
            if (
                any(t is not None and not t.controlled for t in self.today.values())
                and not merged.drug_review
            ):
                edit = msgspec.structs.replace(edit, drug_review=True)  # today's class asks for a review
        self.saving = True
        self._info(_("Saving the plan…"))
        self._save(edit, dict(self.stops), list(self.new))

    def action_add_drug(self) -> None:
        from tui.screens.plan_picker import DrugPicker

        self.app.push_screen(DrugPicker(self.medicines), self._added)

    def _added(self, drug: NewDrug | None) -> None:
        if drug is not None:
            self.new.append(drug)
            if drug.replaces is not None:
                self.stops[drug.replaces] = _("dose changed")
            self._show()

    def action_stop_drug(self) -> None:
        from tui.screens.reason import ReasonDialog

        key = self._row_key()
        if key is None:
            return
        if key.startswith("new-"):
            dropped = self.new.pop(int(key[4:]))
            if dropped.replaces is not None:
                self.stops.pop(dropped.replaces, None)
            self._show()
            return
        prescription_id = int(key[3:])

        def stop(reason: str | None) -> None:
            if reason:
                self.stops[prescription_id] = reason
                self._show()

        choices = (_("Adverse reaction"), _("Not effective"), _("Controlled without it"), _("Duplicate"))
        self.app.push_screen(ReasonDialog(_("Stop the drug"), _("Why is it stopped?"), choices=choices), stop)

    def action_change_dose(self) -> None:
        from tui.screens.plan_picker import DrugPicker

        key = self._row_key()
        running = {p.id: p for p in (self.drugs.running if self.drugs else ())}
        if key is None or not key.startswith("rx-") or int(key[3:]) not in running:
            self._info(_("Highlight a running drug to change its dose."), error=True)
            return
        p = running[int(key[3:])]
        item = next((i for i in self.medicines if i.medicine.drug == p.drug), None)
        if item is None:
            self._info(
                _("{drug} is not on the essential medicines list now.").format(drug=p.drug), error=True
            )
            return
        preset = NewDrug(
            medicine=item.medicine,
            dose=p.dose,
            frequency=p.frequency,
            long_term=p.long_term,
            days=p.days_left or 28,
            replaces=p.id,
        )
        self.app.push_screen(DrugPicker([item], preset=preset), self._added)

    # --- showing ---------------------------------------------------------------------------------------

    def _merged(self) -> ManagementPlan | None:
        plans = [p for p in self.plans.values() if not isinstance(p, str)]
        return merge_plans(plans) if plans else None

    def running_count(self) -> int:
        """The distinct drugs the patient will be on: the running ones not stopped, and the new ones."""
        kept = {p.drug for p in (self.drugs.running if self.drugs else ()) if p.id not in self.stops}
        return len(kept | {d.medicine.drug for d in self.new})

    def _show(self) -> None:
        lines = [
            condition_line(plan, labels.word(labels.CONDITION, c), self.today.get(c))
            for c, plan in self.plans.items()
        ]
        self.query_one("#plan-conditions", Label).update(
            "\n".join(lines) or _("No confirmed chronic condition: the plan has lifestyle advice only.")
        )
        merged = self._merged()
        self.query_one("#plan-monitoring", Label).update(monitoring_line(merged.monitoring) if merged else "")
        review = self.query_one("#plan-review", Label)
        threshold = self.drugs.review_from if self.drugs else 5
        count = self.running_count()
        flagged = count >= threshold
        review.update(
            _("Polypharmacy: {n} drugs (≥{m}) — ask the pharmacist to review the medication.").format(
                n=count, m=threshold
            )
            if flagged
            else ""
        )
        review.set_class(flagged, "-flag")
        table = self.query_one("#plan-drugs", DataTable)
        table.clear()
        for p in self.drugs.running if self.drugs else ():
            table.add_row(*running_row(p, self.stops.get(p.id)), key=f"rx-{p.id}")
        for i, d in enumerate(self.new):
            table.add_row(*new_row(d), key=f"new-{i}")

    def _row_key(self) -> str | None:
        table = self.query_one("#plan-drugs", DataTable)
        if table.row_count == 0:
            self._info(_("No drug to act on: F3 adds one."), error=True)
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    def _info(self, text: str, *, error: bool = False) -> None:
        info = self.query_one("#plan-info", Label)
        info.update(text)
        info.set_class(error, "-error")
