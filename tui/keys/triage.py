"""The keys of the triage and ticket screens (ids `triage.*`, `override.*`, `ticket.*`)."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {
    "triage.print": KeyDef("f10", "next_step", N_("Print ticket"), N_("Issue the ticket and print it")),
    "triage.override": KeyDef(
        "o", "override", N_("Change queue"), N_("Choose the queue or priority by hand, with a reason")
    ),
    "triage.undo": KeyDef("u", "undo_override", N_("Undo change"), N_("Back to the queue triage chose")),
    "override.back": KeyDef("escape", "back", N_("Back"), N_("Keep the queue triage chose")),
    "ticket.next": KeyDef(
        "f10", "next_resident", N_("Next resident"), N_("Back to intake for the next resident")
    ),
    "ticket.reprint": KeyDef("r", "reprint", N_("Reprint"), N_("Print the ticket again (marked 补打)")),
    "ticket.qr": KeyDef("q", "toggle_qr", N_("QR code"), N_("Show or hide the QR code of the visit")),
}
