"""The BPHS-2017 rates period by period over a year (the dashboard's trend and the CSV export), in one pass.

Each point is exactly what flows.rules.indicators.bphs_from_summaries gives for that period alone (the rules
of that module: a month needs 1 face-to-face follow-up, a quarter 1, a year 4; "controlled" reads the latest
follow-up of the period), so a point equals `getIndicators` asked for the same dates. What this module adds
is the speed: the year's follow-ups are read once and split into periods as they pass (`summarise_periods`),
instead of one whole computation per period. A period that has not begun by `today` is left out; the one
containing `today` counts the days so far.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import Final

import msgspec

from flows.model import Condition
from flows.rules.indicators import (
    FollowupRecord,
    IndicatorReport,
    IndicatorSettings,
    Patient,
    PeriodSummary,
    bphs_from_summaries,
)

_PER_YEAR: Final = {"month": 12, "quarter": 4, "year": 1}


class PeriodKind(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Period(msgspec.Struct, frozen=True, kw_only=True):
    """A calendar month, quarter or year: `index` is 1–12, 1–4 or 1."""

    kind: PeriodKind
    year: int
    index: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.index <= _PER_YEAR[self.kind]:
            raise ValueError(f"a {self.kind} index is 1..{_PER_YEAR[self.kind]}, got {self.index}")

    @property
    def months(self) -> int:
        return 12 // _PER_YEAR[self.kind]

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, (self.index - 1) * self.months + 1, 1)

    @property
    def end(self) -> dt.date:
        after = self.shifted(1).start
        return after - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """2025-03, 2025-Q1 or 2025: sortable, and the period part of the export's file name."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}-Q{self.index}"
        return str(self.year)

    def shifted(self, step: int) -> Period:
        """The period `step` periods later (negative: earlier), of the same kind."""
        n = _PER_YEAR[self.kind]
        position = self.year * n + self.index - 1 + step
        return Period(kind=self.kind, year=position // n, index=position % n + 1)

    @classmethod
    def containing(cls, kind: PeriodKind, day: dt.date) -> Period:
        return cls(kind=kind, year=day.year, index=(day.month - 1) // (12 // _PER_YEAR[kind]) + 1)


def periods_of_year(kind: PeriodKind, year: int, today: dt.date) -> tuple[Period, ...]:
    """The year's periods of `kind` that have begun by `today`."""
    every = (Period(kind=kind, year=year, index=i) for i in range(1, _PER_YEAR[kind] + 1))
    return tuple(p for p in every if p.start <= today)


class TeamSpan(msgspec.Struct, frozen=True, kw_only=True):
    """A contract with the team asked for: the resident is in the team on the days start..end."""

    resident_id: int
    start: dt.date
    end: dt.date


class SeriesPoint(msgspec.Struct, frozen=True, kw_only=True):
    period: Period
    report: IndicatorReport


class IndicatorSeries(msgspec.Struct, frozen=True, kw_only=True):
    """`getIndicatorSeries`: the year's periods of one kind, oldest first, for the site, a team or a doctor."""

    kind: PeriodKind
    year: int
    team_id: int | None
    doctor_id: int | None
    scope_name: str  # the site's, the team's or the doctor's name, for headings and the export
    points: tuple[SeriesPoint, ...]


def summarise_periods(
    records: Iterable[FollowupRecord], periods: Sequence[Period], today: dt.date
) -> list[dict[tuple[int, Condition], PeriodSummary]]:
    """flows.rules.indicators.summarise_period for every period at once: each record is looked at once.

    `periods` are consecutive, oldest first. Of one day, the later record in the input is the later.
    """
    starts = [p.start for p in periods]
    last_day = min(periods[-1].end, today) if periods else today
    f2f: list[dict[tuple[int, Condition], int]] = [{} for _ in periods]
    latest: list[dict[tuple[int, Condition], FollowupRecord]] = [{} for _ in periods]
    for r in records:
        i = bisect.bisect_right(starts, r.done_on) - 1
        if i < 0 or r.done_on > last_day:
            continue
        key = (r.resident_id, r.condition)
        f2f[i][key] = f2f[i].get(key, 0) + r.face_to_face
        seen = latest[i].get(key)
        if seen is None or r.done_on >= seen.done_on:
            latest[i][key] = r
    return [
        {key: PeriodSummary(face_to_face=counts[key], latest=last) for key, last in kept.items()}
        for counts, kept in zip(f2f, latest, strict=True)
    ]


def in_team_on(spans: Iterable[TeamSpan], day: dt.date) -> frozenset[int]:
    """The residents whose contract with the team covers `day` (as db.indicators reads the team)."""
    return frozenset(s.resident_id for s in spans if s.start <= day <= s.end)


def bphs_series(
    patients: Sequence[Patient],
    records: Iterable[FollowupRecord],
    *,
    kind: PeriodKind,
    year: int,
    today: dt.date,
    team_id: int | None = None,
    team_spans: Sequence[TeamSpan] = (),
    doctor_id: int | None = None,
    scope_name: str = "",
    settings: IndicatorSettings | None = None,
) -> IndicatorSeries:
    """The four rates of each period of the year that has begun (module docstring).

    Team: the patients whose contract with `team_id` (its `team_spans`) covers the period's end (cut to
    today), as `getIndicators` reads the team at the end of the period asked.
    """
    periods = periods_of_year(kind, year, today)
    summaries = summarise_periods(records, periods, today)
    points = []
    for period, summary in zip(periods, summaries, strict=True):
        end = min(period.end, today)
        counted: Sequence[Patient] = patients
        if team_id is not None:
            members = in_team_on(team_spans, end)
            counted = [
                msgspec.structs.replace(p, team_id=team_id) for p in patients if p.resident_id in members
            ]
        report = bphs_from_summaries(
            counted,
            summary,
            start=period.start,
            end=period.end,
            today=today,
            team_id=team_id,
            doctor_id=doctor_id,
            settings=settings,
        )
        points.append(SeriesPoint(period=period, report=report))
    return IndicatorSeries(
        kind=kind,
        year=year,
        team_id=team_id,
        doctor_id=doctor_id,
        scope_name=scope_name,
        points=tuple(points),
    )
