"""The record screen's parts: an option row picked by digits and letters, and the dialog that edits one row.

`Choice` shows every option with its key (`●1 从不  ○2 已戒烟 …`): the chosen one is marked in the text as well
as in colour; the option's key picks it, pressing it again clears it ("not asked"). A multiple choice toggles.
`RowDialog` edits one row of a list (a past disease, an allergy …) from a list of fields; F10, Enter on an option
row or in its last text field keeps the row, Escape drops it. It checks what it can (required fields, dates) and says which.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import ClassVar

import msgspec
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from tui.i18n import _
from tui.keys import bindings

KEY_CHARS = "123456789abcdefghijklmnopqrstuvwxyz"


class Choice(Static, can_focus=True):
    """One option row: `options` are (value, words); `value` / `values` hold the choice."""

    class Changed(Message):
        def __init__(self, choice: Choice) -> None:
            super().__init__()
            self.choice = choice

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(
        self,
        label: str,
        options: Sequence[tuple[str, str]],
        *,
        value: str | None = None,
        values: Sequence[str] = (),
        multi: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="choice", markup=False)
        self.label = label
        self.options = list(options)[: len(KEY_CHARS)]
        self.multi = multi
        self.value = value
        self.values: list[str] = list(values)

    def on_mount(self) -> None:
        self._draw()

    def set(self, value: str | None = None, values: Sequence[str] = ()) -> None:
        self.value, self.values = value, list(values)
        self._draw()

    def chosen(self, option: str) -> bool:
        return option in self.values if self.multi else option == self.value

    def on_key(self, event: events.Key) -> None:
        keys = {KEY_CHARS[i]: v for i, (v, _words) in enumerate(self.options)}
        option = keys.get((event.character or "").lower())
        if option is None:
            return
        event.stop()
        event.prevent_default()
        if self.multi:
            self.values = (
                [v for v in self.values if v != option] if option in self.values else [*self.values, option]
            )
        else:
            self.value = None if self.value == option else option
        self._draw()
        self.post_message(self.Changed(self))

    def _draw(self) -> None:
        text = Text(f"{self.label} ", style="bold")
        for i, (option, words) in enumerate(self.options):
            on = self.chosen(option)
            mark = ("■" if on else "□") if self.multi else ("●" if on else "○")
            text.append(f"{mark}{KEY_CHARS[i]} {words}", style="reverse" if on else "")
            text.append("  ")
        self.update(text)


class Field(msgspec.Struct, frozen=True, kw_only=True):
    """One field of a row dialog: options make it a Choice, none a text field (`date`: YYYY[-MM[-DD]])."""

    name: str
    label: str
    options: tuple[tuple[str, str], ...] = ()
    required: bool = False
    date: bool = False
    value: str | None = None


def parse_day(text: str) -> dt.date | None:
    """`2019`, `2019-4`, `2019-04-01` (or with / or .) → a date; the form asks for the month, so the 1st."""
    parts = text.strip().replace("/", "-").replace(".", "-").split("-")
    numbers = [int(p) for p in parts if p.isdigit()]
    if len(numbers) != len(parts) or not 1 <= len(numbers) <= 3:
        raise ValueError(text)
    year, month, day = (*numbers, 1, 1)[:3]
    return dt.date(year, month, day)


def show_day(day: dt.date | None) -> str:
    if day is None:
        return ""
    return f"{day:%Y-%m}" if day.day == 1 else f"{day:%Y-%m-%d}"


class RowDialog(ModalScreen[dict[str, str | None] | None]):
    """Edit one row; dismisses with {field name: value or None}, or None when Escape drops it."""

    CSS_PATH = "record.tcss"
    KEYS: ClassVar[tuple[str, ...]] = ("record.dialog_ok", "record.dialog_back")

    def __init__(self, title: str, fields: Sequence[Field]) -> None:
        super().__init__()
        inherited = [binding for _key, binding in self._bindings]
        self._bindings = BindingsMap([*inherited, *bindings(*self.KEYS)])
        self._title = title
        self._fields = list(fields)

    def compose(self) -> ComposeResult:
        with Vertical(id="row-box"):
            yield Label(self._title, id="row-title", markup=False)
            for f in self._fields:
                if f.options:
                    yield Choice(f.label, f.options, value=f.value, id=f"row-{f.name}")
                else:
                    yield Label(
                        f.label + ("" if not f.date else _(" (year-month, e.g. 2019-04)")), markup=False
                    )
                    yield Input(value=f.value or "", id=f"row-{f.name}", classes="row-input")
            yield Label(
                _("Digits or letters pick an option; Enter or F10 keeps the row, Esc goes back."),
                markup=False,
            )
            yield Label("", id="row-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(f"#row-{self._fields[0].name}").focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        last = [f for f in self._fields if not f.options][-1]
        if event.input.id == f"row-{last.name}":
            self.action_ok()
        else:
            self.focus_next()

    def on_key(self, event: events.Key) -> None:
        """Enter on an option row goes to the next field, and on the last one keeps the row."""
        if event.key == "enter" and isinstance(self.focused, Choice):
            event.stop()
            if self.focused.id == f"row-{self._fields[-1].name}":
                self.action_ok()
            else:
                self.focus_next()

    def action_ok(self) -> None:
        out: dict[str, str | None] = {}
        for f in self._fields:
            widget = self.query_one(f"#row-{f.name}")
            value = (
                widget.value
                if isinstance(widget, Choice)
                else " ".join(self.query_one(f"#row-{f.name}", Input).value.split())
            )
            value = value or None
            problem = self._problem(f, value)
            if problem:
                self.query_one("#row-error", Label).update(problem)
                widget.focus()
                return
            out[f.name] = value
        self.dismiss(out)

    @staticmethod
    def _problem(f: Field, value: str | None) -> str | None:
        if f.required and value is None:
            return _("{field} is required.").format(field=f.label)
        if f.date and value is not None:
            try:
                parse_day(value)
            except ValueError:
                return _("{field}: write the date as 2019-04 or 2019-04-01.").format(field=f.label)
        return None

    def action_back(self) -> None:
        self.dismiss(None)
