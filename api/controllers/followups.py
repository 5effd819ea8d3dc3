"""`/api/v1/residents/{id}/followups/…`: the follow-up form prefilled (draft) and previewed (class and next date
of these values, nothing written). Doing the follow-up is `doFollowup` (api/controllers/care.py).

Nurses and doctors (a nurse does phone follow-ups); every call is audited under the resident.
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
from api.bodies import FollowupRequest
from api.errors import error_responses
from db.engine import Database
from db.followup_draft import followup_draft
from db.followups import preview_followup
from flows.clinical import FollowupDraft, FollowupPreview
from flows.errors import InvalidInput
from flows.rules.settings import RulesSettings

VisitParam = Annotated[
    int | None, QueryParameter(name="visit_id", description="the open visit whose values fill the form")
]


class FollowupFormController(Controller):
    path = "/api/v1/residents/{resident_id:int}/followups"
    tags = ("care",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        "/draft",
        operation_id="followupDraft",
        summary="The follow-up form of the resident's conditions, filled from the visit, the record and the drugs",
        responses=error_responses(401, 403, 404, 409),
    )
    async def draft(
        self,
        *,
        resident_id: FromPath[int],
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        auditor: NamedDependency[Auditor],
        visit_id: VisitParam = None,
    ) -> FollowupDraft:
        found = await followup_draft(db, resident_id, visit_id, today=today)
        await auditor.resident(resident_id, "followup.draft", detail=f"visit={visit_id}")
        return found

    @post(
        "/preview",
        operation_id="previewFollowup",
        summary="The class of each condition and the next date this follow-up would record (nothing written)",
        status_code=200,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def preview(
        self,
        *,
        resident_id: FromPath[int],
        data: JSONBody[FollowupRequest],
        db: NamedDependency[Database],
        now: NamedDependency[dt.datetime],
        zone: NamedDependency[zoneinfo.ZoneInfo],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
    ) -> FollowupPreview:
        if data.resident_id != resident_id:
            raise InvalidInput(
                f"the body's resident_id {data.resident_id} is not the path's {resident_id}",
                field="resident_id",
            )
        found = await preview_followup(db, data, rules=rules, now=now, tz=zone)
        await auditor.resident(
            resident_id,
            "followup.preview",
            detail=" ".join(f"{d.condition.value}={d.cls}" for d in found.decisions)
            + f" next={found.next_date.isoformat()}",
        )
        return found
