"""`/api/v1/worklists/…` and `/followups/{id}/call-outcome`: the doctor's worklists and the overdue calls.

Five lists (flows.worklists) for the whole site, a team, or the logged-in staff's own team, paged by
`limit`/`offset`, each with its total. A list names residents, so it is audited as one list row (as the
overdue list of the indicators is: a worklist must not fill the single SQLite writer with audit rows);
a call outcome is a write to the resident's record, audited under the resident in the same transaction.
Nurses and doctors: the phoning is often the team nurse's.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import auth
from api.audit import Auditor
from api.errors import error_responses
from db import worklist_expiring, worklists
from db.engine import Database
from db.worklist_calls import record_call
from flows.errors import InvalidInput
from flows.model import Staff
from flows.rules.settings import RulesSettings
from flows.worklists import (
    EXPIRING_PRESCRIPTION_DAYS,
    CallOutcomeRequest,
    CallRecord,
    ContractsPage,
    DueTodayPage,
    OverduePage,
    PrescriptionsPage,
    ReferralsPage,
    WorklistScope,
)
from onestop.config import SiteConfig

WORKLIST = "worklist"
Scope = Annotated[
    WorklistScope | None,
    QueryParameter(
        name="scope",
        description="site, team (with team_id) or mine (your own team); default: team if team_id",
    ),
]
Team = Annotated[int | None, QueryParameter(name="team_id", description="only this family doctor team")]
Limit = Annotated[int, QueryParameter(ge=1, le=500, description="at most this many rows")]
Offset = Annotated[int, QueryParameter(ge=0, description="skip this many rows (paging)")]
Days = Annotated[int | None, QueryParameter(ge=0, le=365, description="ending within this many days")]


def team_of(scope: WorklistScope | None, team_id: int | None, staff: Staff) -> int | None:
    """The team a list is cut to (None: the whole site)."""
    chosen = scope or (WorklistScope.TEAM if team_id is not None else WorklistScope.SITE)
    if chosen is WorklistScope.MINE:
        if staff.team_id is None:
            raise InvalidInput(
                f"{staff.username} is in no family doctor team: ask for scope site or a team", field="scope"
            )
        return staff.team_id
    if chosen is WorklistScope.TEAM:
        if team_id is None:
            raise InvalidInput("scope team needs team_id", field="team_id")
        return team_id
    if team_id is not None:
        raise InvalidInput("team_id is for scope team; scope site lists the whole site", field="team_id")
    return None


async def _audit(auditor: Auditor, name: str, team_id: int | None, total: int) -> None:
    detail = f"{name} team={team_id if team_id is not None else '-'} results={total}"
    await auditor.record("list", entity=WORKLIST, entity_id=None, detail=detail)


class WorklistController(Controller):
    path = "/api/v1"
    tags = ("worklists",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        "/worklists/due-today",
        operation_id="worklistDueToday",
        summary="Residents expected today: follow-ups due today and bookings not arrived yet, with last values",
        responses=error_responses(401, 403, 422),
    )
    async def due_today(
        self,
        *,
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        site: NamedDependency[SiteConfig],
        staff: NamedDependency[Staff],
        auditor: NamedDependency[Auditor],
        whose: Scope = None,
        team_id: Team = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> DueTodayPage:
        team = team_of(whose, team_id, staff)
        page = await worklists.due_today(
            db, today=today, tz=site.timezone, team_id=team, limit=limit, offset=offset
        )
        await _audit(auditor, "due-today", team, page.total)
        return page

    @get(
        "/worklists/overdue",
        operation_id="worklistOverdue",
        summary="Follow-ups past due, high risk first then most days overdue, with the last call's outcome",
        responses=error_responses(401, 403, 422),
    )
    async def overdue(
        self,
        *,
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        site: NamedDependency[SiteConfig],
        rules: NamedDependency[RulesSettings],
        staff: NamedDependency[Staff],
        auditor: NamedDependency[Auditor],
        whose: Scope = None,
        team_id: Team = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> OverduePage:
        team = team_of(whose, team_id, staff)
        page = await worklists.overdue(
            db,
            today=today,
            tz=site.timezone,
            team_id=team,
            limit=limit,
            offset=offset,
            settings=rules.indicators,
        )
        await _audit(auditor, "overdue", team, page.total)
        return page

    @post(
        "/followups/{followup_id:int}/call-outcome",
        operation_id="recordCallOutcome",
        summary="The outcome of a call about an overdue follow-up: agreed to visit, call later, or removed",
        status_code=200,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def call_outcome(
        self,
        *,
        followup_id: FromPath[int],
        data: JSONBody[CallOutcomeRequest],
        db: NamedDependency[Database],
        site: NamedDependency[SiteConfig],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> CallRecord:
        return await auditor.atomic(
            lambda: record_call(db, followup_id, data, actor_id=staff.id, now=now, tz=site.timezone),
            lambda made: auditor.resident(
                made.resident_id,
                "followup.call",
                detail=(
                    f"follow_up={made.follow_up_id} outcome={made.call.outcome.value} "
                    f"reason={made.call.reason.value if made.call.reason else '-'} "
                    f"appointment={made.appointment_id or '-'}"
                ),
            ),
        )

    @get(
        "/worklists/contracts-expiring",
        operation_id="worklistContractsExpiring",
        summary="Contracts in force ending within N days (default: the renewal window) and not yet renewed",
        responses=error_responses(401, 403, 422),
    )
    async def contracts_expiring(
        self,
        *,
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        rules: NamedDependency[RulesSettings],
        staff: NamedDependency[Staff],
        auditor: NamedDependency[Auditor],
        whose: Scope = None,
        team_id: Team = None,
        days: Days = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> ContractsPage:
        team = team_of(whose, team_id, staff)
        window = rules.contracts.renewal_window_days if days is None else days
        page = await worklist_expiring.contracts_expiring(
            db, today=today, days=window, team_id=team, limit=limit, offset=offset
        )
        await _audit(auditor, "contracts-expiring", team, page.total)
        return page

    @get(
        "/worklists/prescriptions-expiring",
        operation_id="worklistPrescriptionsExpiring",
        summary="Long-term prescriptions ending within N days (default 7) with no newer one of the same drug",
        responses=error_responses(401, 403, 422),
    )
    async def prescriptions_expiring(
        self,
        *,
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        staff: NamedDependency[Staff],
        auditor: NamedDependency[Auditor],
        whose: Scope = None,
        team_id: Team = None,
        days: Days = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> PrescriptionsPage:
        team = team_of(whose, team_id, staff)
        window = EXPIRING_PRESCRIPTION_DAYS if days is None else days
        page = await worklist_expiring.prescriptions_expiring(
            db, today=today, days=window, team_id=team, limit=limit, offset=offset
        )
        await _audit(auditor, "prescriptions-expiring", team, page.total)
        return page

    @get(
        "/worklists/referrals-awaiting",
        operation_id="worklistReferralsAwaiting",
        summary="Referrals up or emergency still open (their result not recorded), oldest first",
        responses=error_responses(401, 403, 422),
    )
    async def referrals_awaiting(
        self,
        *,
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        site: NamedDependency[SiteConfig],
        staff: NamedDependency[Staff],
        auditor: NamedDependency[Auditor],
        whose: Scope = None,
        team_id: Team = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> ReferralsPage:
        team = team_of(whose, team_id, staff)
        page = await worklist_expiring.referrals_awaiting(
            db, today=today, tz=site.timezone, team_id=team, limit=limit, offset=offset
        )
        await _audit(auditor, "referrals-awaiting", team, page.total)
        return page
