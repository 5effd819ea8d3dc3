"""`/api/v1/residents/{id}/…`: diagnosis support and decisions, follow-ups and management plans.

Diagnosis decisions are the doctor's (confirm or reject); follow-ups may be done by a nurse too (a phone
follow-up); plans are the doctor's. Every call is audited under the resident.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import auth
from api.audit import Auditor
from api.bodies import DiagnosisRequest, FollowupRequest, PlanRequest
from api.errors import error_responses
from db import diagnoses, followups, plans
from db.contracts import signing_status
from db.engine import Database
from flows.clinical import (
    DiagnosisRecord,
    FollowupOutcome,
    FollowupRecord,
    ResidentPlans,
    SavedPlan,
    SigningStatus,
)
from flows.errors import InvalidInput
from flows.model import Condition, Role, Staff
from flows.rules.diagnosis import Criterion
from flows.rules.plans import ManagementPlan
from flows.rules.settings import RulesSettings

DOCTORS = frozenset({Role.DOCTOR})
Symptoms = Annotated[
    bool,
    QueryParameter(
        name="typical_symptoms",
        description="the resident has 多饮, 多食, 多尿 or weight loss (diabetes criteria)",
    ),
]
ConditionParam = Annotated[Condition, QueryParameter(name="condition", description="the plan's condition")]


class CareController(Controller):
    path = "/api/v1/residents/{resident_id:int}"
    tags = ("care",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        "/signing",
        operation_id="signingStatus",
        summary="The contract in force, whether renewal is due, and the key-population reasons to sign",
        responses=error_responses(401, 403, 404),
    )
    async def signing(
        self,
        *,
        resident_id: FromPath[int],
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
    ) -> SigningStatus:
        found = await signing_status(db, resident_id, today=today, rules=rules)
        await auditor.resident(resident_id, "contract.read")
        return found

    @get(
        "/diagnosis-criteria",
        operation_id="diagnosisCriteria",
        summary="The diagnostic criteria of the five conditions against the resident's history, with clauses",
        responses=error_responses(401, 403, 404, 422),
    )
    async def criteria(
        self,
        *,
        resident_id: FromPath[int],
        db: NamedDependency[Database],
        zone: NamedDependency[zoneinfo.ZoneInfo],
        today: NamedDependency[dt.date],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
        typical_symptoms: Symptoms = False,
    ) -> list[Criterion]:
        found = await diagnoses.criteria(
            db,
            resident_id,
            today=today,
            tz=zone,
            typical_symptoms=typical_symptoms,
            settings=rules.diagnosis,
        )
        await auditor.resident(resident_id, "diagnosis.criteria")
        return list(found)

    @get(
        "/diagnoses",
        operation_id="listDiagnoses",
        summary="Every diagnosis decision of the resident, oldest first",
        responses=error_responses(401, 403, 404),
    )
    async def listing(
        self, *, resident_id: FromPath[int], db: NamedDependency[Database], auditor: NamedDependency[Auditor]
    ) -> list[DiagnosisRecord]:
        found = await diagnoses.diagnoses(db, resident_id)
        await auditor.resident(resident_id, "diagnosis.list")
        return found

    @post(
        "/diagnoses",
        operation_id="decideDiagnosis",
        summary="A doctor confirms or rejects a condition; the basis and ICD-10 code are stored",
        status_code=201,
        guards=[auth.require(DOCTORS)],
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def decide(
        self,
        *,
        resident_id: FromPath[int],
        data: JSONBody[DiagnosisRequest],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        zone: NamedDependency[zoneinfo.ZoneInfo],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
    ) -> DiagnosisRecord:
        return await auditor.atomic(
            lambda: diagnoses.decide(
                db,
                resident_id,
                data,
                actor_id=staff.id,
                now=now,
                tz=zone,
                settings=rules.diagnosis,
            ),
            lambda saved: auditor.resident(
                resident_id,
                "diagnosis.decide",
                detail=f"condition={saved.condition.value} status={saved.status} icd10={saved.icd10}",
            ),
        )

    @get(
        "/followups",
        operation_id="listFollowups",
        summary="The resident's follow-ups: open bookings first, then the newest done",
        responses=error_responses(401, 403),
    )
    async def followups(
        self, *, resident_id: FromPath[int], db: NamedDependency[Database], auditor: NamedDependency[Auditor]
    ) -> list[FollowupRecord]:
        found = await followups.followups(db, resident_id)
        await auditor.resident(resident_id, "followup.list")
        return found

    @post(
        "/followups",
        operation_id="doFollowup",
        summary="Classify and record a follow-up of one or more diseases, and book the next",
        status_code=201,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def followup(
        self,
        *,
        resident_id: FromPath[int],
        data: JSONBody[FollowupRequest],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        zone: NamedDependency[zoneinfo.ZoneInfo],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
    ) -> FollowupOutcome:
        if data.resident_id != resident_id:
            raise InvalidInput(
                f"the body's resident_id {data.resident_id} is not the path's {resident_id}",
                field="resident_id",
            )
        return await auditor.atomic(
            lambda: followups.do_followup(db, data, rules=rules, actor_id=staff.id, now=now, tz=zone),
            lambda out: auditor.resident(
                resident_id,
                "followup.do",
                detail=(
                    " ".join(f"{d.condition.value}={d.follow_up_class}" for d in out.done)
                    + f" next={out.next_date.isoformat()} referral={'yes' if out.assessment.referral else 'no'}"
                ),
            ),
        )

    @get(
        "/plans/default",
        operation_id="defaultPlan",
        summary="The default management plan of a condition at the resident's latest follow-up class",
        responses=error_responses(401, 403, 404, 422),
    )
    async def default_plan(
        self,
        *,
        resident_id: FromPath[int],
        condition: ConditionParam,
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
    ) -> ManagementPlan:
        plan = await plans.default_for(db, resident_id, condition, today=today, rules=rules)
        await auditor.resident(resident_id, "plan.read", detail=f"condition={condition.value} default")
        return plan

    @get(
        "/plans",
        operation_id="listPlans",
        summary="The active plan of each condition and the merged plan",
        responses=error_responses(401, 403),
    )
    async def plans(
        self, *, resident_id: FromPath[int], db: NamedDependency[Database], auditor: NamedDependency[Auditor]
    ) -> ResidentPlans:
        found = await plans.active_plans(db, resident_id)
        await auditor.resident(resident_id, "plan.read")
        return found

    @post(
        "/plans",
        operation_id="savePlan",
        summary="A doctor saves a condition's plan: the default with their edits",
        status_code=201,
        guards=[auth.require(DOCTORS)],
        responses=error_responses(401, 403, 404, 422),
    )
    async def save_plan(
        self,
        *,
        resident_id: FromPath[int],
        data: JSONBody[PlanRequest],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        zone: NamedDependency[zoneinfo.ZoneInfo],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
    ) -> SavedPlan:
        return await auditor.atomic(
            lambda: plans.save_plan(
                db,
                resident_id,
                data,
                rules=rules,
                actor_id=staff.id,
                now=now,
                tz=zone,
            ),
            lambda saved: auditor.resident(
                resident_id, "plan.save", detail=f"condition={saved.condition.value} plan={saved.id}"
            ),
        )
