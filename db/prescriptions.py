"""Prescriptions: the drugs a resident is on today, their history, and stopping one.

A prescription runs from its start date to its end date (the last day of supply). Stopping one early sets the
end date to the day it was stopped and keeps the reason; from that day on it no longer runs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from db import convert
from db.engine import Database, write_transaction
from db.tables import Prescription
from flows.errors import Conflict, NotFound
from flows.prescriptions import PrescriptionRecord
from flows.rules.prescribing import check_reason

RECENT_DAYS: Final = 90  # listPrescriptions shows what ended in the last 3 months beside what runs
_COLUMNS: Final = (
    "id, resident, plan, visit, drug, dose, frequency, long_term, shortage, start_date, end_date, "
    "prescribed_by, created_at, stop_reason"
)
# Running on a day: started, not past its end, and not stopped that day (a stop sets end_date to the stop day).
_RUNNING: Final = (
    "start_date <= {} AND (end_date IS NULL OR end_date > {} OR (end_date = {} AND stop_reason IS NULL))"
)


async def current_drugs(resident_id: int, today: dt.date) -> list[str]:
    """The drugs of the resident's prescriptions running today."""
    return [r["drug"] for r in await running(resident_id, today)]


async def running(resident_id: int, today: dt.date) -> list[dict[str, Any]]:
    """The resident's prescriptions running today (no end date, or ending today or later, not stopped):
    long-term first, then by drug."""
    rows: list[dict[str, Any]] = await Prescription.raw(
        "SELECT drug, dose, frequency, long_term, end_date FROM prescription WHERE resident = {} AND "
        + _RUNNING
        + " ORDER BY long_term DESC, drug, id",
        resident_id,
        today,
        today,
        today,
    )
    return rows


def record(row: dict[str, Any], today: dt.date) -> PrescriptionRecord:
    start, end = convert.as_date(row["start_date"]), row["end_date"]
    end_date = convert.as_date(end) if end is not None else None
    stopped = row["stop_reason"] is not None
    on = start <= today and (end_date is None or end_date > today or (end_date == today and not stopped))
    return PrescriptionRecord(
        id=row["id"],
        resident_id=row["resident"],
        drug=row["drug"],
        dose=row["dose"],
        frequency=row["frequency"],
        long_term=convert.as_bool(row["long_term"]),
        shortage=convert.as_bool(row["shortage"]),
        start_date=start,
        end_date=end_date,
        running=on,
        days_left=(end_date - today).days + 1 if on and end_date is not None else None,
        stop_reason=row["stop_reason"],
        visit_id=row["visit"],
        plan_id=row["plan"],
        prescribed_by=row["prescribed_by"],
        created_at=convert.aware(row["created_at"]),
    )


async def get_prescription(prescription_id: int, today: dt.date) -> PrescriptionRecord:
    rows = await Prescription.raw(f"SELECT {_COLUMNS} FROM prescription WHERE id = {{}}", prescription_id)
    if not rows:
        raise NotFound(f"no prescription with id {prescription_id}", field="prescription_id")
    return record(rows[0], today)


async def prescriptions_of(
    resident_id: int, today: dt.date
) -> tuple[list[PrescriptionRecord], list[PrescriptionRecord]]:
    """(running today, ended in the last RECENT_DAYS): running long-term first then by drug; recent newest first."""
    since = today - dt.timedelta(days=RECENT_DAYS)
    rows = await Prescription.raw(
        f"SELECT {_COLUMNS} FROM prescription WHERE resident = {{}} AND (end_date IS NULL OR end_date >= {{}}) "
        "ORDER BY long_term DESC, drug, id",
        resident_id,
        since,
    )
    found = [record(r, today) for r in rows]
    on = [p for p in found if p.running]
    ended = sorted(
        (p for p in found if not p.running and p.start_date <= today),
        key=lambda p: (p.end_date or today, p.id),
        reverse=True,
    )
    return on, ended


async def stop_prescription(
    db: Database, prescription_id: int, reason: str, *, today: dt.date
) -> PrescriptionRecord:
    """Stop a running prescription today, with the reason (required). One not running is a conflict.
    Who stopped it is the audit row's actor (the table has no column for it)."""
    text = check_reason(reason)
    async with write_transaction(db):
        found = await get_prescription(prescription_id, today)
        if not found.running:
            raise Conflict(
                f"prescription {prescription_id} is not running (ended {found.end_date})",
                field="prescription_id",
            )
        await Prescription.update({Prescription.end_date: today, Prescription.stop_reason: text}).where(
            Prescription.id == prescription_id
        )
    return await get_prescription(prescription_id, today)
