"""The doctor's queue in words: a table row per patient, the detail line, the views a doctor cycles through.

Kept apart from the screen (tui/screens/doctor_queue.py) so that the screen holds only loading and keys.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from rich.text import Text

from flows.doctor_queue import QueuePatient
from flows.queue import Priority, QueueDef, ServiceKind, TicketStatus
from tui import labels
from tui.i18n import N_, _

WIDE: Final = 110  # the app's -wide breakpoint: the queue and the conditions get their own columns
EMERGENCY_STYLE: Final = "bold red"
STATUS_STYLE: Final = {
    TicketStatus.CALLED: "bold yellow",
    TicketStatus.RECALLED: "bold yellow",
    TicketStatus.IN_SERVICE: "bold green",
    TicketStatus.SKIPPED: "dim",
}
# Statuses whose waiting still goes on: the minutes tick between two loads (in service: stopped).
TICKING: Final = frozenset(
    {TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.RECALLED, TicketStatus.SKIPPED}
)
CURRENT: Final = (TicketStatus.IN_SERVICE, TicketStatus.CALLED, TicketStatus.RECALLED)
ALL: Final = N_("All queues")


def doctor_queues(queues: list[QueueDef], team_id: int | None) -> list[QueueDef]:
    """The queues a doctor calls from: their own team's first, general practice, then the other teams'."""
    own = [q for q in queues if q.kind is ServiceKind.TEAM and q.team_id == team_id and team_id is not None]
    gp = [q for q in queues if q.kind is ServiceKind.GENERAL_PRACTICE]
    others = [q for q in queues if q.kind is ServiceKind.TEAM and q not in own]
    return [*own, *gp, *others]


def views(queues: list[QueueDef]) -> list[tuple[str, tuple[str, ...]]]:
    """(title, queue ids) per view: each queue alone, then all of them together (Tab cycles)."""
    alone: list[tuple[str, tuple[str, ...]]] = [(q.name, (q.id,)) for q in queues]
    return [*alone, (_(ALL), tuple(q.id for q in queues))] if len(queues) > 1 else alone


def in_call_order(patients: list[QueuePatient]) -> list[QueuePatient]:
    """Several queues merged as one line: priority first, then arrival (flows.queue's call order)."""
    return sorted(patients, key=lambda p: (-p.ticket.priority, p.ticket.order_at, p.ticket.number))


def minutes(patient: QueuePatient, elapsed_s: float) -> int:
    """Minutes waited now: the API's figure at the load plus the time since (when the waiting goes on)."""
    extra = int(elapsed_s // 60) if patient.ticket.status in TICKING else 0
    return patient.waiting_minutes + extra


def columns(wide: bool, several: bool) -> list[str]:
    queue = [N_("Queue")] if wide and several else []
    conditions = [N_("Conditions")] if wide else []
    return [
        N_("No."),
        N_("Name"),
        N_("Sex/age"),
        *queue,
        N_("Priority"),
        *conditions,
        N_("Status"),
        N_("Waited"),
    ]


def cells(
    patient: QueuePatient, *, today: dt.date, elapsed_s: float, wide: bool, queue_name: str | None
) -> list[str | Text]:
    t = patient.ticket
    style = EMERGENCY_STYLE if t.emergency else ""
    number = Text(("! " if t.emergency else "") + t.label, style=style)
    name = Text(labels.clip(patient.name, 12 if wide else 8), style=style)
    queue = [labels.clip(queue_name, 16)] if wide and queue_name is not None else []
    conditions = [labels.clip(condition_words(patient), 24)] if wide else []
    status = Text(labels.word(labels.TICKET_STATUS, t.status), style=STATUS_STYLE.get(t.status, ""))
    waited = _("{minutes} min").format(minutes=minutes(patient, elapsed_s))
    return [
        number,
        name,
        sex_age(patient, today),
        *queue,
        why(patient, 24 if wide else 12),
        *conditions,
        status,
        waited,
    ]


def sex_age(patient: QueuePatient, today: dt.date) -> str:
    return f"{labels.word(labels.SEX, patient.sex)} {labels.age(patient.birth_date, today)}"


def why(patient: QueuePatient, cells_max: int) -> Text:
    """The priority and the reason for it: an emergency in red, a staff override with its reason."""
    t = patient.ticket
    if t.emergency:
        return Text(_("emergency"), style=EMERGENCY_STYLE)
    if t.priority_reason:
        return Text(labels.clip(f"{t.priority} {t.priority_reason}", cells_max), style="bold")
    if t.priority >= Priority.SIGNED:
        return Text(_("signed"))
    return Text("—", style="dim")


def condition_words(patient: QueuePatient) -> str:
    return _(", ").join(labels.word(labels.CONDITION, c) for c in patient.conditions) or "—"


def detail(patient: QueuePatient, *, today: dt.date, queue_name: str, elapsed_s: float) -> str:
    """The highlighted patient in full, under the table."""
    t = patient.ticket
    head = f"{t.label}  {patient.name}  {sex_age(patient, today)}  {queue_name}"
    waited = _("waited {minutes} min").format(minutes=minutes(patient, elapsed_s))
    status = labels.word(labels.TICKET_STATUS, t.status)
    calls = _(", called {calls}×").format(calls=t.calls) if t.calls else ""
    lines = [head, f"{status}{calls} · {waited} · {condition_words(patient)}"]
    if t.emergency:
        lines.append(_("Emergency: see at once, then refer (F7 in the consultation)."))
    elif t.priority_reason:
        lines.append(_("Priority {priority}: {reason}").format(priority=t.priority, reason=t.priority_reason))
    return "\n".join(lines)


def now_line(current: QueuePatient | None) -> Text:
    """Who the doctor is with or has called: the first thing read on the screen."""
    if current is None:
        return Text(_("Nobody called. N calls the next patient."), style="dim")
    t = current.ticket
    words = (
        _("With the doctor: {label} {name}")
        if t.status is TicketStatus.IN_SERVICE
        else _("Called: {label} {name} (Enter: start, R: call again, S: missed)")
    )
    return Text(words.format(label=t.label, name=current.name), style="bold")
