"""Rows (dicts from Piccolo selects and raw queries) → flows structs; the only place that knows both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from flows.identity import mask_id_number, mask_phone
from flows.model import (
    AuditEvent,
    Contract,
    ContractStatus,
    FamilyDoctorTeam,
    Household,
    Move,
    Observation,
    ObservationSource,
    QueueKind,
    Resident,
    ResidentHit,
    Role,
    Sex,
    Staff,
    Step,
    StepEvent,
    Visit,
)

Row = Mapping[str, Any]

RESIDENT_COLUMNS = (
    "id, id_number, name, sex, birth_date, record_number, created_at, updated_at, phone, address, household"
)
OBSERVATION_COLUMNS = (
    "id, resident, code, value, unit, source, observed_at, visit, device_id"  # observation()
)
VISIT_COLUMNS = (
    "id, resident, visit_date, step, opened_at, opened_by, closed_at, queue_kind, team, referral_direction"
)


def aware(value: dt.datetime) -> dt.datetime:
    """Both engines hand back UTC; a naive value here would be a bug in the schema, so make it loud."""
    if value.tzinfo is None:
        raise ValueError(f"timestamp {value!r} came back without a time zone")
    return value


def utc(value: dt.datetime) -> dt.datetime:
    """What the database will return for `value`: the same instant in UTC (so writes and reads agree)."""
    if value.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return value.astimezone(dt.UTC)


def as_date(value: Any) -> dt.date:
    # SQLite's DATE converter returns date; a raw expression may give the ISO string.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def day_start(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The instant the local day begins, in UTC (what both engines compare timestamps in)."""
    return utc(dt.datetime.combine(day, dt.time(), tz))


def timestamp(value: Any) -> dt.datetime:
    """A timestamp from a raw query: a datetime, or SQLite's UTC text where an aggregate (MAX, MIN) hid the
    column's type from the converter."""
    if isinstance(value, dt.datetime):
        return aware(value)
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def local_date(value: Any, tz: dt.tzinfo) -> dt.date:
    """The local calendar day of a stored timestamp (the site's day, not UTC's)."""
    return timestamp(value).astimezone(tz).date()


def json_bytes(value: Any) -> bytes | str:
    """A JSON column's content ready for a msgspec decoder: SQLite and asyncpg hand back the JSON text;
    anything already decoded is encoded again."""
    return value if isinstance(value, str | bytes) else msgspec.json.encode(value)


def as_bool(value: Any) -> bool:
    return value in (True, 1, "1", "t", "true")


def resident(row: Row) -> Resident:
    return Resident(
        id=row["id"],
        id_number=row["id_number"],
        name=row["name"],
        sex=Sex(row["sex"]),
        birth_date=as_date(row["birth_date"]),
        record_number=row["record_number"],
        created_at=aware(row["created_at"]),
        updated_at=aware(row["updated_at"]),
        phone=row["phone"],
        address=row["address"],
        household_id=row["household"],
    )


def hit(row: Row, *, matched_on: str, score: int) -> ResidentHit:
    return ResidentHit(
        id=row["id"],
        name=row["name"],
        sex=Sex(row["sex"]),
        birth_date=as_date(row["birth_date"]),
        id_number_masked=mask_id_number(row["id_number"]),
        record_number=row["record_number"],
        phone_masked=mask_phone(row["phone"]),
        matched_on=matched_on,
        score=score,
    )


def household(row: Row, member_ids: Iterable[int]) -> Household:
    return Household(
        id=row["id"],
        address=row["address"],
        head_resident_id=row["head_resident_id"],
        member_ids=tuple(member_ids),
    )


def staff(row: Row) -> Staff:
    return Staff(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        team_id=row["team"],
        active=as_bool(row["active"]),
    )


def team(row: Row) -> FamilyDoctorTeam:
    return FamilyDoctorTeam(id=row["id"], name=row["name"], room=row["room"], phone=row.get("phone"))


def step_event(row: Row) -> StepEvent:
    return StepEvent(
        seq=row["seq"],
        move=Move(row["move"]),
        from_step=Step(row["from_step"]),
        to_step=Step(row["to_step"]),
        actor_id=row["actor"],
        at=aware(row["at"]),
        reason=row["reason"],
    )


def visit(row: Row, events: Iterable[StepEvent] = ()) -> Visit:
    return Visit(
        id=row["id"],
        resident_id=row["resident"],
        visit_date=as_date(row["visit_date"]),
        step=Step(row["step"]),
        opened_at=aware(row["opened_at"]),
        opened_by=row["opened_by"],
        closed_at=aware(row["closed_at"]) if row["closed_at"] is not None else None,
        queue_kind=QueueKind(row["queue_kind"]) if row["queue_kind"] else None,
        team_id=row["team"],
        referral_direction=row["referral_direction"],
        events=tuple(events),
    )


def audit_event(row: Row) -> AuditEvent:
    return AuditEvent(
        id=row["id"],
        at=aware(row["at"]),
        actor_id=row["actor_id"],
        action=row["action"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        detail=row["detail"],
        address=row["address"],
    )


def contract(row: Row) -> Contract:
    return Contract(
        id=row["id"],
        resident_id=row["resident"],
        team_id=row["team"],
        package=row["package"],
        start_date=as_date(row["start_date"]),
        end_date=as_date(row["end_date"]),
        status=ContractStatus(row["status"]),
    )


def observation(row: Row) -> Observation:
    return Observation(
        id=row["id"],
        resident_id=row["resident"],
        code=row["code"],
        value=float(row["value"]),
        unit=row["unit"],
        source=ObservationSource(row["source"]),
        observed_at=aware(row["observed_at"]),
        visit_id=row["visit"],
        device_id=row["device_id"],
    )
