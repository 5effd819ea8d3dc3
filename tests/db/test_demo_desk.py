"""The demo's today at the desk, on both engines: bookings over the morning (the earliest arrived, their visits
open), incoming referrals with their letters, the same for the same seed."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from db.arrivals import day_list
from db.demo_desk import load_desk_day
from db.demo_load import load_township
from db.engine import Database
from db.referrals import list_referrals
from db.visits import list_visits
from flows.appointments import AppointmentPurpose, AppointmentStatus, ReferralDirection
from flows.model import Condition, Step
from flows.synthetic.desk import ARRIVED, BOOKINGS, DeskCandidate, plan_desk_day, village_clinic
from onestop.config import SiteConfig

TODAY = dt.date(2025, 3, 3)


async def test_the_demo_desk_has_todays_bookings_and_incoming_referrals(
    database: Database, site: SiteConfig
) -> None:
    await load_township(database, residents=300, seed=42, site=site, today=TODAY)
    counts = await load_desk_day(database, seed=42, site=site, today=TODAY)
    assert (counts.bookings, counts.arrived) == (BOOKINGS, ARRIVED)
    assert 2 <= counts.referrals <= 3
    zone = zoneinfo.ZoneInfo(site.timezone)
    items = await day_list(database, day=TODAY, today=TODAY, tz=zone)
    bookings = [i for i in items if i.purpose is AppointmentPurpose.BOOKING]
    incoming = [i for i in items if i.purpose is AppointmentPurpose.INCOMING_REFERRAL]
    assert len(bookings) == BOOKINGS
    assert len(incoming) == counts.referrals
    times = [i.scheduled_for.astimezone(zone).time() for i in bookings if i.scheduled_for]
    assert times == sorted(times)
    assert all(dt.time(8) <= t <= dt.time(11, 30) for t in times)
    arrived = [i for i in bookings if i.status is AppointmentStatus.ARRIVED]
    assert arrived == bookings[:ARRIVED]  # the earliest came already
    assert {i.visit_step for i in arrived} == {Step.INTAKE}
    open_today = await list_visits(database, visit_date=TODAY, open_only=True)
    assert sorted(v.id for v in open_today) == sorted(i.visit_id for i in arrived if i.visit_id)
    for item in incoming:
        assert item.referral is not None
        assert item.referral.origin.endswith(("科", "卫生室"))
        assert len(item.referral.reasons) > 20
    assert len({i.resident_id for i in items}) == len(items)  # one appointment a day per resident
    referrals = await list_referrals(database, direction=ReferralDirection.RECEIVED)
    assert sorted(r.appointment_id or 0 for r in referrals) == sorted(i.id or 0 for i in incoming)


def _candidates(n: int) -> list[DeskCandidate]:
    conditions = (
        (Condition.HYPERTENSION,),
        (Condition.DIABETES,),
        (Condition.COPD, Condition.HYPERTENSION),
        (),
    )
    return [
        DeskCandidate(
            resident_id=i,
            birth_date=dt.date(1950 + i % 40, 1, 1),
            address=f"示范镇王庄村{i}组1号",
            team_id=1 + i % 4,
            conditions=conditions[i % 4],
        )
        for i in range(1, n + 1)
    ]


def test_the_plan_is_the_same_for_a_seed_and_another_for_another() -> None:
    people = _candidates(80)
    plan = plan_desk_day(people, seed=1, today=TODAY)
    assert plan == plan_desk_day(people, seed=1, today=TODAY)
    assert plan != plan_desk_day(people, seed=2, today=TODAY)
    assert len(plan.bookings) == BOOKINGS
    assert len(plan.referrals) == 3
    assert "王庄村卫生室" in {r.origin for r in plan.referrals}
    assert plan_desk_day(_candidates(0), seed=1, today=TODAY).bookings == ()


def test_village_clinic_of_an_address() -> None:
    assert village_clinic("示范镇李家村3组12号") == "李家村卫生室"
    assert village_clinic("人民路8号") == "村卫生室"
