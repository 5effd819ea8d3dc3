"""`/api/v1/indicators/series`, `/indicators/board` and `/indicators.csv`: the rates period by period, the
dashboard's opening, and the rates as a spreadsheet.

The series is the rates of every month, quarter or the year (flows.indicator_series: the year read once and
split as it passes); the board adds today's cohorts and overdue count to the months (flows.indicator_board),
so the dashboard opens with one call. The CSV is for the township's monthly and quarterly returns, opened in
Excel on a clinic PC (flows.indicator_export). All are aggregates, audited as one list event each. Exporting
puts figures in a file that leaves the system, so it is for doctors and administrators; reading them is for
all staff.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from api import auth
from api.audit import Auditor
from api.errors import error_responses
from db import indicator_series
from db.engine import Database
from flows.errors import InvalidInput
from flows.indicator_board import IndicatorBoard
from flows.indicator_export import export_filename, indicators_csv
from flows.indicator_series import IndicatorSeries, Period, PeriodKind
from flows.model import Role
from flows.rules.settings import RulesSettings
from onestop.config import SiteConfig

READERS = frozenset({Role.NURSE, Role.DOCTOR, Role.ADMIN})
EXPORTERS = frozenset({Role.DOCTOR, Role.ADMIN})
Kind = Annotated[PeriodKind, QueryParameter(name="kind", description="month, quarter or year")]
Year = Annotated[
    int | None, QueryParameter(name="year", ge=2000, le=2100, description="the calendar year (default: this)")
]
Index = Annotated[
    int | None,
    QueryParameter(name="period", ge=1, le=12, description="only this month (1–12) or quarter (1–4)"),
]
Team = Annotated[int | None, QueryParameter(name="team_id", description="only this family doctor team")]
Doctor = Annotated[int | None, QueryParameter(name="doctor_id", description="only this doctor's patients")]


class IndicatorSeriesController(Controller):
    path = "/api/v1"
    tags = ("indicators",)
    security = ({"BearerToken": []},)

    @get(
        "/indicators/series",
        operation_id="getIndicatorSeries",
        summary="The BPHS-2017 rates of each month, quarter or the year, for the site, a team or a doctor",
        guards=[auth.require(READERS)],
        responses=error_responses(401, 403, 422),
    )
    async def series(
        self,
        *,
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        site: NamedDependency[SiteConfig],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
        kind: Kind = PeriodKind.MONTH,
        year: Year = None,
        team_id: Team = None,
        doctor_id: Doctor = None,
    ) -> IndicatorSeries:
        found = await _series(
            db=db,
            today=today,
            site=site,
            rules=rules,
            kind=kind,
            year=year or today.year,
            team_id=team_id,
            doctor_id=doctor_id,
        )
        await auditor.record("list", entity="indicator", entity_id=None, detail=f"series {kind} {found.year}")
        return found

    @get(
        "/indicators/board",
        operation_id="getIndicatorBoard",
        summary="The dashboard's opening: the year's rates by month, both cohorts and the overdue count today",
        guards=[auth.require(READERS)],
        responses=error_responses(401, 403, 422),
    )
    async def board(
        self,
        *,
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        site: NamedDependency[SiteConfig],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
        year: Year = None,
        team_id: Team = None,
        doctor_id: Doctor = None,
    ) -> IndicatorBoard:
        found = await indicator_series.board(
            db,
            year=year or today.year,
            today=today,
            team_id=team_id,
            doctor_id=doctor_id,
            site_name=site.name,
            tz=site.timezone,
            settings=rules.indicators,
        )
        await auditor.record("list", entity="indicator", entity_id=None, detail=f"board {found.months.year}")
        return found

    @get(
        "/indicators.csv",
        operation_id="exportIndicators",
        summary="The rates as CSV (UTF-8 with BOM, for Excel): one row per indicator per period",
        guards=[auth.require(EXPORTERS)],
        media_type="text/csv; charset=utf-8",
        responses=error_responses(401, 403, 422),
    )
    async def export(
        self,
        *,
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        site: NamedDependency[SiteConfig],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
        kind: Kind = PeriodKind.YEAR,
        year: Year = None,
        period: Index = None,
        team_id: Team = None,
        doctor_id: Doctor = None,
    ) -> Response[bytes]:
        year = year or today.year
        label = f"{year}-{kind.value}"
        if period is not None:
            try:
                label = Period(kind=kind, year=year, index=period).label
            except ValueError as exc:
                raise InvalidInput(str(exc), field="period") from None
        found = await _series(
            db=db,
            today=today,
            site=site,
            rules=rules,
            kind=kind,
            year=year,
            team_id=team_id,
            doctor_id=doctor_id,
        )
        if period is not None:
            found = msgspec.structs.replace(
                found, points=tuple(p for p in found.points if p.period.index == period)
            )
        name = export_filename(team_id, doctor_id, label)
        await auditor.record("list", entity="indicator", entity_id=None, detail=f"export {name}")
        return Response(
            indicators_csv(found),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )


async def _series(
    *,
    db: Database,
    today: dt.date,
    site: SiteConfig,
    rules: RulesSettings,
    kind: PeriodKind,
    year: int,
    team_id: int | None,
    doctor_id: int | None,
) -> IndicatorSeries:
    return await indicator_series.series(
        db,
        kind=kind,
        year=year,
        today=today,
        team_id=team_id,
        doctor_id=doctor_id,
        site_name=site.name,
        tz=site.timezone,
        settings=rules.indicators,
    )
