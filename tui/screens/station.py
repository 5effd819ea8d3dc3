"""Choose the station after login: the stations the API's devices are at, and this terminal's own default.

Asked only when the terminal was started without `--station` and there is more than one to choose from;
the answer holds for the rest of the run (a new login after an expired session does not ask again).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import msgspec
from textual.binding import BindingsMap
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from tui.i18n import _
from tui.keys import bindings
from tui.widgets.status_bar import KIND_SHORT, StatusBar

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.events import Key

    from flows.devices import DeviceStatus


class StationChoice(msgspec.Struct, frozen=True, kw_only=True):
    station: str
    kinds: tuple[str, ...] = ()  # the kinds of its devices; () for a desk without devices


def station_choices(devices: list[DeviceStatus], default: str) -> list[StationChoice]:
    """Stations with devices (sorted), then `default` if no device is at it: a front desk without devices."""
    kinds: dict[str, list[str]] = {}
    for d in devices:
        kinds.setdefault(d.station, []).append(d.kind)
    choices = [StationChoice(station=s, kinds=tuple(kinds[s])) for s in sorted(kinds)]
    if default not in kinds:
        choices.append(StationChoice(station=default))
    return choices


def choice_text(number: int, choice: StationChoice) -> str:
    if not choice.kinds:
        what = _("no devices")
    else:
        what = "、".join(_(KIND_SHORT[k]) if k in KIND_SHORT else k for k in choice.kinds)
    return f"{number}  {choice.station}  {what}"


class StationScreen(Screen[str | None]):
    """Dismisses with the chosen station, or None (Esc: back to the login screen)."""

    CSS_PATH = "station.tcss"
    KEYS: ClassVar[tuple[str, ...]] = ("station.choose", "station.back", "app.quit")

    def __init__(self, choices: list[StationChoice], *, current: str) -> None:
        super().__init__()
        inherited = [binding for _key, binding in self._bindings]
        self._bindings = BindingsMap([*inherited, *bindings(*self.KEYS)])
        self._choices = choices[:9]  # one digit each
        self._current = current

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Vertical(id="station-box"):
            yield Label(_("Choose your station"), id="station-title")
            yield Label(_("The devices of the chosen station feed this desk's visits."), id="station-about")
            options = [Option(choice_text(i, c), id=c.station) for i, c in enumerate(self._choices, 1)]
            yield OptionList(*options, id="stations")
            yield Label(_("Press a number or the arrows, then Enter."), id="station-hint")
        yield Footer()

    def on_mount(self) -> None:
        stations = self.query_one("#stations", OptionList)
        known = [c.station for c in self._choices]
        stations.highlighted = known.index(self._current) if self._current in known else 0
        stations.focus()

    def on_key(self, event: Key) -> None:
        if event.character and event.character.isdigit() and 1 <= int(event.character) <= len(self._choices):
            self.query_one("#stations", OptionList).highlighted = int(event.character) - 1
            event.stop()

    def action_choose(self) -> None:
        index = self.query_one("#stations", OptionList).highlighted
        if index is not None:
            self.dismiss(self._choices[index].station)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._choices[event.option_index].station)

    def action_back(self) -> None:
        self.dismiss(None)
