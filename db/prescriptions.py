"""Prescriptions as the rules need them: the drugs a resident is on today."""

from __future__ import annotations

import datetime as dt
from typing import Any

from db.tables import Prescription


async def current_drugs(resident_id: int, today: dt.date) -> list[str]:
    """The drugs of the resident's prescriptions running today."""
    return [r["drug"] for r in await running(resident_id, today)]


async def running(resident_id: int, today: dt.date) -> list[dict[str, Any]]:
    """The resident's prescriptions running today (no end date, or ending today or later): long-term first,
    then by drug."""
    rows: list[dict[str, Any]] = await Prescription.raw(
        "SELECT drug, dose, frequency, long_term, end_date FROM prescription WHERE resident = {} "
        "AND start_date <= {} AND (end_date IS NULL OR end_date >= {}) ORDER BY long_term DESC, drug, id",
        resident_id,
        today,
        today,
    )
    return rows
