"""`/api/v1/contracts` and `/api/v1/teams`: family-doctor signing (家庭医生签约) at the desk's signing check.

Sign a resident with a team, renew a contract for the next term, list a resident's contracts; the rules are
flows.rules.contracts (CLINICAL_RULES.md §9). Every call is audited under the resident, and a write commits
with its audit row. The teams are the site's set-up, not anyone's record: any staff role may list them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import auth
from api.audit import Auditor
from api.errors import error_responses
from db import contracts
from db.engine import Database
from flows.model import Contract, FamilyDoctorTeam, Staff
from flows.rules.contracts import Package


class NewContract(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """`POST /api/v1/contracts`: the resident signs with a team; the term is a year from today by default."""

    resident_id: int
    team_id: int
    package: Package
    start: dt.date | None = None  # default: the site's today
    end: dt.date | None = None  # default: the day before the first anniversary of `start`


class ContractRenewal(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """`POST /api/v1/contracts/{id}/renew`: the package of the next term (default: the same package)."""

    package: Package | None = None


ResidentParam = Annotated[int, QueryParameter(name="resident_id", ge=1, description="the resident")]


class TeamController(Controller):
    path = "/api/v1/teams"
    tags = ("contracts",)
    guards = (auth.require(auth.ANY_ROLE),)
    security = ({"BearerToken": []},)

    @get(
        "/",
        operation_id="listTeams",
        summary="The site's family doctor teams with their rooms and phones",
        responses=error_responses(401),
    )
    async def listing(self, *, db: NamedDependency[Database]) -> list[FamilyDoctorTeam]:
        return await contracts.list_teams(db)


class ContractController(Controller):
    path = "/api/v1/contracts"
    tags = ("contracts",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @post(
        "/",
        operation_id="signContract",
        summary="Sign a resident with a family doctor team (refused while another contract covers the term)",
        status_code=201,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def sign(
        self,
        *,
        data: JSONBody[NewContract],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        today: NamedDependency[dt.date],
        auditor: NamedDependency[Auditor],
    ) -> Contract:
        return await auditor.atomic(
            lambda: contracts.sign_contract(
                db,
                data.resident_id,
                team_id=data.team_id,
                package=data.package,
                start=data.start,
                end=data.end,
                actor_id=staff.id,
                now=now,
                today=today,
            ),
            lambda signed: auditor.resident(
                signed.resident_id,
                "contract.sign",
                detail=f"contract={signed.id} team={signed.team_id} package={signed.package}",
            ),
        )

    @get(
        "/",
        operation_id="listContracts",
        summary="A resident's contracts, terminated ones too, newest start first",
        responses=error_responses(401, 403, 404, 422),
    )
    async def listing(
        self, *, resident_id: ResidentParam, db: NamedDependency[Database], auditor: NamedDependency[Auditor]
    ) -> list[Contract]:
        found = await contracts.contracts_of(db, resident_id)
        await auditor.resident(resident_id, "contract.list", detail=f"results={len(found)}")
        return found

    @post(
        "/{contract_id:int}/renew",
        operation_id="renewContract",
        summary="Renew a contract with the same team for the next term (from today if it has lapsed)",
        status_code=201,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def renew(
        self,
        *,
        contract_id: FromPath[int],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        today: NamedDependency[dt.date],
        auditor: NamedDependency[Auditor],
        data: JSONBody[ContractRenewal | None] = None,
    ) -> Contract:
        pair = await auditor.atomic(
            lambda: contracts.renew_contract(
                db,
                contract_id,
                package=data.package if data else None,
                actor_id=staff.id,
                now=now,
                today=today,
            ),
            lambda renewed: auditor.resident(
                renewed[1].resident_id,
                "contract.renew",
                detail=f"contract={renewed[1].id} renews={renewed[0].id} package={renewed[1].package}",
            ),
        )
        return pair[1]
