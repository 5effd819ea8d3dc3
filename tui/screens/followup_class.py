"""Choose another class for one condition of the follow-up: a list of (condition, class) pairs; Enter picks,
Esc goes back. The reason is asked after (tui/screens/reason.py)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from flows.model import Condition
from tui import labels
from tui.i18n import _
from tui.keys import bindings
from tui.screens.followup_words import CLASS


class ClassDialog(ModalScreen[tuple[Condition, str] | None]):
    CSS_PATH = "followup.tcss"
    KEYS: ClassVar[tuple[str, ...]] = ("reason.back",)

    def __init__(self, choices: list[tuple[Condition, str]]) -> None:
        super().__init__()
        inherited = [binding for _key, binding in self._bindings]
        self._bindings = BindingsMap([*inherited, *bindings(*self.KEYS)])
        self._choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="class-box"):
            yield Label(_("Record another class"), id="class-title", markup=False)
            yield OptionList(
                *(
                    Option(
                        f"{labels.word(labels.CONDITION, c)}: {labels.word(CLASS, cls)}",
                        id=f"{c.value}:{cls}",
                    )
                    for c, cls in self._choices
                ),
                id="class-options",
            )
            yield Label(_("Enter picks; the reason is asked next. Esc goes back."), markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#class-options", OptionList).focus()

    @on(OptionList.OptionSelected, "#class-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._choices[event.option_index])

    def action_back(self) -> None:
        self.dismiss(None)
