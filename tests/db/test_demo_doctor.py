"""The demo's morning at the doctors' desks, on both engines: six residents through the front desk, waiting at
diagnosis with tickets in the demo team's queue and general practice, one moved up by the nurse; the demo
doctor joins that team."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from db.demo_desk import load_desk_day
from db.demo_doctor import MOVED_UP, demo_team, join_demo_team, load_doctor_morning
from db.demo_load import load_township
from db.doctor_queue import queue_patients
from db.engine import Database
from db.print_jobs import count_jobs
from db.queues import list_tickets
from db.staff import create_staff, staff_credentials
from db.visits import get_visit
from flows.model import Role, Step
from flows.printing import JobStatus
from flows.queue import Priority, TicketStatus
from onestop.config import SiteConfig, default_queues

TODAY = dt.date(2025, 3, 3)


async def test_the_demo_doctor_has_patients_waiting_this_morning(
    database: Database, site: SiteConfig
) -> None:
    now = dt.datetime.combine(TODAY, dt.time(10, 30), zoneinfo.ZoneInfo(site.timezone))
    await load_township(database, residents=300, seed=42, site=site, today=TODAY)
    await load_desk_day(database, seed=42, site=site, today=TODAY)
    counts = await load_doctor_morning(database, seed=42, site=site, queues=default_queues(), now=now)
    assert (counts.team, counts.general_practice, counts.moved_up) == (4, 2, 1)
    team_id = await demo_team()
    assert counts.team_id == team_id is not None
    team_queue = f"team-{team_id}"

    tickets = await list_tickets(TODAY)
    assert {t.queue_id for t in tickets} == {team_queue, "gp"}
    assert {t.status for t in tickets} == {TicketStatus.WAITING}
    assert len({t.resident_id for t in tickets}) == 6
    assert await count_jobs([JobStatus.QUEUED]) == 0  # printed at the desk: nothing stale at start-up
    for ticket in tickets:
        visit = await get_visit(database, ticket.visit_id)
        assert visit.step is Step.DIAGNOSIS
        assert [e.move.value for e in visit.events][-1] == "triage"

    # The doctor's list: the one moved up first (arrived last), then the signed in order of arrival.
    patients = await queue_patients(team_queue, TODAY, now=now)
    assert [p.waiting_minutes for p in patients] == [8, 52, 36, 27]
    assert [p.ticket.priority for p in patients] == [MOVED_UP[0], *[int(Priority.SIGNED)] * 3]
    assert patients[0].ticket.priority_reason == MOVED_UP[1]
    assert all(p.name and p.conditions for p in patients)
    gp = await queue_patients("gp", TODAY, now=now)
    assert [(p.waiting_minutes, p.ticket.priority) for p in gp] == [(44, 0), (16, 0)]

    doctor = await create_staff(
        database, username="doctor", display_name="王医生", role=Role.DOCTOR, password_hash="x$hash", now=now
    )
    assert doctor.team_id is None
    assert await join_demo_team(database, "doctor") == team_id
    found = await staff_credentials(database, "doctor")
    assert found is not None
    assert found[0].team_id == team_id
