"""Ask why: a small dialog for every move that must say its reason (cancel, decline, override, referral).

Number keys pick one of the offered reasons; anything else is typed. Enter confirms a non-empty reason,
Escape closes with None and nothing happens.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label

from tui.i18n import _
from tui.keys import bindings


class ReasonDialog(ModalScreen[str | None]):
    CSS_PATH = "reason.tcss"
    KEYS: ClassVar[tuple[str, ...]] = ("reason.back",)

    def __init__(self, title: str, question: str, *, choices: tuple[str, ...] = (), value: str = "") -> None:
        super().__init__()
        inherited = [binding for _key, binding in self._bindings]
        self._bindings = BindingsMap([*inherited, *bindings(*self.KEYS)])
        self._title = title
        self._question = question
        self._choices = choices[:9]
        self._value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="reason-box"):
            yield Label(self._title, id="reason-title", markup=False)
            yield Label(self._question, id="reason-question", markup=False)
            for i, choice in enumerate(self._choices, start=1):
                yield Label(f"{i}  {choice}", classes="reason-choice", markup=False)
            yield Input(value=self._value, placeholder=_("reason"), id="reason-input")
            hint = _("Enter a number or type the reason; Enter confirms, Esc goes back.")
            yield Label(hint if self._choices else _("Type the reason; Enter confirms, Esc goes back."))
            yield Label("", id="reason-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#reason-input", Input).focus()

    @on(Input.Submitted, "#reason-input")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text.isdigit() and 1 <= int(text) <= len(self._choices):
            text = self._choices[int(text) - 1]
        if not text:
            self.query_one("#reason-error", Label).update(_("A reason is required."))
            return
        self.dismiss(text)

    def action_back(self) -> None:
        self.dismiss(None)
