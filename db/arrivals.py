"""A day's arrivals list: the appointments of the local day (bookings, incoming referrals) and the clinic
follow-ups due that day, each with who the resident is, the team and where an arrived visit stands.

The day is the site's local day: its bounds are the UTC instants of local midnight, so the query is one
range on the indexed `appointment.scheduled_for` (and one equality on the indexed `follow_up.due_date`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any, Final

from db import convert, referrals
from db.appointments import appointment
from db.engine import Database
from db.tables import Appointment as Row
from flows.appointments import (
    AppointmentItem,
    AppointmentPurpose,
    AppointmentStatus,
    shown_status,
)
from flows.identity import mask_id_number
from flows.model import Condition, Sex, Step
from flows.rules.base import age_on

_APPOINTMENTS: Final = (
    "SELECT a.id, a.resident, a.team, a.purpose, a.scheduled_for, a.status, a.visit, a.created_at, "
    "r.name, r.sex, r.birth_date, r.id_number, t.name AS team_name, v.step AS visit_step "
    "FROM appointment a JOIN resident r ON r.id = a.resident "
    "LEFT JOIN family_doctor_team t ON t.id = a.team LEFT JOIN visit v ON v.id = a.visit "
    "WHERE a.scheduled_for >= {} AND a.scheduled_for < {} ORDER BY a.scheduled_for, a.id"
)
_ORDER: Final = list(Condition)
# A follow-up booking is face to face at the clinic (`mode` clinic); home and phone follow-ups never arrive.
_FOLLOW_UPS: Final = (
    "SELECT f.resident, f.condition, r.name, r.sex, r.birth_date, r.id_number, c.team, t.name AS team_name "
    "FROM follow_up f JOIN resident r ON r.id = f.resident "
    "LEFT JOIN contract c ON c.resident = f.resident AND c.status = 'active' "
    "LEFT JOIN family_doctor_team t ON t.id = c.team "
    "WHERE f.due_date = {} AND f.done_at IS NULL AND f.mode = 'clinic' ORDER BY r.name, f.resident"
)


async def day_list(
    db: Database,
    *,
    day: dt.date,
    today: dt.date,
    tz: dt.tzinfo,
    purposes: Collection[AppointmentPurpose] = (),
    statuses: Collection[AppointmentStatus] = (),
) -> list[AppointmentItem]:
    """The day's appointments by time, then the follow-ups due that day without an appointment.

    Empty `purposes` / `statuses` mean all. A booking of a past day that nobody arrived shows as missed."""
    rows = await Row.raw(
        _APPOINTMENTS, convert.day_start(day, tz), convert.day_start(day + dt.timedelta(days=1), tz)
    )
    booked = [appointment(r) for r in rows]
    notes = await referrals.notes_of(a for a in booked if a.purpose is AppointmentPurpose.INCOMING_REFERRAL)
    items: list[AppointmentItem] = []
    for row, a in zip(rows, booked, strict=True):
        if purposes and a.purpose not in purposes:
            continue
        items.append(
            AppointmentItem(
                id=a.id,
                purpose=a.purpose,
                status=shown_status(a.status, day, today),
                scheduled_for=a.scheduled_for.astimezone(tz),  # the site's wall clock, for any terminal
                team_id=a.team_id,
                team_name=row["team_name"],
                visit_id=a.visit_id,
                visit_step=Step(row["visit_step"]) if row["visit_step"] else None,
                referral=notes.get(a.id),
                **_who(row, day),
            )
        )
    if not purposes or AppointmentPurpose.FOLLOW_UP in purposes:
        expected = {a.resident_id for a in booked if a.status is not AppointmentStatus.CANCELLED}
        items += await _follow_ups(day, today, expected)
    return [i for i in items if not statuses or i.status in statuses]


async def _follow_ups(day: dt.date, today: dt.date, expected: set[int]) -> list[AppointmentItem]:
    """One item per resident with clinic follow-ups due (every condition due listed); residents already on
    the day's list by an appointment are not listed twice."""
    by_resident: dict[int, tuple[dict[str, Any], list[Condition]]] = {}
    for row in await Row.raw(_FOLLOW_UPS, day):
        if row["resident"] in expected:
            continue
        _first, conditions = by_resident.setdefault(row["resident"], (row, []))
        condition = Condition(row["condition"])
        if condition not in conditions:
            conditions.append(condition)
    return [
        AppointmentItem(
            id=None,
            purpose=AppointmentPurpose.FOLLOW_UP,
            status=shown_status(AppointmentStatus.BOOKED, day, today),
            scheduled_for=None,
            team_id=row["team"],
            team_name=row["team_name"],
            follow_up_conditions=tuple(sorted(conditions, key=_ORDER.index)),
            **_who(row, day),
        )
        for row, conditions in by_resident.values()
    ]


def _who(row: dict[str, Any], day: dt.date) -> dict[str, Any]:
    born = convert.as_date(row["birth_date"])
    return {
        "resident_id": row["resident"],
        "name": row["name"],
        "sex": Sex(row["sex"]),
        "birth_date": born,
        "age": age_on(born, day),
        "id_number_masked": mask_id_number(row["id_number"]),
    }
