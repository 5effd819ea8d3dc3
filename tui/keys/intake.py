"""The keys of the intake screens: search, summary, register and today's lists (ids `intake.*`, `arrivals.*`)."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {
    "intake.register": KeyDef("f2", "register", N_("New resident"), N_("Register a resident not found")),
    "intake.bookings": KeyDef(
        "f3", "bookings", N_("Bookings"), N_("Today's bookings: start a visit from one")
    ),
    "intake.referrals": KeyDef(
        "f4", "referrals", N_("Referrals in"), N_("Incoming referrals: start a visit from one")
    ),
    "intake.start": KeyDef(
        "enter", "start_visit", N_("Start visit"), N_("Open today's visit, or continue it")
    ),
    # arrivals.* (today's lists screen) below
    "arrivals.arrive": KeyDef(
        "enter",
        "arrive",
        N_("Arrived"),
        N_("The resident is here: open the visit, or continue it"),
        priority=True,  # before the table's own Enter (select), so one key does one thing
    ),
    "arrivals.switch": KeyDef(
        "tab",
        "switch_list",
        N_("Other list"),
        N_("Switch between today's bookings and incoming referrals"),
        priority=True,  # Tab would otherwise only move the focus
    ),
    "arrivals.refresh": KeyDef("f5", "refresh", N_("Refresh"), N_("Load today's lists again")),
    "arrivals.back": KeyDef("escape", "back", N_("Back"), N_("Return to intake without starting a visit")),
}
