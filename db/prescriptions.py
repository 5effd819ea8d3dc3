"""Prescriptions as the rules need them: the drugs a resident is on today."""

from __future__ import annotations

import datetime as dt

from db.tables import Prescription


async def current_drugs(resident_id: int, today: dt.date) -> list[str]:
    """The drugs of the resident's prescriptions running today (no end date, or ending today or later)."""
    rows = await Prescription.raw(
        "SELECT drug FROM prescription WHERE resident = {} AND start_date <= {} "
        "AND (end_date IS NULL OR end_date >= {})",
        resident_id,
        today,
        today,
    )
    return [r["drug"] for r in rows]
