"""The keys of the referral form and the referral step (ids `referral.*`).

F-keys on the form (its reason line and summary are text fields); the digits tick a reason only while no text
field has the focus (a field takes its own digits first). `p` prints at the referral step, which has no field.
"""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

TICKS = 9  # reasons 1–9 are ticked by their digit; more are ticked in the list (space)

KEYS: dict[str, KeyDef] = {
    "referral.destination": KeyDef(
        "f3", "next_destination", N_("Destination"), N_("The next hospital or village clinic")
    ),
    "referral.department": KeyDef("f4", "next_department", N_("Department"), N_("The next department")),
    "referral.urgency": KeyDef("f5", "next_urgency", N_("Urgency"), N_("Routine, urgent or emergency")),
    "referral.print": KeyDef("p", "print_summary", N_("Print"), N_("Print the referral summary")),
    **{
        f"referral.tick_{n}": KeyDef(
            str(n), f"tick({n})", N_("Tick reason"), N_("Tick or untick this reason"), show=False
        )
        for n in range(1, TICKS + 1)
    },
}
