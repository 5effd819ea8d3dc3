"""The keys of the doctor's queue (ids `queue.*`): call, recall, skip, transfer, start the consultation.

Letters are safe here: the queue screen has no text field (the transfer's reason is asked in a dialog)."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {
    "queue.start": KeyDef(
        "enter",
        "start",
        N_("See patient"),
        N_("Start the consultation of the selected patient (called first if still waiting)"),
        priority=True,  # before the table's own Enter (select), so one key does one thing
    ),
    "queue.call_next": KeyDef(
        "n", "call_next", N_("Call next"), N_("Call the next patient: priority first, then arrival")
    ),
    "queue.recall": KeyDef("r", "recall", N_("Call again"), N_("Call the selected patient again")),
    "queue.skip": KeyDef("s", "skip", N_("Missed"), N_("The patient did not come: mark the call as missed")),
    "queue.transfer": KeyDef(
        "t", "transfer", N_("Transfer"), N_("Send the selected patient to another queue, with a reason")
    ),
    "queue.switch": KeyDef(
        "tab",
        "switch_queue",
        N_("Other queue"),
        N_("Show the next queue, or all of them"),
        priority=True,  # Tab would otherwise only move the focus
    ),
    "queue.chart": KeyDef("f2", "open_chart", N_("Chart"), N_("The selected patient in one screen")),
    "queue.worklists": KeyDef(
        "w", "worklists", N_("Worklists"), N_("Follow-ups, renewals and referrals due")
    ),
    "queue.dashboard": KeyDef("d", "dashboard", N_("Dashboard"), N_("The centre's indicators")),
    "queue.refresh": KeyDef("f5", "refresh", N_("Refresh"), N_("Load the queues again")),
}
