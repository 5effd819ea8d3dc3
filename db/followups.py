"""Follow-ups (随访): classify with the rules, record each disease's follow-up, book the next one.

A condition has at most one open booking. Doing a follow-up turns that booking (or, with none, a new row due
today) into the record: class, referral advice, the values it was judged on and who did it; then one new
booking per disease at the visit's next date (the earliest of the diseases', or the doctor's override).
The previous class the classifier needs is the latest done follow-up of the condition.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final, TypeVar

import msgspec

from db import convert, emergencies
from db.conditions import confirmed_conditions
from db.engine import Database, write_transaction
from db.observations import visit_values
from db.prescriptions import current_drugs
from db.residents import get_resident
from db.tables import FollowUp
from db.visits import open_visit_of
from flows.clinical import FollowupItem, FollowupOutcome, FollowupPreview, FollowupRecord, FollowupRequest
from flows.errors import InvalidInput
from flows.followup_form import FollowupForm, form_of
from flows.followup_form_check import check_form
from flows.model import Condition
from flows.rules.base import Severity, age_on
from flows.rules.copd import CopdFollowupClass
from flows.rules.followup import FollowupClass
from flows.rules.followup_override import ClassDecision, decide
from flows.rules.multimorbidity import DiseaseAssessment, DiseaseFollowup, MultimorbidityResult, assess_visit
from flows.rules.settings import RulesSettings

_COLUMNS: Final = (
    "id, resident, condition, due_date, mode, follow_up_class, done_at, visit, staff, sbp, dbp, fpg, referral, "
    "override_reason, form, assessment"
)
_BPHS: Final = {c.value for c in FollowupClass}
_COPD: Final = {c.value for c in CopdFollowupClass}
_CONDITIONS: Final = {c.value for c in Condition}
_T = TypeVar("_T")


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
        form=_decoded(row["form"], FollowupForm),
        rules_class=_rules_class(_decoded(row["assessment"], DiseaseAssessment)),
    )


def _decoded(value: Any, type_: type[_T]) -> _T | None:
    return None if value is None else msgspec.json.decode(convert.json_bytes(value), type=type_)


def _rules_class(assessment: DiseaseAssessment | None) -> str | None:
    if assessment is None:
        return None
    cls = assessment.cls if assessment.cls is not None else assessment.copd_cls
    return cls.value if cls is not None else None


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


def _given(request: FollowupRequest) -> dict[str, float]:
    """The values the request gives, its own fields first, then its form's boxes (the same BP twice must agree:
    the form's box is refused when it says otherwise)."""
    out = {
        k: float(v)
        for k, v in (("sbp", request.sbp), ("dbp", request.dbp), ("fpg", request.fpg))
        if v is not None
    }
    form = request.form
    if form is None:
        return out
    boxes = {
        "sbp": ("form.signs.sbp", form.signs.sbp),
        "dbp": ("form.signs.dbp", form.signs.dbp),
        "fpg": ("form.diabetes.fpg", form.diabetes.fpg if form.diabetes else None),
    }
    for code, (path, value) in boxes.items():
        if value is None:
            continue
        if code in out and out[code] != float(value):
            raise InvalidInput(f"{path} {value} differs from the request's {code} {out[code]:g}", field=path)
        out[code] = float(value)
    return out


async def _values(request: FollowupRequest) -> dict[str, float]:
    """This follow-up's own values: the request's (or its form's), else the visit's entries; never an older
    reading."""
    visit_values_now: dict[str, float] = {}
    if request.visit_id is not None:
        visit_values_now, _ = await visit_values(request.visit_id)
    out = _given(request)
    for code in ("sbp", "dbp", "fpg"):
        if code not in out and code in visit_values_now:
            out[code] = visit_values_now[code]
    return out


class _Assessed(msgspec.Struct, frozen=True, kw_only=True):
    values: dict[str, float]
    assessment: MultimorbidityResult  # the rules' answer, as they computed it
    decisions: tuple[
        ClassDecision, ...
    ]  # each condition's class as recorded (the doctor's override or the rules')
    next_date: dt.date
    form: FollowupForm | None


def _reason(request: FollowupRequest, today: dt.date) -> str | None:
    reason = (request.override_reason or "").strip() or None
    if request.next_date is not None:
        if reason is None:
            raise InvalidInput("changing the computed next date needs a reason", field="override_reason")
        if request.next_date <= today:
            raise InvalidInput(f"the next date {request.next_date} must be after today", field="next_date")
    return reason


async def _assess(
    db: Database, request: FollowupRequest, *, rules: RulesSettings, today: dt.date, reason: str | None
) -> _Assessed:
    """The rules over this follow-up's values, the form checked against them, the doctor's overrides applied."""
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
    if request.form is not None:
        check_form(
            request.form,
            [item.condition for item in request.items],
            adverse_reaction=any(i.adverse_reaction or i.adverse_persisting for i in request.items),
        )
    overrides = {i.condition: i.class_override for i in request.items if i.class_override is not None}
    decisions, earliest = decide(assessment, overrides, reason=reason, today=today, copd_settings=rules.copd)
    return _Assessed(
        values=values,
        assessment=assessment,
        decisions=decisions,
        next_date=request.next_date or earliest,
        form=request.form,
    )


async def preview_followup(
    db: Database, request: FollowupRequest, *, rules: RulesSettings, now: dt.datetime, tz: dt.tzinfo
) -> FollowupPreview:
    """What `do_followup` would record for this request, nothing written (same checks, same refusals)."""
    today = now.astimezone(tz).date()
    found = await _assess(db, request, rules=rules, today=today, reason=_reason(request, today))
    return FollowupPreview(assessment=found.assessment, decisions=found.decisions, next_date=found.next_date)


async def do_followup(
    db: Database,
    request: FollowupRequest,
    *,
    rules: RulesSettings,
    actor_id: int,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> FollowupOutcome:
    """Classify and record the follow-up of every disease in the request, and book the next one.

    Each condition's row keeps that condition's national form (the shared part and its own block): on paper every
    disease has its own sheet, and the indicators and exports read one row per disease. The merged form is their
    union (flows.followup_form.union_of)."""
    today = now.astimezone(tz).date()
    reason = _reason(request, today)
    at = convert.utc(now)
    async with write_transaction(db):
        found = await _assess(db, request, rules=rules, today=today, reason=reason)
        assessment, values = found.assessment, found.values
        if assessment.emergency and request.visit_id is not None:
            # Values given with the follow-up entered the visit here: the emergency gate applies to them too.
            flagged = tuple(
                f for d in assessment.diseases for f in d.findings if f.severity is Severity.EMERGENCY
            )
            if flagged and not await emergencies.has_open(request.visit_id):
                await emergencies.raise_flag(request.visit_id, request.resident_id, flagged, now=now)
        done = [
            await _record_done(
                request, disease, decision, values, actor_id=actor_id, at=at, today=today, reason=reason
            )
            for disease, decision in zip(assessment.diseases, found.decisions, strict=True)
        ]
        booked = [await _book(request, d.condition, found.next_date, at=at) for d in assessment.diseases]
    return FollowupOutcome(
        assessment=assessment, done=tuple(done), booked=tuple(booked), next_date=found.next_date
    )


async def _book(
    request: FollowupRequest, condition: Condition, due: dt.date, *, at: dt.datetime
) -> FollowupRecord:
    mode = (request.next_mode or request.mode).value
    booking = FollowupRecord(
        id=0, resident_id=request.resident_id, condition=condition, due_date=due, mode=mode
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
    decision: ClassDecision,
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
        follow_up_class=decision.cls,
        done_at=at,
        visit_id=request.visit_id,
        staff_id=actor_id,
        sbp=round(values["sbp"]) if htn and "sbp" in values else None,
        dbp=round(values["dbp"]) if htn and "dbp" in values else None,
        fpg=values.get("fpg") if condition is Condition.DIABETES else None,
        referral=disease.referral,
        override_reason=reason,
        form=form_of(request.form, condition) if request.form is not None else None,
        rules_class=decision.rules_class,
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
        FollowUp.form: msgspec.json.encode(done.form).decode() if done.form is not None else None,
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
