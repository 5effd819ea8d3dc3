"""The keys of the doctor's desk: chart (ids `chart.*`).

The chart has no field to type in, so a letter can reload it."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {
    "chart.back": KeyDef("escape", "back", N_("Back"), N_("Close the chart and go back")),
    "chart.reload": KeyDef("r", "reload", N_("Reload"), N_("Read the chart again from the record")),
}
