"""The doctor's queue: today's open tickets of a queue with the resident's name, sex, birth date and confirmed
conditions, in call order (flows.doctor_queue).

One query for the whole list, refreshed every few seconds by every doctor's terminal: the tickets come by
the queue_ticket_call index (queue, queue_date, status, …), the resident by its key, the conditions by
diagnosis_resident_status; a ticket with two conditions comes back as two rows, folded here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from db.convert import as_date
from db.queues import CALL_ORDER, TICKET_COLUMNS_T, ticket_of
from db.tables import QueueTicket
from flows.doctor_queue import QueuePatient, waiting_minutes
from flows.model import Condition, Sex
from flows.queue import ACTIVE

_OPEN_SQL: Final = ", ".join(f"'{s.value}'" for s in sorted(ACTIVE))
_ORDER: Final = {c: i for i, c in enumerate(Condition)}
_KNOWN: Final = frozenset(c.value for c in Condition)
_CALL_ORDER_T: Final = ", ".join(f"t.{part.strip()}" for part in CALL_ORDER.split(","))


async def queue_patients(queue_id: str, day: dt.date, *, now: dt.datetime) -> list[QueuePatient]:
    """The queue's open tickets of `day` (waiting, called, recalled, in service, skipped) in call order."""
    rows = await QueueTicket.raw(
        f"SELECT {TICKET_COLUMNS_T}, r.name AS resident_name, r.sex AS resident_sex, "
        "r.birth_date AS resident_birth_date, d.condition AS condition "
        "FROM queue_ticket t JOIN resident r ON r.id = t.resident "
        "LEFT JOIN diagnosis d ON d.resident = t.resident AND d.status = 'confirmed' "
        f"WHERE t.queue = {{}} AND t.queue_date = {{}} AND t.status IN ({_OPEN_SQL}) "
        f"ORDER BY {_CALL_ORDER_T}, t.id",
        queue_id,
        day,
    )
    tickets: dict[int, dict[str, Any]] = {}
    conditions: dict[int, set[Condition]] = {}
    for row in rows:
        ticket_id = row["id"]
        if ticket_id not in tickets:
            tickets[ticket_id] = row
            conditions[ticket_id] = set()
        if row["condition"] in _KNOWN:
            conditions[ticket_id].add(Condition(row["condition"]))
    out: list[QueuePatient] = []
    for ticket_id, row in tickets.items():
        ticket = ticket_of(row)
        out.append(
            QueuePatient(
                ticket=ticket,
                name=str(row["resident_name"]),
                sex=Sex(str(row["resident_sex"])),
                birth_date=as_date(row["resident_birth_date"]),
                conditions=tuple(sorted(conditions[ticket_id], key=_ORDER.__getitem__)),
                waiting_minutes=waiting_minutes(ticket, now=now),
            )
        )
    return out
