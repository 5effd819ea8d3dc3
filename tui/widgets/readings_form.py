"""The measurement rows of the screening form: a compact input per code, its unit, its source, its error.

A row keeps what the nurse typed until it is saved: a device value arriving for a field being typed in does
not overwrite it. When focus leaves a group of rows (or Enter is pressed in one) the form posts `GroupDone`,
and the screen saves that group's typed values in one entry (SBP and DBP travel together).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label

from tui.i18n import _
from tui.widgets import readings_fields as fields
from tui.widgets.readings_fields import Source
from tui.widgets.readings_state import Shown


class ValueInput(Input):
    """One measurement's input; `code` and `group` say where it belongs."""

    def __init__(self, code: str) -> None:
        super().__init__(id=f"value-{code}", compact=True, select_on_focus=True, classes="reading-input")
        self.code = code
        self.group = fields.GROUP_OF[code]


class ReadingsForm(Vertical):
    class GroupDone(Message):
        """The nurse left a group of rows, or pressed Enter in one: its typed values are ready to save."""

        def __init__(self, group: str) -> None:
            super().__init__()
            self.group = group

    def __init__(self) -> None:
        super().__init__(id="readings-form")
        self._texts: dict[str, str] = {}  # what the form itself last put in each input
        self._typed: dict[str, str] = {}  # typed by the nurse and not saved yet

    def compose(self) -> ComposeResult:
        for group in fields.GROUPS:
            yield Label(_(group.title), classes="group-title")
            for code in group.codes:
                with Horizontal(classes="reading-row", id=f"row-{code}"):
                    yield Label(fields.name(code), classes="reading-name", markup=False)
                    yield ValueInput(code)
                    yield Label(fields.unit(code), classes="reading-unit", markup=False)
                    yield Label("", id=f"source-{code}", classes="reading-source", markup=False)
                yield Label("", id=f"error-{code}", classes="reading-error", markup=False)

    # --- what the screen tells the form ------------------------------------------------------------

    def show(self, code: str, shown: Shown | None) -> None:
        """The value the visit (or the live device) has for `code`; a value being typed stays."""
        source = self.query_one(f"#source-{code}", Label)
        if code in self._typed:
            source.update(fields.source_text(Source.TYPED))
            return
        text = fields.fmt(code, shown.value) if shown else ""
        self._texts[code] = text
        field = self.query_one(f"#value-{code}", ValueInput)
        if field.value != text:
            field.value = text
            if field.has_focus:
                field.select_all()  # the next key typed replaces the device's value, never appends to it
        source.update(fields.source_text(shown.source, shown.device_id) if shown else "")
        source.set_class(shown is not None and shown.source is Source.PREVIEW, "-preview")
        source.set_class(shown is not None and shown.source is Source.DEVICE, "-device")

    def typed(self, group: str | None = None) -> dict[str, str]:
        """The typed, unsaved texts of a group (or of the whole form)."""
        return {c: t for c, t in self._typed.items() if group is None or fields.GROUP_OF[c] == group}

    def ready(self, group: str, saved: dict[str, float], skip: set[str]) -> tuple[dict[str, float], bool]:
        """The group's typed values that can be right (checked against `saved` too: SBP above DBP), and whether
        all of them could; the others are marked with their reason and stay typed. `skip`: already on the way."""
        typed = {c: t for c, t in self.typed(group).items() if c not in skip}
        good: dict[str, float] = {}
        for code, text in typed.items():
            value, reason = fields.check(code, text)
            self.error(code, reason)
            if value is not None:
                good[code] = value
        pair = fields.check_pair({**saved, **good})
        if pair is not None and ("sbp" in good or "dbp" in good):
            self.error("sbp" if "sbp" in typed else "dbp", pair[1])
            good.pop("sbp", None)
            good.pop("dbp", None)
        return good, len(good) == len(typed)

    def saving(self, codes: list[str]) -> None:
        for code in codes:
            self.query_one(f"#source-{code}", Label).update(fields.source_text(Source.SAVING))

    def saved(self, codes: list[str]) -> None:
        """The API took these typed values: they are the visit's now (the screen shows them next)."""
        for code in codes:
            self._typed.pop(code, None)
            self.error(code, None)

    def refused(self, codes: list[str], field: str | None, reason: str) -> None:
        """The API refused an entry: the field it names gets the reason (the others of the entry: why they were
        not saved either); all of them stay typed."""
        named = (field or "").removeprefix("measurements.")
        for code in codes:
            if named in codes:
                self.error(code, reason if code == named else None)
            else:
                self.error(code, _("Not saved: {reason}").format(reason=reason))
            self.query_one(f"#source-{code}", Label).update(fields.source_text(Source.TYPED))

    def error(self, code: str, reason: str | None) -> None:
        """A reason beside the field (None clears it); what was typed stays in the input."""
        label = self.query_one(f"#error-{code}", Label)
        label.update(f"✕ {reason}" if reason else "")
        label.set_class(bool(reason), "-shown")
        self.query_one(f"#row-{code}", Horizontal).set_class(bool(reason), "-invalid")

    def first_error(self) -> str | None:
        for label in self.query(".reading-error.-shown"):
            return str(label.id).removeprefix("error-")
        return None

    def focus_code(self, code: str) -> None:
        field = self.query_one(f"#value-{code}", ValueInput)
        field.focus()
        self.call_after_refresh(field.scroll_visible)

    # --- the nurse typing ---------------------------------------------------------------------------

    @on(Input.Changed, ".reading-input")
    def _changed(self, event: Input.Changed) -> None:
        assert isinstance(event.input, ValueInput)
        code = event.input.code
        text = event.value.strip()
        if not text or text == self._texts.get(code, ""):
            self._typed.pop(code, None)  # emptied or back to what was there: nothing to save
            return
        if code not in self._typed:
            self.query_one(f"#source-{code}", Label).update(fields.source_text(Source.TYPED))
        self._typed[code] = text

    @on(Input.Submitted, ".reading-input")
    def _submitted(self, event: Input.Submitted) -> None:
        assert isinstance(event.input, ValueInput)
        event.stop()
        self.post_message(self.GroupDone(event.input.group))
        self.screen.focus_next()

    @on(Input.Blurred, ".reading-input")
    def _blurred(self, event: Input.Blurred) -> None:
        assert isinstance(event.input, ValueInput)
        group, code = event.input.group, event.input.code
        if code in self._typed:
            self.error(code, fields.check(code, self._typed[code])[1])  # at once, not when the group is left
        elif not event.value.strip():
            event.input.value = self._texts.get(code, "")  # an emptied field shows its value again
        self.call_after_refresh(self._left, group)

    def _left(self, group: str) -> None:
        if not self.is_attached:  # the screen moved on meanwhile (F10 saved everything already)
            return
        focused = self.screen.focused
        if isinstance(focused, ValueInput) and focused.group == group:
            return
        if self.typed(group):
            self.post_message(self.GroupDone(group))
