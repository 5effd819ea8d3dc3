"""Tickets: preview triage, issue (and print) a visit's ticket, find it again, and follow its print job."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flows.printing import PrintJob
from flows.queue import IssuedTicket, QueueSummary, Ticket, TriagePreview, TriageRequest

if TYPE_CHECKING:
    from tui.client import ApiClient


def preview(client: ApiClient, request: TriageRequest) -> TriagePreview:
    return client.call("POST", "/api/v1/tickets/preview", TriagePreview, body=request)


def issue(client: ApiClient, request: TriageRequest) -> IssuedTicket:
    """Triage and queue the print; asking again for the same visit reprints the same number (补打)."""
    return client.call("POST", "/api/v1/tickets", IssuedTicket, body=request)


def of_visit(client: ApiClient, visit_id: int) -> list[Ticket]:
    """Today's tickets of a visit (a transfer gives it a second one), in call order."""
    return client.call("GET", "/api/v1/tickets", list[Ticket], params={"visit_id": str(visit_id)})


def queues(client: ApiClient) -> list[QueueSummary]:
    return client.call("GET", "/api/v1/queues", list[QueueSummary])


def print_job(client: ApiClient, job_id: int) -> PrintJob:
    return client.call("GET", f"/api/v1/print-jobs/{job_id}", PrintJob)
