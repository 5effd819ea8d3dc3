"""Visits: open one a day per resident, move it through flows.visit.advance, read it back with its events."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict

import msgspec

from db import convert, emergencies
from db.engine import Database, write_transaction
from db.errors import is_unique_violation
from db.tables import FamilyDoctorTeam, QueueTicket, Resident, Staff, Visit, VisitEvent
from flows.errors import Conflict, NotFound
from flows.model import Move, MoveRequest, Step, StepEvent
from flows.model import Visit as VisitStruct
from flows.queue import CANCELLABLE, TicketStatus
from flows.visit import advance, allowed_moves

_EVENT_COLUMNS = "visit, seq, move, from_step, to_step, actor, at, reason"


async def open_visit(
    db: Database, resident_id: int, *, actor_id: int, now: dt.datetime, tz: str
) -> VisitStruct:
    """Open today's visit at intake. A second open visit the same local day is refused (Conflict)."""
    visit_date = now.astimezone(zoneinfo.ZoneInfo(tz)).date()
    at = convert.utc(now)
    try:
        async with write_transaction(db):
            if not await Resident.exists().where(Resident.id == resident_id):
                raise NotFound(
                    f"no resident with id {resident_id}", field="resident_id", details={"id": resident_id}
                )
            await _require_staff(actor_id)
            await _refuse_second_open(resident_id, visit_date)
            rows = await Visit.insert(
                Visit(
                    resident=resident_id,
                    visit_date=visit_date,
                    step=Step.INTAKE.value,
                    opened_at=at,
                    opened_by=actor_id,
                    updated_at=at,
                )
            )
    except Exception as exc:
        # Two terminals opening at the same instant: the partial unique index refuses the second.
        if is_unique_violation(exc):
            await _refuse_second_open(resident_id, visit_date)
        raise
    return VisitStruct(
        id=rows[0]["id"],
        resident_id=resident_id,
        visit_date=visit_date,
        step=Step.INTAKE,
        opened_at=at,
        opened_by=actor_id,
    )


async def visit_row(visit_id: int) -> VisitStruct:
    """The visit without its events (one query): for stores that only need its resident, step or state."""
    rows = await Visit.raw(f"SELECT {convert.VISIT_COLUMNS} FROM visit WHERE id = {{}}", visit_id)
    if not rows:
        raise NotFound(f"no visit with id {visit_id}", field="visit_id", details={"id": visit_id})
    return convert.visit(rows[0])


async def visit_of(visit_id: int, resident_id: int) -> VisitStruct:
    """The visit, refused (NotFound) when it is another resident's: a record never points across residents."""
    visit = await visit_row(visit_id)
    if visit.resident_id != resident_id:
        raise NotFound(
            f"no visit {visit_id} of resident {resident_id}", field="visit_id", details={"id": visit_id}
        )
    return visit


async def open_visit_of(visit_id: int, resident_id: int | None = None) -> VisitStruct:
    """The visit, refused when it is closed (values and decisions go into an open visit) or, with
    `resident_id`, when it is another resident's."""
    visit = await (visit_row(visit_id) if resident_id is None else visit_of(visit_id, resident_id))
    if visit.closed_at is not None:
        raise Conflict(
            f"visit {visit_id} is closed ({visit.step.value}); this goes into an open visit",
            field="visit_id",
            details={"step": visit.step.value},
        )
    return visit


async def get_visit(db: Database, visit_id: int) -> VisitStruct:
    """The visit with every saved step event: a terminal resumes it exactly where it stands."""
    visit = await visit_row(visit_id)
    events = await _events([visit_id])
    return msgspec.structs.replace(visit, events=tuple(events[visit_id]))


async def move_visit(
    db: Database, visit_id: int, request: MoveRequest, *, actor_id: int, now: dt.datetime
) -> VisitStruct:
    """Apply one move and save it with who and when. Refused moves and stale steps write nothing.

    An open emergency flag of the visit gates the move (flows.visit.advance); the emergency exits close it."""
    async with write_transaction(db):
        current = await get_visit(db, visit_id)
        emergency_open = await emergencies.has_open(visit_id)
        moved = advance(
            current, request, actor_id=actor_id, now=convert.utc(now), emergency_open=emergency_open
        )
        await _require_staff(actor_id)
        if moved.team_id not in (None, current.team_id):
            await _require_team(moved.team_id)
        # Guarded by the step we read: on PostgreSQL a concurrent mover that committed first leaves this
        # UPDATE with no row (SQLite's IMMEDIATE transaction already serialises the two).
        updated = (
            await Visit.update(
                {
                    Visit.step: moved.step.value,
                    Visit.closed_at: moved.closed_at,
                    Visit.queue_kind: moved.queue_kind.value if moved.queue_kind else None,
                    Visit.team: moved.team_id,
                    Visit.referral_direction: moved.referral_direction,
                    Visit.updated_at: convert.utc(now),
                }
            )
            .where((Visit.id == visit_id) & (Visit.step == current.step.value))
            .returning(Visit.id)
        )
        if not updated:
            raise Conflict(
                f"visit {visit_id} was moved by another terminal while this move was made; reload it",
                field="expected_step",
                details={"visit_id": visit_id},
            )
        event = moved.events[-1]
        await VisitEvent.insert(
            VisitEvent(
                visit=visit_id,
                seq=event.seq,
                move=event.move.value,
                from_step=event.from_step.value,
                to_step=event.to_step.value,
                actor=event.actor_id,
                at=event.at,
                reason=event.reason,
            )
        )
        if emergency_open:
            await emergencies.resolve_by_move(
                visit_id, event.move, actor_id=actor_id, now=now, reason=event.reason
            )
        if moved.step is Step.CANCELLED:
            await _leave_queues(visit_id, now)
    return moved


async def _leave_queues(visit_id: int, now: dt.datetime) -> None:
    """A cancelled visit leaves every queue it still waits in, so "people ahead" stays true for the rest
    (a ticket already in service finishes in the room)."""
    at = convert.utc(now)
    statuses = sorted(CANCELLABLE)
    await QueueTicket.raw(
        "UPDATE queue_ticket SET status = {}, finished_at = {}, updated_at = {} "
        f"WHERE visit = {{}} AND status IN ({', '.join('{}' for _ in statuses)})",
        TicketStatus.CANCELLED.value,
        at,
        at,
        visit_id,
        *(s.value for s in statuses),
    )


async def moves_now(db: Database, visit_id: int) -> tuple[VisitStruct, tuple[Move, ...]]:
    """The visit and the moves it allows now (only the emergency exits while an emergency is open)."""
    visit = await get_visit(db, visit_id)
    return visit, allowed_moves(visit.step, emergency_open=await emergencies.has_open(visit_id))


async def list_visits(
    db: Database,
    *,
    resident_id: int | None = None,
    visit_date: dt.date | None = None,
    open_only: bool = False,
    limit: int = 50,
) -> list[VisitStruct]:
    """Newest first, each with its events."""
    where: list[str] = []
    args: list[object] = []
    if resident_id is not None:
        where.append("resident = {}")
        args.append(resident_id)
    if visit_date is not None:
        where.append("visit_date = {}")
        args.append(visit_date)
    if open_only:
        where.append("closed_at IS NULL")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    limit = max(1, min(limit, 500))
    rows = await Visit.raw(
        f"SELECT {convert.VISIT_COLUMNS} FROM visit {clause} ORDER BY opened_at DESC, id DESC LIMIT {limit}",
        *args,
    )
    events = await _events([row["id"] for row in rows])
    return [convert.visit(row, events[row["id"]]) for row in rows]


async def _events(visit_ids: list[int]) -> dict[int, list[StepEvent]]:
    by_visit: dict[int, list[StepEvent]] = defaultdict(list)
    if visit_ids:
        marks = ", ".join("{}" for _ in visit_ids)
        rows = await VisitEvent.raw(
            f"SELECT {_EVENT_COLUMNS} FROM visit_event WHERE visit IN ({marks}) ORDER BY visit, seq",
            *visit_ids,
        )
        for row in rows:
            by_visit[row["visit"]].append(convert.step_event(row))
    return by_visit


async def _refuse_second_open(resident_id: int, visit_date: dt.date) -> None:
    rows = await Visit.raw(
        "SELECT id, step FROM visit WHERE resident = {} AND visit_date = {} AND closed_at IS NULL",
        resident_id,
        visit_date,
    )
    if rows:
        raise Conflict(
            f"resident {resident_id} already has an open visit today (visit {rows[0]['id']}, "
            f"at step {rows[0]['step']}); resume it instead",
            field="resident_id",
            details={"visit_id": rows[0]["id"]},
        )


async def _require_team(team_id: int | None) -> None:
    if not await FamilyDoctorTeam.exists().where(FamilyDoctorTeam.id == team_id):
        raise NotFound(f"no family doctor team with id {team_id}", field="team_id", details={"id": team_id})


async def _require_staff(staff_id: int) -> None:
    if not await Staff.exists().where(Staff.id == staff_id):
        raise NotFound(f"no staff member with id {staff_id}", field="actor_id", details={"id": staff_id})
