"""The register form's last field: the registered resident the new one lives with, found by name or ID.

Typing searches (debounced, like the desk's search); ↓ goes into the hits, Enter picks one; Enter with
nothing to pick sends the form (`Submitted`). Its workers' failures reach the screen's worker handler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from flows.model import ResidentHit
from tui import labels
from tui.endpoints.residents import HouseholdOf
from tui.i18n import _

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.events import Key
    from textual.timer import Timer

    from tui.client import ApiClient

GROUP = "register-household"


class HouseholdHits(Message):
    def __init__(self, query: str, hits: list[ResidentHit]) -> None:
        super().__init__()
        self.query, self.hits = query, hits


class HouseholdFound(Message):
    def __init__(self, choice: HouseholdOf) -> None:
        super().__init__()
        self.choice = choice


class HouseholdPicker(Vertical):
    DEBOUNCE_S: ClassVar[float] = 0.25  # one request per burst of typing

    class Submitted(Message):
        """Enter with nothing to pick: the form is to be sent."""

    def __init__(self, client: ApiClient, *, title: str, placeholder: str) -> None:
        super().__init__(id="household-picker")
        self._client = client
        self._title = title
        self._placeholder = placeholder
        self.chosen: HouseholdOf | None = None
        self._hits: list[ResidentHit] = []
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row", id="household-row"):
            yield Label(self._title, classes="field-label")
            yield Input(placeholder=self._placeholder, max_length=64, id="household")
            yield Label("", id="household-note", classes="field-note", markup=False)
        yield OptionList(id="household-hits")

    def on_mount(self) -> None:
        self.query_one("#household-hits", OptionList).display = False

    def note(self, text: str, *, error: bool = False) -> None:
        label = self.query_one("#household-note", Label)
        label.update(text)
        label.set_class(error and bool(text), "-error")
        label.set_class(not error and bool(text), "-info")

    # --- searching ---------------------------------------------------------------------------------

    @on(Input.Changed, "#household")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        if self.chosen is not None and event.value != self.chosen.resident.name:
            self.chosen = None  # edited after choosing: a new search
            self.note("")
        query = event.value.strip()
        if not query or self.chosen is not None:
            self._show([])
            return
        self._timer = self.set_timer(self.DEBOUNCE_S, lambda: self._find(query))

    @work(thread=True, exit_on_error=False, exclusive=True, group=GROUP)
    def _find(self, query: str) -> None:
        from tui.endpoints.residents import find_residents

        self.post_message(HouseholdHits(query, find_residents(self._client, query)))

    def on_household_hits(self, message: HouseholdHits) -> None:
        if message.query == self.query_one("#household", Input).value.strip() and self.chosen is None:
            self._show(message.hits)
            if not message.hits:
                self.note(_("Nobody found."))

    def _show(self, hits: list[ResidentHit]) -> None:
        self._hits = hits
        listing = self.query_one("#household-hits", OptionList)
        listing.clear_options()
        for hit in hits:
            sex = labels.word(labels.SEX, hit.sex)
            text = f"{hit.name}  {sex}  {hit.birth_date.isoformat()}  {hit.id_number_masked}"
            listing.add_option(Option(text))
        listing.display = bool(hits)
        if hits:
            listing.highlighted = 0
            self.note(_("↓ to the list, Enter chooses"))

    # --- choosing ----------------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#household-hits")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(self._hits[event.option_index])

    @on(Input.Submitted, "#household")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        if self._hits:
            self._choose(self._hits[0])
        else:
            self.post_message(self.Submitted())

    def _choose(self, hit: ResidentHit) -> None:
        self._show([])
        self.note(_("Looking up {name}…").format(name=hit.name))
        self.query_one("#household", Input).focus()
        self._look_up(hit.id)

    @work(thread=True, exit_on_error=False, exclusive=True, group=GROUP)
    def _look_up(self, resident_id: int) -> None:
        from tui.endpoints.residents import household_of

        self.post_message(HouseholdFound(household_of(self._client, resident_id)))

    def on_household_found(self, message: HouseholdFound) -> None:
        self.chosen = message.choice
        with self.prevent(Input.Changed):
            self.query_one("#household", Input).value = message.choice.resident.name
        household = message.choice.household
        if household is None:
            name = message.choice.resident.name
            self.note(_("{name} has no household yet: one is made for both.").format(name=name))
        else:
            count = len(household.member_ids)
            text = _("Joins the household at {address} ({count} members).")
            self.note(text.format(address=household.address, count=count))

    def on_key(self, event: Key) -> None:
        """↓ from the search into its hits; ↑ on the first hit, or Esc in the list, goes back."""
        listing = self.query_one("#household-hits", OptionList)
        search = self.query_one("#household", Input)
        if event.key == "down" and search.has_focus and listing.display:
            listing.focus()
        elif listing.has_focus and (
            event.key == "escape" or (event.key == "up" and listing.highlighted in (None, 0))
        ):
            search.focus()
        else:
            return
        event.stop()
        event.prevent_default()
