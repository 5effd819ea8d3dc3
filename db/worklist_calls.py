"""A call about an overdue follow-up and its outcome (flows.worklists.CallOutcome), on the follow-up's row.

"Agreed to visit" with a day books a follow-up appointment that day (08:00, the desk's first slot) and keeps
the booking's due date: the due date is when the follow-up was due, and the days overdue (CLINICAL_RULES.md
§10) and BPHS timeliness are measured from it, so moving it would hide the lateness. The booking stays on the
overdue list, marked agreed, until the follow-up is done (Simple.org's practice); the appointment puts the
resident on that day's arrivals and due-today lists. A resident already booked that day keeps that booking.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Final

from db import convert
from db.appointments import create_appointment
from db.engine import Database, write_transaction
from db.tables import Appointment, FollowUp
from flows.appointments import AppointmentPurpose, NewAppointment
from flows.errors import Conflict, NotFound
from flows.worklists import CallOutcomeRequest, CallRecord, call_state, check_call

AGREED_SLOT: Final = dt.time(8, 0)  # an agreed day has no time: the desk's first slot (flows.synthetic.desk)


async def record_call(
    db: Database, follow_up_id: int, request: CallOutcomeRequest, *, actor_id: int, now: dt.datetime, tz: str
) -> CallRecord:
    """Store the outcome of a call about an open follow-up; refused for a follow-up done already."""
    zone = zoneinfo.ZoneInfo(tz)
    decision = check_call(request, now.astimezone(zone).date())
    async with write_transaction(db):
        rows = await FollowUp.raw("SELECT id, resident, done_at FROM follow_up WHERE id = {}", follow_up_id)
        if not rows:
            raise NotFound(f"follow-up {follow_up_id} does not exist", field="followup_id")
        resident_id: int = rows[0]["resident"]
        if rows[0]["done_at"] is not None:
            done = convert.local_date(rows[0]["done_at"], zone)
            raise Conflict(
                f"follow-up {follow_up_id} was done on {done}: there is no overdue visit to call about",
                field="followup_id",
                details={"done_on": done.isoformat()},
            )
        appointment_id = None
        if decision.book_on is not None:
            appointment_id = await _book(db, resident_id, decision.book_on, now=now, tz=tz)
        at = convert.utc(now)
        await FollowUp.update(
            {
                FollowUp.call_outcome: decision.outcome.value,
                FollowUp.call_note: decision.note,
                FollowUp.call_again_on: decision.call_again_on,
                FollowUp.called_at: at,
                FollowUp.called_by: actor_id,
            }
        ).where(FollowUp.id == follow_up_id)
    call = call_state(
        decision.outcome.value,
        decision.note,
        call_again_on=decision.call_again_on,
        called_at=at,
        called_by=actor_id,
    )
    return CallRecord(
        follow_up_id=follow_up_id, resident_id=resident_id, call=call, appointment_id=appointment_id
    )


async def _book(db: Database, resident_id: int, day: dt.date, *, now: dt.datetime, tz: str) -> int:
    """The resident's appointment on `day`: the one they have, or a follow-up appointment for their team."""
    zone = zoneinfo.ZoneInfo(tz)
    held = await Appointment.raw(
        "SELECT id FROM appointment WHERE resident = {} AND scheduled_for >= {} AND scheduled_for < {} "
        "AND status <> 'cancelled' ORDER BY scheduled_for LIMIT 1",
        resident_id,
        convert.day_start(day, zone),
        convert.day_start(day + dt.timedelta(days=1), zone),
    )
    if held:
        return int(held[0]["id"])
    teams = await Appointment.raw(
        "SELECT team FROM contract WHERE resident = {} AND start_date <= {} AND end_date >= {} "
        "AND status <> 'terminated' ORDER BY start_date DESC LIMIT 1",
        resident_id,
        day,
        day,
    )
    new = NewAppointment(
        resident_id=resident_id,
        scheduled_for=dt.datetime.combine(day, AGREED_SLOT, zone),
        team_id=teams[0]["team"] if teams else None,
        purpose=AppointmentPurpose.FOLLOW_UP,
    )
    made = await create_appointment(db, new, now=now, tz=tz)
    return made.id
