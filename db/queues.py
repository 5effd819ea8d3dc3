"""Queue tickets: issue (gap-free numbers per queue and local day), call, move, read for the desk and board.

Gap-free under many terminals: the number comes from db.counters inside the same writing transaction as
the ticket row and its print job, so a refused or failed issue leaves no hole, and two issues never share a
number (the counter row's lock serialises them on PostgreSQL; SQLite's IMMEDIATE transaction on both).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from collections.abc import Sequence
from typing import Any

import msgspec

from db import convert, print_jobs
from db.counters import next_value
from db.engine import Database, write_transaction
from db.tables import FamilyDoctorTeam, QueueTicket, Visit, VisitEvent
from flows.errors import Conflict, NotFound
from flows.model import Move, MoveRequest, Step
from flows.model import Visit as VisitStruct
from flows.queue import (
    ACTIVE,
    ON_BOARD,
    BoardCall,
    IssuedTicket,
    QueueDef,
    QueueSpec,
    QueueSummary,
    Ticket,
    TicketMove,
    TicketMoveRequest,
    TicketStatus,
    TicketStatusView,
    TriageDecision,
    TriageRequest,
    find_queue,
    label,
    move_ticket,
    resolve_queues,
    triage,
)
from flows.visit import advance

TICKET_COLUMNS = (
    "id, visit, resident, queue, queue_date, number, prefix, priority, emergency, priority_reason, status, "
    "room, created_at, issued_by, order_at, called_at, calls, started_at, finished_at, transferred_to, "
    "ahead_at_issue"
)
# The call order of flows.queue: priority first, then arrival, then number (queue_ticket_call index).
CALL_ORDER = "priority DESC, order_at, number"
_BOARD_SQL = ", ".join(f"'{s.value}'" for s in sorted(ON_BOARD))


# The same columns of the ticket aliased `t`, for queries that join the ticket to its resident.
TICKET_COLUMNS_T = ", ".join(f"t.{c.strip()}" for c in TICKET_COLUMNS.split(","))


def ticket_of(row: dict[str, Any]) -> Ticket:
    optional = convert.aware
    return Ticket(
        id=row["id"],
        visit_id=row["visit"],
        resident_id=row["resident"],
        queue_id=row["queue"],
        queue_date=convert.as_date(row["queue_date"]),
        number=row["number"],
        label=label(row["prefix"], row["number"]),
        priority=row["priority"],
        emergency=bool(row["emergency"]),
        priority_reason=row["priority_reason"],
        status=TicketStatus(row["status"]),
        room=row["room"] or "",
        issued_at=optional(row["created_at"]),
        issued_by=row["issued_by"],
        order_at=optional(row["order_at"]),
        called_at=optional(row["called_at"]) if row["called_at"] else None,
        calls=row["calls"],
        started_at=optional(row["started_at"]) if row["started_at"] else None,
        finished_at=optional(row["finished_at"]) if row["finished_at"] else None,
        transferred_to=row["transferred_to"],
        ahead_at_issue=row["ahead_at_issue"],
    )


async def site_queues(configured: Sequence[QueueSpec]) -> list[QueueDef]:
    """The configured queues plus one per family doctor team (flows.queue.resolve_queues)."""
    teams = await FamilyDoctorTeam.select(FamilyDoctorTeam.id, FamilyDoctorTeam.name, FamilyDoctorTeam.room)
    return resolve_queues(configured, [(t["id"], t["name"], t["room"]) for t in teams])


async def get_ticket(ticket_id: int) -> Ticket:
    rows = await QueueTicket.raw(f"SELECT {TICKET_COLUMNS} FROM queue_ticket WHERE id = {{}}", ticket_id)
    if not rows:
        raise NotFound(f"no ticket with id {ticket_id}", field="ticket_id", details={"id": ticket_id})
    return ticket_of(rows[0])


async def _ticket_of(resident_id: int, queue_id: str, day: dt.date) -> Ticket | None:
    rows = await QueueTicket.raw(
        f"SELECT {TICKET_COLUMNS} FROM queue_ticket WHERE resident = {{}} AND queue = {{}} AND queue_date = {{}}",
        resident_id,
        queue_id,
        day,
    )
    return ticket_of(rows[0]) if rows else None


async def _ahead(queue_id: str, day: dt.date, priority: int) -> int:
    """People called before a new ticket of this priority: every waiting ticket at least as urgent."""
    rows = await QueueTicket.raw(
        "SELECT COUNT(*) AS n FROM queue_ticket WHERE queue = {} AND queue_date = {} "
        "AND status = 'waiting' AND priority >= {}",
        queue_id,
        day,
        priority,
    )
    return int(rows[0]["n"])


class Stale(Conflict):
    """What an issue was prepared on changed before it committed (another terminal moved the visit, an
    emergency was raised, the same ticket was issued): prepare again."""


@dataclasses.dataclass(frozen=True)
class PreparedTicket:
    """The reads of an issue, done before the write lock is taken (pooled readers run beside the writer),
    so the writing transaction is a handful of statements: at the desk's rush hour the single SQLite
    writer, not the reads, is what every terminal waits for."""

    visit: VisitStruct
    decision: TriageDecision
    existing: Ticket | None
    ahead: int  # people before the new ticket when prepared (a few ms before it commits)
    day: dt.date
    moves_visit: bool  # the visit is at triage: the ticket is its triage move
    events: int  # the visit's step events so far (the triage event's seq is one more)


async def prepare_ticket(
    request: TriageRequest, *, queues: Sequence[QueueDef], now: dt.datetime, zone: zoneinfo.ZoneInfo
) -> PreparedTicket:
    rows = await QueueTicket.raw(
        f"SELECT {convert.VISIT_COLUMNS}, "
        "EXISTS (SELECT 1 FROM emergency_flag e WHERE e.visit = visit.id AND e.status = 'open') AS emergency_open, "
        "(SELECT COUNT(*) FROM visit_event ve WHERE ve.visit = visit.id) AS events "
        "FROM visit WHERE id = {}",
        request.visit_id,
    )
    if not rows:
        raise NotFound(
            f"no visit with id {request.visit_id}", field="visit_id", details={"id": request.visit_id}
        )
    visit = convert.visit(rows[0])
    emergency_open = bool(rows[0]["emergency_open"])
    decision = triage(visit, queues, emergency_open=emergency_open, request=request)
    day = now.astimezone(zone).date()
    existing = await _ticket_of(visit.resident_id, decision.queue.id, day)
    ahead = 0 if existing is not None else await _ahead(decision.queue.id, day, decision.priority)
    return PreparedTicket(
        visit=visit,
        decision=decision,
        existing=existing,
        ahead=ahead,
        day=day,
        moves_visit=visit.step is Step.TRIAGE and not emergency_open,
        events=int(rows[0]["events"]),
    )


async def commit_ticket(
    db: Database, prepared: PreparedTicket, *, actor_id: int, now: dt.datetime
) -> IssuedTicket:
    """The writes of an issue, in one transaction: number, ticket, print job, and the visit's triage move.
    Raises Stale when the prepared reads no longer hold."""
    at = convert.utc(now)
    decision, existing = prepared.decision, prepared.existing
    async with write_transaction(db):
        if existing is not None and existing.status in ACTIVE:
            job = await print_jobs.queue_job(existing.id, kind="reprint", requested_by=actor_id, now=now)
            return IssuedTicket(ticket=existing, print_job_id=job, reprint=True, why=decision.why)
        if existing is not None:
            # Seen and finished (or cancelled) today, back again: the same number, back in line.
            ticket = await _reopen(existing, decision.priority, decision.emergency, actor_id=actor_id, at=at)
        else:
            ticket = await _insert(
                prepared.visit.id,
                prepared.visit.resident_id,
                decision.queue,
                prepared.day,
                priority=decision.priority,
                emergency=decision.emergency,
                reason=decision.override_reason,
                ahead=prepared.ahead,
                actor_id=actor_id,
                at=at,
            )
        job = await print_jobs.queue_job(ticket.id, kind="ticket", requested_by=actor_id, now=now)
        if prepared.moves_visit:
            await _triage_move(prepared, actor_id=actor_id, now=at)
    return IssuedTicket(ticket=ticket, print_job_id=job, reprint=False, why=decision.why)


async def _insert(
    visit_id: int,
    resident_id: int,
    queue: QueueDef,
    day: dt.date,
    *,
    priority: int,
    emergency: bool,
    reason: str | None,
    ahead: int,
    actor_id: int,
    at: dt.datetime,
) -> Ticket:
    number = await next_value(f"ticket:{queue.id}:{day.isoformat()}")
    rows = await QueueTicket.insert(
        QueueTicket(
            visit=visit_id,
            resident=resident_id,
            queue=queue.id,
            queue_date=day,
            number=number,
            prefix=queue.prefix,
            priority=priority,
            emergency=emergency,
            priority_reason=reason,
            status=TicketStatus.WAITING.value,
            room=queue.room,
            created_at=at,
            issued_by=actor_id,
            order_at=at,
            ahead_at_issue=ahead,
            updated_at=at,
        )
    ).returning(QueueTicket.id)
    return Ticket(
        id=rows[0]["id"],
        visit_id=visit_id,
        resident_id=resident_id,
        queue_id=queue.id,
        queue_date=day,
        number=number,
        label=label(queue.prefix, number),
        priority=priority,
        emergency=emergency,
        priority_reason=reason,
        status=TicketStatus.WAITING,
        room=queue.room,
        issued_at=at,
        issued_by=actor_id,
        order_at=at,
        ahead_at_issue=ahead,
    )


async def _triage_move(prepared: PreparedTicket, *, actor_id: int, now: dt.datetime) -> None:
    """The visit's triage move (flows.visit decides it), guarded by the step and the emergency gate read
    when prepared: if either changed meanwhile, Stale, and the whole issue rolls back."""
    moved = advance(prepared.visit, MoveRequest(move=Move.TRIAGE), actor_id=actor_id, now=now)
    event = msgspec.structs.replace(moved.events[-1], seq=prepared.events + 1)
    updated = await Visit.raw(
        "UPDATE visit SET step = {}, updated_at = {} WHERE id = {} AND step = {} AND NOT EXISTS "
        "(SELECT 1 FROM emergency_flag e WHERE e.visit = visit.id AND e.status = 'open') RETURNING id",
        moved.step.value,
        now,
        prepared.visit.id,
        Step.TRIAGE.value,
    )
    if not updated:
        raise Stale(f"visit {prepared.visit.id} changed while its ticket was issued", field="visit_id")
    await VisitEvent.insert(
        VisitEvent(
            visit=prepared.visit.id,
            seq=event.seq,
            move=event.move.value,
            from_step=event.from_step.value,
            to_step=event.to_step.value,
            actor=actor_id,
            at=event.at,
            reason=None,
        )
    )


async def _reopen(
    ticket: Ticket, priority: int, emergency: bool, *, actor_id: int, at: dt.datetime
) -> Ticket:
    await QueueTicket.update(
        {
            QueueTicket.status: TicketStatus.WAITING.value,
            QueueTicket.priority: priority,
            QueueTicket.emergency: emergency,
            QueueTicket.order_at: at,
            QueueTicket.issued_by: actor_id,
            QueueTicket.finished_at: None,
            QueueTicket.transferred_to: None,
            QueueTicket.updated_at: at,
        }
    ).where(QueueTicket.id == ticket.id)
    return await get_ticket(ticket.id)


async def call_next(db: Database, queue_id: str, *, day: dt.date, now: dt.datetime) -> Ticket:
    """Call the next waiting ticket: priority first, then arrival. Two doctors calling at once never get
    the same ticket: the UPDATE is guarded by the status read, and a lost race tries the next one."""
    at = convert.utc(now)
    for _ in range(5):
        async with write_transaction(db):
            rows = await QueueTicket.raw(
                f"SELECT {TICKET_COLUMNS} FROM queue_ticket WHERE queue = {{}} AND queue_date = {{}} "
                f"AND status = 'waiting' ORDER BY {CALL_ORDER} LIMIT 1",
                queue_id,
                day,
            )
            if not rows:
                raise NotFound(f"nobody is waiting in queue {queue_id!r}", field="queue_id")
            ticket = ticket_of(rows[0])
            called = move_ticket(ticket, TicketMoveRequest(move=TicketMove.CALL), now=at)
            if await _save_move(ticket, called, at):
                return called
    raise Conflict(f"queue {queue_id!r} is busy: another terminal called at the same moment; try again")


async def _save_move(before: Ticket, after: Ticket, at: dt.datetime) -> bool:
    updated = (
        await QueueTicket.update(
            {
                QueueTicket.status: after.status.value,
                QueueTicket.called_at: after.called_at,
                QueueTicket.calls: after.calls,
                QueueTicket.started_at: after.started_at,
                QueueTicket.finished_at: after.finished_at,
                QueueTicket.order_at: after.order_at,
                QueueTicket.transferred_to: after.transferred_to,
                QueueTicket.updated_at: at,
            }
        )
        .where((QueueTicket.id == before.id) & (QueueTicket.status == before.status.value))
        .returning(QueueTicket.id)
    )
    return bool(updated)


async def change_ticket(
    db: Database,
    ticket_id: int,
    request: TicketMoveRequest,
    *,
    queues: Sequence[QueueDef],
    actor_id: int,
    now: dt.datetime,
) -> tuple[Ticket, Ticket | None]:
    """Move a ticket (flows.queue.move_ticket). A transfer also issues the ticket in the other queue (same
    priority, a number of that queue, a print job) and returns it second."""
    at = convert.utc(now)
    async with write_transaction(db):
        ticket = await get_ticket(ticket_id)
        moved = move_ticket(ticket, request, now=at)
        target: Ticket | None = None
        if request.move is TicketMove.TRANSFER:
            queue = find_queue(queues, request.queue_id or "")
            if queue.id == ticket.queue_id:
                raise Conflict(f"ticket {ticket.label} is already in queue {queue.id!r}", field="queue_id")
            target = await _transfer_into(ticket, queue, actor_id=actor_id, at=at)
            moved = _with(moved, transferred_to=target.id)
        if not await _save_move(ticket, moved, at):
            raise Conflict(
                f"ticket {ticket.label} was changed by another terminal; reload it", field="ticket_id"
            )
    return moved, target


def _with(ticket: Ticket, **changes: Any) -> Ticket:
    return msgspec.structs.replace(ticket, **changes)


async def _transfer_into(ticket: Ticket, queue: QueueDef, *, actor_id: int, at: dt.datetime) -> Ticket:
    existing = await _ticket_of(ticket.resident_id, queue.id, ticket.queue_date)
    if existing is not None and existing.status in ACTIVE:
        raise Conflict(
            f"the resident already holds ticket {existing.label} in queue {queue.id!r}", field="queue_id"
        )
    if existing is not None:
        target = await _reopen(existing, ticket.priority, ticket.emergency, actor_id=actor_id, at=at)
    else:
        target = await _insert(
            ticket.visit_id,
            ticket.resident_id,
            queue,
            ticket.queue_date,
            priority=ticket.priority,
            emergency=ticket.emergency,
            reason=ticket.priority_reason,
            ahead=await _ahead(queue.id, ticket.queue_date, ticket.priority),
            actor_id=actor_id,
            at=at,
        )
    await print_jobs.queue_job(target.id, kind="ticket", requested_by=actor_id, now=at)
    return target


async def list_tickets(
    day: dt.date,
    *,
    queue_id: str | None = None,
    statuses: Sequence[TicketStatus] = (),
    visit_id: int | None = None,
) -> list[Ticket]:
    """A day's tickets in call order (priority, arrival, number)."""
    where = ["queue_date = {}"]
    args: list[Any] = [day]
    if visit_id is not None:
        where.append("visit = {}")  # queue_ticket.visit is indexed
        args.append(visit_id)
    if queue_id is not None:
        where.append("queue = {}")
        args.append(queue_id)
    if statuses:
        where.append("status IN (" + ", ".join("{}" for _ in statuses) + ")")
        args.extend(s.value for s in statuses)
    rows = await QueueTicket.raw(
        f"SELECT {TICKET_COLUMNS} FROM queue_ticket WHERE {' AND '.join(where)} ORDER BY queue, {CALL_ORDER}",
        *args,
    )
    return [ticket_of(r) for r in rows]


async def queue_summaries(queues: Sequence[QueueDef], day: dt.date) -> list[QueueSummary]:
    rows = await QueueTicket.raw(
        "SELECT queue, status, COUNT(*) AS n FROM queue_ticket WHERE queue_date = {} GROUP BY queue, status",
        day,
    )
    counts: dict[tuple[str, str], int] = {(r["queue"], r["status"]): int(r["n"]) for r in rows}
    last = await QueueTicket.raw(
        "SELECT queue, prefix, number FROM queue_ticket t WHERE queue_date = {} AND called_at IS NOT NULL "
        "AND called_at = (SELECT MAX(called_at) FROM queue_ticket u WHERE u.queue = t.queue "
        "AND u.queue_date = t.queue_date)",
        day,
    )
    last_called = {r["queue"]: label(r["prefix"], r["number"]) for r in last}

    def n(queue_id: str, *statuses: TicketStatus) -> int:
        return sum(counts.get((queue_id, s.value), 0) for s in statuses)

    return [
        QueueSummary(
            queue=q,
            waiting=n(q.id, TicketStatus.WAITING),
            called=n(q.id, TicketStatus.CALLED, TicketStatus.RECALLED),
            in_service=n(q.id, TicketStatus.IN_SERVICE),
            done=n(q.id, TicketStatus.DONE),
            last_called=last_called.get(q.id),
        )
        for q in queues
    ]


async def board_calls(day: dt.date, queues: Sequence[QueueDef] = ()) -> list[BoardCall]:
    """The day's numbers being called (called or recalled), latest first. No names."""
    names = {q.id: q.name for q in queues}
    rows = await QueueTicket.raw(
        f"SELECT {TICKET_COLUMNS} FROM queue_ticket WHERE queue_date = {{}} AND status IN ({_BOARD_SQL}) "
        "ORDER BY called_at DESC",
        day,
    )
    return [board_call(ticket_of(r), names.get(r["queue"], r["queue"])) for r in rows]


def board_call(ticket: Ticket, queue_name: str) -> BoardCall:
    if ticket.called_at is None:
        raise ValueError(f"ticket {ticket.label} has not been called")
    return BoardCall(
        ticket_id=ticket.id,
        label=ticket.label,
        queue_id=ticket.queue_id,
        queue_name=queue_name,
        room=ticket.room,
        status=ticket.status,
        calls=ticket.calls,
        called_at=ticket.called_at,
        emergency=ticket.emergency,
    )


async def visit_places(visit_id: int, queues: Sequence[QueueDef] = ()) -> list[TicketStatusView]:
    """Today's tickets of a visit, oldest first, each with the people still ahead of it now (the patient
    page, /p/{token})."""
    rows = await QueueTicket.raw(
        f"SELECT {TICKET_COLUMNS} FROM queue_ticket WHERE visit = {{}} ORDER BY id", visit_id
    )
    names = {q.id: q.name for q in queues}
    return [await _place(ticket_of(row), names) for row in rows]


async def _place(ticket: Ticket, names: dict[str, str]) -> TicketStatusView:
    ahead = 0
    if ticket.status is TicketStatus.WAITING:
        counted = await QueueTicket.raw(
            "SELECT COUNT(*) AS n FROM queue_ticket WHERE queue = {} AND queue_date = {} "
            "AND status = 'waiting' AND (priority > {} OR (priority = {} AND (order_at < {} "
            "OR (order_at = {} AND number < {}))))",
            ticket.queue_id,
            ticket.queue_date,
            ticket.priority,
            ticket.priority,
            ticket.order_at,
            ticket.order_at,
            ticket.number,
        )
        ahead = int(counted[0]["n"])
    return TicketStatusView(
        label=ticket.label,
        queue_name=names.get(ticket.queue_id, ticket.queue_id),
        room=ticket.room,
        status=ticket.status,
        ahead=ahead,
        issued_at=ticket.issued_at,
        called_at=ticket.called_at,
        emergency=ticket.emergency,
    )


async def ticket_for_print(ticket_id: int) -> tuple[Ticket, str]:
    """The ticket and the resident's name (masked by the caller before printing)."""
    rows = await QueueTicket.raw(
        f"SELECT {TICKET_COLUMNS_T}, r.name FROM queue_ticket t JOIN resident r ON r.id = t.resident WHERE t.id = {{}}",
        ticket_id,
    )
    if not rows:
        raise NotFound(f"no ticket with id {ticket_id}", field="ticket_id")
    return ticket_of(rows[0]), str(rows[0]["name"])
