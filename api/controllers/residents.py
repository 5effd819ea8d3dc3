"""`/api/v1/residents`: register, read, update, search, summary. Each call writes an audit event."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import auth
from api.audit import RESIDENT, Auditor, changed_fields, query_kind
from api.bodies import NewResident, ResidentUpdate
from api.errors import error_responses
from db.engine import Database
from db.residents import create_resident, get_resident, resident_summary, search_residents, update_resident
from flows.model import Resident, ResidentHit, ResidentSummary
from onestop.config import SiteConfig

SearchText = Annotated[
    str,
    QueryParameter(
        name="q",
        min_length=1,
        max_length=64,
        description="ID number, record number, phone, last 4 digits of the phone, name or pinyin initials",
    ),
]
Limit = Annotated[int, QueryParameter(ge=1, le=100, description="at most this many hits")]


class ResidentController(Controller):
    path = "/api/v1/residents"
    tags = ("residents",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        "/",
        operation_id="searchResidents",
        summary="Find residents, ranked; ID numbers masked",
        responses=error_responses(401, 403, 422),
    )
    async def search(
        self,
        *,
        q: SearchText,
        db: NamedDependency[Database],
        auditor: NamedDependency[Auditor],
        limit: Limit = 20,
    ) -> list[ResidentHit]:
        hits = await search_residents(db, q, limit=limit)
        # The detail says what kind of text was searched, never the text: it may be a full ID number.
        detail = f"query={query_kind(q)} results={len(hits)}"
        await auditor.record("search", entity=RESIDENT, entity_id=None, detail=detail)
        return hits

    @post(
        "/",
        operation_id="createResident",
        summary="Register a resident (sex and birth date derived)",
        status_code=201,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def create(
        self,
        *,
        data: JSONBody[NewResident],
        db: NamedDependency[Database],
        site: NamedDependency[SiteConfig],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> Resident:
        return await auditor.atomic(
            lambda: create_resident(db, data, site=site, now=now),
            lambda resident: auditor.resident(resident.id, "create"),
        )

    @get(
        "/{resident_id:int}",
        operation_id="getResident",
        summary="One resident's record",
        responses=error_responses(401, 403, 404),
    )
    async def read(
        self,
        *,
        resident_id: FromPath[int],
        db: NamedDependency[Database],
        auditor: NamedDependency[Auditor],
    ) -> Resident:
        resident = await get_resident(db, resident_id)
        await auditor.resident(resident_id, "read")
        return resident

    @patch(
        "/{resident_id:int}",
        operation_id="updateResident",
        summary="Change name, phone, address or household",
        responses=error_responses(401, 403, 404, 422),
    )
    async def update(
        self,
        *,
        resident_id: FromPath[int],
        data: JSONBody[ResidentUpdate],
        db: NamedDependency[Database],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> Resident:
        return await auditor.atomic(
            lambda: update_resident(db, resident_id, data, now=now),
            lambda _: auditor.resident(resident_id, "update", detail=changed_fields(data)),
        )

    @get(
        "/{resident_id:int}/summary",
        operation_id="getResidentSummary",
        summary="The read-only summary: record, household, signing, conditions, latest values, visits",
        responses=error_responses(401, 403, 404),
    )
    async def summary(
        self,
        *,
        resident_id: FromPath[int],
        db: NamedDependency[Database],
        auditor: NamedDependency[Auditor],
    ) -> ResidentSummary:
        result = await resident_summary(db, resident_id)
        await auditor.resident(resident_id, "summary")
        return result
