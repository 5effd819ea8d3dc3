"""The conditions a resident has: the confirmed diagnoses (what the rules, the summary and the plans read)."""

from __future__ import annotations

from typing import Final

from db.tables import Diagnosis
from flows.model import Condition

_KNOWN: Final = {c.value for c in Condition}


async def confirmed_conditions(resident_id: int) -> frozenset[Condition]:
    rows = await Diagnosis.raw(
        "SELECT DISTINCT condition FROM diagnosis WHERE resident = {} AND status = 'confirmed'", resident_id
    )
    return frozenset(Condition(r["condition"]) for r in rows if r["condition"] in _KNOWN)


_ORDER: Final = {c: i for i, c in enumerate(Condition)}


async def conditions_in_order(resident_id: int) -> list[Condition]:
    """The confirmed conditions in the glossary's order (hypertension, diabetes, …), as screens list them."""
    return sorted(await confirmed_conditions(resident_id), key=_ORDER.__getitem__)
