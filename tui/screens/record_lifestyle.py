"""The lifestyle part of the record screen: smoking, alcohol, exercise (each with its amount), salt and diet.

Options are picked with digits (tui/screens/record_parts.Choice); an amount field is open only where the answer
has one (a non-smoker smokes no cigarettes), so what the form holds is always what the API accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from textual import on
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label

from flows.record import AlcoholFrequency, DietHabit, ExerciseFrequency, Lifestyle, SmokingStatus
from flows.rules.htn_form import SaltIntake
from tui import labels
from tui.i18n import N_, _
from tui.screens import record_words as w
from tui.screens.record_parts import Choice

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.widgets._input import InputType

# (choice id, its label, its words, amount id, amount type, unit) of the three lines that have an amount
_LINES: tuple[tuple[str, str, Mapping[Any, str], str, InputType, str], ...] = (
    ("smoking", N_("Smoking"), w.SMOKING, "cigarettes", "integer", N_("cigarettes a day")),
    ("alcohol", N_("Alcohol"), w.ALCOHOL, "liang", "number", N_("liang of baijiu a day")),
    ("exercise", N_("Exercise"), w.EXERCISE, "minutes", "integer", N_("minutes each time")),
)


class LifestyleForm(Vertical):
    """Posts `Changed` whenever the nurse changes an answer; `value()` is the lifestyle it shows."""

    class Changed(Message):
        pass

    def compose(self) -> ComposeResult:
        for choice, label, table, amount, kind, unit in _LINES:
            with Horizontal(classes="life-line"):
                yield Choice(_(label), w.options(table), id=choice)
                yield Input(id=amount, type=kind, max_length=5, placeholder="—", classes="amount")
                yield Label(_(unit), classes="unit")
        yield Choice(_("Salt"), w.options(w.SALT), id="salt")
        yield Choice(_("Diet"), w.options(w.DIET), multi=True, id="diet")

    def show(self, life: Lifestyle) -> None:
        with self.prevent(Input.Changed):
            for name, value in (
                ("smoking", life.smoking),
                ("alcohol", life.alcohol),
                ("exercise", life.exercise),
                ("salt", life.salt),
            ):
                self.query_one(f"#{name}", Choice).set(value.value if value else None)
            self.query_one("#diet", Choice).set(values=[d.value for d in life.diet])
            for name, amount in (
                ("cigarettes", life.cigarettes_per_day),
                ("liang", life.baijiu_liang_per_day),
                ("minutes", life.exercise_minutes),
            ):
                self.query_one(f"#{name}", Input).value = (
                    labels.fmt_value(amount) if amount is not None else ""
                )
        self._open_amounts()

    @on(Choice.Changed)
    @on(Input.Changed, ".amount")
    def _changed(self, event: Message) -> None:
        event.stop()
        self._open_amounts()
        self.post_message(self.Changed())

    def _open_amounts(self) -> None:
        smoking, alcohol, exercise = (self._picked(n) for n in ("smoking", "alcohol", "exercise"))
        self.query_one("#cigarettes", Input).disabled = smoking != SmokingStatus.CURRENT
        self.query_one("#liang", Input).disabled = alcohol in (None, AlcoholFrequency.NEVER)
        self.query_one("#minutes", Input).disabled = exercise in (None, ExerciseFrequency.NEVER)

    def _picked(self, name: str) -> str | None:
        return self.query_one(f"#{name}", Choice).value

    def _amount(self, name: str) -> float | None:
        box = self.query_one(f"#{name}", Input)
        try:
            return float(box.value) if box.value and not box.disabled else None
        except ValueError:  # "1." while typing: not a number yet
            return None

    def value(self) -> Lifestyle:
        smoking, alcohol, exercise, salt = (
            self._picked(n) for n in ("smoking", "alcohol", "exercise", "salt")
        )
        cigarettes, minutes = self._amount("cigarettes"), self._amount("minutes")
        return Lifestyle(
            smoking=SmokingStatus(smoking) if smoking else None,
            cigarettes_per_day=int(cigarettes) if cigarettes is not None else None,
            alcohol=AlcoholFrequency(alcohol) if alcohol else None,
            baijiu_liang_per_day=self._amount("liang"),
            exercise=ExerciseFrequency(exercise) if exercise else None,
            exercise_minutes=int(minutes) if minutes is not None else None,
            salt=SaltIntake(salt) if salt else None,
            diet=tuple(DietHabit(d) for d in self.query_one("#diet", Choice).values),
        )
