"""The keys of the doctor's desk: worklists (ids `worklists.*`)."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

# The digits are not in the footer: the tab line above the list shows them with their counts.
# Letters are safe here: the worklist screen has no text field (dates and reasons are asked in dialogs).
KEYS: dict[str, KeyDef] = {
    "worklists.due": KeyDef(
        "1", "show_list('due-today')", N_("Due today"), N_("Follow-ups due and bookings today"), show=False
    ),
    "worklists.overdue": KeyDef(
        "2",
        "show_list('overdue')",
        N_("Overdue"),
        N_("Follow-ups past due: high risk first, then days"),
        show=False,
    ),
    "worklists.contracts": KeyDef(
        "3",
        "show_list('contracts-expiring')",
        N_("Contracts"),
        N_("Contracts ending soon, not yet renewed"),
        show=False,
    ),
    "worklists.prescriptions": KeyDef(
        "4",
        "show_list('prescriptions-expiring')",
        N_("Prescriptions"),
        N_("Long-term prescriptions ending this week"),
        show=False,
    ),
    "worklists.referrals": KeyDef(
        "5",
        "show_list('referrals-awaiting')",
        N_("Referrals"),
        N_("Referrals up awaiting their result"),
        show=False,
    ),
    "worklists.agreed": KeyDef(
        "a", "agreed", N_("Agreed"), N_("The resident agreed to visit (optionally on a day: books it)")
    ),
    "worklists.call_later": KeyDef(
        "l", "call_later", N_("Call later"), N_("Hide until the day to call again")
    ),
    "worklists.remove": KeyDef("x", "remove", N_("Remove"), N_("Take off the overdue list, with a reason")),
    "worklists.result": KeyDef("e", "enter_result", N_("Result"), N_("Enter what came of the referral")),
    "worklists.chart": KeyDef("enter", "open_chart", N_("Chart"), N_("The resident's chart")),
    "worklists.refresh": KeyDef("f5", "refresh", N_("Refresh"), N_("Load the lists again")),
    "worklists.back": KeyDef("escape", "back", N_("Back"), N_("Return to the queue")),
    "worklists.dialog_back": KeyDef("escape", "back", N_("Back"), N_("Close without saving")),
}
