"""Follow-up booking (随访): the national form of the resident's managed conditions (merged when several),
prefilled from this visit, the health record and the running drugs; the class of each condition and the next
date computed by the rules with the clause behind them; F10 saves the follow-up, books the next one (and the
clinic appointment at a time) and closes the visit. A controlled hypertension follow-up is one key.

Changing a class (F4) or the date (F5, or typing it) asks why (ReasonDialog): the doctor's choice wins only
with a reason, and the rules' class is kept beside it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label

from flows.appointments import Appointment
from flows.clinical import FollowupDraft, FollowupMode, FollowupOutcome, FollowupPreview, FollowupRequest
from flows.model import Condition, Move
from flows.rules.followup_override import class_values
from tui import labels
from tui.errors import describe
from tui.i18n import N_, _
from tui.screens.doctor import DoctorScreen
from tui.screens.followup_request import build_request, parse_date, parse_time
from tui.screens.followup_words import (
    CLASS,
    CLASS_REASONS,
    DATE_REASONS,
    MODE,
    decision_line,
    drugs_line,
    lifestyle_line,
    symptoms_line,
)

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from tui.flow import VisitContext

# The boxes typed at this screen: id → (label msgid, unit). The rest of the form comes prefilled.
VALUE_BOXES: dict[str, tuple[str, str]] = {
    "sbp": (N_("BP"), ""),
    "dbp": ("/", "mmHg"),
    "weight": (N_("Weight"), "kg"),
    "pulse": (N_("Heart rate"), "/min"),
    "fpg": (N_("FPG"), "mmol/L"),
    "hba1c": (N_("HbA1c"), "%"),
    "spo2": (N_("SpO2"), "%"),
}
ROWS = {"signs": ("sbp", "dbp", "weight", "pulse"), "dm": ("fpg", "hba1c"), "copd": ("spo2",)}
PREVIEW_DELAY_S = 0.4


class DraftLoaded(Message):
    def __init__(self, draft: FollowupDraft) -> None:
        super().__init__()
        self.draft = draft


class Previewed(Message):
    def __init__(self, request: FollowupRequest, preview: FollowupPreview) -> None:
        super().__init__()
        self.request = request
        self.preview = preview


class Saved(Message):
    def __init__(self, outcome: FollowupOutcome, appointment: Appointment | None) -> None:
        super().__init__()
        self.outcome = outcome
        self.appointment = appointment


class FollowupScreen(DoctorScreen):
    CSS_PATH = "followup.tcss"
    KEYS: ClassVar[tuple[str, ...]] = (
        *DoctorScreen.DOCTOR_KEYS,
        "followup.mode",
        "followup.class",
        "followup.date",
        "followup.copd",
    )

    def __init__(self, ctx: VisitContext) -> None:
        super().__init__(ctx)
        self.draft: FollowupDraft | None = None
        self.preview: FollowupPreview | None = None
        self.previewed: FollowupRequest | None = None
        self.overrides: dict[Condition, str] = {}
        self.reasons: dict[str, str] = {}  # "class:<condition>" / "date" → the doctor's reason
        self.date_override: dt.date | None = None
        self.mode = FollowupMode.CLINIC
        self.copd_stable: bool | None = None
        self.outcome: FollowupOutcome | None = (
            None  # saved: a retry after a failed booking does not save twice
        )
        self.appointment: Appointment | None = None
        self.saving = False
        self.referral_seen = False  # the rules advised referral and the doctor was told (F10 again books)
        self._timer: Timer | None = None

    def compose_step(self) -> ComposeResult:
        with Vertical(id="fu-form") as form:
            form.border_title = _("Follow-up form")
            for row, boxes in ROWS.items():
                with Horizontal(classes="fu-row", id=f"fu-row-{row}"):
                    for box in boxes:
                        name, unit = VALUE_BOXES[box]
                        yield Label(_(name) if name != "/" else name, classes="fu-name", markup=False)
                        yield Input(id=f"fu-{box}", classes="fu-value", restrict=r"[0-9.]*")
                        if unit:
                            yield Label(unit, classes="fu-unit", markup=False)
                    if row == "copd":
                        yield Label(_("COPD"), classes="fu-name", markup=False)
                        yield Label("", id="fu-stable", markup=False)
            for line in ("symptoms", "lifestyle", "drugs"):
                yield Label("", id=f"fu-{line}", classes="fu-line", markup=False)
        with Vertical(id="fu-classes") as classes:
            classes.border_title = _("Follow-up class")
            yield Vertical(id="fu-decisions")
            with Horizontal(classes="fu-row"):
                yield Label(_("Next follow-up"), classes="fu-name", markup=False)
                yield Input(id="fu-date", classes="fu-date", restrict=r"[0-9-]*")
                yield Label(_("Mode"), classes="fu-name", markup=False)
                yield Label("", id="fu-mode", markup=False)
                yield Label(_("Appointment at"), classes="fu-name", id="fu-at", markup=False)
                yield Input("08:30", id="fu-time", classes="fu-time", restrict=r"[0-9:]*")
        yield Label(_("Reading the follow-up form…"), id="fu-info", markup=False)

    def on_mount(self) -> None:
        self._load()

    # --- workers ----------------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="followup-load")
    def _load(self) -> None:
        from tui.endpoints.followups import draft

        self.post_message(DraftLoaded(draft(self.desk.client, self.ctx.visit.resident_id, self.ctx.visit.id)))

    @work(thread=True, exit_on_error=False, exclusive=True, group="followup-preview")
    def _preview(self, request: FollowupRequest) -> None:
        from tui.endpoints.followups import preview

        self.post_message(Previewed(request, preview(self.desk.client, request)))

    @work(thread=True, exit_on_error=False, exclusive=True, group="followup-save")
    def _save(self, request: FollowupRequest, at: dt.time | None) -> None:
        from tui.endpoints.followups import book_appointment, do_followup

        client = self.desk.client
        if self.outcome is None:
            self.outcome = do_followup(client, request)
        if at is not None and self.appointment is None:
            when = dt.datetime.combine(self.outcome.next_date, at, tzinfo=self._zone())
            team = self.ctx.summary.team
            self.appointment = book_appointment(client, request.resident_id, when, team.id if team else None)
        self.post_message(Saved(self.outcome, self.appointment))

    # --- answers ----------------------------------------------------------------------------------------

    def on_draft_loaded(self, message: DraftLoaded) -> None:
        self.draft = draft = message.draft
        signs = draft.form.signs
        known: dict[str, float | int | None] = {
            "sbp": signs.sbp,
            "dbp": signs.dbp,
            "weight": signs.weight_kg,
            "pulse": signs.heart_rate,
            "fpg": draft.form.diabetes.fpg if draft.form.diabetes else None,
            "hba1c": draft.form.diabetes.hba1c if draft.form.diabetes else None,
            "spo2": draft.form.copd.spo2 if draft.form.copd else None,
        }
        for box, value in known.items():
            self.query_one(f"#fu-{box}", Input).value = labels.fmt_value(value) if value is not None else ""
        conditions = [i.condition for i in draft.items]
        self.query_one("#fu-row-dm").display = Condition.DIABETES in conditions
        self.query_one("#fu-row-copd").display = Condition.COPD in conditions
        names = "、".join(labels.word(labels.CONDITION, c) for c in conditions)
        self.query_one("#fu-form").border_title = _("Follow-up form: {conditions}").format(conditions=names)
        self.query_one("#fu-symptoms", Label).update(_("Symptoms: {s}").format(s=symptoms_line(draft.form)))
        self.query_one("#fu-lifestyle", Label).update(
            _("Lifestyle: {s}").format(s=lifestyle_line(draft.form))
        )
        self.query_one("#fu-drugs", Label).update(_("Drugs: {s}").format(s=drugs_line(draft.form)))
        decisions = self.query_one("#fu-decisions", Vertical)
        for c in conditions:
            decisions.mount(Label("", id=f"fu-class-{c.value}", classes="fu-decision", markup=False))
        if not conditions:
            self._info(_("No managed condition to follow up (hypertension, diabetes, COPD)."), error=True)
        self._show()
        self._request_preview()

    def on_previewed(self, message: Previewed) -> None:
        self.preview, self.previewed = message.preview, message.request
        if self.date_override is None:
            self.query_one("#fu-date", Input).value = message.preview.next_date.isoformat()
        self._show()
        self._info(_("F10 saves the follow-up, books the next one and ends the visit."))

    def on_saved(self, message: Saved) -> None:
        booked = message.outcome.next_date.isoformat()
        if message.appointment is not None:
            when = message.appointment.scheduled_for.astimezone(self._zone()).strftime("%Y-%m-%d %H:%M")
            self._info(_("Saved. Next follow-up {date}, appointment {when}.").format(date=booked, when=when))
        else:
            self._info(_("Saved. Next follow-up {date}.").format(date=booked))
        if message.outcome.assessment.referral and not self.referral_seen:
            # BPHS-2017 此次随访分类: the class recommends referral (two consecutive uncontrolled, a persisting
            # reaction, a new or worse complication). The follow-up is saved with referral=true; the doctor
            # decides: F6 refers up now (the flow allows it from this step), F10 books the follow-up anyway.
            self.referral_seen = True
            self.saving = False
            reasons = "；".join(r.summary for r in message.outcome.assessment.referral_reasons)
            self._info(
                _("Referral advised: {reasons}. F6 refers up; F10 books the follow-up.").format(
                    reasons=reasons
                ),
                error=True,
            )
            return
        self.advance(Move.BOOK_FOLLOWUP)

    def show_error(self, error: BaseException) -> None:
        self.saving = False
        self._info(describe(error), error=True)

    # --- keys and fields ----------------------------------------------------------------------------------

    @on(Input.Changed, ".fu-value")
    def _value_changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PREVIEW_DELAY_S, self._request_preview)

    @on(Input.Submitted, "#fu-date")
    def _date_submitted(self) -> None:
        self._check_date()

    def action_cycle_mode(self) -> None:
        modes = list(FollowupMode)
        self.mode = modes[(modes.index(self.mode) + 1) % len(modes)]
        self._show()

    def action_toggle_copd(self) -> None:
        self.copd_stable = not self.copd_stable if self.copd_stable is not None else True
        self._show()
        self._request_preview()

    def action_change_class(self) -> None:
        from tui.screens.followup_class import ClassDialog

        if self.preview is None:
            return
        current = {d.condition: d.cls for d in self.preview.decisions}
        choices = [(c, cls) for c, now in current.items() for cls in class_values(c) if cls != now]

        def chosen(picked: tuple[Condition, str] | None) -> None:
            if picked is not None:
                self._ask_class_reason(*picked)

        self.app.push_screen(ClassDialog(choices), chosen)

    def action_change_date(self) -> None:
        self.query_one("#fu-date", Input).focus()

    def action_next_step(self) -> None:
        if self.saving or self.moving or self.draft is None:
            return
        if self.preview is None or self._stale():
            self._info(_("The class is being computed: press F10 again in a moment."))
            self._request_preview()
            return
        if not self._check_date(then_save=True):
            return
        self._save_now()

    # --- helpers ------------------------------------------------------------------------------------------

    def _save_now(self) -> None:
        request = self._build(preview=False)
        if request is None:
            return
        at = None
        if self.mode is FollowupMode.CLINIC:
            at = parse_time(self.query_one("#fu-time", Input).value)
            if at is None:
                self._info(_("The appointment time is HH:MM, e.g. 08:30."), error=True)
                return
        self.saving = True
        self._info(_("Saving the follow-up…"))
        self._save(request, at)

    def _check_date(self, *, then_save: bool = False) -> bool:
        """The date box against the computed date: a different date asks why (and saves after, with F10)."""
        if self.preview is None:
            return False
        box = self.query_one("#fu-date", Input)
        wanted = parse_date(box.value)
        if wanted is None:
            self._info(_("The next date is YYYY-MM-DD."), error=True)
            return False
        computed = self._computed_date()
        if wanted == (self.date_override or computed):
            return True
        if wanted == computed:
            self.date_override = None
            self.reasons.pop("date", None)
            return True
        from tui.screens.reason import ReasonDialog

        def answered(reason: str | None) -> None:
            if reason:
                self.date_override, self.reasons["date"] = wanted, reason
                self._show()
                if then_save:
                    self._save_now()
            else:
                box.value = (self.date_override or computed).isoformat()

        question = _("The rules say {computed}. Why {wanted}?").format(computed=computed, wanted=wanted)
        self.app.push_screen(
            ReasonDialog(_("Change the next date"), question, choices=tuple(_(r) for r in DATE_REASONS)),
            answered,
        )
        return False

    def _ask_class_reason(self, condition: Condition, cls: str) -> None:
        from tui.screens.reason import ReasonDialog

        rules = (
            next(d.rules_class for d in self.preview.decisions if d.condition is condition)
            if self.preview
            else ""
        )

        def answered(reason: str | None) -> None:
            if not reason:
                return
            key = f"class:{condition.value}"
            if cls == rules:
                self.overrides.pop(condition, None)
                self.reasons.pop(key, None)
            else:
                self.overrides[condition], self.reasons[key] = cls, reason
            self._request_preview()

        question = _("The rules say {rules}. Why {cls}?").format(
            rules=labels.word(CLASS, rules), cls=labels.word(CLASS, cls)
        )
        self.app.push_screen(
            ReasonDialog(_("Change the class"), question, choices=tuple(_(r) for r in CLASS_REASONS)),
            answered,
        )

    def _computed_date(self) -> dt.date:
        assert self.preview is not None
        return min(d.next_date for d in self.preview.decisions)

    def _build(self, *, preview: bool) -> FollowupRequest | None:
        assert self.draft is not None
        boxes = {box: self.query_one(f"#fu-{box}", Input).value for box in VALUE_BOXES}
        try:
            return build_request(
                self.draft,
                boxes,
                overrides=self.overrides,
                reasons=self.reasons,
                next_date=None if preview else self.date_override,
                next_mode=self.mode,
                copd_stable=self.copd_stable,
                preview=preview,
            )
        except ValueError as error:
            self._info(str(error), error=True)
            return None

    def _stale(self) -> bool:
        request = self._build(preview=True)
        return request is None or request != self.previewed

    def _request_preview(self) -> None:
        if self.draft is None or not self.draft.items:
            return
        request = self._build(preview=True)
        if request is not None and request.items and request != self.previewed:
            self._preview(request)

    def _zone(self) -> dt.tzinfo:
        try:
            return zoneinfo.ZoneInfo(self.desk.site_timezone or "Asia/Shanghai")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return dt.UTC

    def _info(self, text: str, *, error: bool = False) -> None:
        info = self.query_one("#fu-info", Label)
        info.update(text)
        info.set_class(error, "-error")

    def _show(self) -> None:
        self.query_one("#fu-mode", Label).update(labels.word(MODE, self.mode))
        clinic = self.mode is FollowupMode.CLINIC
        self.query_one("#fu-at").display = clinic
        self.query_one("#fu-time").display = clinic
        stable = {None: _("F9: stable?"), True: _("stable"), False: _("unstable")}[self.copd_stable]
        self.query_one("#fu-stable", Label).update(stable)
        if self.draft is None:
            return
        decided = {d.condition: d for d in self.preview.decisions} if self.preview else {}
        for item in self.draft.items:
            name = labels.word(labels.CONDITION, item.condition)
            decision = decided.get(item.condition)
            line = decision_line(decision) if decision else "…"
            label = self.query_one(f"#fu-class-{item.condition.value}", Label)
            label.update(f"{name}  {line}")
            label.set_class(decision is not None and decision.overridden, "-overridden")
