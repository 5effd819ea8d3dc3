"""A follow-up form filled from the database (flows.followup_prefill): the conditions to follow up, this visit's
values, the health record's lifestyle, the running prescriptions, and the previous form of the resident.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import msgspec

from db import convert
from db.conditions import conditions_in_order
from db.engine import Database
from db.health_record import current_lifestyle
from db.observations import visit_values
from db.prescriptions import running
from db.residents import get_resident
from db.tables import FollowUp
from db.visits import open_visit_of
from flows.clinical import FollowupDraft, FollowupItem
from flows.followup_form import BLOCKS, FollowupForm, union_of
from flows.followup_prefill import prefill

# The conditions with a national follow-up form (BPHS-2017 hypertension and diabetes, COPD-2024).
FORM_CONDITIONS: Final = tuple(BLOCKS)


async def previous_form(resident_id: int) -> FollowupForm | None:
    """The merged form of the resident's latest follow-up done with a form (its rows share the done_at)."""
    rows = await FollowUp.raw(
        "SELECT form, done_at FROM follow_up WHERE resident = {} AND done_at IS NOT NULL AND form IS NOT NULL "
        "ORDER BY done_at DESC, id DESC LIMIT 5",
        resident_id,
    )
    if not rows:
        return None
    latest = rows[0]["done_at"]
    forms = [
        msgspec.json.decode(convert.json_bytes(r["form"]), type=FollowupForm)
        for r in rows
        if r["done_at"] == latest
    ]
    return union_of(forms)


async def followup_draft(
    db: Database, resident_id: int, visit_id: int | None, *, today: dt.date
) -> FollowupDraft:
    """The resident's form-bearing conditions (confirmed) and their merged form, prefilled."""
    await get_resident(db, resident_id)
    values: dict[str, float] = {}
    if visit_id is not None:
        await open_visit_of(visit_id, resident_id)
        values, _symptoms = await visit_values(visit_id)
    conditions = [c for c in await conditions_in_order(resident_id) if c in FORM_CONDITIONS]
    form = prefill(
        conditions,
        values=values,
        record=await current_lifestyle(resident_id),
        prescriptions=[
            {"drug": r["drug"], "dose": r["dose"], "frequency": r["frequency"]}
            for r in await running(resident_id, today)
        ],
        previous=await previous_form(resident_id),
    )
    return FollowupDraft(
        resident_id=resident_id,
        visit_id=visit_id,
        items=tuple(FollowupItem(condition=c) for c in conditions),
        form=form,
    )
