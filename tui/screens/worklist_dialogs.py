"""The worklist screen's two questions: a day (call again on / agreed to come on) and a referral's result.

Both are keyboard-only modals: Enter confirms, Esc closes with None and nothing is saved. A reason to remove
is asked with tui.screens.reason.ReasonDialog.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, NamedTuple, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, RadioButton, RadioSet

from tui.i18n import _
from tui.keys import bindings


class DayPick(NamedTuple):
    on: dt.date | None  # None: no day given (allowed when the question is optional)


class ResultPick(NamedTuple):
    arrived: bool
    result: str


T = TypeVar("T")


class _Dialog(ModalScreen[T | None]):
    CSS_PATH = "worklists.tcss"
    KEYS: ClassVar[tuple[str, ...]] = ("worklists.dialog_back",)

    def __init__(self) -> None:
        super().__init__()
        inherited = [binding for _key, binding in self._bindings]
        self._bindings = BindingsMap([*inherited, *bindings(*self.KEYS)])

    def action_back(self) -> None:
        self.dismiss(None)

    def _error(self, text: str) -> None:
        self.query_one(".dialog-error", Label).update(text)


class DayDialog(_Dialog[DayPick]):
    """Ask for a day (YYYY-MM-DD), prefilled with `default`; `optional`: an empty answer means no day."""

    def __init__(self, title: str, question: str, *, default: dt.date | None, optional: bool) -> None:
        super().__init__()
        self._title, self._question = title, question
        self._default, self._optional = default, optional

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self._title, classes="dialog-title", markup=False)
            yield Label(self._question, markup=False)
            value = self._default.isoformat() if self._default else ""
            yield Input(value=value, placeholder=_("YYYY-MM-DD"), id="day-input")
            hint = _("Enter confirms (empty: no day), Esc goes back.") if self._optional else ""
            yield Label(hint or _("Enter confirms, Esc goes back."))
            yield Label("", classes="dialog-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#day-input", Input).focus()

    @on(Input.Submitted, "#day-input")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text and self._optional:
            self.dismiss(DayPick(None))
            return
        try:
            self.dismiss(DayPick(dt.date.fromisoformat(text)))
        except ValueError:
            self._error(_("Not a date: write it as 2025-03-31."))


class ResultDialog(_Dialog[ResultPick]):
    """Did the referred resident arrive (到位 / 不到位), and what came of it."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self._title, classes="dialog-title", markup=False)
            with RadioSet(id="arrived"):
                yield RadioButton(_("arrived there"), id="arrived-yes")
                yield RadioButton(_("did not arrive there"), id="arrived-no")
            yield Input(placeholder=_("result: diagnosis, treatment, advice"), id="result-input")
            yield Label(_("Arrows and Enter choose, Tab to the result, Enter saves; Esc goes back."))
            yield Label("", classes="dialog-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#arrived", RadioSet).focus()

    @on(Input.Submitted, "#result-input")
    def _submitted(self, event: Input.Submitted) -> None:
        chosen = self.query_one("#arrived", RadioSet).pressed_button
        if chosen is None:
            self._error(_("Choose whether the resident arrived there first."))
            return
        self.dismiss(ResultPick(arrived=chosen.id == "arrived-yes", result=event.value.strip()))
