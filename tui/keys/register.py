"""The keys of the login, station and register screens (ids `login.*`, `station.*`, `register.*`)."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

# The register form's keys are F-keys: a letter typed into a field must stay a letter.
KEYS: dict[str, KeyDef] = {
    "station.choose": KeyDef(
        "enter", "choose", N_("Choose"), N_("Work at the highlighted station"), priority=True
    ),
    "station.back": KeyDef("escape", "back", N_("Back"), N_("Back to the login screen")),
    "register.save": KeyDef(
        "f10", "save", N_("Register"), N_("Check the form and register the resident"), priority=True
    ),
    "register.open_existing": KeyDef(
        "f2", "open_existing", N_("Open existing"), N_("Open the resident already registered with this ID")
    ),
    "register.back": KeyDef("escape", "back", N_("Cancel"), N_("Close the form; nothing is registered")),
}
