"""The desk's keys before a visit: quit, search, summary, devices and the patient link."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

# Ids are stable so a later per-site keymap (App.set_keymap) can rebind keys without touching screens.
KEYS: dict[str, KeyDef] = {
    "app.quit": KeyDef("ctrl+q", "quit", N_("Quit"), N_("Close onestop on this terminal"), priority=True),
    "app.palette": KeyDef(
        "ctrl+p",
        "command_palette",
        N_("Commands"),
        N_("Find any action of this screen by name"),
        show=False,
        priority=True,
    ),
    "search.results": KeyDef("down", "focus_results", N_("Results"), N_("Move to the list of residents")),
    "search.query": KeyDef("slash", "focus_query", N_("Find"), N_("Type a name, ID number or phone")),
    "search.clear": KeyDef("escape", "clear_query", N_("Clear"), N_("Clear the search and start again")),
    "summary.back": KeyDef("escape", "back", N_("Back"), N_("Return to the search")),
    "search.devices": KeyDef("f6", "devices", N_("Devices"), N_("The station's devices and their readings")),
    "devices.back": KeyDef("escape", "back", N_("Back"), N_("Return to the search")),
    "summary.patient_link": KeyDef(
        "f8", "patient_link", N_("Patient QR"), N_("A QR code the resident scans to read the record by phone")
    ),
    # The patient-link screen: escape leaves the QR view, then the screen; `n` means "no" while a revoke
    # waits for its confirmation (the screen enables one `n` binding at a time).
    "link.back": KeyDef("escape", "back", N_("Back"), N_("Return to the resident's summary")),
    "link.record": KeyDef(
        "n", "issue_record", N_("Record QR"), N_("A new link to the health record (the old one stops)")
    ),
    "link.visit": KeyDef(
        "v", "issue_visit", N_("Visit QR"), N_("A new link to today's visit (the old one stops)")
    ),
    "link.revoke": KeyDef("r", "revoke", N_("Revoke"), N_("Stop the selected link from working")),
    "link.yes": KeyDef("y", "confirm_revoke", N_("Yes, revoke"), N_("Revoke the link")),
    "link.no": KeyDef("n", "cancel_revoke", N_("No"), N_("Keep the link")),
}
