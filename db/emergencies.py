"""Emergency flags of a visit: raised when a value or symptom meets the 紧急转诊 lists, resolved by the
emergency referral, a doctor's override with a reason, or the visit's cancellation.

The flag is what makes an emergency impossible to pass silently: db.visits.move_visit reads `has_open` and
flows.visit.advance then allows only refer_emergency or cancel.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from db import convert
from db.engine import Database, write_transaction
from db.tables import EmergencyFlag
from flows.clinical import EmergencyFlag as FlagStruct
from flows.clinical import EmergencyStatus
from flows.errors import Conflict, InvalidInput
from flows.model import Move
from flows.rules.base import Finding

_COLUMNS = "id, visit, resident, findings, detected_at, status, resolved_at, resolved_by, reason"
_FINDINGS = msgspec.json.Decoder(tuple[Finding, ...])


def encode_findings(findings: tuple[Finding, ...]) -> str:
    return msgspec.json.encode(findings).decode()


def _flag(row: dict[str, Any]) -> FlagStruct:
    return FlagStruct(
        id=row["id"],
        visit_id=row["visit"],
        resident_id=row["resident"],
        findings=_FINDINGS.decode(convert.json_bytes(row["findings"])),
        detected_at=convert.aware(row["detected_at"]),
        status=EmergencyStatus(row["status"]),
        resolved_at=convert.aware(row["resolved_at"]) if row["resolved_at"] is not None else None,
        resolved_by=row["resolved_by"],
        reason=row["reason"],
    )


async def raise_flag(
    visit_id: int, resident_id: int, findings: tuple[Finding, ...], *, now: dt.datetime
) -> FlagStruct:
    """Save an open flag (inside the caller's write transaction)."""
    at = convert.utc(now)
    rows = await EmergencyFlag.insert(
        EmergencyFlag(
            visit=visit_id,
            resident=resident_id,
            findings=encode_findings(findings),
            detected_at=at,
            status=EmergencyStatus.OPEN.value,
        )
    )
    return FlagStruct(
        id=rows[0]["id"],
        visit_id=visit_id,
        resident_id=resident_id,
        findings=findings,
        detected_at=at,
        status=EmergencyStatus.OPEN,
    )


async def flags(db: Database, visit_id: int) -> list[FlagStruct]:
    rows = await EmergencyFlag.raw(
        f"SELECT {_COLUMNS} FROM emergency_flag WHERE visit = {{}} ORDER BY id", visit_id
    )
    return [_flag(row) for row in rows]


async def has_open(visit_id: int) -> bool:
    rows = await EmergencyFlag.raw(
        "SELECT id FROM emergency_flag WHERE visit = {} AND status = {} LIMIT 1",
        visit_id,
        EmergencyStatus.OPEN.value,
    )
    return bool(rows)


_RESOLUTION = {Move.REFER_EMERGENCY: EmergencyStatus.REFERRED, Move.CANCEL: EmergencyStatus.CANCELLED}


async def resolve_by_move(
    visit_id: int, move: Move, *, actor_id: int, now: dt.datetime, reason: str | None
) -> None:
    """The visit left through an emergency exit: close its open flags with that outcome."""
    status = _RESOLUTION.get(move)
    if status is not None:
        await _close_open(visit_id, status, actor_id=actor_id, now=now, reason=reason)


async def override(
    db: Database, visit_id: int, *, reason: str, actor_id: int, now: dt.datetime
) -> list[FlagStruct]:
    """A doctor decides the open emergency is not one here. Refused without a reason or an open flag."""
    text = reason.strip()
    if not text:
        raise InvalidInput("overriding an emergency needs the doctor's reason", field="reason")
    async with write_transaction(db):
        if not await has_open(visit_id):
            raise Conflict(
                f"visit {visit_id} has no open emergency to override",
                field="visit_id",
                details={"id": visit_id},
            )
        await _close_open(visit_id, EmergencyStatus.OVERRIDDEN, actor_id=actor_id, now=now, reason=text)
        return await flags(db, visit_id)


async def _close_open(
    visit_id: int, status: EmergencyStatus, *, actor_id: int, now: dt.datetime, reason: str | None
) -> None:
    await EmergencyFlag.update(
        {
            EmergencyFlag.status: status.value,
            EmergencyFlag.resolved_at: convert.utc(now),
            EmergencyFlag.resolved_by: actor_id,
            EmergencyFlag.reason: reason,
        }
    ).where((EmergencyFlag.visit == visit_id) & (EmergencyFlag.status == EmergencyStatus.OPEN.value))
