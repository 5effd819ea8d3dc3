"""Visits: one open a day, moves saved with who and when, stale and concurrent moves refused, resume."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from db.engine import Database
from db.staff import create_team
from db.tables import Visit as VisitRow
from db.tables import VisitEvent
from db.visits import get_visit, list_visits, move_visit, open_visit
from flows.errors import Conflict, InvalidInput, MoveNotAllowed, NotFound
from flows.model import Move, MoveRequest, QueueKind, Resident, Staff, Step
from onestop.config import SiteConfig
from tests.db.conftest import register

TZ = "Asia/Shanghai"


@pytest.fixture
async def resident(database: Database, site: SiteConfig, now: dt.datetime) -> Resident:
    return await register(database, site, now, 1)


async def test_open_visit_on_the_local_date(
    database: Database, resident: Resident, nurse: Staff, now: dt.datetime
) -> None:
    # 00:30 in Beijing is still the previous day in UTC: the visit belongs to the local day.
    early = dt.datetime(2025, 3, 3, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    visit = await open_visit(database, resident.id, actor_id=nurse.id, now=early, tz=TZ)
    assert (visit.step, visit.visit_date, visit.opened_by, visit.events) == (
        Step.INTAKE,
        dt.date(2025, 3, 3),
        nurse.id,
        (),
    )
    assert await get_visit(database, visit.id) == visit


async def test_second_open_visit_the_same_day_is_refused(
    database: Database, resident: Resident, nurse: Staff, now: dt.datetime
) -> None:
    first = await open_visit(database, resident.id, actor_id=nurse.id, now=now, tz=TZ)
    with pytest.raises(Conflict) as refused:
        await open_visit(database, resident.id, actor_id=nurse.id, now=now + dt.timedelta(hours=2), tz=TZ)
    assert refused.value.details == {"visit_id": first.id}
    assert await VisitRow.count() == 1
    # Two terminals at the same instant: exactly one wins (the partial unique index backs the check).
    await move_visit(
        database, first.id, MoveRequest(move=Move.CANCEL, reason="left"), actor_id=nurse.id, now=now
    )
    tomorrow = now + dt.timedelta(days=1)
    results = await asyncio.gather(
        *(open_visit(database, resident.id, actor_id=nurse.id, now=tomorrow, tz=TZ) for _ in range(5)),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Conflict) for r in results) == 4
    # A closed visit does not block a new one the same day.
    assert (await open_visit(database, resident.id, actor_id=nurse.id, now=now, tz=TZ)).step is Step.INTAKE


async def test_open_refusals(database: Database, resident: Resident, nurse: Staff, now: dt.datetime) -> None:
    with pytest.raises(NotFound):
        await open_visit(database, 999, actor_id=nurse.id, now=now, tz=TZ)
    with pytest.raises(NotFound) as refused:
        await open_visit(database, resident.id, actor_id=999, now=now, tz=TZ)
    assert refused.value.field == "actor_id"
    assert await VisitRow.count() == 0


async def test_moves_are_saved_with_actor_and_time_and_resume_there(
    database: Database, resident: Resident, nurse: Staff, now: dt.datetime
) -> None:
    team = await create_team(database, name="第一团队", room="101")
    visit = await open_visit(database, resident.id, actor_id=nurse.id, now=now, tz=TZ)
    moves = [
        MoveRequest(move=Move.START_SCREENING, expected_step=Step.INTAKE),
        MoveRequest(move=Move.FINISH_SCREENING),
        MoveRequest(move=Move.FINISH_RECORD_UPDATE),
        MoveRequest(move=Move.CONFIRM_CONTRACT, team_id=team.id),
    ]
    for i, request in enumerate(moves, start=1):
        visit = await move_visit(
            database, visit.id, request, actor_id=nurse.id, now=now + dt.timedelta(minutes=i)
        )
    # Another terminal (a fresh read) resumes exactly where the visit stands, with its history.
    resumed = await get_visit(database, visit.id)
    assert resumed == visit
    assert resumed.step is Step.TRIAGE
    assert (resumed.queue_kind, resumed.team_id) == (QueueKind.OWN_TEAM, team.id)
    assert [(e.seq, e.move, e.actor_id, e.at) for e in resumed.events] == [
        (i, r.move, nurse.id, now + dt.timedelta(minutes=i)) for i, r in enumerate(moves, start=1)
    ]
    assert resumed.closed_at is None


async def test_refused_moves_write_nothing(
    database: Database, resident: Resident, nurse: Staff, now: dt.datetime
) -> None:
    visit = await open_visit(database, resident.id, actor_id=nurse.id, now=now, tz=TZ)
    with pytest.raises(MoveNotAllowed):
        await move_visit(database, visit.id, MoveRequest(move=Move.DIAGNOSE), actor_id=nurse.id, now=now)
    with pytest.raises(InvalidInput):
        await move_visit(database, visit.id, MoveRequest(move=Move.CANCEL), actor_id=nurse.id, now=now)
    with pytest.raises(Conflict):
        await move_visit(
            database,
            visit.id,
            MoveRequest(move=Move.FINISH_SCREENING, expected_step=Step.SCREENING),
            actor_id=nurse.id,
            now=now,
        )
    with pytest.raises(NotFound):
        await move_visit(database, 999, MoveRequest(move=Move.START_SCREENING), actor_id=nurse.id, now=now)
    with pytest.raises(NotFound):
        await move_visit(database, visit.id, MoveRequest(move=Move.START_SCREENING), actor_id=999, now=now)
    assert await get_visit(database, visit.id) == visit
    assert await VisitEvent.count() == 0


async def test_concurrent_moves_one_wins_the_other_is_stale(
    database: Database, resident: Resident, nurse: Staff, now: dt.datetime
) -> None:
    visit = await open_visit(database, resident.id, actor_id=nurse.id, now=now, tz=TZ)
    request = MoveRequest(move=Move.START_SCREENING, expected_step=Step.INTAKE)
    results = await asyncio.gather(
        *(move_visit(database, visit.id, request, actor_id=nurse.id, now=now) for _ in range(4)),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, BaseException))
    saved = await get_visit(database, visit.id)
    assert saved.step is Step.SCREENING
    assert len(saved.events) == 1


async def test_final_step_closes_and_lists_filter(
    database: Database, site: SiteConfig, resident: Resident, nurse: Staff, now: dt.datetime
) -> None:
    other = await register(database, site, now, 2, name="李四")
    done = await open_visit(database, resident.id, actor_id=nurse.id, now=now - dt.timedelta(days=1), tz=TZ)
    done = await move_visit(
        database, done.id, MoveRequest(move=Move.REFER_EMERGENCY, reason="胸痛"), actor_id=nurse.id, now=now
    )
    done = await move_visit(
        database, done.id, MoveRequest(move=Move.FINISH_REFERRAL), actor_id=nurse.id, now=now
    )
    assert (done.step, done.closed_at, done.referral_direction) == (Step.DONE, now, "emergency")
    today = await open_visit(database, resident.id, actor_id=nurse.id, now=now, tz=TZ)
    theirs = await open_visit(database, other.id, actor_id=nurse.id, now=now, tz=TZ)

    assert [v.id for v in await list_visits(database, resident_id=resident.id)] == [today.id, done.id]
    assert [v.id for v in await list_visits(database, visit_date=now.date())] == [theirs.id, today.id]
    assert {v.id for v in await list_visits(database, open_only=True)} == {today.id, theirs.id}
    assert [v.id for v in await list_visits(database, limit=1)] == [theirs.id]
    assert (await list_visits(database, resident_id=resident.id))[1].events == done.events
