"""Queue tickets (排队号): the ticket's life as a table of data, priority triage and the call order.

```
waiting ─call─► called ─start─► in_service ─finish─► done
   ▲              │ ▲ recall (again, louder)
   │ requeue      skip
   │              ▼ │
   └──────────  skipped ─recall─► recalled ─start─► in_service
any active ─transfer─► transferred   (a new ticket, same priority, in the other queue)
waiting / called / recalled / skipped ─cancel + reason─► cancelled
```

Triage (GUIDE-2025 附图 优先分诊): a signed resident goes to their own family doctor team's queue with
priority; everyone else to general practice; a visit with an open emergency to the top of the queue it would
have joined, with a visible mark, so a doctor sees the resident before the emergency referral. Staff may
override queue or priority with a reason (kept on the ticket and audited).

Call order (db.queues.CALL_ORDER, in SQL where the tickets are): priority first (higher first), then arrival
(`order_at`: issue time, reset when a skipped ticket is re-queued or a ticket arrives by transfer), then
number.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import Final

import msgspec

from flows.errors import Conflict, InvalidInput, MoveNotAllowed, NotFound
from flows.model import QueueKind, Struct, Visit


class ServiceKind(enum.StrEnum):
    """What a queue serves (configured per site)."""

    TEAM = "team"  # a family doctor team's consulting room
    GENERAL_PRACTICE = "general_practice"  # 全科门诊: residents without a contract, or who declined one
    SCREENING = "screening"
    PHARMACY = "pharmacy"
    OTHER = "other"


class TicketStatus(enum.StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    RECALLED = "recalled"  # called again: skipped and back, or did not come at the first call
    IN_SERVICE = "in_service"
    DONE = "done"
    SKIPPED = "skipped"  # 过号: did not come when called
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"


class TicketMove(enum.StrEnum):
    CALL = "call"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    SKIP = "skip"
    REQUEUE = "requeue"  # a skipped resident came back to the desk: back in line
    TRANSFER = "transfer"
    CANCEL = "cancel"


class Priority(enum.IntEnum):
    """Call priority: higher is called first. Overrides by staff take any value in 0..OVERRIDE_MAX."""

    NORMAL = 0
    SIGNED = 10  # GUIDE-2025 附图: signed residents are seen first by their own family doctor
    EMERGENCY = 100  # an open emergency (HTN-2025/DM-2022 紧急转诊): always at the top


OVERRIDE_MAX: Final = 99  # staff cannot out-rank an emergency by hand

T, M = TicketStatus, TicketMove

# (from status, move) → to status. Nothing else decides a ticket's life.
TICKET_TRANSITIONS: Final[dict[tuple[TicketStatus, TicketMove], TicketStatus]] = {
    (T.WAITING, M.CALL): T.CALLED,
    (T.CALLED, M.RECALL): T.RECALLED,
    (T.RECALLED, M.RECALL): T.RECALLED,
    (T.SKIPPED, M.RECALL): T.RECALLED,
    (T.CALLED, M.START): T.IN_SERVICE,
    (T.RECALLED, M.START): T.IN_SERVICE,
    (T.IN_SERVICE, M.FINISH): T.DONE,
    (T.CALLED, M.SKIP): T.SKIPPED,
    (T.RECALLED, M.SKIP): T.SKIPPED,
    (T.SKIPPED, M.REQUEUE): T.WAITING,
    **{(s, M.TRANSFER): T.TRANSFERRED for s in (T.WAITING, T.CALLED, T.RECALLED, T.IN_SERVICE, T.SKIPPED)},
    **{(s, M.CANCEL): T.CANCELLED for s in (T.WAITING, T.CALLED, T.RECALLED, T.SKIPPED)},
}

# A ticket in one of these still holds its place (or its room): it counts for "one ticket per resident per
# queue per day", for "people ahead", and a visit's cancel closes it.
ACTIVE: Final = frozenset({T.WAITING, T.CALLED, T.RECALLED, T.IN_SERVICE, T.SKIPPED})
ON_BOARD: Final = frozenset({T.CALLED, T.RECALLED})  # what the waiting-room board shows
REASON_REQUIRED: Final = frozenset({M.CANCEL, M.TRANSFER})
# What a cancelled visit takes out of the queues: every status the table lets `cancel` leave.
CANCELLABLE: Final = frozenset(status for (status, move) in TICKET_TRANSITIONS if move is M.CANCEL)


class QueueDef(Struct, frozen=True, kw_only=True):
    """One queue of the site: `id` is stable (it keys the tickets), `prefix` starts every number (A001)."""

    id: str
    prefix: str
    name: str
    kind: ServiceKind
    room: str
    team_id: int | None = None


class Ticket(Struct, frozen=True, kw_only=True):
    id: int
    visit_id: int
    resident_id: int
    queue_id: str
    queue_date: dt.date  # local date: numbers restart at local midnight
    number: int
    label: str  # prefix + number, e.g. A001
    priority: int
    emergency: bool
    status: TicketStatus
    room: str
    issued_at: dt.datetime
    issued_by: int
    order_at: dt.datetime
    priority_reason: str | None = None  # why staff overrode triage
    called_at: dt.datetime | None = None
    calls: int = 0
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    transferred_to: int | None = None  # the ticket in the other queue
    ahead_at_issue: int = 0  # people ahead when issued: printed on the ticket


class TriageRequest(Struct, frozen=True, kw_only=True):
    """Ask for a ticket. Without `queue_id`/`priority` triage decides; either one set is an override and
    needs a `reason`."""

    visit_id: int
    queue_id: str | None = None
    priority: int | None = None
    reason: str | None = None


class TriageDecision(Struct, frozen=True, kw_only=True):
    queue: QueueDef
    priority: int
    emergency: bool
    why: str  # for the nurse and the audit trail: which rule placed the resident here
    override_reason: str | None = None


class TriagePreview(Struct, frozen=True, kw_only=True):
    """What issuing a ticket would do now, for the nurse to see (and override) before printing."""

    queue: QueueDef
    priority: int
    emergency: bool
    why: str
    override_reason: str | None = None
    ahead: int = 0  # people who would be called before this ticket
    existing: Ticket | None = None  # today's ticket of the resident in that queue: issuing reprints it


class TicketMoveRequest(Struct, frozen=True, kw_only=True):
    move: TicketMove
    reason: str | None = None
    queue_id: str | None = None  # transfer: the target queue
    expected_status: TicketStatus | None = None  # refuse if another terminal moved it first


class TicketMoved(Struct, frozen=True, kw_only=True):
    ticket: Ticket
    transferred_to: Ticket | None = None  # a transfer's new ticket in the other queue


class BoardCall(Struct, frozen=True, kw_only=True):
    """A number being called, for the waiting-room board. No names, ever."""

    ticket_id: int
    label: str
    queue_id: str
    queue_name: str
    room: str
    status: TicketStatus
    calls: int
    called_at: dt.datetime
    emergency: bool = False


class TicketStatusView(Struct, frozen=True, kw_only=True):
    """A ticket as the patient page (/p/{token}) shows it: no name, no ID number."""

    label: str
    queue_name: str
    room: str
    status: TicketStatus
    ahead: int  # people still before this ticket now
    issued_at: dt.datetime
    called_at: dt.datetime | None = None
    emergency: bool = False


class QueueSummary(Struct, frozen=True, kw_only=True):
    """A queue with today's numbers, for the desk and the doctors' call screens."""

    queue: QueueDef
    waiting: int
    called: int  # called or recalled, not yet in service
    in_service: int
    done: int
    last_called: str | None = None  # the label most recently called


class IssuedTicket(Struct, frozen=True, kw_only=True):
    """What triage hands back: the ticket, the print job queued for it, and whether this was a reprint of
    a ticket the resident already had today (a lost ticket)."""

    ticket: Ticket
    print_job_id: int | None
    reprint: bool
    why: str


def label(prefix: str, number: int) -> str:
    """A001 … A999, then A1000: three digits at least, never truncated."""
    return f"{prefix}{number:03d}"


# Letters for team queues the configuration does not name: in team-id order, skipping the letters the
# configured queues already use. I and O are left out: on a ticket they read as 1 and 0.
_TEAM_LETTERS: Final = "BCDEFGHJKLMNQRTUVWXYZ"


class QueueSpec(Struct, frozen=True, kw_only=True):
    """A configured queue (`[[queues]]`): a team queue names its team, resolved against the database."""

    id: str
    prefix: str
    name: str
    kind: ServiceKind
    room: str
    team_name: str | None = None


def resolve_queues(configured: Sequence[QueueSpec], teams: Iterable[tuple[int, str, str]]) -> list[QueueDef]:
    """The site's queues: the configured ones, plus one per family doctor team (id, name, room) that has no
    configured queue. Refuses duplicate ids or prefixes (two queues printing A001 would be two people)."""
    teams = sorted(teams)
    team_ids = {name: team_id for team_id, name, _room in teams}
    queues: list[QueueDef] = []
    for spec in configured:
        team_id = None
        if spec.team_name is not None:
            if spec.team_name not in team_ids:
                raise InvalidInput(
                    f"queues: queue {spec.id!r} names team {spec.team_name!r}, which does not exist",
                    field="queues",
                )
            team_id = team_ids[spec.team_name]
        queues.append(
            QueueDef(
                id=spec.id,
                prefix=spec.prefix,
                name=spec.name,
                kind=spec.kind,
                room=spec.room,
                team_id=team_id,
            )
        )
    taken = {q.prefix for q in queues}
    covered = {q.team_id for q in queues if q.team_id is not None}
    letters = (c for c in _TEAM_LETTERS if c not in taken)
    for team_id, name, room in teams:
        if team_id in covered:
            continue
        prefix = next(letters, None) or f"T{team_id}"[:2]
        queues.append(
            QueueDef(
                id=f"team-{team_id}",
                prefix=prefix,
                name=name,
                kind=ServiceKind.TEAM,
                room=room,
                team_id=team_id,
            )
        )
        taken.add(prefix)
    seen_ids: set[str] = set()
    seen_prefixes: set[str] = set()
    for q in queues:
        if q.id in seen_ids:
            raise InvalidInput(f"queues: duplicate queue id {q.id!r}", field="queues")
        if q.prefix in seen_prefixes:
            raise InvalidInput(f"queues: prefix {q.prefix!r} is used by two queues", field="queues")
        seen_ids.add(q.id)
        seen_prefixes.add(q.prefix)
    return queues


def find_queue(queues: Sequence[QueueDef], queue_id: str) -> QueueDef:
    for q in queues:
        if q.id == queue_id:
            return q
    known = ", ".join(q.id for q in queues) or "none"
    raise NotFound(f"queue {queue_id!r} does not exist (queues: {known})", field="queue_id")


def _general_practice(queues: Sequence[QueueDef]) -> QueueDef:
    for q in queues:
        if q.kind is ServiceKind.GENERAL_PRACTICE:
            return q
    raise Conflict("no general-practice queue is configured ([[queues]] kind = general_practice)")


def _team_queue(queues: Sequence[QueueDef], team_id: int) -> QueueDef | None:
    return next((q for q in queues if q.kind is ServiceKind.TEAM and q.team_id == team_id), None)


def triage(
    visit: Visit, queues: Sequence[QueueDef], *, emergency_open: bool, request: TriageRequest | None = None
) -> TriageDecision:
    """Which queue and priority a visit's ticket gets (GUIDE-2025 附图 优先分诊), or the staff override."""
    if visit.closed_at is not None:
        raise Conflict(
            f"visit {visit.id} is closed ({visit.step.value}): no ticket for a finished visit",
            field="visit_id",
        )
    if visit.queue_kind is None and not emergency_open and (request is None or request.queue_id is None):
        raise Conflict(
            f"visit {visit.id} is at step {visit.step.value}: the signing check decides the queue; "
            "finish it first, or choose a queue with a reason",
            field="visit_id",
            details={"step": visit.step.value},
        )
    own = _team_queue(queues, visit.team_id) if visit.team_id is not None else None
    if visit.queue_kind is QueueKind.OWN_TEAM and own is None:
        raise Conflict(
            f"family doctor team {visit.team_id} has no queue: add it to [[queues]] or check the team",
            field="team_id",
        )
    # Referred as an emergency (the flag is then closed as referred) the resident still sees a doctor
    # first: "first aid, refer at once" (BPHS-2017 HTN/DM 紧急转诊) — the first aid is the doctor's.
    emergency = emergency_open or visit.queue_kind is QueueKind.EMERGENCY
    if emergency:
        queue, priority, why = own or _general_practice(queues), int(Priority.EMERGENCY), "emergency"
    elif visit.queue_kind is QueueKind.OWN_TEAM and own is not None:
        queue, priority, why = own, int(Priority.SIGNED), "signed: own family doctor team first"
    else:
        queue, priority, why = _general_practice(queues), int(Priority.NORMAL), "general practice"
    decision = TriageDecision(queue=queue, priority=priority, emergency=emergency, why=why)
    if request is None or (request.queue_id is None and request.priority is None):
        return decision
    return _override(decision, queues, request)


def _override(decision: TriageDecision, queues: Sequence[QueueDef], request: TriageRequest) -> TriageDecision:
    reason = (request.reason or "").strip()
    if not reason:
        raise InvalidInput("choosing the queue or the priority by hand needs a reason", field="reason")
    queue = find_queue(queues, request.queue_id) if request.queue_id is not None else decision.queue
    priority = decision.priority
    if request.priority is not None:
        if not 0 <= request.priority <= OVERRIDE_MAX:
            raise InvalidInput(
                f"priority must be 0–{OVERRIDE_MAX} (only an open emergency ranks above), "
                f"got {request.priority}",
                field="priority",
            )
        # An emergency keeps the top: a hand-set priority never demotes it below the emergency rank.
        priority = max(request.priority, priority) if decision.emergency else request.priority
    return msgspec.structs.replace(
        decision,
        queue=queue,
        priority=priority,
        why=f"{decision.why}; staff override",
        override_reason=reason,
    )


def move_ticket(ticket: Ticket, request: TicketMoveRequest, *, now: dt.datetime) -> Ticket:
    """Apply one move to a ticket. Raises MoveNotAllowed, Conflict (stale status) or InvalidInput."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if request.expected_status is not None and request.expected_status is not ticket.status:
        raise Conflict(
            f"ticket {ticket.label} is {ticket.status.value}, not {request.expected_status.value}: "
            "another terminal moved it; reload",
            field="expected_status",
            details={"status": ticket.status.value},
        )
    target = TICKET_TRANSITIONS.get((ticket.status, request.move))
    if target is None:
        allowed = ", ".join(m.value for m in allowed_ticket_moves(ticket.status)) or "none"
        raise MoveNotAllowed(
            f"ticket {ticket.label} is {ticket.status.value}: {request.move.value} is not allowed "
            f"(allowed: {allowed})",
            field="move",
            details={"status": ticket.status.value, "move": request.move.value},
        )
    if request.move in REASON_REQUIRED and not (request.reason or "").strip():
        raise InvalidInput(f"{request.move.value} needs a reason", field="reason")
    if request.move is M.TRANSFER and not request.queue_id:
        raise InvalidInput("transfer needs the target queue (queue_id)", field="queue_id")
    changes: dict[str, object] = {"status": target}
    if request.move in (M.CALL, M.RECALL):
        changes.update(called_at=now, calls=ticket.calls + 1)
    elif request.move is M.START:
        changes["started_at"] = now
    elif request.move in (M.FINISH, M.CANCEL, M.TRANSFER):
        changes["finished_at"] = now
    elif request.move is M.REQUEUE:
        changes["order_at"] = now  # back in line behind those who waited meanwhile
    return msgspec.structs.replace(ticket, **changes)


def allowed_ticket_moves(status: TicketStatus) -> tuple[TicketMove, ...]:
    return tuple(move for (frm, move) in TICKET_TRANSITIONS if frm is status)


def call_phrase(ticket_label: str, room: str) -> str:
    """What the board says aloud: 请 A001 号到 3号诊室 就诊."""
    return f"请 {ticket_label} 号到 {room} 就诊"
