"""The keys every step screen of a visit shares (ids `visit.*`) and those of the reason dialog (`reason.*`)."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

# F-keys, not letters: the step screens are forms, and a letter typed into a field must stay a letter.
KEYS: dict[str, KeyDef] = {
    "visit.next": KeyDef("f10", "next_step", N_("Next step"), N_("Save this step and go to the next one")),
    "visit.leave": KeyDef(
        "escape", "leave", N_("Leave"), N_("Back to intake; the visit stays open at this step")
    ),
    "visit.cancel": KeyDef(
        "ctrl+x", "cancel_visit", N_("Cancel visit"), N_("The resident left: close the visit with a reason")
    ),
    "reason.ok": KeyDef("enter", "ok", N_("Confirm"), N_("Confirm with this reason"), show=False),
    "reason.back": KeyDef("escape", "back", N_("Back"), N_("Close without doing anything")),
}
