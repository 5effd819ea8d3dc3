"""Shortage records (缺药登记): a drug of the list a resident needed was out of stock; open until resolved.

A drug with an open record is "out of stock" on the medicines list the doctor chooses from.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from db import convert
from db.engine import Database, write_transaction
from db.residents import get_resident
from db.tables import DrugShortage
from db.visits import visit_of
from flows.errors import Conflict, InvalidInput, NotFound
from flows.prescriptions import ShortageRecord

_COLUMNS: Final = (
    "id, drug, resident, visit, prescription, note, recorded_at, recorded_by, resolved_at, resolved_by"
)
NOTE_MAX: Final = 500


def _record(row: dict[str, Any]) -> ShortageRecord:
    return ShortageRecord(
        id=row["id"],
        drug=row["drug"],
        resident_id=row["resident"],
        visit_id=row["visit"],
        prescription_id=row["prescription"],
        note=row["note"],
        recorded_at=convert.aware(row["recorded_at"]),
        recorded_by=row["recorded_by"],
        resolved_at=convert.aware(row["resolved_at"]) if row["resolved_at"] is not None else None,
        resolved_by=row["resolved_by"],
    )


async def get_shortage(shortage_id: int) -> ShortageRecord:
    rows = await DrugShortage.raw(f"SELECT {_COLUMNS} FROM drug_shortage WHERE id = {{}}", shortage_id)
    if not rows:
        raise NotFound(f"no shortage record with id {shortage_id}", field="shortage_id")
    return _record(rows[0])


async def open_shortages() -> list[ShortageRecord]:
    """The open records, oldest first (the pharmacy restocks in that order)."""
    rows = await DrugShortage.raw(
        f"SELECT {_COLUMNS} FROM drug_shortage WHERE resolved_at IS NULL ORDER BY recorded_at, id"
    )
    return [_record(r) for r in rows]


async def out_of_stock() -> frozenset[str]:
    """The drugs with an open shortage record."""
    rows = await DrugShortage.raw("SELECT DISTINCT drug FROM drug_shortage WHERE resolved_at IS NULL")
    return frozenset(r["drug"] for r in rows)


async def record_shortage(
    db: Database,
    drug: str,
    *,
    resident_id: int | None,
    visit_id: int | None,
    prescription_id: int | None,
    note: str | None,
    actor_id: int,
    now: dt.datetime,
) -> ShortageRecord:
    """One record; the drug must be on the list (the caller checks) and the resident and visit must exist."""
    text = note.strip() if note else None
    if text is not None and len(text) > NOTE_MAX:
        raise InvalidInput(f"note must be at most {NOTE_MAX} characters", field="note")
    if visit_id is not None and resident_id is None:
        raise InvalidInput("a visit's shortage record names its resident", field="resident_id")
    async with write_transaction(db):
        if resident_id is not None:
            await get_resident(db, resident_id)
            if visit_id is not None:
                await visit_of(visit_id, resident_id)
        rows = await DrugShortage.insert(
            DrugShortage(
                drug=drug,
                resident=resident_id,
                visit=visit_id,
                prescription=prescription_id,
                note=text or None,
                recorded_at=convert.utc(now),
                recorded_by=actor_id,
            )
        )
    return await get_shortage(rows[0]["id"])


async def resolve_shortage(
    db: Database, shortage_id: int, *, actor_id: int, now: dt.datetime
) -> ShortageRecord:
    """Close an open record (the drug is back); a record already resolved is a conflict."""
    async with write_transaction(db):
        found = await get_shortage(shortage_id)
        if found.resolved_at is not None:
            raise Conflict(
                f"shortage record {shortage_id} was resolved at {found.resolved_at.isoformat()}",
                field="shortage_id",
            )
        await DrugShortage.update(
            {DrugShortage.resolved_at: convert.utc(now), DrugShortage.resolved_by: actor_id}
        ).where(DrugShortage.id == shortage_id)
    return await get_shortage(shortage_id)
