"""The keys every step screen of the doctor's desk shares (ids `doctor.*`): the chart and the referrals.

F-keys, as on every form: a letter typed into a field stays a letter."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {
    "doctor.chart": KeyDef("f2", "open_chart", N_("Chart"), N_("The patient in one screen")),
    "doctor.refer_up": KeyDef(
        "f6", "refer_up", N_("Refer up"), N_("Beyond this centre's capacity: refer to the lead hospital")
    ),
    "doctor.refer_emergency": KeyDef(
        "f7", "refer_emergency", N_("Emergency"), N_("An emergency: first aid and refer at once")
    ),
    "doctor.refer_down": KeyDef(
        "f8", "refer_down", N_("Refer down"), N_("Stable: hand back to the village clinic with the plan")
    ),
}
