"""Prescribing for a resident: how each condition stands (confirmed, controlled) and the write of a prescription
with its shortage record, in one transaction (flows.rules.prescribing decides).
"""

from __future__ import annotations

import datetime as dt

from db import convert
from db.conditions import confirmed_conditions
from db.engine import Database, write_transaction
from db.followups import previous_classes
from db.observations import visit_values
from db.prescriptions import get_prescription, prescriptions_of
from db.residents import get_resident
from db.shortages import record_shortage
from db.tables import ManagementPlan, Prescription
from db.visits import visit_of
from flows.errors import NotFound
from flows.medicines import EssentialMedicine
from flows.model import Condition
from flows.prescriptions import Prescribed, PrescriptionRequest, ResidentPrescriptions
from flows.rules import diabetes, hypertension
from flows.rules.base import age_on
from flows.rules.copd import CopdFollowupClass
from flows.rules.followup import FollowupClass
from flows.rules.multimorbidity import MultimorbiditySettings
from flows.rules.prescribing import CL_SHORTAGE, Standing, check_prescription, pharmacist_review

_CLASSIFIED = (Condition.HYPERTENSION, Condition.DIABETES, Condition.COPD)


def _today_controlled(condition: Condition, values: dict[str, float], age: int) -> tuple[bool, str] | None:
    """Today's value against the programme threshold (BPHS-2017), when the visit measured it."""
    if condition is Condition.HYPERTENSION and "sbp" in values and "dbp" in values:
        sbp, dbp = round(values["sbp"]), round(values["dbp"])
        return hypertension.is_controlled(sbp, dbp, age), f"today's BP {sbp}/{dbp} mmHg"
    if condition is Condition.DIABETES and "fpg" in values:
        return diabetes.is_fpg_controlled(values["fpg"]), f"today's FPG {values['fpg']} mmol/L"
    return None


async def standing(
    db: Database, resident_id: int, *, today: dt.date, visit_id: int | None
) -> dict[Condition, Standing]:
    """Each confirmed condition: controlled when its latest follow-up class is 控制满意 (COPD stable) and today's
    value, if the visit has one, meets the programme threshold (flows.rules.prescribing.CL_CONTROLLED)."""
    person = await get_resident(db, resident_id)
    age = age_on(person.birth_date, today)
    classes = await previous_classes(resident_id)
    values = (await visit_values(visit_id))[0] if visit_id is not None else {}
    out: dict[Condition, Standing] = {}
    for condition in await confirmed_conditions(resident_id):
        controlled, why = True, ""
        if condition in _CLASSIFIED:
            latest = classes.get(condition)
            good = CopdFollowupClass.STABLE if condition is Condition.COPD else FollowupClass.CONTROLLED
            if latest is None:
                controlled, why = False, "no follow-up on record yet"
            elif latest != good:
                controlled, why = False, f"latest follow-up: {latest}"
            else:
                today_check = _today_controlled(condition, values, age)
                if today_check is not None and not today_check[0]:
                    controlled, why = False, f"{today_check[1]} above the programme threshold"
        out[condition] = Standing(condition=condition, confirmed=True, controlled=controlled, why=why)
    return out


async def list_prescriptions(
    resident_id: int, *, today: dt.date, settings: MultimorbiditySettings
) -> ResidentPrescriptions:
    on, ended = await prescriptions_of(resident_id, today)
    count = len({p.drug for p in on})
    return ResidentPrescriptions(
        running=tuple(on),
        recent=tuple(ended),
        drug_count=count,
        pharmacist_review=pharmacist_review(count, settings),
        review_from=settings.polypharmacy_drugs,
    )


async def prescribe(
    db: Database,
    resident_id: int,
    request: PrescriptionRequest,
    medicines: tuple[EssentialMedicine, ...],
    *,
    actor_id: int,
    now: dt.datetime,
    tz: dt.tzinfo,
    settings: MultimorbiditySettings,
) -> Prescribed:
    """Check and store one prescription (and its shortage record when `shortage`); nothing is written on a
    refusal. The supply starts today and ends after `days` days."""
    today = now.astimezone(tz).date()
    async with write_transaction(db):
        await get_resident(db, resident_id)
        if request.visit_id is not None:
            await visit_of(request.visit_id, resident_id)
        if request.plan_id is not None:
            plans = await ManagementPlan.raw(
                "SELECT id FROM management_plan WHERE id = {} AND resident = {}", request.plan_id, resident_id
            )
            if not plans:
                raise NotFound(f"no plan {request.plan_id} of resident {resident_id}", field="plan_id")
        checked = check_prescription(
            medicines,
            drug=request.drug,
            dose=request.dose,
            frequency=request.frequency,
            days=request.days,
            long_term=request.long_term,
            standing=await standing(db, resident_id, today=today, visit_id=request.visit_id),
        )
        rows = await Prescription.insert(
            Prescription(
                resident=resident_id,
                plan=request.plan_id,
                visit=request.visit_id,
                drug=checked.medicine.drug,
                dose=checked.dose,
                frequency=checked.frequency,
                long_term=checked.long_term,
                shortage=request.shortage,
                start_date=today,
                end_date=today + dt.timedelta(days=checked.days - 1),
                prescribed_by=actor_id,
                created_at=convert.utc(now),
            )
        )
        prescription_id = rows[0]["id"]
        shortage = None
        if request.shortage:
            shortage = await record_shortage(
                db,
                checked.medicine.drug,
                resident_id=resident_id,
                visit_id=request.visit_id,
                prescription_id=prescription_id,
                note=request.note,
                actor_id=actor_id,
                now=now,
            )
        listed = await list_prescriptions(resident_id, today=today, settings=settings)
    clauses = (*checked.clauses, *((CL_SHORTAGE,) if shortage else ()))
    return Prescribed(
        prescription=await get_prescription(prescription_id, today),
        shortage=shortage,
        drug_count=listed.drug_count,
        pharmacist_review=listed.pharmacist_review,
        clauses=clauses,
    )
