"""Appointments and received referrals in the store, on both engines: the day's list by the site's local day,
arriving (opens or takes the visit, idempotent), cancelling, and the follow-ups due that day."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from db.appointments import arrive, cancel, create_appointment, get_appointment, record_referral
from db.arrivals import day_list
from db.engine import Database
from db.referrals import list_referrals
from db.staff import create_team
from db.tables import FollowUp
from db.tables import Visit as VisitRow
from db.visits import open_visit
from flows.appointments import (
    AppointmentPurpose,
    AppointmentStatus,
    NewAppointment,
    NewReferral,
    ReferralDirection,
    ReferralStatus,
    ReferralUrgency,
)
from flows.errors import Conflict, FlowError, InvalidInput, NotFound
from flows.model import Condition, Resident, Staff, Step
from onestop.config import SiteConfig
from tests.db.conftest import register

TZ = "Asia/Shanghai"
ZONE = zoneinfo.ZoneInfo(TZ)
DAY = dt.date(2025, 3, 3)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), ZONE)


@pytest.fixture
async def people(database: Database, site: SiteConfig, now: dt.datetime) -> list[Resident]:
    return [
        await register(database, site, now, n, name=name) for n, name in enumerate(("张三", "李四", "王五"))
    ]


async def _book(
    db: Database, resident: Resident, when: dt.datetime, now: dt.datetime, team_id: int | None = None
) -> int:
    new = NewAppointment(resident_id=resident.id, scheduled_for=when, team_id=team_id)
    return (await create_appointment(db, new, now=now, tz=TZ)).id


async def _list(db: Database, day: dt.date = DAY, **kw: object) -> list[tuple[str, int | None]]:
    items = await day_list(db, day=day, today=DAY, tz=ZONE, **kw)  # type: ignore[arg-type]
    return [(i.name, i.id) for i in items]


async def test_the_day_is_the_local_day_with_its_midnights_right(
    database: Database, people: list[Resident], now: dt.datetime
) -> None:
    # 00:30 in Beijing is the previous day in UTC; 23:30 is still today; 00:10 tomorrow is not today.
    early = await _book(database, people[0], at(0, 30), now.replace(hour=0, minute=0))
    late = await _book(database, people[1], at(23, 30), now)
    tomorrow = await _book(database, people[2], at(0, 10, DAY + dt.timedelta(days=1)), now)
    assert await _list(database) == [("张三", early), ("李四", late)]
    assert await _list(database, DAY - dt.timedelta(days=1)) == []
    assert await _list(database, DAY + dt.timedelta(days=1)) == [("王五", tomorrow)]


async def test_items_say_who_when_which_team(
    database: Database, people: list[Resident], now: dt.datetime
) -> None:
    team = await create_team(database, name="家庭医生一队", room="1号诊室")
    booked = await _book(database, people[0], at(9, 15), now, team.id)
    [item] = await day_list(database, day=DAY, today=DAY, tz=ZONE)
    assert (item.id, item.purpose, item.status) == (
        booked,
        AppointmentPurpose.BOOKING,
        AppointmentStatus.BOOKED,
    )
    assert item.scheduled_for == at(9, 15)
    assert (item.team_id, item.team_name, item.resident_id, item.name) == (
        team.id,
        team.name,
        people[0].id,
        "张三",
    )
    assert (item.sex, item.birth_date, item.age) == (people[0].sex, people[0].birth_date, 65)
    assert item.id_number_masked == people[0].id_number[:6] + "********" + people[0].id_number[-4:]
    assert item.visit_id is None
    assert item.referral is None


async def test_purpose_filter_and_the_referral_behind_an_incoming_one(
    database: Database, people: list[Resident], nurse: Staff, now: dt.datetime
) -> None:
    booking = await _book(database, people[0], at(8, 30), now)
    referral = await record_referral(
        database,
        NewReferral(
            resident_id=people[1].id,
            origin=" 县人民医院心内科 ",
            reasons="高血压病情稳定，下转社区管理",
            urgency=ReferralUrgency.URGENT,
            scheduled_for=at(10),
        ),
        actor_id=nurse.id,
        now=now,
        tz=TZ,
    )
    assert (referral.direction, referral.status, referral.origin) == (
        ReferralDirection.RECEIVED,
        ReferralStatus.OPEN,
        "县人民医院心内科",
    )
    assert referral.appointment_id is not None
    assert referral.scheduled_for == at(10)
    assert await _list(database, purposes=[AppointmentPurpose.BOOKING]) == [("张三", booking)]
    [item] = await day_list(
        database, day=DAY, today=DAY, tz=ZONE, purposes=[AppointmentPurpose.INCOMING_REFERRAL]
    )
    assert item.id == referral.appointment_id
    assert item.referral is not None
    assert (item.referral.id, item.referral.origin, item.referral.urgency) == (
        referral.id,
        "县人民医院心内科",
        ReferralUrgency.URGENT,
    )
    assert item.referral.reasons == "高血压病情稳定，下转社区管理"


async def test_a_referral_without_a_time_has_no_appointment_and_refuses_bad_fields(
    database: Database, people: list[Resident], nurse: Staff, now: dt.datetime
) -> None:
    plain = await record_referral(
        database,
        NewReferral(resident_id=people[0].id, origin="王庄村卫生室", reasons="血糖控制不佳"),
        actor_id=nurse.id,
        now=now,
        tz=TZ,
    )
    assert plain.appointment_id is None
    assert plain.urgency is ReferralUrgency.ROUTINE
    for bad, field in (
        (NewReferral(resident_id=people[0].id, origin=" ", reasons="x"), "origin"),
        (NewReferral(resident_id=people[0].id, origin="x", reasons=""), "reasons"),
        (
            NewReferral(resident_id=people[0].id, origin="x", reasons="y", direction=ReferralDirection.UP),
            "direction",
        ),
    ):
        with pytest.raises(InvalidInput) as refused:
            await record_referral(database, bad, actor_id=nurse.id, now=now, tz=TZ)
        assert refused.value.field == field
    with pytest.raises(NotFound):
        await record_referral(
            database, NewReferral(resident_id=999, origin="x", reasons="y"), actor_id=nurse.id, now=now, tz=TZ
        )
    assert [r.id for r in await list_referrals(database, direction=ReferralDirection.RECEIVED)] == [plain.id]


async def test_arrive_opens_the_visit_and_a_second_arrive_answers_the_same(
    database: Database, people: list[Resident], nurse: Staff, now: dt.datetime
) -> None:
    booked = await _book(database, people[0], at(9), now)
    first = await arrive(database, booked, actor_id=nurse.id, now=now, tz=TZ)
    assert first.opened
    assert (first.visit.step, first.visit.resident_id) == (Step.INTAKE, people[0].id)
    assert (first.appointment.status, first.appointment.visit_id) == (
        AppointmentStatus.ARRIVED,
        first.visit.id,
    )
    again = await arrive(database, booked, actor_id=nurse.id, now=now + dt.timedelta(minutes=5), tz=TZ)
    assert (again.visit.id, again.opened) == (first.visit.id, False)
    assert await VisitRow.count() == 1
    [item] = await day_list(database, day=DAY, today=DAY, tz=ZONE)
    assert (item.status, item.visit_id, item.visit_step) == (
        AppointmentStatus.ARRIVED,
        first.visit.id,
        Step.INTAKE,
    )


async def test_arrive_takes_the_visit_already_open_today(
    database: Database, people: list[Resident], nurse: Staff, now: dt.datetime
) -> None:
    booked = await _book(database, people[0], at(11), now)
    walked_in = await open_visit(database, people[0].id, actor_id=nurse.id, now=now, tz=TZ)
    arrived = await arrive(database, booked, actor_id=nurse.id, now=now, tz=TZ)
    assert (arrived.visit.id, arrived.opened) == (walked_in.id, False)
    assert await VisitRow.count() == 1


async def test_arrive_refuses_a_cancelled_one_and_another_day_naming_the_field(
    database: Database, people: list[Resident], nurse: Staff, now: dt.datetime
) -> None:
    cancelled = await _book(database, people[0], at(9), now)
    await cancel(database, cancelled, "家中有事，改天再来", now=now)
    with pytest.raises(Conflict) as refused:
        await arrive(database, cancelled, actor_id=nurse.id, now=now, tz=TZ)
    assert (refused.value.field, refused.value.details) == ("status", {"status": "cancelled"})
    tomorrow = await _book(database, people[1], at(9, day=DAY + dt.timedelta(days=1)), now)
    with pytest.raises(Conflict) as refused:
        await arrive(database, tomorrow, actor_id=nurse.id, now=now, tz=TZ)
    assert refused.value.field == "scheduled_for"
    with pytest.raises(NotFound):
        await arrive(database, 999, actor_id=nurse.id, now=now, tz=TZ)
    assert await VisitRow.count() == 0
    assert (await get_appointment(tomorrow)).status is AppointmentStatus.BOOKED


async def test_incoming_referral_is_accepted_on_arrival_and_cancelled_with_its_reason(
    database: Database, people: list[Resident], nurse: Staff, now: dt.datetime
) -> None:
    made = [
        await record_referral(
            database,
            NewReferral(resident_id=p.id, origin="县人民医院", reasons="术后康复", scheduled_for=at(10 + i)),
            actor_id=nurse.id,
            now=now,
            tz=TZ,
        )
        for i, p in enumerate(people[:2])
    ]
    assert made[0].appointment_id is not None
    assert made[1].appointment_id is not None
    arrived = await arrive(database, made[0].appointment_id, actor_id=nurse.id, now=now, tz=TZ)
    await cancel(database, made[1].appointment_id, "患者转往市医院", now=now)
    with pytest.raises(Conflict) as refused:
        await cancel(database, made[0].appointment_id, "x", now=now)
    assert refused.value.field == "status"
    with pytest.raises(InvalidInput) as refused_reason:
        await cancel(database, made[1].appointment_id, "  ", now=now)
    assert refused_reason.value.field == "reason"
    by_id = {r.id: r for r in await list_referrals(database, direction=ReferralDirection.RECEIVED)}
    assert (by_id[made[0].id].status, by_id[made[0].id].visit_id) == (
        ReferralStatus.ACCEPTED,
        arrived.visit.id,
    )
    assert (by_id[made[1].id].status, by_id[made[1].id].result) == (
        ReferralStatus.CANCELLED,
        "患者转往市医院",
    )
    assert by_id[made[1].id].closed_at is not None
    assert [r.id for r in await list_referrals(database, status=ReferralStatus.ACCEPTED)] == [made[0].id]
    assert by_id[made[0].id].appointment_id == made[0].appointment_id


async def test_booking_refusals_name_their_field(
    database: Database, people: list[Resident], now: dt.datetime
) -> None:
    first = await _book(database, people[0], at(9), now)
    cases: list[tuple[NewAppointment, type[FlowError], str]] = [
        (NewAppointment(resident_id=people[0].id, scheduled_for=at(15)), Conflict, "resident_id"),
        (
            NewAppointment(resident_id=people[1].id, scheduled_for=at(9, day=DAY - dt.timedelta(days=1))),
            InvalidInput,
            "scheduled_for",
        ),
        (
            NewAppointment(resident_id=people[1].id, scheduled_for=dt.datetime(2025, 3, 4, 9)),
            InvalidInput,
            "scheduled_for",
        ),
        (NewAppointment(resident_id=people[1].id, scheduled_for=at(9), team_id=99), NotFound, "team_id"),
        (NewAppointment(resident_id=999, scheduled_for=at(9)), NotFound, "resident_id"),
        (
            NewAppointment(
                resident_id=people[1].id, scheduled_for=at(9), purpose=AppointmentPurpose.INCOMING_REFERRAL
            ),
            InvalidInput,
            "purpose",
        ),
    ]
    for new, kind, field in cases:
        with pytest.raises(kind) as refused:
            await create_appointment(database, new, now=now, tz=TZ)
        assert refused.value.field == field, new
    assert await _list(database) == [("张三", first)]
    # A cancelled booking frees the day for another one.
    await cancel(database, first, "改约", now=now)
    assert await _book(database, people[0], at(15), now) != first


async def test_follow_ups_due_today_join_the_list_once_and_a_past_booking_is_missed(
    database: Database, people: list[Resident], now: dt.datetime
) -> None:
    for resident, condition, mode in (
        (people[0], Condition.HYPERTENSION, "clinic"),
        (people[0], Condition.DIABETES, "clinic"),
        (people[1], Condition.HYPERTENSION, "phone"),  # a phone follow-up never arrives at the desk
        (people[2], Condition.HYPERTENSION, "clinic"),  # already booked: listed once, by its booking
    ):
        await FollowUp.insert(
            FollowUp(resident=resident.id, condition=condition.value, due_date=DAY, mode=mode, created_at=now)
        )
    booked = await _book(database, people[2], at(8), now)
    items = await day_list(database, day=DAY, today=DAY, tz=ZONE)
    assert [(i.name, i.id, i.purpose) for i in items] == [
        ("王五", booked, AppointmentPurpose.BOOKING),
        ("张三", None, AppointmentPurpose.FOLLOW_UP),
    ]
    assert items[1].follow_up_conditions == (Condition.HYPERTENSION, Condition.DIABETES)
    assert items[1].scheduled_for is None
    assert await _list(database, purposes=[AppointmentPurpose.BOOKING]) == [("王五", booked)]
    # Seen from tomorrow, the day's unarrived booking and follow-up are missed.
    later = await day_list(database, day=DAY, today=DAY + dt.timedelta(days=1), tz=ZONE)
    assert {i.status for i in later} == {AppointmentStatus.MISSED}
    missed = await day_list(database, day=DAY, today=DAY, tz=ZONE, statuses=[AppointmentStatus.MISSED])
    assert missed == []
