"""Appointments: book one, record a received referral with its appointment, arrive (opens the visit), cancel.

Arriving is idempotent: a second arrival answers the visit the first one linked. It opens the resident's
visit of the day through db.visits.open_visit, or takes the one already open (a resident found by search
before the list was looked at), so there is never a second open visit of the day.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, Final

import msgspec

from db import convert, referrals
from db.engine import Database, write_transaction
from db.tables import Appointment as Row
from db.tables import FamilyDoctorTeam, Resident, Visit
from db.visits import get_visit, open_visit
from flows.appointments import (
    Appointment,
    AppointmentPurpose,
    AppointmentStatus,
    ArrivalResult,
    NewAppointment,
    NewReferral,
    Referral,
    ReferralStatus,
)
from flows.errors import Conflict, InvalidInput, NotFound

COLUMNS: Final = "id, resident, team, purpose, scheduled_for, status, visit, created_at"
MAX_REASON: Final = 500


def appointment(row: dict[str, Any]) -> Appointment:
    return Appointment(
        id=row["id"],
        resident_id=row["resident"],
        purpose=AppointmentPurpose(row["purpose"]),
        status=AppointmentStatus(row["status"]),
        scheduled_for=convert.timestamp(row["scheduled_for"]),
        team_id=row["team"],
        visit_id=row["visit"],
        created_at=convert.timestamp(row["created_at"]),
    )


async def get_appointment(appointment_id: int) -> Appointment:
    rows = await Row.raw(f"SELECT {COLUMNS} FROM appointment WHERE id = {{}}", appointment_id)
    if not rows:
        raise NotFound(
            f"no appointment with id {appointment_id}", field="appointment_id", details={"id": appointment_id}
        )
    return appointment(rows[0])


async def create_appointment(db: Database, new: NewAppointment, *, now: dt.datetime, tz: str) -> Appointment:
    """A booking (or a follow-up come to the clinic) at a time of today or later; one a day per resident."""
    if new.purpose is AppointmentPurpose.INCOMING_REFERRAL:
        raise InvalidInput(
            "an incoming referral is recorded with POST /api/v1/referrals (origin, reasons, urgency)",
            field="purpose",
        )
    async with write_transaction(db):
        return await _insert(new.resident_id, new.purpose, new.scheduled_for, new.team_id, now=now, tz=tz)


async def record_referral(
    db: Database, new: NewReferral, *, actor_id: int, now: dt.datetime, tz: str
) -> Referral:
    """A referral received from another facility; with a time, its appointment too (same transaction)."""
    origin, reasons = referrals.check_received(new)
    at = convert.utc(now)
    async with write_transaction(db):
        await _require_resident(new.resident_id)
        if new.scheduled_for is not None:
            await _insert(
                new.resident_id,
                AppointmentPurpose.INCOMING_REFERRAL,
                new.scheduled_for,
                new.team_id,
                now=now,
                tz=tz,
            )
        elif new.team_id is not None:
            await _require_team(new.team_id)
        referral_id = await referrals.insert_received(
            new, origin=origin, reasons=reasons, actor_id=actor_id, at=at
        )
        found = await referrals.get_referral(referral_id)
    if found is None:  # written just now, in this transaction
        raise RuntimeError(f"referral {referral_id} was not found after it was written")
    return found


async def arrive(
    db: Database, appointment_id: int, *, actor_id: int, now: dt.datetime, tz: str
) -> ArrivalResult:
    """The resident is here: open today's visit (or take the open one), mark arrived, link the visit.

    Refused (Conflict, field `status`) for a cancelled appointment and (field `scheduled_for`) for one of
    another day: a resident who comes on the wrong day is booked again or simply seen as a walk-in."""
    zone = zoneinfo.ZoneInfo(tz)
    today = now.astimezone(zone).date()
    async with write_transaction(db):
        found = await get_appointment(appointment_id)
        if found.status is AppointmentStatus.ARRIVED and found.visit_id is not None:
            return ArrivalResult(appointment=found, visit=await get_visit(db, found.visit_id), opened=False)
        if found.status is AppointmentStatus.CANCELLED:
            raise Conflict(
                f"appointment {appointment_id} was cancelled; book the resident again or open a visit",
                field="status",
                details={"status": found.status.value},
            )
        day = found.scheduled_for.astimezone(zone).date()
        if day != today:
            raise Conflict(
                f"appointment {appointment_id} is for {day.isoformat()}, not today ({today.isoformat()})",
                field="scheduled_for",
                details={"date": day.isoformat()},
            )
        visit_id = await _open_visit_today(found.resident_id, today)
        opened = visit_id is None
        if visit_id is None:
            visit_id = (await open_visit(db, found.resident_id, actor_id=actor_id, now=now, tz=tz)).id
        updated = (
            await Row.update({Row.status: AppointmentStatus.ARRIVED.value, Row.visit: visit_id})
            .where((Row.id == appointment_id) & (Row.status == found.status.value))
            .returning(Row.id)
        )
        if not updated:
            # Another terminal arrived it first (PostgreSQL; SQLite's IMMEDIATE transaction serialises).
            again = await get_appointment(appointment_id)
            if again.visit_id is None:
                raise Conflict(f"appointment {appointment_id} changed meanwhile; reload", field="status")
            return ArrivalResult(appointment=again, visit=await get_visit(db, again.visit_id), opened=False)
        arrived = msgspec.structs.replace(found, status=AppointmentStatus.ARRIVED, visit_id=visit_id)
        if found.purpose is AppointmentPurpose.INCOMING_REFERRAL:
            await referrals.close_linked(arrived, ReferralStatus.ACCEPTED, now=now, visit_id=visit_id)
        visit = await get_visit(db, visit_id)
    return ArrivalResult(appointment=arrived, visit=visit, opened=opened)


async def cancel(db: Database, appointment_id: int, reason: str, *, now: dt.datetime) -> Appointment:
    """Cancel a booking that has not arrived; an incoming referral's referral is cancelled with the reason.
    Cancelling again answers the cancelled appointment."""
    text = reason.strip()
    if not text or len(text) > MAX_REASON:
        raise InvalidInput(f"a reason is required (1–{MAX_REASON} characters)", field="reason")
    async with write_transaction(db):
        found = await get_appointment(appointment_id)
        if found.status is AppointmentStatus.CANCELLED:
            return found
        if found.status is AppointmentStatus.ARRIVED:
            raise Conflict(
                f"appointment {appointment_id} has arrived (visit {found.visit_id}); cancel the visit instead",
                field="status",
                details={"status": found.status.value, "visit_id": found.visit_id},
            )
        await Row.update({Row.status: AppointmentStatus.CANCELLED.value}).where(Row.id == appointment_id)
        cancelled = msgspec.structs.replace(found, status=AppointmentStatus.CANCELLED)
        if found.purpose is AppointmentPurpose.INCOMING_REFERRAL:
            await referrals.close_linked(cancelled, ReferralStatus.CANCELLED, now=now, result=text)
    return cancelled


async def _insert(
    resident_id: int,
    purpose: AppointmentPurpose,
    scheduled_for: dt.datetime,
    team_id: int | None,
    *,
    now: dt.datetime,
    tz: str,
) -> Appointment:
    zone = zoneinfo.ZoneInfo(tz)
    if scheduled_for.tzinfo is None:
        raise InvalidInput(
            "scheduled_for must carry its time zone (e.g. 2025-03-03T09:00:00+08:00)", field="scheduled_for"
        )
    day, today = scheduled_for.astimezone(zone).date(), now.astimezone(zone).date()
    if day < today:
        raise InvalidInput(
            f"scheduled_for is on {day.isoformat()}, before today ({today.isoformat()})",
            field="scheduled_for",
        )
    await _require_resident(resident_id)
    if team_id is not None:
        await _require_team(team_id)
    same_day = await Row.raw(
        "SELECT id, scheduled_for FROM appointment WHERE resident = {} AND scheduled_for >= {} "
        "AND scheduled_for < {} AND status <> {}",
        resident_id,
        convert.day_start(day, zone),
        convert.day_start(day + dt.timedelta(days=1), zone),
        AppointmentStatus.CANCELLED.value,
    )
    if same_day:
        other = same_day[0]
        at = convert.timestamp(other["scheduled_for"]).astimezone(zone)
        raise Conflict(
            f"resident {resident_id} already has appointment {other['id']} at {at:%H:%M} on {day.isoformat()}",
            field="resident_id",
            details={"appointment_id": other["id"]},
        )
    at = convert.utc(now)
    rows = await Row.insert(
        Row(
            resident=resident_id,
            team=team_id,
            purpose=purpose.value,
            scheduled_for=convert.utc(scheduled_for),
            status=AppointmentStatus.BOOKED.value,
            created_at=at,
        )
    )
    return Appointment(
        id=rows[0]["id"],
        resident_id=resident_id,
        purpose=purpose,
        status=AppointmentStatus.BOOKED,
        scheduled_for=convert.utc(scheduled_for),
        team_id=team_id,
        created_at=at,
    )


async def _open_visit_today(resident_id: int, today: dt.date) -> int | None:
    rows = await Visit.raw(
        "SELECT id FROM visit WHERE resident = {} AND visit_date = {} AND closed_at IS NULL",
        resident_id,
        today,
    )
    return int(rows[0]["id"]) if rows else None


async def _require_resident(resident_id: int) -> None:
    if not await Resident.exists().where(Resident.id == resident_id):
        raise NotFound(f"no resident with id {resident_id}", field="resident_id", details={"id": resident_id})


async def _require_team(team_id: int) -> None:
    if not await FamilyDoctorTeam.exists().where(FamilyDoctorTeam.id == team_id):
        raise NotFound(f"no family doctor team with id {team_id}", field="team_id", details={"id": team_id})
