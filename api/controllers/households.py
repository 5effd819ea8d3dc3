"""`/api/v1/households`: create, read, add and remove members. Membership changes are resident writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api import auth
from api.audit import HOUSEHOLD, RESIDENT, audit
from api.bodies import NewHousehold, NewMember
from api.errors import error_responses
from db.engine import Database
from db.households import add_member, create_household, get_household, remove_member
from flows.model import Household, Staff


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
        request: Request[Any, Any, Any],
        data: JSONBody[NewHousehold],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
    ) -> Household:
        household = await create_household(db, data, now=now)
        await audit(
            db, request, actor=staff, action="create", entity=HOUSEHOLD, entity_id=household.id, now=now
        )
        return household

    @get(
        "/{household_id:int}",
        operation_id="getHousehold",
        summary="A household and its member ids",
        responses=error_responses(401, 403, 404),
    )
    async def read(
        self,
        *,
        request: Request[Any, Any, Any],
        household_id: FromPath[int],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
    ) -> Household:
        household = await get_household(db, household_id)
        await audit(
            db, request, actor=staff, action="read", entity=HOUSEHOLD, entity_id=household_id, now=now
        )
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
        request: Request[Any, Any, Any],
        household_id: FromPath[int],
        data: JSONBody[NewMember],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
    ) -> Household:
        household = await add_member(db, household_id, data.resident_id)
        await audit(
            db,
            request,
            actor=staff,
            action="household.join",
            entity=RESIDENT,
            entity_id=data.resident_id,
            now=now,
            detail=f"household={household_id}",
        )
        return household

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
        request: Request[Any, Any, Any],
        household_id: FromPath[int],
        resident_id: FromPath[int],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
    ) -> Household:
        household = await remove_member(db, household_id, resident_id)
        await audit(
            db,
            request,
            actor=staff,
            action="household.leave",
            entity=RESIDENT,
            entity_id=resident_id,
            now=now,
            detail=f"household={household_id}",
        )
        return household
