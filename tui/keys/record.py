"""The keys of the record screens (ids `record.*`)."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

# Insert and Delete act on the list that has focus (a text field keeps them for itself, so a typed letter or
# a deleted character never touches a row); Enter on a row changes it. F9 is the one key that confirms the
# proposed family alerts. The record's option rows take digits and letters (tui/screens/record_parts.py).
KEYS: dict[str, KeyDef] = {
    "record.add": KeyDef("insert", "add_row", N_("Add"), N_("Add a row to the list that has focus")),
    "record.delete": KeyDef(
        "delete", "delete_row", N_("Delete"), N_("Take the highlighted row off the record")
    ),
    "record.alerts": KeyDef(
        "f9", "raise_alerts", N_("Confirm alerts"), N_("Raise the proposed family alerts for the relatives")
    ),
    "record.dialog_ok": KeyDef("f10", "ok", N_("Done"), N_("Keep this row")),
    "record.dialog_back": KeyDef("escape", "back", N_("Back"), N_("Close without changing anything")),
}
