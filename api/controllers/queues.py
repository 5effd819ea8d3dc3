"""`/api/v1/queues` and `/api/v1/tickets`: triage to a ticket, call the next, move a ticket through its life.

A ticket belongs to a visit, so issuing or reading one is audited under the resident (api/audit.py). Calls
are announced to the board after the commit (never before: a rolled-back call must not be shown or spoken).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import auth
from api.audit import Auditor
from api.bodies import TicketMoveRequest, TriageRequest
from api.context import context_of
from api.errors import error_responses
from db import queues as store
from db.engine import Database
from flows.model import Staff
from flows.queue import (
    IssuedTicket,
    QueueSummary,
    Ticket,
    TicketMove,
    TicketMoved,
    TicketStatus,
    TriagePreview,
    find_queue,
)

StatusFilter = Annotated[
    list[TicketStatus] | None, QueryParameter(name="status", description="only tickets in these states")
]
QueueFilter = Annotated[str | None, QueryParameter(name="queue_id", description="only this queue")]
DayFilter = Annotated[dt.date | None, QueryParameter(name="date", description="local date (default: today)")]
VisitFilter = Annotated[int | None, QueryParameter(name="visit_id", description="only this visit's tickets")]


class QueueController(Controller):
    path = "/api/v1"
    tags = ("queues",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get("/queues", operation_id="listQueues", summary="The site's queues with today's counts")
    async def listing(self, *, state: State, today: NamedDependency[dt.date]) -> list[QueueSummary]:
        ctx = context_of(state)
        return await store.queue_summaries(await ctx.queues(), today)

    @post(
        "/tickets",
        operation_id="issueTicket",
        summary="Triage a visit to its queue and print its ticket (asking again reprints the same ticket)",
        status_code=201,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def issue(
        self,
        *,
        state: State,
        data: JSONBody[TriageRequest],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> Response[IssuedTicket]:
        ctx = context_of(state)
        queues = await ctx.queues()
        prepared: list[store.PreparedTicket] = []

        async def write() -> IssuedTicket:
            # The reads run before the write lock (store.prepare_ticket). When they went stale before the
            # commit (a racing terminal, a retried unique clash), they are read again, inside the lock.
            if prepared:
                prepared[0] = await store.prepare_ticket(data, queues=queues, now=now, zone=ctx.zone)
            else:
                prepared.append(await store.prepare_ticket(data, queues=queues, now=now, zone=ctx.zone))
            return await store.commit_ticket(db, prepared[0], actor_id=staff.id, now=now)

        def audit(done: IssuedTicket) -> Awaitable[None]:
            override = " override" if data.reason and (data.queue_id or data.priority is not None) else ""
            return auditor.resident(
                done.ticket.resident_id,
                "ticket.reprint" if done.reprint else "ticket.issue",
                detail=f"visit={done.ticket.visit_id} ticket={done.ticket.label}{override}",
            )

        try:
            issued = await auditor.atomic(write, audit)
        except store.Stale:
            issued = await auditor.atomic(write, audit)
        ctx.printer.wake()
        return Response(issued, status_code=200 if issued.reprint else 201)

    @post(
        "/tickets/preview",
        operation_id="previewTicket",
        summary="What issuing would do now: queue, room, priority, why and the people ahead (nothing saved)",
        status_code=200,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def preview(
        self,
        *,
        state: State,
        data: JSONBody[TriageRequest],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> TriagePreview:
        # The triage screen shows this before the nurse prints: the same reads as issuing, so what she is
        # shown is what the ticket will say (unless another terminal issues one in between).
        ctx = context_of(state)
        prepared = await store.prepare_ticket(data, queues=await ctx.queues(), now=now, zone=ctx.zone)
        d = prepared.decision
        await auditor.resident(
            prepared.visit.resident_id,
            "ticket.preview",
            detail=f"visit={prepared.visit.id} queue={d.queue.id}",
        )
        return TriagePreview(
            queue=d.queue,
            priority=d.priority,
            emergency=d.emergency,
            why=d.why,
            override_reason=d.override_reason,
            ahead=prepared.ahead,
            existing=prepared.existing,
        )

    @get(
        "/tickets",
        operation_id="listTickets",
        summary="A day's tickets in call order",
        responses=error_responses(401, 403, 422),
    )
    async def tickets(
        self,
        *,
        today: NamedDependency[dt.date],
        auditor: NamedDependency[Auditor],
        queue_id: QueueFilter = None,
        status: StatusFilter = None,
        day: DayFilter = None,
        visit_id: VisitFilter = None,
    ) -> list[Ticket]:
        found = await store.list_tickets(
            day or today, queue_id=queue_id, statuses=status or (), visit_id=visit_id
        )
        await auditor.record("list", entity="ticket", entity_id=None, detail=f"results={len(found)}")
        return found

    @get(
        "/tickets/{ticket_id:int}",
        operation_id="getTicket",
        summary="One ticket",
        responses=error_responses(401, 403, 404),
    )
    async def read(self, *, ticket_id: FromPath[int], auditor: NamedDependency[Auditor]) -> Ticket:
        ticket = await store.get_ticket(ticket_id)
        await auditor.resident(ticket.resident_id, "ticket.read", detail=f"ticket={ticket.label}")
        return ticket

    @post(
        "/queues/{queue_id:str}/call-next",
        operation_id="callNextTicket",
        summary="Call the next ticket of a queue: priority first, then arrival",
        status_code=200,
        responses=error_responses(401, 403, 404, 409),
    )
    async def call_next(
        self,
        *,
        request: Request[Any, Any, Any],
        queue_id: FromPath[str],
        db: NamedDependency[Database],
        now: NamedDependency[dt.datetime],
        today: NamedDependency[dt.date],
        auditor: NamedDependency[Auditor],
    ) -> Ticket:
        ctx = context_of(request.app.state)
        queue = find_queue(await ctx.queues(), queue_id)
        ticket = await auditor.atomic(
            lambda: store.call_next(db, queue.id, day=today, now=now),
            lambda called: auditor.resident(
                called.resident_id, "ticket.call", detail=f"ticket={called.label}"
            ),
        )
        ctx.calls.publish(store.board_call(ticket, queue.name))
        return ticket

    @post(
        "/tickets/{ticket_id:int}/moves",
        operation_id="moveTicket",
        summary="Call, recall, start, finish, skip, requeue, transfer or cancel a ticket",
        status_code=200,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def move(
        self,
        *,
        request: Request[Any, Any, Any],
        ticket_id: FromPath[int],
        data: JSONBody[TicketMoveRequest],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> TicketMoved:
        ctx = context_of(request.app.state)
        queues = await ctx.queues()
        moved, target = await auditor.atomic(
            lambda: store.change_ticket(db, ticket_id, data, queues=queues, actor_id=staff.id, now=now),
            lambda pair: auditor.resident(
                pair[0].resident_id,
                f"ticket.{data.move.value}",
                detail=f"ticket={pair[0].label}" + (f" to={pair[1].label}" if pair[1] else ""),
            ),
        )
        if data.move in (TicketMove.CALL, TicketMove.RECALL):
            ctx.calls.publish(store.board_call(moved, find_queue(queues, moved.queue_id).name))
        if target is not None:
            ctx.printer.wake()
        return TicketMoved(ticket=moved, transferred_to=target)
