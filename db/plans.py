"""Graded management plans: the rules' default for a condition at its latest follow-up class, the doctor's
edits on top, saved as the condition's active plan (the previous one is kept, inactive).

The plan needs the resident's latest height and weight (target weight) and their drug count (pharmacist review).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from db import convert
from db.conditions import confirmed_conditions
from db.engine import Database, write_transaction
from db.followups import previous_classes
from db.prescriptions import current_drugs
from db.residents import get_resident
from db.tables import ManagementPlan as PlanRow
from db.tables import Observation
from flows.clinical import PlanRequest, ResidentPlans, SavedPlan
from flows.errors import InvalidInput
from flows.model import Condition
from flows.rules.base import age_on
from flows.rules.copd import CopdFollowupClass
from flows.rules.followup import FollowupClass
from flows.rules.plans import ManagementPlan, default_plan, edit_plan, merge_plans
from flows.rules.settings import RulesSettings

_PLAN = msgspec.json.Decoder(ManagementPlan)


def _class_for(
    condition: Condition, previous: dict[Condition, str], today: str | None = None
) -> FollowupClass | CopdFollowupClass | None:
    """Today's class when the doctor's screen gives it, else the latest follow-up class; before any follow-up,
    the plan of a controlled (stable) patient."""
    if today is not None:
        return _today_class(condition, today)
    prior = previous.get(condition)
    if condition in (Condition.HYPERTENSION, Condition.DIABETES):
        return FollowupClass(prior) if prior in {c.value for c in FollowupClass} else FollowupClass.CONTROLLED
    if condition is Condition.COPD:
        values = {c.value for c in CopdFollowupClass}
        return CopdFollowupClass(prior) if prior in values else CopdFollowupClass.STABLE
    return None


def _today_class(condition: Condition, value: str) -> FollowupClass | CopdFollowupClass | None:
    kinds: dict[Condition, type[FollowupClass] | type[CopdFollowupClass]] = {
        Condition.HYPERTENSION: FollowupClass,
        Condition.DIABETES: FollowupClass,
        Condition.COPD: CopdFollowupClass,
    }
    kind = kinds.get(condition)
    allowed = [c.value for c in kind] if kind is not None else []
    if value not in allowed:
        raise InvalidInput(
            f"follow_up_class {value!r} is not a class of {condition.value} (allowed: {', '.join(allowed) or 'none'})",
            field="follow_up_class",
        )
    assert kind is not None
    return kind(value)


async def _latest(resident_id: int, code: str) -> float | None:
    rows = await Observation.raw(
        "SELECT value FROM observation WHERE resident = {} AND code = {} ORDER BY observed_at DESC, id DESC LIMIT 1",
        resident_id,
        code,
    )
    return float(rows[0]["value"]) if rows else None


async def default_for(
    db: Database,
    resident_id: int,
    condition: Condition,
    *,
    today: dt.date,
    rules: RulesSettings,
    follow_up_class: str | None = None,
) -> ManagementPlan:
    person = await get_resident(db, resident_id)
    conditions = await confirmed_conditions(resident_id)
    if condition not in conditions:
        raise InvalidInput(
            f"{condition.value} is not a confirmed diagnosis of resident {resident_id}: confirm it first",
            field="condition",
        )
    height, weight = await _latest(resident_id, "height"), await _latest(resident_id, "weight")
    if height is None or weight is None:
        missing = "height" if height is None else "weight"
        raise InvalidInput(f"no {missing} on record: measure it before making a plan", field=missing)
    return default_plan(
        condition,
        _class_for(condition, await previous_classes(resident_id), follow_up_class),
        age=age_on(person.birth_date, today),
        sex=person.sex,
        height_cm=height,
        weight_kg=weight,
        drug_count=len(await current_drugs(resident_id, today)),
        comorbidities=sorted(conditions - {condition}),
        settings=rules.plans,
        mm_settings=rules.multimorbidity,
        copd_settings=rules.copd,
        diabetes_settings=rules.diabetes,
    )


def _saved(row: dict[str, Any]) -> SavedPlan:
    return SavedPlan(
        id=row["id"],
        resident_id=row["resident"],
        condition=Condition(row["condition"]),
        plan=_PLAN.decode(convert.json_bytes(row["targets"])),
        created_at=convert.aware(row["created_at"]),
        created_by=row["created_by"],
        visit_id=row["visit"],
    )


async def save_plan(
    db: Database,
    resident_id: int,
    request: PlanRequest,
    *,
    rules: RulesSettings,
    actor_id: int,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> SavedPlan:
    today = now.astimezone(tz).date()
    at = convert.utc(now)
    async with write_transaction(db):
        plan = edit_plan(
            await default_for(
                db,
                resident_id,
                request.condition,
                today=today,
                rules=rules,
                follow_up_class=request.follow_up_class,
            ),
            request.edit,
        )
        await PlanRow.update({PlanRow.active: False}).where(
            (PlanRow.resident == resident_id)
            & (PlanRow.condition == request.condition.value)
            & (PlanRow.active == True)  # noqa: E712
        )
        cls = plan.conditions[0]
        rows = await PlanRow.insert(
            PlanRow(
                resident=resident_id,
                visit=request.visit_id,
                condition=request.condition.value,
                management_class=(cls.cls or cls.copd_cls or "none"),
                targets=msgspec.json.encode(plan).decode(),
                lifestyle_advice=None,
                active=True,
                created_at=at,
                created_by=actor_id,
            )
        )
    return SavedPlan(
        id=rows[0]["id"],
        resident_id=resident_id,
        condition=request.condition,
        plan=plan,
        created_at=at,
        created_by=actor_id,
        visit_id=request.visit_id,
    )


async def active_plans(db: Database, resident_id: int) -> ResidentPlans:
    rows = await PlanRow.raw(
        "SELECT id, resident, visit, condition, targets, created_at, created_by FROM management_plan "
        "WHERE resident = {} AND active = {} ORDER BY condition",
        resident_id,
        True,
    )
    plans = tuple(_saved(r) for r in rows)
    return ResidentPlans(plans=plans, merged=merge_plans([p.plan for p in plans]) if plans else None)
