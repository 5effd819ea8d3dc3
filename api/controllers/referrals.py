"""`/api/v1/referrals`: record a referral received from another facility (接收转诊) and list referrals.

A received referral with a time also books its appointment (purpose `incoming_referral`), so the resident
shows on that day's arrivals list with where they come from and why. Audited as api/audit.py says: the
write under the resident, a list without a resident as one row. Nurses and doctors only.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from api import auth
from api.audit import Auditor
from api.errors import error_responses
from db import appointments
from db.engine import Database
from db.referrals import list_referrals
from flows import appointments as model
from flows.appointments import Referral, ReferralDirection, ReferralStatus
from flows.model import Staff
from onestop.config import SiteConfig

REFERRAL = "referral"

DirectionParam = Annotated[
    ReferralDirection | None, QueryParameter(name="direction", description="only this")
]
StatusParam = Annotated[ReferralStatus | None, QueryParameter(name="status", description="only this status")]
ResidentParam = Annotated[int | None, QueryParameter(name="resident_id", description="only this resident")]
Limit = Annotated[int, QueryParameter(ge=1, le=500, description="at most this many referrals")]


class NewReferral(model.NewReferral, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class ReferralController(Controller):
    path = "/api/v1/referrals"
    tags = ("referrals",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @post(
        "/",
        operation_id="recordReferral",
        summary="Record a referral received from the lead hospital or a village clinic; with a time, book it",
        status_code=201,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def record(
        self,
        *,
        data: JSONBody[NewReferral],
        db: NamedDependency[Database],
        site: NamedDependency[SiteConfig],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> Referral:
        return await auditor.atomic(
            lambda: appointments.record_referral(db, data, actor_id=staff.id, now=now, tz=site.timezone),
            lambda made: auditor.resident(
                made.resident_id,
                "referral.receive",
                detail=f"referral={made.id} appointment={made.appointment_id or '-'} urgency={made.urgency.value}",
            ),
        )

    @get(
        "/",
        operation_id="listReferrals",
        summary="Referrals newest first, by direction, status or resident",
        responses=error_responses(401, 403, 422),
    )
    async def listing(
        self,
        *,
        db: NamedDependency[Database],
        auditor: NamedDependency[Auditor],
        direction: DirectionParam = None,
        status: StatusParam = None,
        resident_id: ResidentParam = None,
        limit: Limit = 100,
    ) -> list[Referral]:
        found = await list_referrals(
            db, direction=direction, status=status, resident_id=resident_id, limit=limit
        )
        detail = (
            f"direction={direction.value if direction else '-'} status={status.value if status else '-'} "
            f"results={len(found)}"
        )
        if resident_id is not None:
            await auditor.resident(resident_id, "referral.list", detail=detail)
        else:
            await auditor.record("list", entity=REFERRAL, entity_id=None, detail=detail)
        return found
