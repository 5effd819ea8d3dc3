"""This morning at the demo's doctors' desks: a few residents already through the front desk, waiting to be
called, written through the stores after the township and the desk's day (db/demo_desk.py).

Each visit is walked as the desk's own requests would walk it (db.visits, db.observations, db.queues):
opened, screened with a blood pressure, record update, signing check (a signed resident confirms the contract
with the demo doctor's team, the others decline), then triaged to a ticket, so the visit waits at diagnosis
with its ticket in the team's or the general-practice queue. The last resident of the team's queue was moved
up by the nurse (an override with its reason), so the doctor sees a priority above the signed ones.

The demo doctor joins DEMO_TEAM (`join_demo_team`, called by `onestop demo` once the account exists), so the
team queue they log in to is the one that holds these tickets.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Sequence
from typing import Final

import msgspec

from db.engine import Database, write_transaction
from db.observations import record_entry
from db.print_jobs import mark_printed
from db.queues import commit_ticket, prepare_ticket, site_queues
from db.tables import FamilyDoctorTeam, Resident, Staff
from db.visits import move_visit, open_visit
from flows.clinical import VisitEntry
from flows.model import Move, MoveRequest
from flows.queue import QueueDef, QueueSpec, ServiceKind, TriageRequest
from onestop.config import QueueConfig, SiteConfig

CANDIDATES: Final = 600  # the first residents by id with a confirmed condition: enough of each team
# (queue, minutes before `now` the ticket was issued): the order of arrival at the desk this morning.
MORNING: Final = (("team", 52), ("gp", 44), ("team", 36), ("team", 27), ("gp", 16), ("team", 8))
AT_DESK: Final = dt.timedelta(minutes=9)  # from opening the visit to the ticket
# The nurse's override of the last team ticket (flows.queue.OVERRIDE_MAX caps a hand-set priority).
MOVED_UP: Final = (50, "高龄独居，行动不便，家属陪同时间有限")
DECLINED: Final = "暂不签约，先看病"
PRINTED_AFTER: Final = dt.timedelta(seconds=20)


class DoctorMorningCounts(msgspec.Struct, frozen=True, kw_only=True):
    team_id: int | None  # DEMO_TEAM: the demo doctor's team
    team: int  # tickets waiting in the team's queue
    general_practice: int
    moved_up: int


async def demo_team() -> int | None:
    """The demo doctor's team: the township's first (lowest id) family doctor team."""
    rows = await FamilyDoctorTeam.raw("SELECT MIN(id) AS id FROM family_doctor_team")
    return int(rows[0]["id"]) if rows and rows[0]["id"] is not None else None


async def join_demo_team(db: Database, username: str) -> int | None:
    """Put the demo doctor's account in the demo team (the township has no account to log in as)."""
    team_id = await demo_team()
    if team_id is None:
        return None
    async with write_transaction(db):
        await Staff.update({Staff.team: team_id}).where(Staff.username == username)
    return team_id


async def load_doctor_morning(
    db: Database, *, seed: int, site: SiteConfig, queues: Sequence[QueueConfig], now: dt.datetime
) -> DoctorMorningCounts:
    """Walk this morning's visits to the doctors' queues; deterministic for a seed and `now`."""
    site_tz = site.timezone
    zone = zoneinfo.ZoneInfo(site_tz)
    today = now.astimezone(zone).date()
    team_id = await demo_team()
    signed, unsigned = await _candidates(team_id, today)
    nurse = await _nurse(team_id)
    if team_id is None or nurse is None:
        return DoctorMorningCounts(team_id=team_id, team=0, general_practice=0, moved_up=0)
    rng = random.Random(seed)
    picks = {
        "team": rng.sample(signed, min(len(signed), sum(q == "team" for q, _ in MORNING))),
        "gp": rng.sample(unsigned, min(len(unsigned), sum(q == "gp" for q, _ in MORNING))),
    }
    specs = [
        QueueSpec(
            id=q.id, prefix=q.prefix, name=q.name, kind=ServiceKind(q.kind), room=q.room, team_name=q.team
        )
        for q in queues
    ]
    resolved = await site_queues(specs)
    midnight = dt.datetime.combine(today, dt.time(0, 1), zone)
    counts = {"team": 0, "gp": 0}
    moved_up = 0
    last_team = max(i for i, (q, _) in enumerate(MORNING) if q == "team")
    for i, (queue, minutes_ago) in enumerate(MORNING):
        if counts[queue] >= len(picks[queue]):
            continue
        resident_id = picks[queue][counts[queue]]
        counts[queue] += 1
        # Just after midnight the morning is squeezed into the minutes since: the tickets stay today's.
        issued = max(now - dt.timedelta(minutes=minutes_ago), midnight + AT_DESK)
        override = MOVED_UP if i == last_team else None
        moved_up += override is not None
        await _walk(
            db,
            resident_id,
            team_id=team_id if queue == "team" else None,
            nurse=nurse,
            issued=issued,
            site_tz=site_tz,
            bp=(rng.randrange(128, 168), rng.randrange(78, 98)),
            override=override,
            resolved=resolved,
        )
    return DoctorMorningCounts(
        team_id=team_id, team=counts["team"], general_practice=counts["gp"], moved_up=moved_up
    )


async def _walk(
    db: Database,
    resident_id: int,
    *,
    team_id: int | None,
    nurse: int,
    issued: dt.datetime,
    site_tz: str,
    bp: tuple[int, int],
    override: tuple[int, str] | None,
    resolved: list[QueueDef],
) -> None:
    at = issued - AT_DESK
    step = dt.timedelta(minutes=2)
    visit = await open_visit(db, resident_id, actor_id=nurse, now=at, tz=site_tz)
    await move_visit(db, visit.id, MoveRequest(move=Move.START_SCREENING), actor_id=nurse, now=at + step)
    # Below the emergency thresholds (HTN-2025 紧急转诊: ≥180/110): these residents wait their turn.
    entry = VisitEntry(measurements={"sbp": bp[0], "dbp": bp[1]})
    await record_entry(db, visit.id, entry, actor_id=nurse, now=at + 2 * step)
    await move_visit(db, visit.id, MoveRequest(move=Move.FINISH_SCREENING), actor_id=nurse, now=at + 3 * step)
    await move_visit(
        db, visit.id, MoveRequest(move=Move.FINISH_RECORD_UPDATE), actor_id=nurse, now=at + 3 * step
    )
    signing = (
        MoveRequest(move=Move.CONFIRM_CONTRACT, team_id=team_id)
        if team_id is not None
        else MoveRequest(move=Move.DECLINE_SIGNING, reason=DECLINED)
    )
    await move_visit(db, visit.id, signing, actor_id=nurse, now=at + 4 * step)
    request = (
        TriageRequest(visit_id=visit.id, priority=override[0], reason=override[1])
        if override
        else TriageRequest(visit_id=visit.id)
    )
    zone = zoneinfo.ZoneInfo(site_tz)
    prepared = await prepare_ticket(request, queues=resolved, now=issued, zone=zone)
    issued_ticket = await commit_ticket(db, prepared, actor_id=nurse, now=issued)
    if issued_ticket.print_job_id is not None:
        # Printed at the desk this morning: left queued, the API's printer would find six stale jobs at
        # start-up and ask the nurse what to do with them (api/printing), which is not this demo's story.
        await mark_printed(issued_ticket.print_job_id, now=issued + PRINTED_AFTER, state="ready")


async def _candidates(team_id: int | None, today: dt.date) -> tuple[list[int], list[int]]:
    """(signed with the demo team, not signed): residents with a confirmed condition and no visit today."""
    rows = await Resident.raw(
        "SELECT r.id, c.team FROM resident r "
        "LEFT JOIN contract c ON c.resident = r.id AND c.status = 'active' "
        "WHERE EXISTS (SELECT 1 FROM diagnosis d WHERE d.resident = r.id AND d.status = 'confirmed') "
        "AND NOT EXISTS (SELECT 1 FROM visit v WHERE v.resident = r.id AND v.visit_date = {}) "
        f"ORDER BY r.id LIMIT {CANDIDATES}",
        today,
    )
    signed = sorted({r["id"] for r in rows if r["team"] is not None and r["team"] == team_id})
    unsigned = sorted({r["id"] for r in rows if r["team"] is None})
    return signed, unsigned


async def _nurse(team_id: int | None) -> int | None:
    """The demo nurse of the team (any demo nurse otherwise): they walked these visits at the desk."""
    rows = await Staff.raw(
        "SELECT id, team FROM staff WHERE role = 'nurse' AND username LIKE 'demo-nurse-%' ORDER BY id"
    )
    own = [int(r["id"]) for r in rows if r["team"] == team_id]
    return next(iter(own or [int(r["id"]) for r in rows]), None)
