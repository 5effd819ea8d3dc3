"""Diagnosis (诊断, GUIDE-2025 consultation area): history, examination and tests, the screening findings, and
each chronic condition's criteria with their dated evidence and clauses; the doctor confirms or rules out the
conditions the rules offer, and F10 goes on.

F10: a resident with a confirmed chronic condition (today or before) goes to graded intervention (`diagnose`),
one without to health education (`not_chronic`). A returning patient whose conditions are already confirmed
needs F10 alone: nothing is pre-selected when nothing waits for a decision. When the criteria of a condition
are met but nobody decided, the first F10 says so and the second goes on: the screen never decides for the
doctor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, work
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Static

from flows.clinical import DiagnosisDecision, DiagnosisRecord, DiagnosisRequest
from flows.model import Condition, Move
from tui import labels
from tui.errors import describe
from tui.i18n import _
from tui.screens import diagnosis_words as words
from tui.screens.doctor import DoctorScreen

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from tui.endpoints.diagnosis import DiagnosisData
    from tui.flow import VisitContext


class DiagnosisLoaded(Message):
    def __init__(self, data: DiagnosisData) -> None:
        super().__init__()
        self.data = data


class DiagnosisDecided(Message):
    def __init__(self, record: DiagnosisRecord) -> None:
        super().__init__()
        self.record = record


class DiagnosisScreen(DoctorScreen):
    CSS_PATH = "diagnosis.tcss"
    KEYS: ClassVar[tuple[str, ...]] = (
        *DoctorScreen.DOCTOR_KEYS,
        "diagnosis.confirm",
        "diagnosis.reject",
        "diagnosis.basis",
        "diagnosis.symptoms",
    )

    def __init__(self, ctx: VisitContext) -> None:
        super().__init__(ctx)
        self.data: DiagnosisData | None = None
        self.chosen: int | None = None  # index into the criteria; None: nothing waits for a decision
        self.symptoms = False  # typical diabetes symptoms (多饮, 多食, 多尿, 体重下降)
        self.deciding = False
        self.warned = False  # F10 once with a condition left undecided: the second F10 goes on

    def compose_step(self) -> ComposeResult:
        with Horizontal(id="dx-body"):
            with VerticalScroll(id="dx-record") as record:
                record.border_title = _("History · examination · screening")
                yield Static(_("Reading the record…"), id="dx-history", markup=False)
                yield Static("", id="dx-exam", markup=False)
            with Vertical(id="dx-decide") as decide:
                decide.border_title = _("Chronic conditions")
                yield Static("", id="dx-conditions", markup=False)
                with VerticalScroll(id="dx-criterion"):
                    yield Static("", id="dx-detail", markup=False)
                yield Input(
                    placeholder=_("Basis (optional; needed when the criteria are not met)"), id="dx-basis"
                )
        yield Label("", id="dx-assessment", markup=False)
        yield Label("", id="dx-info", markup=False)

    def on_mount(self) -> None:
        self._load()

    # --- workers ----------------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, exclusive=True, group="diagnosis-load")
    def _load(self) -> None:
        from tui.endpoints.diagnosis import load

        visit = self.ctx.visit
        data = load(self.desk.client, visit.resident_id, visit.id, typical_symptoms=self.symptoms)
        self.post_message(DiagnosisLoaded(data))

    @work(thread=True, exit_on_error=False, group="diagnosis-decide")
    def _decide(self, request: DiagnosisRequest) -> None:
        from tui.endpoints.diagnosis import decide

        self.post_message(DiagnosisDecided(decide(self.desk.client, self.ctx.visit.resident_id, request)))

    def on_diagnosis_loaded(self, message: DiagnosisLoaded) -> None:
        self.data = message.data
        self.chosen = next(
            (i for i, c in enumerate(self.data.criteria) if words.to_decide(c, self.data.decisions)), None
        )
        self.query_one("#dx-history", Static).update(words.history_text(self.data.record))
        self.query_one("#dx-exam", Static).update(
            words.exam_text(self.ctx.summary.latest, self.ctx.visit.id, self.data.screening)
        )
        self._show()

    def on_diagnosis_decided(self, message: DiagnosisDecided) -> None:
        self.deciding = False
        record = message.record
        word = words.DECIDED[words.Decided(record.status)]
        self._info(
            _("{condition}: {decision} ({icd10}).").format(
                condition=labels.word(labels.CONDITION, record.condition),
                decision=_(word),
                icd10=record.icd10,
            )
        )
        self.query_one("#dx-basis", Input).value = ""
        self.warned = False
        self._load()  # the decisions and what is left to decide, as the API now holds them

    def show_error(self, error: BaseException) -> None:
        self.deciding = False
        self._info(describe(error), error=True)

    # --- keys -------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"confirm", "reject"}:
            return self.chosen is not None
        return True

    def on_key(self, event: events.Key) -> None:
        """Digits choose a condition (1 is the first) while no field has the focus: typed digits stay digits."""
        char = event.character
        criteria = self.data.criteria if self.data else ()
        if isinstance(self.focused, Input) or char is None or not char.isdigit():
            return
        if 1 <= int(char) <= len(criteria):
            self.chosen = int(char) - 1
            event.stop()
            event.prevent_default()
            self._show()

    def action_confirm(self) -> None:
        self._send(DiagnosisDecision.CONFIRM)

    def action_reject(self) -> None:
        self._send(DiagnosisDecision.REJECT)

    def action_edit_basis(self) -> None:
        self.query_one("#dx-basis", Input).focus()

    def action_toggle_symptoms(self) -> None:
        self.symptoms = not self.symptoms
        self._info(
            _("Typical diabetes symptoms: yes") if self.symptoms else _("Typical diabetes symptoms: no")
        )
        self._load()

    def action_next_step(self) -> None:
        if self.data is None or self.deciding or self.moving:
            return
        waiting = [c for c in self.data.criteria if words.to_decide(c, self.data.decisions)]
        if waiting and not self.warned:
            self.warned = True
            names = "、".join(labels.word(labels.CONDITION, c.condition) for c in waiting)
            self._info(
                _(
                    "Not decided yet: {names}. Confirm (ctrl+o) or rule out (ctrl+r); F10 again goes on."
                ).format(names=names),
                error=True,
            )
            return
        decisions = self.data.decisions
        confirmed = any(words.decided(c, decisions) is words.Decided.CONFIRMED for c in Condition)
        self.advance(Move.DIAGNOSE if confirmed else Move.NOT_CHRONIC)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.set_focus(None)  # Enter leaves the field: digits choose conditions again

    # --- helpers ----------------------------------------------------------------------------------------

    def _send(self, decision: DiagnosisDecision) -> None:
        if self.data is None or self.chosen is None or self.deciding:
            return
        criterion = self.data.criteria[self.chosen]
        basis = self.query_one("#dx-basis", Input).value.strip() or None
        self.deciding = True
        self._info(_("Saving the decision…"))
        self._decide(
            DiagnosisRequest(
                condition=criterion.condition, decision=decision, visit_id=self.ctx.visit.id, basis=basis
            )
        )

    def _info(self, text: str, *, error: bool = False) -> None:
        info = self.query_one("#dx-info", Label)
        info.update(text)
        info.set_class(error, "-error")

    def _show(self) -> None:
        if self.data is None:
            return
        lines = [
            words.condition_line(i, c, self.data.decisions, i - 1 == self.chosen)
            for i, c in enumerate(self.data.criteria, start=1)
        ]
        self.query_one("#dx-conditions", Static).update(Text("\n").join(lines))
        detail = self.query_one("#dx-detail", Static)
        if self.chosen is None:
            detail.update(_("Nothing waits for a decision. A digit shows a condition's criteria."))
        else:
            detail.update(words.criterion_text(self.data.criteria[self.chosen]))
        parts = [words.assessment(self.data.criteria, self.data.decisions)]
        if self.symptoms:
            parts.append(_("typical diabetes symptoms: yes"))
        self.query_one("#dx-assessment", Label).update("；".join(parts))
        self.refresh_bindings()
