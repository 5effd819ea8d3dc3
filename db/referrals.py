"""Referrals (转诊) in the database: record a received one, list them, and the link to their appointment.

A received referral announced for a time also has an appointment (purpose `incoming_referral`). The schema
has no column joining the two, so they are written in one transaction with one timestamp: the pair
(resident, created_at) names the referral of an appointment (the `referral_resident_created` index finds it).
For a received referral the `destination` column holds the other end, i.e. where it came from (`origin`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final

from db import convert
from db.engine import Database
from db.tables import Referral as Row
from flows.appointments import (
    Appointment,
    NewReferral,
    Referral,
    ReferralDirection,
    ReferralNote,
    ReferralStatus,
    ReferralUrgency,
)
from flows.errors import InvalidInput

COLUMNS: Final = (
    "id, resident, visit, direction, urgency, reasons, destination, status, result, created_at, created_by, "
    "closed_at, department, summary, arrived, result_by"
)
MAX_TEXT: Final = 2000  # reasons as a referral letter gives them; a pasted letter longer than this is refused


def referral(row: dict[str, Any], appointment: tuple[int, dt.datetime] | None = None) -> Referral:
    direction = ReferralDirection(row["direction"])
    received = direction is ReferralDirection.RECEIVED
    return Referral(
        id=row["id"],
        resident_id=row["resident"],
        direction=direction,
        urgency=ReferralUrgency(row["urgency"]),
        reasons=row["reasons"],
        status=ReferralStatus(row["status"]),
        created_at=convert.aware(row["created_at"]),
        origin=row["destination"] if received else None,
        destination=None if received else row["destination"],
        visit_id=row["visit"],
        created_by=row["created_by"],
        closed_at=convert.aware(row["closed_at"]) if row["closed_at"] is not None else None,
        result=row["result"],
        appointment_id=appointment[0] if appointment else None,
        scheduled_for=appointment[1] if appointment else None,
        department=row["department"],
        summary=row["summary"],
        arrived=convert.as_bool(row["arrived"]) if row["arrived"] is not None else None,
        result_by=row["result_by"],
    )


def check_received(new: NewReferral) -> tuple[str, str]:
    """The origin and reasons, trimmed; refused (InvalidInput naming the field) when empty or not received."""
    if new.direction is not ReferralDirection.RECEIVED:
        raise InvalidInput(
            f"only received referrals are recorded here, got direction {new.direction.value!r}; "
            "referrals up or down are made from the visit",
            field="direction",
        )
    origin, reasons = new.origin.strip(), new.reasons.strip()
    if not origin or len(origin) > 200:
        raise InvalidInput("origin must name the referring facility (1–200 characters)", field="origin")
    if not reasons or len(reasons) > MAX_TEXT:
        raise InvalidInput(f"reasons must be given (1–{MAX_TEXT} characters)", field="reasons")
    return origin, reasons


async def insert_received(
    new: NewReferral, *, origin: str, reasons: str, actor_id: int, at: dt.datetime
) -> int:
    """The referral row only (the caller holds the transaction and writes the appointment with `at`)."""
    rows = await Row.insert(
        Row(
            resident=new.resident_id,
            direction=ReferralDirection.RECEIVED.value,
            urgency=new.urgency.value,
            reasons=reasons,
            destination=origin,
            status=ReferralStatus.OPEN.value,
            created_at=at,
            created_by=actor_id,
        )
    )
    return int(rows[0]["id"])


async def _received_of(residents: Iterable[int]) -> list[dict[str, Any]]:
    ids = sorted(set(residents))
    if not ids:
        return []
    marks = ", ".join("{}" for _ in ids)
    rows: list[dict[str, Any]] = await Row.raw(
        f"SELECT {COLUMNS} FROM referral WHERE direction = {{}} AND resident IN ({marks})",
        ReferralDirection.RECEIVED.value,
        *ids,
    )
    return rows


async def notes_of(appointments: Iterable[Appointment]) -> dict[int, ReferralNote]:
    """The referral of each incoming-referral appointment, by appointment id (one query for the list)."""
    wanted = {(a.resident_id, a.created_at): a.id for a in appointments}
    notes: dict[int, ReferralNote] = {}
    for row in await _received_of(resident for resident, _at in wanted):
        appointment_id = wanted.get((row["resident"], convert.aware(row["created_at"])))
        if appointment_id is not None:
            notes[appointment_id] = ReferralNote(
                id=row["id"],
                origin=row["destination"],
                reasons=row["reasons"],
                urgency=ReferralUrgency(row["urgency"]),
                status=ReferralStatus(row["status"]),
            )
    return notes


async def close_linked(
    appointment: Appointment,
    status: ReferralStatus,
    *,
    now: dt.datetime,
    visit_id: int | None = None,
    result: str | None = None,
) -> None:
    """Move the appointment's open referral on: accepted when the resident arrives (with the visit),
    cancelled with the reason when the appointment is cancelled. A referral already moved stays as it is."""
    notes = await notes_of([appointment])
    note = notes.get(appointment.id)
    if note is None or note.status is not ReferralStatus.OPEN:
        return
    changes: dict[Any, Any] = {Row.status: status.value}
    if visit_id is not None:
        changes[Row.visit] = visit_id
    if result is not None:
        changes[Row.result] = result
    if status is ReferralStatus.CANCELLED:
        changes[Row.closed_at] = convert.utc(now)
    await Row.update(changes).where((Row.id == note.id) & (Row.status == ReferralStatus.OPEN.value))


async def get_referral(referral_id: int) -> Referral | None:
    rows = await Row.raw(f"SELECT {COLUMNS} FROM referral WHERE id = {{}}", referral_id)
    if not rows:
        return None
    return (await _with_appointments(rows))[0]


async def list_referrals(
    db: Database,
    *,
    direction: ReferralDirection | None = None,
    status: ReferralStatus | None = None,
    resident_id: int | None = None,
    limit: int = 100,
) -> list[Referral]:
    """Newest first; a received referral with its appointment's id and time."""
    where: list[str] = []
    args: list[object] = []
    for column, value in (("direction", direction), ("status", status), ("resident", resident_id)):
        if value is not None:
            where.append(f"{column} = {{}}")
            args.append(value.value if isinstance(value, ReferralDirection | ReferralStatus) else value)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    limit = max(1, min(limit, 500))
    rows = await Row.raw(
        f"SELECT {COLUMNS} FROM referral {clause} ORDER BY created_at DESC, id DESC LIMIT {limit}", *args
    )
    return await _with_appointments(rows)


async def _with_appointments(rows: list[dict[str, Any]]) -> list[Referral]:
    received = {r["resident"] for r in rows if r["direction"] == ReferralDirection.RECEIVED.value}
    links: dict[tuple[int, dt.datetime], tuple[int, dt.datetime]] = {}
    if received:
        marks = ", ".join("{}" for _ in received)
        found = await Row.raw(
            "SELECT id, resident, scheduled_for, created_at FROM appointment "
            f"WHERE purpose = 'incoming_referral' AND resident IN ({marks})",
            *sorted(received),
        )
        for a in found:
            key = (a["resident"], convert.aware(a["created_at"]))
            links[key] = (a["id"], convert.aware(a["scheduled_for"]))
    return [referral(r, links.get((r["resident"], convert.aware(r["created_at"])))) for r in rows]
