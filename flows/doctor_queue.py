"""The doctor's view of a queue: each open ticket with who holds it, for calling and starting a consultation.

The waiting-room board never shows names (flows.queue.BoardCall); the doctor's desk does, so this is a staff
read of its own (`GET /api/v1/queues/{queue_id}/patients`), audited as one list.
"""

from __future__ import annotations

import datetime as dt

from flows.model import Condition, Sex, Struct
from flows.queue import Ticket, TicketStatus


class QueuePatient(Struct, frozen=True, kw_only=True):
    """One open ticket of today (waiting, called, in service or missed the call) and its resident."""

    ticket: Ticket
    name: str
    sex: Sex
    birth_date: dt.date
    conditions: tuple[Condition, ...]  # confirmed diagnoses, in the glossary's order
    # Minutes since the ticket joined the line (order_at), up to now, or up to the start of the
    # consultation once it is in service: what the doctor reads as "how long has this person waited".
    waiting_minutes: int


def waiting_minutes(ticket: Ticket, *, now: dt.datetime) -> int:
    """Whole minutes waited; never negative (a clock a little behind the ticket's time reads 0)."""
    until = ticket.started_at if ticket.status is TicketStatus.IN_SERVICE and ticket.started_at else now
    return max(0, int((until - ticket.order_at).total_seconds() // 60))
