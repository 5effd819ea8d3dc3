"""The dashboard's calls: the year's board (months, cohorts, overdue), quarters or the year, and the CSV."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flows.indicator_board import IndicatorBoard
from flows.indicator_series import IndicatorSeries, Period, PeriodKind

if TYPE_CHECKING:
    from tui.client import ApiClient


def _scope(team_id: int | None, doctor_id: int | None) -> dict[str, str]:
    params = {}
    if team_id is not None:
        params["team_id"] = str(team_id)
    if doctor_id is not None:
        params["doctor_id"] = str(doctor_id)
    return params


def board(client: ApiClient, year: int, *, team_id: int | None, doctor_id: int | None) -> IndicatorBoard:
    """`getIndicatorBoard`: the year's months, the cohorts and the overdue count today."""
    params = {"year": str(year)} | _scope(team_id, doctor_id)
    return client.call("GET", "/api/v1/indicators/board", IndicatorBoard, params=params)


def series(
    client: ApiClient, kind: PeriodKind, year: int, *, team_id: int | None, doctor_id: int | None
) -> IndicatorSeries:
    params = {"kind": kind.value, "year": str(year)} | _scope(team_id, doctor_id)
    return client.call("GET", "/api/v1/indicators/series", IndicatorSeries, params=params)


def export_csv(client: ApiClient, period: Period, *, team_id: int | None, doctor_id: int | None) -> bytes:
    """`exportIndicators` for one period: the CSV's bytes as the API wrote them (UTF-8 with BOM)."""
    params = {"kind": period.kind.value, "year": str(period.year)} | _scope(team_id, doctor_id)
    if period.kind is not PeriodKind.YEAR:
        params["period"] = str(period.index)
    return client.send("GET", "/api/v1/indicators.csv", params=params).content
