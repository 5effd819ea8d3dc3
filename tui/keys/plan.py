"""The keys of graded intervention (ids `plan.*`): the plan screen's drug keys and the drug picker's.

F-keys, as on every form: letters typed into the goals or the drug filter stay letters."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {
    "plan.add": KeyDef(
        "f3", "add_drug", N_("Add drug"), N_("Prescribe a drug of the essential medicines list")
    ),
    "plan.stop": KeyDef(
        "f4", "stop_drug", N_("Stop drug"), N_("Stop the highlighted drug (with a reason), or drop a new one")
    ),
    "plan.dose": KeyDef(
        "f5", "change_dose", N_("Change dose"), N_("Change the highlighted drug's dose or frequency")
    ),
    # the drug picker
    "plan.pick": KeyDef("f10", "pick", N_("Prescribe"), N_("Add this drug to the plan (saved with F10)")),
    "plan.pick_back": KeyDef("escape", "back", N_("Back"), N_("Close without adding a drug")),
    "plan.long_term": KeyDef(
        "f3", "toggle_long_term", N_("Long-term"), N_("A long-term prescription: up to 12 weeks (84 days)")
    ),
    "plan.shortage": KeyDef(
        "f4", "toggle_shortage", N_("Out of stock"), N_("The pharmacy has none: make a shortage record")
    ),
}
