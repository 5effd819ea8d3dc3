"""Referrals made at the doctor's desk (上转, 紧急转诊, 下转): the prefilled form, the referral with the visit's move
in one transaction, and what came of it.

The move goes through db.visits.move_visit, so the flow's table decides (a refused move writes nothing) and an
emergency referral resolves the visit's open emergency flags as referred, exactly as a bare move would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from db import convert, emergencies, plans
from db.conditions import conditions_in_order
from db.engine import Database, write_transaction
from db.health_record import health_record
from db.observations import visit_values
from db.prescriptions import running
from db.referrals import COLUMNS, get_referral, referral
from db.residents import get_resident
from db.tables import FollowUp
from db.tables import Referral as Row
from db.visits import move_visit, visit_row
from flows import referral_summary as summary
from flows import referrals as rules
from flows.appointments import Referral, ReferralDirection, ReferralStatus, ReferralUrgency
from flows.clinical import EmergencyStatus
from flows.errors import Conflict, InvalidInput, NotFound
from flows.model import Condition, MoveRequest, Staff, Visit
from flows.referrals import DraftFacts, FollowupFact, ReferralDraft, ReferralResult, VisitReferralRequest
from flows.rules.base import age_on
from onestop.config import ReferralConfig

_OUTGOING = (ReferralDirection.UP, ReferralDirection.EMERGENCY, ReferralDirection.DOWN)
_CONDITIONS = {c.value for c in Condition}


async def draft(
    db: Database,
    visit_id: int,
    direction: ReferralDirection,
    *,
    config: ReferralConfig,
    site: str,
    doctor: Staff,
    today: dt.date,
) -> ReferralDraft:
    """The referral form of the visit, prefilled from the record (nothing written)."""
    if direction not in _OUTGOING:
        raise InvalidInput("direction must be up, down or emergency", field="direction")
    visit = await visit_row(visit_id)
    conditions = tuple(await conditions_in_order(visit.resident_id))
    values, _symptoms = await visit_values(visit_id)
    facts = DraftFacts(
        direction=direction,
        step=visit.step,
        today=today,
        conditions=conditions,
        followups=await _latest_followups(visit.resident_id),
        findings=tuple(
            finding
            for flag in await emergencies.flags(db, visit_id)
            if flag.status is EmergencyStatus.OPEN
            for finding in flag.findings
        ),
        bp_raised=values.get("sbp", 0) >= 140 or values.get("dbp", 0) >= 90,  # HTN grade 1 [V]
        next_followup=await _next_followup(visit.resident_id),
    )
    offered = rules.reasons(facts)
    urgency, urgency_clauses = rules.urgency(facts, offered)
    destinations, destination, department = _destinations(direction, config, conditions)
    follow_up_by = rules.follow_up_by(facts)
    text = summary.compose(
        await _summary_facts(
            db,
            visit,
            direction,
            site=site,
            doctor=doctor.display_name,
            today=today,
            conditions=conditions,
            values=values,
            reasons=tuple(o.zh for o in offered if o.checked),
            follow_up_by=follow_up_by,
        )
    )
    return ReferralDraft(
        visit_id=visit_id,
        resident_id=visit.resident_id,
        direction=direction,
        step=visit.step,
        allowed=rules.allowed(direction, visit.step),
        reasons=offered,
        destinations=destinations,
        destination=destination,
        department=department,
        urgency=urgency,
        urgency_clauses=urgency_clauses,
        follow_up_by=follow_up_by,
        summary=text,
    )


def _destinations(
    direction: ReferralDirection, config: ReferralConfig, conditions: tuple[Condition, ...]
) -> tuple[tuple[rules.Destination, ...], str | None, str | None]:
    if direction is ReferralDirection.DOWN:
        clinics = tuple(rules.Destination(name=c) for c in config.village_clinics)
        return clinics, clinics[0].name if clinics else None, None
    hospitals = tuple(
        rules.Destination(name=h.name, departments=tuple(h.departments)) for h in config.hospitals
    )
    if direction is ReferralDirection.EMERGENCY:
        return hospitals, config.emergency_hospital, config.emergency_department
    lead = hospitals[0]
    return hospitals, lead.name, rules.default_department(conditions, lead.departments)


async def _latest_followups(resident_id: int) -> tuple[FollowupFact, ...]:
    """The latest done follow-up of each condition (the resident/condition/done_at index)."""
    rows = await FollowUp.raw(
        "SELECT condition, follow_up_class, referral FROM follow_up WHERE resident = {} "
        "AND done_at IS NOT NULL ORDER BY done_at DESC, id DESC",
        resident_id,
    )
    latest: dict[Condition, FollowupFact] = {}
    for row in rows:
        if row["condition"] in _CONDITIONS and row["follow_up_class"]:
            condition = Condition(row["condition"])
            latest.setdefault(
                condition,
                FollowupFact(
                    condition=condition, cls=row["follow_up_class"], referral=convert.as_bool(row["referral"])
                ),
            )
    return tuple(latest.values())


async def _next_followup(resident_id: int) -> dt.date | None:
    rows = await FollowUp.raw(
        "SELECT MIN(due_date) AS due FROM follow_up WHERE resident = {} AND done_at IS NULL", resident_id
    )
    due = rows[0]["due"] if rows else None
    return convert.as_date(due) if due is not None else None


async def _summary_facts(
    db: Database,
    visit: Visit,
    direction: ReferralDirection,
    *,
    site: str,
    doctor: str,
    today: dt.date,
    conditions: tuple[Condition, ...],
    values: dict[str, float],
    reasons: tuple[str, ...],
    follow_up_by: dt.date | None,
) -> summary.SummaryFacts:
    resident = await get_resident(db, visit.resident_id)
    record = await health_record(db, visit.resident_id, today=today)
    drugs = await running(visit.resident_id, today)
    merged = (await plans.active_plans(db, visit.resident_id)).merged
    return summary.SummaryFacts(
        direction=direction,
        site=site,
        doctor=doctor,
        today=today,
        name=resident.name,
        sex=resident.sex,
        age=age_on(resident.birth_date, today),
        record_number=resident.record_number,
        phone=resident.phone,
        address=resident.address,
        conditions=conditions,
        values=values,
        drugs=tuple(
            summary.DrugLine(drug=d["drug"], dose=d["dose"], frequency=d["frequency"]) for d in drugs
        ),
        allergies=tuple(a.substance + (f"（{a.reaction}）" if a.reaction else "") for a in record.allergies),
        reasons=reasons,
        plan=merged,
        follow_up_by=follow_up_by,
    )


def _checked(body: VisitReferralRequest) -> tuple[tuple[str, ...], str, str | None, str | None]:
    """Reasons, destination, department and summary, trimmed; InvalidInput names the bad field."""
    if body.direction not in _OUTGOING:
        raise InvalidInput(
            "direction must be up, down or emergency (a received referral is POST /referrals)",
            field="direction",
        )
    reasons = tuple(r.strip() for r in body.reasons if r.strip())
    if not reasons or any(len(r) > rules.MAX_TEXT for r in reasons):
        raise InvalidInput(f"give at least one reason (each 1–{rules.MAX_TEXT} characters)", field="reasons")
    destination = body.destination.strip()
    if not destination or len(destination) > 200:
        raise InvalidInput(
            "destination must name where the resident goes (1–200 characters)", field="destination"
        )
    department = (body.department or "").strip() or None
    if body.direction is ReferralDirection.UP and department is None:
        raise InvalidInput("a referral up names the hospital's department", field="department")
    if department is not None and len(department) > 100:
        raise InvalidInput("department is at most 100 characters", field="department")
    text = body.summary.strip() or None
    if text is not None and len(text) > rules.MAX_SUMMARY:
        raise InvalidInput(f"summary is at most {rules.MAX_SUMMARY} characters", field="summary")
    return reasons, destination, department, text


async def refer(
    db: Database, visit_id: int, body: VisitReferralRequest, *, actor_id: int, now: dt.datetime
) -> tuple[Referral, Visit]:
    """The referral row (open) and the visit's move, in one transaction: both are written or neither."""
    reasons, destination, department, text = _checked(body)
    if body.direction is ReferralDirection.EMERGENCY:
        urgency = ReferralUrgency.EMERGENCY  # BPHS-2017 §紧急转诊 [V]: an emergency is referred at once
    else:
        urgency = body.urgency or ReferralUrgency.ROUTINE
    at = convert.utc(now)
    async with write_transaction(db):
        move = MoveRequest(
            move=rules.MOVES[body.direction], expected_step=body.expected_step, reason="；".join(reasons)
        )
        moved = await move_visit(db, visit_id, move, actor_id=actor_id, now=now)
        rows = await Row.insert(
            Row(
                resident=moved.resident_id,
                visit=visit_id,
                direction=body.direction.value,
                urgency=urgency.value,
                reasons="；".join(reasons),
                destination=destination,
                department=department,
                summary=text,
                status=ReferralStatus.OPEN.value,
                created_at=at,
                created_by=actor_id,
            )
        )
        made = await one(int(rows[0]["id"]))
    return made, moved


async def record_result(
    db: Database, referral_id: int, body: ReferralResult, *, actor_id: int, now: dt.datetime
) -> Referral:
    """到位 / 不到位 and the result: the referral is completed. A closed or received one is refused."""
    result = body.result.strip() or None
    if result is not None and len(result) > rules.MAX_TEXT:
        raise InvalidInput(f"result is at most {rules.MAX_TEXT} characters", field="result")
    async with write_transaction(db):
        found = await one(referral_id)
        if found.direction not in _OUTGOING:
            raise Conflict(
                f"referral {referral_id} was received here; its arrival is recorded by arriving it",
                field="referral_id",
                details={"direction": found.direction.value},
            )
        if found.status not in (ReferralStatus.OPEN, ReferralStatus.ACCEPTED):
            raise Conflict(
                f"referral {referral_id} is already {found.status.value}",
                field="referral_id",
                details={"status": found.status.value},
            )
        await Row.update(
            {
                Row.status: ReferralStatus.COMPLETED.value,
                Row.arrived: body.arrived,
                Row.result: result,
                Row.result_by: actor_id,
                Row.closed_at: convert.utc(now),
            }
        ).where(Row.id == referral_id)
        return await one(referral_id)


async def of_visit(visit_id: int) -> tuple[int, list[Referral]]:
    """The visit's resident and its referrals, newest first (the resident/created_at index)."""
    visit = await visit_row(visit_id)
    rows: list[dict[str, Any]] = await Row.raw(
        f"SELECT {COLUMNS} FROM referral WHERE resident = {{}} AND visit = {{}} "
        "ORDER BY created_at DESC, id DESC",
        visit.resident_id,
        visit_id,
    )
    return visit.resident_id, [referral(r) for r in rows]


async def one(referral_id: int) -> Referral:
    """The referral, refused (NotFound) when there is none."""
    found = await get_referral(referral_id)
    if found is None:
        raise NotFound(f"no referral with id {referral_id}", field="referral_id", details={"id": referral_id})
    return found
