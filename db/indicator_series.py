"""The year's rates period by period (flows.indicator_series) from the database: three reads, one pass.

- patients: confirmed hypertension/diabetes diagnoses before the last period's end (as db.indicators);
- the year's done follow-ups of both conditions so far, oldest first, on follow_up_condition_done (condition,
  done_at): one range scan, whatever the number of periods — not one whole computation per month;
- with a team: the team's contracts (not terminated) overlapping the year, on contract's team index.
Dates are the site's local dates: the scan's bounds are the UTC instants of local midnights, and each
follow-up's local day is found among the period's local midnights (a bisection, not a time-zone
conversion per row).
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import zoneinfo
from collections.abc import Awaitable
from typing import Any

from db import convert
from db import indicators as db_ind
from db.engine import Database
from db.indicators import (
    _CONDITION,
    DEFAULT_TZ,
    FACE_TO_FACE,
    _conditions,
    _latest_records,
    _marks,
    _patient_rows,
    _plain,
    _reading,
    _up_to,
)
from db.tables import FamilyDoctorTeam, FollowUp, Staff
from flows.errors import InvalidInput
from flows.indicator_board import IndicatorBoard, indicator_board, records_since
from flows.indicator_series import IndicatorSeries, PeriodKind, TeamSpan, bphs_series, periods_of_year
from flows.rules.indicators import FollowupRecord, IndicatorSettings, Patient


async def series(
    db: Database,
    *,
    kind: PeriodKind,
    year: int,
    today: dt.date,
    team_id: int | None = None,
    doctor_id: int | None = None,
    site_name: str = "",
    tz: str = DEFAULT_TZ,
    settings: IndicatorSettings | None = None,
) -> IndicatorSeries:
    """Every begun period of `kind` in `year`; an unknown team or doctor is refused naming its field."""
    zone = zoneinfo.ZoneInfo(tz)
    periods = periods_of_year(kind, year, today)
    patients: list[Patient] = []
    records: list[FollowupRecord] = []
    spans: list[TeamSpan] = []
    async with _reading(db):
        name = await scope_name(team_id, doctor_id, site_name)
        if periods:
            first, last = periods[0].start, min(periods[-1].end, today)
            before = convert.day_start(last + dt.timedelta(days=1), zone)
            patients = await _patients(db, before, zone)
            records = await _records(db, first, last, zone)
            if team_id is not None:
                spans = await _team_spans(team_id, first, last)
    return bphs_series(
        patients,
        records,
        kind=kind,
        year=year,
        today=today,
        team_id=team_id,
        team_spans=spans,
        doctor_id=doctor_id,
        scope_name=name,
        settings=settings,
    )


async def board(
    db: Database,
    *,
    year: int,
    today: dt.date,
    team_id: int | None = None,
    doctor_id: int | None = None,
    site_name: str = "",
    tz: str = DEFAULT_TZ,
    settings: IndicatorSettings | None = None,
) -> IndicatorBoard:
    """flows.indicator_board from one read of the follow-ups since `records_since` (and, for a doctor, each
    patient's latest follow-up before that: whose it was decides whether a lost patient is the doctor's)."""
    zone = zoneinfo.ZoneInfo(tz)
    first = records_since(year, today, settings)
    before_first = first - dt.timedelta(days=1)
    async with _reading(db):
        name = await scope_name(team_id, doctor_id, site_name)
        patients, records, earlier, spans, overdue = await _side_by_side(
            db,
            _patients(db, convert.day_start(today + dt.timedelta(days=1), zone), zone),
            _records(db, first, today, zone),
            _latest_before(db, before_first, zone) if doctor_id is not None else _nothing(),
            _team_spans(team_id, first, today) if team_id is not None else _nothing(),
            db_ind.overdue(db, today=today, team_id=team_id, limit=None, tz=tz, settings=settings),
        )
    return indicator_board(
        patients,
        earlier + records,
        year=year,
        today=today,
        overdue=len(overdue),
        overdue_high_risk=sum(i.high_risk for i in overdue),
        team_id=team_id,
        team_spans=spans,
        doctor_id=doctor_id,
        scope_name=name,
        settings=settings,
    )


async def _side_by_side(db: Database, *reads: Awaitable[Any]) -> list[Any]:
    """The reads at once on SQLite (each on its own reader connection and thread: the waits on the disk
    overlap); one after another on PostgreSQL, where they share the reading transaction's connection."""
    if db.kind == "sqlite":
        return list(await asyncio.gather(*reads))
    return [await read for read in reads]


async def _nothing() -> list[Any]:
    return []


async def _latest_before(db: Database, day: dt.date, zone: zoneinfo.ZoneInfo) -> list[FollowupRecord]:
    """Each patient's latest follow-up up to `day` (db.indicators' per-patient lookup)."""
    rows = await _patient_rows(db, _conditions(None), [_up_to(day, zone)])
    return _latest_records(rows, zone, "h")


async def scope_name(team_id: int | None, doctor_id: int | None, site_name: str) -> str:
    """The doctor's display name, else the team's name, else the site's."""
    name = site_name
    if team_id is not None:
        team = (
            await FamilyDoctorTeam.select(FamilyDoctorTeam.name).where(FamilyDoctorTeam.id == team_id).first()
        )
        if team is None:
            raise InvalidInput(f"no family doctor team {team_id}", field="team_id")
        name = str(team["name"])
    if doctor_id is not None:
        doctor = await Staff.select(Staff.display_name).where(Staff.id == doctor_id).first()
        if doctor is None:
            raise InvalidInput(f"no staff member {doctor_id}", field="doctor_id")
        name = str(doctor["display_name"])
    return name


async def _patients(db: Database, before: dt.datetime, zone: zoneinfo.ZoneInfo) -> list[Patient]:
    conditions = _conditions(None)
    rows = await FollowUp.raw(
        f"SELECT {_plain(db, 'p.resident', 'int')} AS resident, p.condition, p.registered_at, "
        f"{_plain(db, 'r.birth_date', 'text')} AS birth_date FROM ("
        "SELECT resident, condition, MIN(diagnosed_at) AS registered_at FROM diagnosis "
        f"WHERE condition IN ({_marks(len(conditions))}) AND status = 'confirmed' AND diagnosed_at < {{}} "
        "GROUP BY resident, condition) p JOIN resident r ON r.id = p.resident",
        *conditions,
        before,
    )
    return [
        Patient(
            resident_id=row["resident"],
            condition=_CONDITION[row["condition"]],
            birth_date=convert.as_date(row["birth_date"]),
            registered_on=convert.local_date(row["registered_at"], zone),
        )
        for row in rows
    ]


async def _records(
    db: Database, first: dt.date, last: dt.date, zone: zoneinfo.ZoneInfo
) -> list[FollowupRecord]:
    """The done follow-ups of the local days first..last, oldest first (two of one instant: by id)."""
    conditions = _conditions(None)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    midnights = [convert.day_start(day, zone) for day in days]  # midnights[i]: the instant days[i] begins
    since, before = midnights[0], convert.day_start(last + dt.timedelta(days=1), zone)
    rows = await FollowUp.raw(
        f"SELECT {_plain(db, 'resident', 'int')} AS resident, condition, "
        f"{_plain(db, 'done_at', 'text')} AS done_at, mode, {_plain(db, 'sbp', 'int')} AS sbp, "
        f"{_plain(db, 'dbp', 'int')} AS dbp, fpg, {_plain(db, 'staff', 'int')} AS staff FROM follow_up "
        f"WHERE condition IN ({_marks(len(conditions))}) AND done_at >= {{}} AND done_at < {{}} "
        "ORDER BY done_at, id",
        *conditions,
        since,
        before,
    )
    # SQLite gives the UTC text: compared as text with the midnights written the same way (to the second).
    texts = [m.strftime("%Y-%m-%d %H:%M:%S") for m in midnights]
    out = []
    for row in rows:
        done_at = row["done_at"]
        if isinstance(done_at, str):
            i = bisect.bisect_right(texts, done_at[:19]) - 1
        else:
            i = bisect.bisect_right(midnights, done_at) - 1
        out.append(
            FollowupRecord(
                resident_id=row["resident"],
                condition=_CONDITION[row["condition"]],
                done_on=days[i],
                face_to_face=row["mode"] in FACE_TO_FACE,
                sbp=row["sbp"],
                dbp=row["dbp"],
                fpg=row["fpg"],
                staff_id=row["staff"],
            )
        )
    return out


async def _team_spans(team_id: int, first: dt.date, last: dt.date) -> list[TeamSpan]:
    rows = await FollowUp.raw(
        "SELECT resident, start_date, end_date FROM contract WHERE team = {} AND start_date <= {} "
        "AND end_date >= {} AND status <> 'terminated'",
        team_id,
        last,
        first,
    )
    return [
        TeamSpan(
            resident_id=row["resident"],
            start=convert.as_date(row["start_date"]),
            end=convert.as_date(row["end_date"]),
        )
        for row in rows
    ]
