"""A write and its audit row commit together or not at all: `Auditor.atomic`, the unit every write handler
runs, on both engines and without a server (the store's own transaction nests into the outer one)."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg
import pytest

from api.audit import Auditor
from db.audit import list_audit
from db.engine import Database
from db.residents import create_resident
from db.staff import create_staff
from db.visits import get_visit, list_visits, move_visit, open_visit
from flows.errors import Conflict
from flows.identity import make_id_number
from flows.model import Move, MoveRequest, NewResident, Role, Sex, Staff, Step, Visit
from onestop.config import SiteConfig


class AuditFailed(Exception):
    pass


@dataclass
class Scene:
    """A nurse's request (`auditor`) and a resident with a visit open at intake."""

    db: Database
    site: SiteConfig
    now: dt.datetime
    nurse: Staff
    auditor: Auditor
    resident_id: int
    visit: Visit

    def start_screening(self) -> Callable[[], Awaitable[Visit]]:
        request = MoveRequest(move=Move.START_SCREENING)
        return lambda: move_visit(self.db, self.visit.id, request, actor_id=self.nurse.id, now=self.now)

    def open_again(self) -> Awaitable[Visit]:
        desk = self.auditor
        return desk.atomic(
            lambda: open_visit(
                self.db, self.resident_id, actor_id=self.nurse.id, now=self.now, tz=self.site.timezone
            ),
            lambda v: desk.resident(v.resident_id, "visit.open", detail=f"visit={v.id}"),
        )

    async def resident_audit(self) -> list[str]:
        return [e.action for e in await list_audit(self.db, entity="resident", entity_id=self.resident_id)]


@pytest.fixture
async def scene(database: Database, site: SiteConfig, now: dt.datetime) -> Scene:
    nurse = await create_staff(
        database, username="nurse1", display_name="王护士", role=Role.NURSE, password_hash="x$hash", now=now
    )
    number = make_id_number("320923", dt.date(1960, 5, 17), 1, Sex.MALE)
    resident = await create_resident(database, NewResident(id_number=number, name="原子"), site=site, now=now)
    visit = await open_visit(database, resident.id, actor_id=nurse.id, now=now, tz=site.timezone)
    auditor = Auditor(db=database, actor=nurse, address="127.0.0.1", now=now)
    return Scene(database, site, now, nurse, auditor, resident.id, visit)


async def test_a_move_and_its_audit_row_commit_together(scene: Scene) -> None:
    moved = await scene.auditor.atomic(
        scene.start_screening(), lambda v: scene.auditor.resident(v.resident_id, "visit.move")
    )
    assert moved.step is Step.SCREENING
    assert (await get_visit(scene.db, scene.visit.id)).step is Step.SCREENING
    rows = await list_audit(scene.db, entity="resident", entity_id=scene.resident_id)
    assert [(r.action, r.actor_id, r.address, r.at) for r in rows] == [
        ("visit.move", scene.nurse.id, "127.0.0.1", scene.now.astimezone(dt.UTC))
    ]


async def _write_then_fail(auditor: Auditor, visit: Visit) -> None:
    await auditor.resident(visit.resident_id, "visit.move")  # the row is written inside the transaction…
    raise AuditFailed("the unit failed after the audit insert")  # …and must go, with the move


async def _insert_refused(auditor: Auditor, visit: Visit) -> None:
    # An id no INTEGER/BIGINT holds: the driver refuses the audit insert itself.
    await auditor.resident(2**70, "visit.move")


@pytest.mark.parametrize(
    "failing_audit",
    [
        pytest.param(_write_then_fail, id="audit row written, then the unit fails"),
        pytest.param(_insert_refused, id="audit insert refused"),
    ],
)
async def test_a_move_whose_audit_fails_is_not_committed(
    scene: Scene, failing_audit: Callable[[Auditor, Visit], Awaitable[None]]
) -> None:
    with pytest.raises((AuditFailed, OverflowError, asyncpg.DataError)):
        await scene.auditor.atomic(scene.start_screening(), lambda v: failing_audit(scene.auditor, v))
    after = await get_visit(scene.db, scene.visit.id)
    assert after.step is Step.INTAKE  # the store's own write_transaction did not commit on its own
    assert after.events == ()
    assert await scene.resident_audit() == []
    # Nothing was left half-open: the same move then goes through.
    await scene.auditor.atomic(
        scene.start_screening(), lambda v: scene.auditor.resident(v.resident_id, "visit.move")
    )
    assert (await get_visit(scene.db, scene.visit.id)).step is Step.SCREENING
    assert await scene.resident_audit() == ["visit.move"]


async def test_a_domain_error_inside_the_unit_writes_nothing_and_propagates(scene: Scene) -> None:
    with pytest.raises(Conflict) as caught:
        await scene.open_again()  # a second open visit the same day
    assert caught.value.details["visit_id"] == scene.visit.id
    assert [v.id for v in await list_visits(scene.db, resident_id=scene.resident_id)] == [scene.visit.id]
    assert await scene.resident_audit() == []


async def test_a_desk_that_loses_the_open_race_gets_conflict_and_writes_nothing(scene: Scene) -> None:
    cancel = MoveRequest(move=Move.CANCEL, reason="走了")  # closed: the resident may open another today
    await move_visit(scene.db, scene.visit.id, cancel, actor_id=scene.nurse.id, now=scene.now)
    first, second = (
        Auditor(db=scene.db, actor=scene.nurse, address=f"10.0.0.{i}", now=scene.now) for i in (1, 2)
    )
    inserted, release = asyncio.Event(), asyncio.Event()
    attempts: list[str] = []

    def open_visit_as(desk: str) -> Callable[[], Awaitable[Visit]]:
        def write() -> Awaitable[Visit]:
            attempts.append(desk)
            return open_visit(
                scene.db, scene.resident_id, actor_id=scene.nurse.id, now=scene.now, tz=scene.site.timezone
            )

        return write

    async def audit_then_wait(visit: Visit) -> None:
        await first.resident(visit.resident_id, "visit.open", detail=f"visit={visit.id}")
        inserted.set()  # the first desk's visit and audit row are written, not committed
        await release.wait()

    winner = asyncio.create_task(first.atomic(open_visit_as("first"), audit_then_wait))
    await inserted.wait()
    loser = asyncio.create_task(
        second.atomic(open_visit_as("second"), lambda v: second.resident(v.resident_id, "visit.open"))
    )
    await asyncio.sleep(0.5)  # PostgreSQL: the second desk's check passed, its insert waits on the index
    release.set()
    opened = await winner
    with pytest.raises(Conflict):
        await loser
    # SQLite: the second desk's BEGIN IMMEDIATE waited for the first commit, so its check refused at once.
    # PostgreSQL: its insert met the unique index, which aborts the whole outer transaction; retried once,
    # the store's check refused it.
    assert attempts.count("second") == {"sqlite": 1, "postgres": 2}[scene.db.kind]
    listed = await list_visits(scene.db, resident_id=scene.resident_id, open_only=True)
    assert [v.id for v in listed] == [opened.id]
    rows = await list_audit(scene.db, entity="resident", entity_id=scene.resident_id)
    assert [(r.action, r.address) for r in rows] == [("visit.open", "10.0.0.1")]


def _aborted_by_unique_violation() -> Exception:
    """What a store's follow-up query raises on PostgreSQL after its insert lost a unique-index race inside
    the outer transaction: "transaction is aborted", with the unique violation as its context."""
    exc = RuntimeError("current transaction is aborted, commands ignored until end of transaction block")
    exc.__context__ = sqlite3.IntegrityError("UNIQUE constraint failed: visit.resident, visit.visit_date")
    return exc


async def test_a_lost_unique_race_is_retried_once_then_the_store_refuses(scene: Scene) -> None:
    calls: list[int] = []

    async def write() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise _aborted_by_unique_violation()
        raise Conflict("the resident already has an open visit today")

    with pytest.raises(Conflict):
        await scene.auditor.atomic(write, lambda _: asyncio.sleep(0))
    assert len(calls) == 2


async def test_other_failures_are_not_retried(scene: Scene) -> None:
    calls: list[int] = []

    async def write() -> int:
        calls.append(1)
        raise AuditFailed("not a unique-index race")

    with pytest.raises(AuditFailed):
        await scene.auditor.atomic(write, lambda _: asyncio.sleep(0))
    assert len(calls) == 1
