"""`/api/v1/indicators`, `/indicators/cohort` and `/overdue`: the programme's figures and the overdue list.

Figures for any period, the whole site, a team or a doctor (BPHS-2017 §10 and HEARTS-style cohorts). They are
aggregates, so they are audited as one list event; the overdue list names residents and is audited as a list
too (one row, as the visit worklist is: a worklist must not fill the single SQLite writer with audit rows).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from api import auth
from api.audit import Auditor
from api.errors import error_responses
from db import indicators
from db.engine import Database
from flows.errors import InvalidInput
from flows.model import Condition, Role
from flows.rules.indicators import CohortReport, IndicatorDashboard, IndicatorReport, OverdueItem
from flows.rules.settings import RulesSettings
from onestop.config import SiteConfig

READERS = frozenset({Role.NURSE, Role.DOCTOR, Role.ADMIN})
Start = Annotated[dt.date | None, QueryParameter(name="start", description="first day (default: 1 January)")]
End = Annotated[dt.date | None, QueryParameter(name="end", description="last day (default: today)")]
At = Annotated[dt.date | None, QueryParameter(name="at", description="the cohort's day (default: today)")]
ConditionFilter = Annotated[
    Condition | None, QueryParameter(name="condition", description="hypertension or diabetes (default: both)")
]
CohortCondition = Annotated[
    Condition, QueryParameter(name="condition", description="hypertension or diabetes")
]
Team = Annotated[int | None, QueryParameter(name="team_id", description="only this family doctor team")]
Doctor = Annotated[int | None, QueryParameter(name="doctor_id", description="only this doctor's patients")]
Limit = Annotated[int, QueryParameter(ge=1, le=1000, description="at most this many residents")]


def _period(start: dt.date | None, end: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """Default: the calendar year so far."""
    last = end or today
    first = start or dt.date(last.year, 1, 1)
    if first > last:
        raise InvalidInput(f"start {first} is after end {last}", field="start")
    return first, last


class IndicatorController(Controller):
    path = "/api/v1"
    tags = ("indicators",)
    guards = (auth.require(READERS),)
    security = ({"BearerToken": []},)

    @get(
        "/indicators",
        operation_id="getIndicators",
        summary="规范管理率 and 控制率 of hypertension and diabetes for a period, site, team or doctor",
        responses=error_responses(401, 403, 422),
    )
    async def rates(
        self,
        *,
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        site: NamedDependency[SiteConfig],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
        start: Start = None,
        end: End = None,
        condition: ConditionFilter = None,
        team_id: Team = None,
        doctor_id: Doctor = None,
    ) -> IndicatorReport:
        first, last = _period(start, end, today)
        report = await indicators.indicators(
            db,
            start=first,
            end=last,
            today=today,
            condition=condition,
            team_id=team_id,
            doctor_id=doctor_id,
            tz=site.timezone,
            settings=rules.indicators,
        )
        await auditor.record("list", entity="indicator", entity_id=None, detail=f"{first}..{last}")
        return report

    @get(
        "/indicators/dashboard",
        operation_id="getDashboard",
        summary="The indicators screen at once: a period's rates, both cohorts today and the overdue list",
        responses=error_responses(401, 403, 422),
    )
    async def dashboard(
        self,
        *,
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        site: NamedDependency[SiteConfig],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
        start: Start = None,
        end: End = None,
        team_id: Team = None,
        doctor_id: Doctor = None,
        limit: Limit = 100,
    ) -> IndicatorDashboard:
        first, last = _period(start, end, today)
        found = await indicators.dashboard(
            db,
            start=first,
            end=last,
            today=today,
            team_id=team_id,
            doctor_id=doctor_id,
            limit=limit,
            tz=site.timezone,
            settings=rules.indicators,
        )
        await auditor.record("list", entity="indicator", entity_id=None, detail=f"dashboard {first}..{last}")
        return found

    @get(
        "/indicators/cohort",
        operation_id="getCohort",
        summary="HEARTS-style cohort: controlled, uncontrolled, no visit in 3 months, lost to follow-up",
        responses=error_responses(401, 403, 422),
    )
    async def cohort(
        self,
        *,
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        site: NamedDependency[SiteConfig],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
        condition: CohortCondition = Condition.HYPERTENSION,
        at: At = None,
        team_id: Team = None,
        doctor_id: Doctor = None,
    ) -> CohortReport:
        day = at or today
        report = await indicators.hearts_cohort(
            db,
            at=day,
            condition=condition,
            team_id=team_id,
            doctor_id=doctor_id,
            tz=site.timezone,
            settings=rules.indicators,
        )
        await auditor.record(
            "list", entity="indicator", entity_id=None, detail=f"cohort {condition.value} {day}"
        )
        return report

    @get(
        "/overdue",
        operation_id="listOverdue",
        summary="Follow-ups past due: high risk first, then the most days overdue",
        responses=error_responses(401, 403, 422),
    )
    async def overdue(
        self,
        *,
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        site: NamedDependency[SiteConfig],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
        condition: ConditionFilter = None,
        team_id: Team = None,
        limit: Limit = 100,
    ) -> list[OverdueItem]:
        items = await indicators.overdue(
            db,
            today=today,
            condition=condition,
            team_id=team_id,
            limit=limit,
            tz=site.timezone,
            settings=rules.indicators,
        )
        await auditor.record(
            "list", entity="follow_up", entity_id=None, detail=f"overdue results={len(items)}"
        )
        return list(items)
