"""What the dashboard screen opens with for a year and a scope, from one read of the follow-ups.

The year's rates month by month (flows.indicator_series: the trend, and the figures of each month), both
HEARTS-style cohorts today (flows.rules.indicators.hearts_cohort) and the overdue count. Why one answer: the
work is reading the follow-ups, not counting them, so the screen asks once per year and scope and then moves
between the months without asking again (quarters and the year: one getIndicatorSeries each).

The cohorts need each patient's latest visit up to today, but only when it is within the lost-to-follow-up
window (12 months): older or none, the patient is lost if registered before the window, else has missed
the visit, whatever the date of that older visit. So the records handed in start at
`records_since(year, today)` — the year's first day or the window's, the earlier — and the answers equal
getIndicators, getIndicatorSeries and getCohort for the same questions (tests/api/test_indicator_series.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import msgspec

from flows.indicator_series import IndicatorSeries, PeriodKind, TeamSpan, bphs_series, in_team_on
from flows.model import Condition
from flows.rules.indicators import (
    DEFAULT_SETTINGS,
    CohortReport,
    FollowupRecord,
    IndicatorSettings,
    Patient,
    hearts_cohort,
    months_before,
)


class IndicatorBoard(msgspec.Struct, frozen=True, kw_only=True):
    """`getIndicatorBoard`: one year's rates by month, the cohorts and the overdue follow-ups today."""

    today: dt.date
    months: IndicatorSeries
    hypertension: CohortReport
    diabetes: CohortReport
    overdue: int  # open follow-ups past due today (the overdue list, every row of it)
    overdue_high_risk: int


def records_since(year: int, today: dt.date, settings: IndicatorSettings | None = None) -> dt.date:
    """The first local day whose follow-ups the board needs (module docstring)."""
    s = settings or DEFAULT_SETTINGS
    return min(dt.date(year, 1, 1), months_before(today, s.lost_months) + dt.timedelta(days=1))


def indicator_board(
    patients: Sequence[Patient],
    records: Sequence[FollowupRecord],
    *,
    year: int,
    today: dt.date,
    overdue: int,
    overdue_high_risk: int,
    team_id: int | None = None,
    team_spans: Sequence[TeamSpan] = (),
    doctor_id: int | None = None,
    scope_name: str = "",
    settings: IndicatorSettings | None = None,
) -> IndicatorBoard:
    """`patients` registered up to today; `records` done from `records_since` to today, oldest first."""
    months = bphs_series(
        patients,
        records,
        kind=PeriodKind.MONTH,
        year=year,
        today=today,
        team_id=team_id,
        team_spans=team_spans,
        doctor_id=doctor_id,
        scope_name=scope_name,
        settings=settings,
    )
    now: Sequence[Patient] = patients
    if team_id is not None:  # the cohorts take the team of today, as getCohort does
        members = in_team_on(team_spans, today)
        now = [msgspec.structs.replace(p, team_id=team_id) for p in patients if p.resident_id in members]
    cohorts = {
        c: hearts_cohort(
            now, records, at=today, condition=c, team_id=team_id, doctor_id=doctor_id, settings=settings
        )
        for c in (Condition.HYPERTENSION, Condition.DIABETES)
    }
    return IndicatorBoard(
        today=today,
        months=months,
        hypertension=cohorts[Condition.HYPERTENSION],
        diabetes=cohorts[Condition.DIABETES],
        overdue=overdue,
        overdue_high_risk=overdue_high_risk,
    )
