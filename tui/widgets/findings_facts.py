"""What the findings need besides values: danger signs ticked (flows.rules.emergency), pregnancy or
breast-feeding, and history the record does not hold yet (the screening's HistoryFlags).

A ticked sign is saved into the visit when focus leaves the list (a sign seen cannot be unseen: once saved
it stays ticked and is disabled). The history flags are not saved here; they go with every screening request
(the record update step stores the history).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import DescendantBlur
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, SelectionList
from textual.widgets.selection_list import Selection

from tui.endpoints.screening import HistoryFlags
from tui.i18n import N_, _
from tui.widgets import findings_words as words

_FLAGS = {
    "family_history_hypertension": N_("Family history of hypertension"),
    "high_salt_diet": N_("High-salt diet"),
    "diabetes_symptoms": N_("Typical diabetes symptoms (thirst, hunger, urination, weight loss)"),
    "diabetes_high_risk": N_("Known high risk of diabetes (e.g. prediabetes before)"),
}


def ticked(label: str, on: bool) -> str:
    """`✓ 胸闷` / `  胸闷`: ticked in a mark as well as the box's colour."""
    return ("✓ " if on else "  ") + label


def _label_of(box: Checkbox) -> str:
    return str(box.label).removeprefix("✓ ").removeprefix("  ")


class FindingsFacts(Vertical):
    class SymptomsDone(Message):
        """Focus left the signs with new ticks: the screen saves them."""

    class FlagsChanged(Message):
        """A history flag changed: the findings are asked again."""

    def __init__(self, *, female: bool) -> None:
        super().__init__(id="facts")
        self.female = female
        self.recorded: set[str] = set()  # signs saved in the visit
        self.sending: tuple[str, ...] = ()  # signs on their way to the API
        self.baijiu_error: str | None = None

    def compose(self) -> ComposeResult:
        yield Label(_("Danger signs (emergency lists)"), classes="group-title")
        yield SelectionList[str](
            *[Selection(ticked(words.symptom(code), False), code, id=code) for code in words.TICKABLE],
            id="symptom-list",
            compact=True,
        )
        yield Label("", id="symptoms-state", markup=False)
        yield Label(_("History not yet in the record"), classes="group-title")
        if self.female:
            yield Checkbox(
                ticked(_("Pregnant or breast-feeding"), False), id="flag-pregnant_or_lactating", compact=True
            )
        for key, msgid in _FLAGS.items():
            yield Checkbox(ticked(_(msgid), False), id=f"flag-{key}", compact=True)
        with Horizontal(id="baijiu-row"):
            yield Label(_("Alcohol, as baijiu ml a day"), classes="reading-name")
            yield Input(
                "", placeholder="0", id="baijiu", compact=True, type="number", classes="reading-input"
            )
        yield Label("", id="baijiu-error", classes="reading-error", markup=False)

    # --- reading the facts ----------------------------------------------------------------------------

    def pending_symptoms(self) -> tuple[str, ...]:
        ticked = self.query_one("#symptom-list", SelectionList).selected
        return tuple(code for code in words.TICKABLE if code in ticked and code not in self.recorded)

    def take_symptoms(self) -> tuple[str, ...]:
        """The ticked signs to send now (none while a sending is under way); they count as sending."""
        if self.sending:
            return ()
        self.sending = self.pending_symptoms()
        return self.sending

    def pregnant(self) -> bool:
        return self.female and self.query_one("#flag-pregnant_or_lactating", Checkbox).value

    def flags(self) -> HistoryFlags:
        values = {key: self.query_one(f"#flag-{key}", Checkbox).value for key in _FLAGS}
        return HistoryFlags(pregnant_or_lactating=self.pregnant(), baijiu_ml_per_day=self._baijiu(), **values)

    def _baijiu(self) -> float:
        text = self.query_one("#baijiu", Input).value.strip()
        try:
            value = float(text) if text else 0.0
        except ValueError:
            value = -1.0
        ok = 0 <= value <= 2000  # plausibility (ours): two litres of baijiu a day is a typing error
        error = self.query_one("#baijiu-error", Label)
        error.update("" if ok else "✕ " + _("Enter millilitres a day, 0 to 2000."))
        error.set_class(not ok, "-shown")
        return value if ok else 0.0

    # --- what was saved ---------------------------------------------------------------------------------

    def saved_symptoms(self, codes: tuple[str, ...]) -> None:
        self.sending = ()
        self.recorded |= set(codes)
        signs = self.query_one("#symptom-list", SelectionList)
        for code in codes:
            signs.disable_option(code)
        names = "、".join(words.symptom(c) for c in words.TICKABLE if c in self.recorded)
        self.query_one("#symptoms-state", Label).update(
            _("Recorded in the visit: {names}").format(names=names)
        )

    def symptoms_error(self, reason: str) -> None:
        self.sending = ()
        self.query_one("#symptoms-state", Label).update("✕ " + reason)

    # --- changes ------------------------------------------------------------------------------------------

    @on(DescendantBlur, "#symptom-list")
    def _left_symptoms(self) -> None:
        if self.pending_symptoms():
            self.post_message(self.SymptomsDone())

    @on(Checkbox.Changed)
    def _flag(self, event: Checkbox.Changed) -> None:
        event.stop()
        box = event.checkbox
        box.label = ticked(_label_of(box), event.value)
        self.post_message(self.FlagsChanged())

    @on(SelectionList.SelectionToggled, "#symptom-list")
    def _sign(self, event: SelectionList.SelectionToggled[str]) -> None:
        code = event.selection.value
        signs = self.query_one("#symptom-list", SelectionList)
        signs.replace_option_prompt(code, ticked(words.symptom(code), code in signs.selected))

    @on(Input.Submitted, "#baijiu")
    @on(Input.Blurred, "#baijiu")
    def _alcohol(self, event: Input.Submitted | Input.Blurred) -> None:
        event.stop()
        self.post_message(self.FlagsChanged())
