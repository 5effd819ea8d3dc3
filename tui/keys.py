"""The key map as data: every binding has a stable id, a key, an action and an English description."""

from __future__ import annotations

from typing import NamedTuple

from textual.binding import Binding

from tui.i18n import N_, _


class KeyDef(NamedTuple):
    key: str
    action: str
    description: str  # msgid, translated when the binding is built
    tooltip: str = ""  # msgid
    show: bool = True
    priority: bool = False


# Ids are stable so a later per-site keymap (App.set_keymap) can rebind keys without touching screens.
KEYMAP: dict[str, KeyDef] = {
    "app.quit": KeyDef("ctrl+q", "quit", N_("Quit"), N_("Close onestop on this terminal"), priority=True),
    "search.results": KeyDef("down", "focus_results", N_("Results"), N_("Move to the list of residents")),
    "search.query": KeyDef("slash", "focus_query", N_("Find"), N_("Type a name, ID number or phone")),
    "search.clear": KeyDef("escape", "clear_query", N_("Clear"), N_("Clear the search and start again")),
    "summary.back": KeyDef("escape", "back", N_("Back"), N_("Return to the search")),
    "search.devices": KeyDef("f6", "devices", N_("Devices"), N_("The station's devices and their readings")),
    "devices.back": KeyDef("escape", "back", N_("Back"), N_("Return to the search")),
}


def bindings(*ids: str) -> list[Binding]:
    """Bindings for the given ids in the active language (built per instance, after `activate`)."""
    out = []
    for binding_id in ids:
        k = KEYMAP[binding_id]
        out.append(
            Binding(
                k.key,
                k.action,
                _(k.description),
                show=k.show,
                priority=k.priority,
                tooltip=_(k.tooltip) if k.tooltip else "",
                id=binding_id,
            )
        )
    return out
