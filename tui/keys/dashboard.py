"""The keys of the doctor's desk: dashboard (ids `dashboard.*`).

Letters are safe: the dashboard has no text field. The digits pick a team by its place in the list shown."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {
    "dashboard.back": KeyDef("escape", "back", N_("Back"), N_("Return to the queue")),
    "dashboard.site": KeyDef("s", "scope('site')", N_("Site"), N_("The figures of the whole centre")),
    "dashboard.team": KeyDef("t", "scope('team')", N_("My team"), N_("The figures of my family doctor team")),
    "dashboard.me": KeyDef("d", "scope('me')", N_("Me"), N_("The patients whose latest follow-up I did")),
    "dashboard.month": KeyDef("m", "kind('month')", N_("Month"), N_("Figures by month")),
    "dashboard.quarter": KeyDef("q", "kind('quarter')", N_("Quarter"), N_("Figures by quarter")),
    "dashboard.year": KeyDef("y", "kind('year')", N_("Year"), N_("Figures of the year")),
    "dashboard.previous": KeyDef("left", "shift(-1)", N_("Earlier"), N_("The period before")),
    "dashboard.next": KeyDef("right", "shift(1)", N_("Later"), N_("The period after")),
    "dashboard.previous_bracket": KeyDef("left_square_bracket", "shift(-1)", N_("Earlier"), show=False),
    "dashboard.next_bracket": KeyDef("right_square_bracket", "shift(1)", N_("Later"), show=False),
    "dashboard.export": KeyDef(
        "e", "export", N_("Export CSV"), N_("Write the figures shown to a CSV file for Excel")
    ),
    "dashboard.reload": KeyDef("f5", "reload", N_("Refresh"), N_("Count the figures again")),
    **{
        f"dashboard.team_{n}": KeyDef(str(n), f"pick_team({n})", N_("Team by number"), show=False)
        for n in range(1, 10)
    },
}
