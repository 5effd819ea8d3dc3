"""Follow-ups (随访): classify with the rules, record each disease's follow-up, book the next one.

A condition has at most one open booking. Doing a follow-up turns that booking (or, with none, a new row due
today) into the record: class, referral advice, the values it was judged on and who did it; then one new
booking per disease at the visit's next date (the earliest of the diseases', or the doctor's override).
The previous class the classifier needs is the latest done follow-up of the condition.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import msgspec

from db import convert, emergencies
from db.conditions import confirmed_conditions
from db.engine import Database, write_transaction
from db.observations import visit_values
from db.prescriptions import current_drugs
from db.residents import get_resident
from db.tables import FollowUp
from db.visits import open_visit_of
from flows.clinical import FollowupItem, FollowupOutcome, FollowupRecord, FollowupRequest
from flows.errors import InvalidInput
from flows.model import Condition
from flows.rules.base import Severity, age_on
from flows.rules.copd import CopdFollowupClass
from flows.rules.followup import FollowupClass
from flows.rules.multimorbidity import DiseaseAssessment, DiseaseFollowup, assess_visit
from flows.rules.settings import RulesSettings

_COLUMNS: Final = (
    "id, resident, condition, due_date, mode, follow_up_class, done_at, visit, staff, sbp, dbp, fpg, referral, "
    "override_reason"
)
_BPHS: Final = {c.value for c in FollowupClass}
_COPD: Final = {c.value for c in CopdFollowupClass}
_CONDITIONS: Final = {c.value for c in Condition}


def record(row: dict[str, Any]) -> FollowupRecord:
    return FollowupRecord(
        id=row["id"],
        resident_id=row["resident"],
        condition=Condition(row["condition"]),
        due_date=convert.as_date(row["due_date"]),
        mode=row["mode"],
        follow_up_class=row["follow_up_class"],
        done_at=convert.aware(row["done_at"]) if row["done_at"] is not None else None,
        visit_id=row["visit"],
        staff_id=row["staff"],
        sbp=row["sbp"],
        dbp=row["dbp"],
        fpg=float(row["fpg"]) if row["fpg"] is not None else None,
        referral=convert.as_bool(row["referral"]),
        override_reason=row["override_reason"],
    )


async def previous_classes(resident_id: int) -> dict[Condition, str]:
    """The class of each condition's latest done follow-up (the (resident, condition, done_at) index)."""
    rows = await FollowUp.raw(
        "SELECT condition, follow_up_class FROM follow_up WHERE resident = {} AND done_at IS NOT NULL "
        "ORDER BY done_at DESC, id DESC",
        resident_id,
    )
    out: dict[Condition, str] = {}
    for row in rows:
        if row["follow_up_class"] and row["condition"] in _CONDITIONS:
            out.setdefault(Condition(row["condition"]), row["follow_up_class"])
    return out


def _disease(item: FollowupItem, values: dict[str, float], previous: dict[Condition, str]) -> DiseaseFollowup:
    prior = previous.get(item.condition)
    common: dict[str, Any] = {
        "condition": item.condition,
        "adverse_reaction": item.adverse_reaction,
        "adverse_persisting": item.adverse_persisting,
        "new_or_worse_complication": item.new_or_worse_complication,
    }
    if item.condition is Condition.HYPERTENSION:
        sbp, dbp = values.get("sbp"), values.get("dbp")
        return DiseaseFollowup(
            **common,
            sbp=round(sbp) if sbp is not None else None,
            dbp=round(dbp) if dbp is not None else None,
            previous=FollowupClass(prior) if prior in _BPHS else None,
        )
    if item.condition is Condition.DIABETES:
        return DiseaseFollowup(
            **common, fpg=values.get("fpg"), previous=FollowupClass(prior) if prior in _BPHS else None
        )
    return DiseaseFollowup(
        **common,
        copd_stable=item.copd_stable,
        copd_previous=CopdFollowupClass(prior) if prior in _COPD else None,
    )


async def _values(request: FollowupRequest) -> dict[str, float]:
    """This follow-up's own values: the request's, else the visit's entries; never an older reading."""
    visit_values_now: dict[str, float] = {}
    if request.visit_id is not None:
        visit_values_now, _ = await visit_values(request.visit_id)
    given = {"sbp": request.sbp, "dbp": request.dbp, "fpg": request.fpg}
    out = {k: float(v) for k, v in given.items() if v is not None}
    for code in ("sbp", "dbp", "fpg"):
        if code not in out and code in visit_values_now:
            out[code] = visit_values_now[code]
    return out


def _class_of(d: DiseaseAssessment) -> str:
    cls = d.cls if d.cls is not None else d.copd_cls
    return cls.value if cls is not None else ""


async def do_followup(
    db: Database,
    request: FollowupRequest,
    *,
    rules: RulesSettings,
    actor_id: int,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> FollowupOutcome:
    """Classify and record the follow-up of every disease in the request, and book the next one."""
    today = now.astimezone(tz).date()
    reason = (request.override_reason or "").strip() or None
    if request.next_date is not None:
        if reason is None:
            raise InvalidInput("changing the computed next date needs a reason", field="override_reason")
        if request.next_date <= today:
            raise InvalidInput(f"the next date {request.next_date} must be after today", field="next_date")
    at = convert.utc(now)
    async with write_transaction(db):
        person = await get_resident(db, request.resident_id)
        if request.visit_id is not None:
            await open_visit_of(request.visit_id, request.resident_id)
        values = await _values(request)
        previous = await previous_classes(request.resident_id)
        drug_count = (
            request.drug_count
            if request.drug_count is not None
            else len(await current_drugs(request.resident_id, today))
        )
        assessment = assess_visit(
            [_disease(item, values, previous) for item in request.items],
            age=age_on(person.birth_date, today),
            today=today,
            drug_count=drug_count,
            comorbidities=await confirmed_conditions(request.resident_id),
            settings=rules.multimorbidity,
            copd_settings=rules.copd,
        )
        next_date = request.next_date or assessment.next_date
        if assessment.emergency and request.visit_id is not None:
            # Values given with the follow-up entered the visit here: the emergency gate applies to them too.
            found = tuple(
                f for d in assessment.diseases for f in d.findings if f.severity is Severity.EMERGENCY
            )
            if found and not await emergencies.has_open(request.visit_id):
                await emergencies.raise_flag(request.visit_id, request.resident_id, found, now=now)
        done = [
            await _record_done(request, disease, values, actor_id=actor_id, at=at, today=today, reason=reason)
            for disease in assessment.diseases
        ]
        booked = [await _book(request, d.condition, next_date, at=at) for d in assessment.diseases]
    return FollowupOutcome(assessment=assessment, done=tuple(done), booked=tuple(booked), next_date=next_date)


async def _book(
    request: FollowupRequest, condition: Condition, due: dt.date, *, at: dt.datetime
) -> FollowupRecord:
    booking = FollowupRecord(
        id=0, resident_id=request.resident_id, condition=condition, due_date=due, mode=request.mode.value
    )
    rows = await FollowUp.insert(
        FollowUp(
            resident=booking.resident_id,
            condition=condition.value,
            due_date=due,
            mode=booking.mode,
            created_at=at,
        )
    )
    return msgspec.structs.replace(booking, id=rows[0]["id"])


async def _record_done(
    request: FollowupRequest,
    disease: DiseaseAssessment,
    values: dict[str, float],
    *,
    actor_id: int,
    at: dt.datetime,
    today: dt.date,
    reason: str | None,
) -> FollowupRecord:
    """The condition's open booking becomes this follow-up's record; with no booking, a row due today does.

    Only the values of the disease's own block are kept (BP on hypertension, FPG on diabetes), as on the forms."""
    condition = disease.condition
    htn = condition is Condition.HYPERTENSION
    done = FollowupRecord(
        id=0,
        resident_id=request.resident_id,
        condition=condition,
        due_date=today,
        mode=request.mode.value,
        follow_up_class=_class_of(disease),
        done_at=at,
        visit_id=request.visit_id,
        staff_id=actor_id,
        sbp=round(values["sbp"]) if htn and "sbp" in values else None,
        dbp=round(values["dbp"]) if htn and "dbp" in values else None,
        fpg=values.get("fpg") if condition is Condition.DIABETES else None,
        referral=disease.referral,
        override_reason=reason,
    )
    fields: dict[Any, Any] = {
        FollowUp.follow_up_class: done.follow_up_class,
        FollowUp.done_at: at,
        FollowUp.mode: done.mode,
        FollowUp.visit: done.visit_id,
        FollowUp.staff: actor_id,
        FollowUp.sbp: done.sbp,
        FollowUp.dbp: done.dbp,
        FollowUp.fpg: done.fpg,
        FollowUp.referral: done.referral,
        FollowUp.assessment: msgspec.json.encode(disease).decode(),
        FollowUp.override_reason: reason,
    }
    open_rows = await FollowUp.raw(
        "SELECT id, due_date FROM follow_up WHERE resident = {} AND condition = {} AND done_at IS NULL "
        "ORDER BY due_date, id LIMIT 1",
        request.resident_id,
        condition.value,
    )
    if open_rows:
        row_id = open_rows[0]["id"]
        done = msgspec.structs.replace(done, due_date=convert.as_date(open_rows[0]["due_date"]))
        await FollowUp.update(fields).where(FollowUp.id == row_id)
    else:
        by_name = {column._meta.name: value for column, value in fields.items()}
        inserted = await FollowUp.insert(
            FollowUp(
                resident=done.resident_id, condition=condition.value, due_date=today, created_at=at, **by_name
            )
        )
        row_id = inserted[0]["id"]
    return msgspec.structs.replace(done, id=row_id)


async def followups(db: Database, resident_id: int, *, limit: int = 50) -> list[FollowupRecord]:
    """The resident's follow-ups, bookings first, then newest done first."""
    rows = await FollowUp.raw(
        f"SELECT {_COLUMNS} FROM follow_up WHERE resident = {{}} "
        f"ORDER BY (done_at IS NULL) DESC, done_at DESC, due_date DESC, id DESC LIMIT {max(1, min(limit, 500))}",
        resident_id,
    )
    return [record(r) for r in rows]
