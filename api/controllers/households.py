"""`/api/v1/households`: create, read, add and remove members. Membership changes are resident writes."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api import auth
from api.audit import HOUSEHOLD, Auditor
from api.bodies import NewHousehold, NewMember
from api.errors import error_responses
from db.engine import Database
from db.households import add_member, create_household, get_household, remove_member
from flows.model import Household


class HouseholdController(Controller):
    path = "/api/v1/households"
    tags = ("households",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @post(
        "/",
        operation_id="createHousehold",
        summary="Create a household",
        status_code=201,
        responses=error_responses(401, 403, 422),
    )
    async def create(
        self,
        *,
        data: JSONBody[NewHousehold],
        db: NamedDependency[Database],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> Household:
        return await auditor.atomic(
            lambda: create_household(db, data, now=now),
            lambda household: auditor.record("create", entity=HOUSEHOLD, entity_id=household.id),
        )

    @get(
        "/{household_id:int}",
        operation_id="getHousehold",
        summary="A household and its member ids",
        responses=error_responses(401, 403, 404),
    )
    async def read(
        self,
        *,
        household_id: FromPath[int],
        db: NamedDependency[Database],
        auditor: NamedDependency[Auditor],
    ) -> Household:
        household = await get_household(db, household_id)
        await auditor.record("read", entity=HOUSEHOLD, entity_id=household_id)
        return household

    @post(
        "/{household_id:int}/members",
        operation_id="addHouseholdMember",
        summary="A resident joins the household",
        status_code=200,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def add(
        self,
        *,
        household_id: FromPath[int],
        data: JSONBody[NewMember],
        db: NamedDependency[Database],
        auditor: NamedDependency[Auditor],
    ) -> Household:
        detail = f"household={household_id}"
        return await auditor.atomic(
            lambda: add_member(db, household_id, data.resident_id),
            lambda _: auditor.resident(data.resident_id, "household.join", detail=detail),
        )

    @delete(
        "/{household_id:int}/members/{resident_id:int}",
        operation_id="removeHouseholdMember",
        summary="A resident leaves the household",
        status_code=200,
        responses=error_responses(401, 403, 404, 409),
    )
    async def remove(
        self,
        *,
        household_id: FromPath[int],
        resident_id: FromPath[int],
        db: NamedDependency[Database],
        auditor: NamedDependency[Auditor],
    ) -> Household:
        detail = f"household={household_id}"
        return await auditor.atomic(
            lambda: remove_member(db, household_id, resident_id),
            lambda _: auditor.resident(resident_id, "household.leave", detail=detail),
        )
