"""Choose a drug of the essential medicines list: type part of the name or its pinyin initials, arrows or digits
to choose, the dose and frequency from the drug's choices, long-term with its days, out of stock.

Returns a NewDrug (nothing is sent: the plan screen sends it with F10) or None.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Footer, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from flows.medicines import MedicineItem, matches
from flows.rules.prescribing import LONG_TERM_DEFAULT_DAYS
from tui.i18n import _
from tui.keys import bindings
from tui.screens.plan_words import NewDrug, days_error, frequency_word


class DrugPicker(ModalScreen[NewDrug | None]):
    CSS_PATH = "plan_picker.tcss"
    KEYS: ClassVar[tuple[str, ...]] = ("plan.pick", "plan.pick_back", "plan.long_term", "plan.shortage")

    def __init__(self, items: list[MedicineItem], *, preset: NewDrug | None = None) -> None:
        super().__init__()
        inherited = [binding for _key, binding in self._bindings]
        self._bindings = BindingsMap([*inherited, *bindings(*self.KEYS)])
        self.items = items
        self.shown: list[MedicineItem] = list(items)
        self.preset = preset

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            title = _("Change the dose") if self.preset else _("Add a drug of the essential medicines list")
            yield Label(title, id="picker-title", markup=False)
            yield Input(placeholder=_("name or pinyin initials, e.g. aldp"), id="picker-filter")
            yield OptionList(id="picker-list")
            with Horizontal(classes="picker-row"):
                yield Label(_("Dose"), classes="picker-name")
                yield Select[str]([("—", "")], allow_blank=False, id="picker-dose")
                yield Label(_("Frequency"), classes="picker-name")
                yield Select[str]([("—", "")], allow_blank=False, id="picker-frequency")
            with Horizontal(classes="picker-row"):
                yield Checkbox(_("Long-term"), id="picker-long")
                yield Label(_("Days"), classes="picker-name")
                yield Input(str(LONG_TERM_DEFAULT_DAYS), id="picker-days", restrict=r"[0-9]*", max_length=3)
            yield Label("", id="picker-days-error", markup=False)
            yield Checkbox(_("Out of stock: make a shortage record"), id="picker-shortage")
            yield Label("", id="picker-info", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        if self.preset is not None:
            self.query_one("#picker-filter", Input).value = self.preset.medicine.drug
            self.query_one("#picker-long", Checkbox).value = self.preset.long_term
            self.query_one("#picker-days", Input).value = str(self.preset.days)
        self._filter()
        self.query_one("#picker-filter", Input).focus()

    # --- choosing the drug ------------------------------------------------------------------------------

    @on(Input.Changed, "#picker-filter")
    def _typed(self, _event: Input.Changed) -> None:
        self._filter()

    def _filter(self) -> None:
        typed = self.query_one("#picker-filter", Input).value
        self.shown = [i for i in self.items if matches(i, typed)]
        options = [Option(self._line(n, i), id=i.medicine.drug) for n, i in enumerate(self.shown, start=1)]
        listing = self.query_one("#picker-list", OptionList)
        listing.set_options(options)
        if options:
            listing.highlighted = 0
        self._chosen_changed()

    @staticmethod
    def _line(n: int, item: MedicineItem) -> str:
        m = item.medicine
        stock = "" if item.in_stock else "  " + _("out of stock")
        number = f"{n}" if n <= 9 else " "
        return f"{number} {m.drug} {m.strength}{stock}"

    def chosen(self) -> MedicineItem | None:
        index = self.query_one("#picker-list", OptionList).highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    @on(OptionList.OptionHighlighted, "#picker-list")
    def _highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self._chosen_changed()

    def _chosen_changed(self) -> None:
        item = self.chosen()
        dose = self.query_one("#picker-dose", Select)
        frequency = self.query_one("#picker-frequency", Select)
        if item is None:
            self._info(_("No drug of the list matches."))
            return
        m = item.medicine
        doses = list(m.doses)
        frequencies = list(m.frequencies)
        if self.preset is not None and self.preset.medicine.drug == m.drug:
            doses = list(dict.fromkeys([*doses, self.preset.dose]))
            frequencies = list(dict.fromkeys([*frequencies, self.preset.frequency]))
        dose.set_options([(d, d) for d in doses])
        frequency.set_options([(frequency_word(f), f) for f in frequencies])
        self.query_one("#picker-shortage", Checkbox).value = not item.in_stock
        self._info(
            _("{drug} is out of stock: the shortage record is ticked (F4 unticks it).").format(drug=m.drug)
            if not item.in_stock
            else f"{m.drug} {m.form} {m.strength}"
        )

    def on_key(self, event: events.Key) -> None:
        """Arrows move in the list while the filter has the focus; digits 1–9 choose when the list has it."""
        listing = self.query_one("#picker-list", OptionList)
        focused = self.focused
        if focused is self.query_one("#picker-filter", Input) and event.key in ("down", "up"):
            listing.action_cursor_down() if event.key == "down" else listing.action_cursor_up()
            event.stop()
            event.prevent_default()
        elif focused is listing and event.character and event.character.isdigit():
            n = int(event.character)
            if 1 <= n <= min(9, len(self.shown)):
                listing.highlighted = n - 1
                event.stop()
                event.prevent_default()

    @on(Input.Submitted, "#picker-filter")
    def _filter_done(self, _event: Input.Submitted) -> None:
        self.query_one("#picker-dose", Select).focus()

    @on(Input.Submitted, "#picker-days")
    def _days_done(self, _event: Input.Submitted) -> None:
        self.action_pick()

    # --- long-term, out of stock, confirm ----------------------------------------------------------------

    def action_toggle_long_term(self) -> None:
        box = self.query_one("#picker-long", Checkbox)
        box.value = not box.value
        self.query_one("#picker-days", Input).focus()

    def action_toggle_shortage(self) -> None:
        box = self.query_one("#picker-shortage", Checkbox)
        box.value = not box.value

    @on(Checkbox.Changed, "#picker-long")
    @on(Input.Changed, "#picker-days")
    def _check_days(self) -> None:
        self._days_error()

    def _days_error(self) -> str | None:
        long_term = self.query_one("#picker-long", Checkbox).value
        error = days_error(self.query_one("#picker-days", Input).value, long_term)
        self.query_one("#picker-days-error", Label).update(error or "")
        return error

    def action_pick(self) -> None:
        item = self.chosen()
        if item is None:
            self._info(_("Choose a drug first."))
            return
        if self._days_error() is not None:
            self.query_one("#picker-days", Input).focus()
            return
        dose = self.query_one("#picker-dose", Select).value
        frequency = self.query_one("#picker-frequency", Select).value
        if not isinstance(dose, str) or not isinstance(frequency, str) or not dose or not frequency:
            self._info(_("Choose the dose and the frequency."))
            return
        self.dismiss(
            NewDrug(
                medicine=item.medicine,
                dose=dose,
                frequency=frequency,
                long_term=self.query_one("#picker-long", Checkbox).value,
                days=int(self.query_one("#picker-days", Input).value),
                shortage=self.query_one("#picker-shortage", Checkbox).value,
                replaces=self.preset.replaces if self.preset else None,
            )
        )

    def action_back(self) -> None:
        self.dismiss(None)

    def _info(self, text: str) -> None:
        self.query_one("#picker-info", Label).update(text)
