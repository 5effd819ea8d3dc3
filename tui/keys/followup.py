"""The keys of the follow-up booking screen (ids `followup.*`). F-keys: letters typed in the form stay letters."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {
    "followup.mode": KeyDef("f3", "cycle_mode", N_("Mode"), N_("The next follow-up: clinic, home or phone")),
    "followup.class": KeyDef(
        "f4", "change_class", N_("Class"), N_("Record another class than the rules computed (asks why)")
    ),
    "followup.date": KeyDef(
        "f5", "change_date", N_("Date"), N_("Book another date than the rules computed (asks why)")
    ),
    "followup.copd": KeyDef(
        "f9", "toggle_copd", N_("COPD stable"), N_("The doctor's judgement: stable or unstable")
    ),
}
