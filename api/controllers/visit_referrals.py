"""Referrals from the doctor's desk: `/api/v1/visits/{id}/referral-draft` and `/referrals`, and the result of an
outgoing referral at `/api/v1/referrals/{id}/result`.

The draft is the form prefilled from the record (reasons with their clauses, the configured destinations, the
urgency, the referral summary); referring writes the referral and moves the visit in one transaction (doctors
only); the result (到位 / 不到位) completes it. Every call is audited under the resident; the reasons and the
summary are never copied into the audit detail.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import auth
from api.audit import Auditor
from api.errors import error_responses
from api.printing.documents import print_document
from db import visit_referrals
from db.engine import Database
from flows.appointments import Referral, ReferralDirection
from flows.model import Role, Staff
from flows.printing import PrintJob
from flows.referral_summary import document
from flows.referrals import ReferralDraft, ReferralResult, VisitReferral, VisitReferralRequest
from onestop.config import Settings

DOCTORS = frozenset({Role.DOCTOR})
DirectionParam = Annotated[
    ReferralDirection, QueryParameter(name="direction", description="up, down or emergency")
]


class VisitReferralController(Controller):
    path = "/api/v1"
    tags = ("referrals",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        "/visits/{visit_id:int}/referral-draft",
        operation_id="draftReferral",
        summary="The referral form of the visit prefilled: reasons with clauses, destinations, urgency, summary",
        responses=error_responses(401, 403, 404, 422),
    )
    async def draft(
        self,
        *,
        visit_id: FromPath[int],
        direction: DirectionParam,
        db: NamedDependency[Database],
        settings: NamedDependency[Settings],
        staff: NamedDependency[Staff],
        today: NamedDependency[dt.date],
        auditor: NamedDependency[Auditor],
    ) -> ReferralDraft:
        found = await visit_referrals.draft(
            db,
            visit_id,
            direction,
            config=settings.referral,
            site=settings.site.name,
            doctor=staff,
            today=today,
        )
        await auditor.resident(
            found.resident_id, "referral.draft", detail=f"visit={visit_id} direction={direction.value}"
        )
        return found

    @post(
        "/visits/{visit_id:int}/referrals",
        operation_id="referVisit",
        summary="A doctor refers the visit up, down or as an emergency: the referral and the move together",
        status_code=201,
        guards=[auth.require(DOCTORS)],
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def refer(
        self,
        *,
        visit_id: FromPath[int],
        data: JSONBody[VisitReferralRequest],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> VisitReferral:
        made, moved = await auditor.atomic(
            lambda: visit_referrals.refer(db, visit_id, data, actor_id=staff.id, now=now),
            lambda pair: auditor.resident(
                pair[0].resident_id,
                "referral.refer",
                detail=(
                    f"referral={pair[0].id} visit={visit_id} direction={pair[0].direction.value} "
                    f"urgency={pair[0].urgency.value} step={pair[1].step.value}"
                ),
            ),
        )
        return VisitReferral(referral=made, visit=moved)

    @get(
        "/visits/{visit_id:int}/referrals",
        operation_id="listVisitReferrals",
        summary="The referrals made in the visit, newest first",
        responses=error_responses(401, 403, 404),
    )
    async def of_visit(self, *, visit_id: FromPath[int], auditor: NamedDependency[Auditor]) -> list[Referral]:
        resident_id, found = await visit_referrals.of_visit(visit_id)
        await auditor.resident(resident_id, "referral.list", detail=f"visit={visit_id} results={len(found)}")
        return found

    @post(
        "/referrals/{referral_id:int}/result",
        operation_id="recordReferralResult",
        summary="What came of an outgoing referral (到位 / 不到位 and the result): it is completed",
        status_code=200,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def result(
        self,
        *,
        referral_id: FromPath[int],
        data: JSONBody[ReferralResult],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> Referral:
        return await auditor.atomic(
            lambda: visit_referrals.record_result(db, referral_id, data, actor_id=staff.id, now=now),
            lambda done: auditor.resident(
                done.resident_id,
                "referral.result",
                detail=f"referral={referral_id} arrived={'yes' if done.arrived else 'no'}",
            ),
        )

    @post(
        "/referrals/{referral_id:int}/print",
        operation_id="printReferral",
        summary="Print the referral summary (转诊单) on the site's printer",
        status_code=201,
        responses=error_responses(401, 403, 404, 422),
    )
    async def print_summary(
        self,
        *,
        state: State,
        referral_id: FromPath[int],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
    ) -> PrintJob:
        found = await visit_referrals.one(referral_id)
        # print_document queues and audits under the resident in one transaction, then wakes the worker.
        return await print_document(
            state,
            document(found),
            actor_id=staff.id,
            now=now,
            resident_id=found.resident_id,
            detail=f"referral={referral_id}",
        )
