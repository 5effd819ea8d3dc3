"""Queues and tickets at the doctor's desk: the day's tickets, call the next one, and move one (flows.queue)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flows.doctor_queue import QueuePatient
from flows.queue import QueueSummary, Ticket, TicketMove, TicketMoved, TicketMoveRequest, TicketStatus

if TYPE_CHECKING:
    from tui.client import ApiClient


def list_queues(client: ApiClient) -> list[QueueSummary]:
    return client.call("GET", "/api/v1/queues", list[QueueSummary])


def list_tickets(client: ApiClient, queue_id: str | None = None) -> list[Ticket]:
    """Today's tickets in call order (priority first, then arrival), of one queue or all."""
    params = {"queue_id": queue_id} if queue_id else None
    return client.call("GET", "/api/v1/tickets", list[Ticket], params=params)


def queue_patients(client: ApiClient, queue_id: str) -> list[QueuePatient]:
    """Today's open tickets of the queue in call order, with the resident's name, sex, age and conditions."""
    return client.call("GET", f"/api/v1/queues/{queue_id}/patients", list[QueuePatient])


def call_next(client: ApiClient, queue_id: str) -> Ticket:
    """The next ticket of the queue, called (the waiting-room board shows and speaks it)."""
    return client.call("POST", f"/api/v1/queues/{queue_id}/call-next", Ticket)


def move_ticket(
    client: ApiClient,
    ticket: Ticket,
    move: TicketMove,
    *,
    reason: str | None = None,
    queue_id: str | None = None,
) -> TicketMoved:
    """One move, refused (409) if another terminal moved the ticket from its status first."""
    request = TicketMoveRequest(move=move, reason=reason, queue_id=queue_id, expected_status=ticket.status)
    return client.call("POST", f"/api/v1/tickets/{ticket.id}/moves", TicketMoved, body=request)


def finish_ticket(client: ApiClient, ticket_id: int) -> Ticket:
    """The consultation is over: the ticket is finished (already finished: left as it is)."""
    ticket = client.call("GET", f"/api/v1/tickets/{ticket_id}", Ticket)
    if ticket.status in (TicketStatus.DONE, TicketStatus.CANCELLED, TicketStatus.TRANSFERRED):
        return ticket
    if ticket.status is not TicketStatus.IN_SERVICE:
        ticket = move_ticket(client, ticket, TicketMove.START).ticket
    return move_ticket(client, ticket, TicketMove.FINISH).ticket
