"""Referral (转诊): up to the lead hospital, as an emergency, or down to the village clinic; then the referral step.

Before the referral step this is a form pushed over the doctor's step screen, prefilled by the API's draft:
the reasons the rules offer (ticked where the record shows them, each with its clause, toggled by digit), a
line for another reason, the destination and department (F3/F4 or the arrows), the urgency (F5) and the
referral summary (转诊单), editable. F10 sends it: the referral and the visit's move are one request, and the
referral step replaces the screens. An emergency opens with its findings ticked and the emergency destination
chosen, so F7 then F10 refers at once. At the referral step it shows the stored referral; F10 finishes it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea

from flows.appointments import Referral, ReferralDirection, ReferralUrgency
from flows.model import Move, Step
from flows.referral_summary import NO_REASON, REASONS_LINE
from flows.referrals import ReasonOption, ReferralDraft, VisitReferral, VisitReferralRequest
from tui import labels
from tui.errors import describe
from tui.flow import VisitContext, show_step
from tui.i18n import N_, _, language
from tui.keys.referral import TICKS
from tui.screens.doctor import DoctorScreen
from tui.screens.visit import VisitScreen

TITLES = {
    ReferralDirection.UP: N_("Refer up to the lead hospital"),
    ReferralDirection.EMERGENCY: N_("EMERGENCY referral: refer at once"),
    ReferralDirection.DOWN: N_("Refer down to the village clinic"),
    ReferralDirection.RECEIVED: N_("Referral received"),
}
URGENCY = {
    ReferralUrgency.ROUTINE: N_("routine"),
    ReferralUrgency.URGENT: N_("urgent (within 2 weeks)"),
    ReferralUrgency.EMERGENCY: N_("emergency (at once)"),
}
_URGENCIES = tuple(ReferralUrgency)
_FORM_ONLY = frozenset({"next_destination", "next_department", "next_urgency", "tick"})


class DraftLoaded(Message):
    def __init__(self, draft: ReferralDraft) -> None:
        super().__init__()
        self.draft = draft


class Referred(Message):
    def __init__(self, made: VisitReferral) -> None:
        super().__init__()
        self.made = made


class StoredLoaded(Message):
    def __init__(self, referral: Referral | None) -> None:
        super().__init__()
        self.referral = referral


def reason_text(option: ReasonOption) -> str:
    """What the referral says: the national form's Chinese, or the English of an English desk."""
    return option.zh if language().startswith("zh") else option.en


class ReferralScreen(DoctorScreen):
    CSS_PATH = "referral.tcss"
    # Not F6/F7/F8: this screen is the referral. The chart (F2) stays at hand.
    KEYS: ClassVar[tuple[str, ...]] = (
        *VisitScreen.VISIT_KEYS,
        "doctor.chart",
        "referral.destination",
        "referral.department",
        "referral.urgency",
        "referral.print",
        *(f"referral.tick_{n}" for n in range(1, TICKS + 1)),
    )

    def __init__(self, ctx: VisitContext, direction: str | None = None) -> None:
        super().__init__(ctx)
        self.form = ctx.visit.step is not Step.REFERRAL
        self.direction = ReferralDirection(direction or ctx.visit.referral_direction or "up")
        self.draft: ReferralDraft | None = None
        self.urgency = ReferralUrgency.ROUTINE
        self._departments_of: object = None  # the destination whose departments the form shows
        self.stored: Referral | None = None  # at the referral step: the visit's referral
        self._department_names: tuple[str, ...] = ()

    def compose_step(self) -> ComposeResult:
        with Vertical(id="referral-box"):
            yield Label(_(TITLES[self.direction]), id="referral-title", markup=False)
            if self.form:
                yield SelectionList[int](id="referral-reasons", compact=True)
                yield Input(placeholder=_("Another reason"), id="referral-other", compact=True)
                with Horizontal(id="referral-where"):
                    yield Select[str]((), prompt=_("Destination"), id="referral-destination", compact=True)
                    yield Select[str]((), prompt=_("Department"), id="referral-department", compact=True)
                    yield Label("", id="referral-urgency", markup=False)
                yield TextArea("", id="referral-summary", compact=True, soft_wrap=True)
            else:
                with VerticalScroll(id="referral-stored"):
                    yield Static(_("Loading the referral…"), id="referral-detail", markup=False)
            yield Label("", id="referral-message", markup=False)

    def on_mount(self) -> None:
        self.query_one("#referral-box").set_class(self.direction is ReferralDirection.EMERGENCY, "-emergency")
        if self.form:
            self.query_one("#referral-summary").border_title = _("Referral summary")
            self._load_draft()
        else:
            self._load_stored()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _FORM_ONLY:
            return self.form and self.draft is not None
        if action == "next_step" and self.form:
            return self.draft is not None or None
        if action == "print_summary":
            return not self.form and self.stored is not None
        return True

    # --- the form ------------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="referral")
    def _load_draft(self) -> None:
        from tui.endpoints.doctor_referrals import draft

        self.post_message(DraftLoaded(draft(self.desk.client, self.ctx.visit.id, self.direction.value)))

    def on_draft_loaded(self, message: DraftLoaded) -> None:
        d = self.draft = message.draft
        reasons = self.query_one("#referral-reasons", SelectionList)
        for i, option in enumerate(d.reasons):
            number = f"{i + 1} " if i < TICKS else "  "
            clauses = " · ".join(option.clauses)
            reasons.add_option((f"{number}{reason_text(option)}  [{clauses}]", i, option.checked))
        destination = self.query_one("#referral-destination", Select)
        destination.set_options((x.name, x.name) for x in d.destinations)
        if d.destination is not None:
            destination.value = d.destination
        self._departments(d.department)
        self.query_one("#referral-summary", TextArea).load_text(d.summary)
        self.urgency = d.urgency
        self._show_urgency()
        if d.allowed:
            hint = _("Tick the reasons (digits), choose where (F3, F4), then F10 sends the referral.")
            self._say(hint)
        else:
            self._say(_("The flow does not allow this referral at this step."), error=True)
        reasons.focus()
        self.refresh_bindings()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "referral-destination":
            self._departments(None)

    def _departments(self, chosen: str | None) -> None:
        """The departments of the chosen destination; the one chosen stays when the new hospital has it."""
        name = self.query_one("#referral-destination", Select).value
        if self.draft is None or (name == self._departments_of and chosen is None):
            return  # the change event of a value this screen set itself
        self._departments_of = name
        found = next((x for x in self.draft.destinations if x.name == name), None)
        departments = self._department_names = found.departments if found else ()
        select = self.query_one("#referral-department", Select)
        if chosen is None and isinstance(select.value, str):
            chosen = select.value
        select.set_options((d, d) for d in departments)
        select.display = bool(departments)
        if chosen in departments:
            select.value = chosen

    def action_tick(self, number: int) -> None:
        reasons = self.query_one("#referral-reasons", SelectionList)
        if number <= reasons.option_count:
            reasons.toggle(number - 1)

    def action_next_destination(self) -> None:
        names = [x.name for x in self.draft.destinations] if self.draft else []
        self._cycle(self.query_one("#referral-destination", Select), names)

    def action_next_department(self) -> None:
        self._cycle(self.query_one("#referral-department", Select), list(self._department_names))

    def _cycle(self, select: Select[str], values: list[str]) -> None:
        if values:
            at = values.index(select.value) if select.value in values else -1
            select.value = values[(at + 1) % len(values)]

    def action_next_urgency(self) -> None:
        self.urgency = _URGENCIES[(_URGENCIES.index(self.urgency) + 1) % len(_URGENCIES)]
        self._show_urgency()

    def _show_urgency(self) -> None:
        label = self.query_one("#referral-urgency", Label)
        label.update(_("Urgency: {urgency}").format(urgency=_(URGENCY[self.urgency])))
        label.set_class(self.urgency is not ReferralUrgency.ROUTINE, "-urgent")

    def _reasons(self) -> list[str]:
        if self.draft is None:
            return []
        ticked = self.query_one("#referral-reasons", SelectionList).selected
        reasons = [reason_text(self.draft.reasons[i]) for i in sorted(ticked)]
        other = self.query_one("#referral-other", Input).value.strip()
        return [*reasons, other] if other else reasons

    def on_selection_list_selected_changed(self, _event: SelectionList.SelectedChanged[int]) -> None:
        self._sync_summary()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "referral-other":
            self._sync_summary()

    def _sync_summary(self) -> None:
        """The summary's reasons line follows the ticks (the rest of the summary is the doctor's to edit)."""
        area = self.query_one("#referral-summary", TextArea)
        lines = area.text.split("\n")
        wanted = REASONS_LINE + ("；".join(self._reasons()) or NO_REASON)
        for i, line in enumerate(lines):
            if line.startswith(REASONS_LINE) and line != wanted:
                lines[i] = wanted
                area.load_text("\n".join(lines))
                return

    def _request(self) -> VisitReferralRequest | None:
        assert self.draft is not None
        reasons = self._reasons()
        if not reasons:
            self._say(_("Tick or type at least one reason."), error=True)
            return None
        destination = self.query_one("#referral-destination", Select).value
        department = self.query_one("#referral-department", Select).value
        if not isinstance(destination, str):
            self._say(_("Choose where the resident goes (F3)."), error=True)
            return None
        return VisitReferralRequest(
            direction=self.direction,
            reasons=tuple(reasons),
            destination=destination,
            department=department if isinstance(department, str) else None,
            urgency=self.urgency,
            summary=self.query_one("#referral-summary", TextArea).text,
            expected_step=self.ctx.visit.step,
        )

    def action_next_step(self) -> None:
        if not self.form:
            self._say(_("Finishing the referral…"))
            self.advance(Move.FINISH_REFERRAL)
            return
        if self.draft is None or self.moving:
            return
        request = self._request()
        if request is None:
            return
        self.moving = True
        self._say(_("Sending the referral…"))
        self._send(request)

    @work(thread=True, exit_on_error=False, exclusive=True, group="visit-move")
    def _send(self, request: VisitReferralRequest) -> None:
        from tui.endpoints.doctor_referrals import refer

        self.post_message(Referred(refer(self.desk.client, self.ctx.visit.id, request)))

    def on_referred(self, message: Referred) -> None:
        self.moving = False
        ctx = self.ctx.moved(message.made.visit)
        self.app.notify(_("Referral sent."), timeout=4)
        # The form was pushed over the step screen: the referral step replaces that screen.
        self.app.pop_screen()
        show_step(self.app, ctx)

    # --- the referral step -----------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="referral")
    def _load_stored(self) -> None:
        from tui.endpoints.doctor_referrals import of_visit

        found = of_visit(self.desk.client, self.ctx.visit.id)
        self.post_message(StoredLoaded(found[0] if found else None))

    def on_stored_loaded(self, message: StoredLoaded) -> None:
        detail = self.query_one("#referral-detail", Static)
        r = message.referral
        if r is None:
            detail.update(_("No referral is stored for this visit."))
            self._say(_("F10 finishes the visit."))
            return
        self.stored, self.direction = r, r.direction
        self.refresh_bindings()
        self.query_one("#referral-title", Label).update(_(TITLES[r.direction]))
        self.query_one("#referral-box").set_class(r.direction is ReferralDirection.EMERGENCY, "-emergency")
        where = " · ".join(x for x in (r.destination, r.department) if x)
        rows = [
            (_("Reasons"), r.reasons),
            (_("Destination"), where),
            (_("Urgency"), _(URGENCY[r.urgency])),
        ]
        text = labels.pairs(rows)
        if r.summary:
            text += "\n\n" + r.summary
        detail.update(text)
        self._say(_("P prints the referral summary; F10 finishes the referral and closes the visit."))

    def action_print_summary(self) -> None:
        if self.stored is not None:
            self._say(_("Printing the referral summary…"))
            self._print(self.stored.id)

    @work(thread=True, exit_on_error=False, exclusive=True, group="referral-print")
    def _print(self, referral_id: int) -> None:
        from tui.endpoints.doctor_referrals import print_referral

        print_referral(self.desk.client, referral_id)
        self.app.call_from_thread(self._say, _("The referral summary is sent to the printer."))

    # --- words ---------------------------------------------------------------------------------------

    def _say(self, text: str, *, error: bool = False) -> None:
        label = self.query_one("#referral-message", Label)
        label.update(text)
        label.set_class(error, "-error")

    def show_error(self, error: BaseException) -> None:
        self._say(describe(error), error=True)
