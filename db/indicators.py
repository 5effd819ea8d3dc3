"""Work indicators (CLINICAL_RULES.md §10) from the database: read what flows.rules.indicators needs, let it count.

One query per answer, one row per patient (or per overdue booking), every lookup on an index of the
follow-up migration:
- patients: confirmed hypertension/diabetes diagnoses (diagnosis_condition_status), registered on the local
  date of the first one, with their birth date;
- per patient and window (`_Window`), the latest follow-up of its condition in the window — a correlated
  lookup on follow_up_resident_condition_done, newest first (SQLite reads only the index for it), a LATERAL
  join on PostgreSQL — and, for the BPHS period, the count of its face-to-face follow-ups: together exactly
  flows.rules.indicators.summarise_period (PostgreSQL does the period in one sorted pass instead);
- overdue: the open bookings past due (follow_up_open_due, partial), each resident's latest follow-up that
  measured a BP and latest that measured an FPG, and whether a prior heart attack or stroke is on record
  (ICD-10 prefixes of flows.rules.indicators.PRIOR_CVD_ICD10); a booking whose call ended `removed` is left off,
  one to `call_later` until its `call_again_on`;
- a team filter reads the contracts covering the date asked (not terminated).
`dashboard` gives the rates, both cohorts and the overdue list with the patients read once.
Dates are the site's local dates (`tz`): timestamps are compared with the UTC instants of local midnights.
On PostgreSQL the reads run in one transaction with JIT off: the planner over-estimates the per-patient
lookups, and compiling them took longer than running them (0.6 s for the overdue list).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import zoneinfo
from collections.abc import AsyncIterator, Mapping
from typing import Any, Final, NamedTuple

from db import convert
from db.engine import Database
from db.tables import FollowUp
from flows.model import Condition
from flows.rules import indicators as rules
from flows.rules.indicators import (
    Booking,
    CohortReport,
    FollowupRecord,
    IndicatorDashboard,
    IndicatorReport,
    IndicatorSettings,
    OverdueItem,
    Patient,
    PeriodSummary,
)

DEFAULT_TZ: Final = "Asia/Shanghai"
FACE_TO_FACE: Final = ("clinic", "home")  # follow_up.mode values that are face to face
_F2F = "mode IN ({})".format(", ".join(f"'{m}'" for m in FACE_TO_FACE))
Row = convert.Row
# Which follow-up is the latest: by time, then by id (two of one instant: the one written later).
_NEWEST: Final = "done_at DESC, id DESC"
_CONDITION: Final = {c.value: c for c in Condition}


async def indicators(
    db: Database,
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    condition: Condition | None = None,
    team_id: int | None = None,
    doctor_id: int | None = None,
    tz: str = DEFAULT_TZ,
    settings: IndicatorSettings | None = None,
) -> IndicatorReport:
    """The BPHS-2017 rates for start..end (cut to today): all four, or the two of `condition`."""
    zone = zoneinfo.ZoneInfo(tz)
    until = min(end, today)
    async with _reading(db):
        rows = await _patient_rows(db, _conditions(condition), [_period(start, until, zone)])
        teams = await _teams(until, team_id)
    return rules.bphs_from_summaries(
        _patients(rows, zone, teams),
        _summaries(rows, zone),
        start=start,
        end=end,
        today=today,
        condition=condition,
        team_id=team_id,
        doctor_id=doctor_id,
        settings=settings,
    )


async def hearts_cohort(
    db: Database,
    *,
    at: dt.date,
    condition: Condition = Condition.HYPERTENSION,
    team_id: int | None = None,
    doctor_id: int | None = None,
    tz: str = DEFAULT_TZ,
    settings: IndicatorSettings | None = None,
) -> CohortReport:
    """The HEARTS-style cohort of `condition` at the end of the local day `at`."""
    zone = zoneinfo.ZoneInfo(tz)
    async with _reading(db):
        rows = await _patient_rows(db, (condition.value,), [_up_to(at, zone)])
        teams = await _teams(at, team_id)
    return rules.hearts_cohort(
        _patients(rows, zone, teams),
        _latest_records(rows, zone, "h"),
        at=at,
        condition=condition,
        team_id=team_id,
        doctor_id=doctor_id,
        settings=settings,
    )


async def dashboard(
    db: Database,
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    team_id: int | None = None,
    doctor_id: int | None = None,
    limit: int | None = 100,
    tz: str = DEFAULT_TZ,
    settings: IndicatorSettings | None = None,
) -> IndicatorDashboard:
    """The indicators screen at once: the BPHS rates of start..end, both cohorts and the overdue list today.

    The same answers as `indicators`, `hearts_cohort` (at today) and `overdue`, with the patients read once.
    """
    zone = zoneinfo.ZoneInfo(tz)
    until = min(end, today)
    conditions = _conditions(None)
    async with _reading(db):
        rows = await _patient_rows(db, conditions, [_period(start, until, zone), _up_to(today, zone)])
        teams_then = await _teams(until, team_id)
        # The rates take the teams at the period's end, the cohorts and the list today: mostly the same day.
        teams_now = teams_then if until == today else await _teams(today, team_id)
        bookings, overdue_records, prior = await _overdue(db, conditions, today, zone)
    patients = _patients(rows, zone, teams_then)
    now = patients if teams_now == teams_then else _patients(rows, zone, teams_now)
    records = _latest_records(rows, zone, "h")
    cohorts = {
        c: rules.hearts_cohort(
            now, records, at=today, condition=c, team_id=team_id, doctor_id=doctor_id, settings=settings
        )
        for c in rules.MANAGED
    }
    return IndicatorDashboard(
        rates=rules.bphs_from_summaries(
            patients,
            _summaries(rows, zone),
            start=start,
            end=end,
            today=today,
            team_id=team_id,
            doctor_id=doctor_id,
            settings=settings,
        ),
        hypertension=cohorts[Condition.HYPERTENSION],
        diabetes=cohorts[Condition.DIABETES],
        overdue=rules.overdue_list(
            bookings,
            overdue_records,
            today=today,
            teams=teams_now,
            prior_mi_or_stroke=prior,
            team_id=team_id,
            limit=limit,
            settings=settings,
        ),
    )


async def overdue(
    db: Database,
    *,
    today: dt.date,
    condition: Condition | None = None,
    team_id: int | None = None,
    limit: int | None = 100,
    tz: str = DEFAULT_TZ,
    settings: IndicatorSettings | None = None,
) -> tuple[OverdueItem, ...]:
    """Open bookings due before today, high risk first, then by days overdue (flows.rules.indicators)."""
    zone = zoneinfo.ZoneInfo(tz)
    async with _reading(db):
        bookings, records, prior = await _overdue(db, _conditions(condition), today, zone)
        teams = await _teams(today, team_id)
    return rules.overdue_list(
        bookings,
        records,
        today=today,
        teams=teams,
        prior_mi_or_stroke=prior,
        condition=condition,
        team_id=team_id,
        limit=limit,
        settings=settings,
    )


async def _overdue(
    db: Database, conditions: tuple[str, ...], today: dt.date, zone: zoneinfo.ZoneInfo
) -> tuple[list[Booking], list[FollowupRecord], set[int]]:
    """The open bookings past due, each resident's latest measured BP and FPG, residents with a prior event."""
    before = convert.day_start(today + dt.timedelta(days=1), zone)
    prior = " OR ".join("d.icd10 LIKE {}" for _ in rules.PRIOR_CVD_ICD10)
    sql = (
        f"SELECT {_plain(db, 'b.id', 'int')} AS id, {_plain(db, 'b.resident', 'int')} AS resident, "
        f"b.condition AS booked, {_plain(db, 'b.due_date', 'text')} AS due_date, "
        f"{_columns(db, 'v')}, {_columns(db, 'w')}, "
        "EXISTS (SELECT 1 FROM diagnosis d WHERE d.resident = b.resident AND d.status = 'confirmed' "
        f"AND ({prior})) AS had_cvd FROM follow_up b "
        + _latest_join(db, "v", "b.resident", "g.done_at < {} AND g.sbp IS NOT NULL AND g.dbp IS NOT NULL")
        + _latest_join(db, "w", "b.resident", "g.done_at < {} AND g.fpg IS NOT NULL")
        + f" WHERE b.done_at IS NULL AND b.condition IN ({_marks(len(conditions))}) AND b.due_date < {{}} "
        # A call outcome (flows.worklists): `removed` leaves the list, `call_later` until its day comes.
        "AND (b.call_outcome IS NULL OR (b.call_outcome <> 'removed' AND (b.call_outcome <> 'call_later' "
        "OR b.call_again_on IS NULL OR b.call_again_on <= {})))"
    )
    rows = await FollowUp.raw(
        sql, *(f"{p}%" for p in rules.PRIOR_CVD_ICD10), before, before, *conditions, today, today
    )
    bookings, records, prior_ids = [], [], set()
    for row in rows:
        rid = row["resident"]
        bookings.append(
            Booking(
                id=row["id"],
                resident_id=rid,
                condition=_CONDITION[row["booked"]],
                due_date=convert.as_date(row["due_date"]),
            )
        )
        for alias in ("v", "w"):
            record = _latest(row, zone, alias)
            if record is not None:
                records.append(record)
        if convert.as_bool(row["had_cvd"]):
            prior_ids.add(rid)
    return bookings, records, prior_ids


# --- SQL ----------------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _reading(db: Database) -> AsyncIterator[None]:
    if db.kind != "postgres":
        yield  # SQLite: plain reads, no transaction (a transaction here takes the writer)
        return
    async with db.engine.transaction():
        await FollowUp.raw("SET LOCAL jit = off")
        yield


def _conditions(condition: Condition | None) -> tuple[str, ...]:
    return tuple(c.value for c in rules.MANAGED) if condition is None else (condition.value,)


def _marks(n: int) -> str:
    return ", ".join("{}" for _ in range(n))


# How each value column is read: ints and timestamps through `_plain` (see there).
_KINDS: Final = {
    "condition": "",
    "done_at": "text",
    "mode": "",
    "sbp": "int",
    "dbp": "int",
    "fpg": "",
    "staff": "int",
}


def _plain(db: Database, expr: str, kind: str) -> str:
    """On SQLite an expression has no declared type, so Piccolo's converters (a Python call per value in the
    reader thread, most of the time these reads took) are skipped; the few values used are converted here."""
    if db.kind != "sqlite" or not kind:
        return expr
    return f"({expr} + 0)" if kind == "int" else f"({expr} || '')"


def _columns(db: Database, alias: str) -> str:
    return ", ".join(f"{_plain(db, f'{alias}.{c}', kind)} AS {alias}_{c}" for c, kind in _KINDS.items())


def _latest_join(db: Database, alias: str, resident: str, where: str) -> str:
    """`alias`: the resident's newest follow-up (by done_at, then id) that meets `where` (on alias g)."""
    newest = f"FROM follow_up g WHERE g.resident = {resident} AND {where} ORDER BY {_NEWEST} LIMIT 1"
    if db.kind == "postgres":
        return f" LEFT JOIN LATERAL (SELECT g.id, {', '.join(_KINDS)} {newest}) {alias} ON true"
    # SQLite finds the id in the (resident, condition, done_at) index alone, then reads that one row.
    return f" LEFT JOIN follow_up {alias} ON {alias}.id = (SELECT g.id {newest})"


class _Window(NamedTuple):
    """A latest-follow-up lookup per patient: `alias` columns, `where` on alias g with its arguments; with
    `with_count`, also `<alias>_f2f` = the face-to-face follow-ups meeting `where`."""

    alias: str
    where: str
    args: list[Any]
    with_count: bool = False


def _period(start: dt.date, until: dt.date, zone: zoneinfo.ZoneInfo) -> _Window:
    since, before = convert.day_start(start, zone), convert.day_start(until + dt.timedelta(days=1), zone)
    return _Window("f", "g.done_at >= {} AND g.done_at < {}", [since, before], with_count=True)


def _up_to(at: dt.date, zone: zoneinfo.ZoneInfo) -> _Window:
    return _Window("h", "g.done_at < {}", [convert.day_start(at + dt.timedelta(days=1), zone)])


async def _patient_rows(db: Database, conditions: tuple[str, ...], windows: list[_Window]) -> list[Row]:
    """One row per patient of `conditions` (first confirmed diagnosis before the latest window's end), its
    birth date, and per window the latest follow-up of its condition in it (and the face-to-face count)."""
    before = max(w.args[-1] for w in windows)
    patients = (
        "SELECT resident, condition, MIN(diagnosed_at) AS registered_at FROM diagnosis "
        f"WHERE condition IN ({_marks(len(conditions))}) AND status = 'confirmed' AND diagnosed_at < {{}} "
        "GROUP BY resident, condition"
    )
    select = [
        f"{_plain(db, 'p.resident', 'int')} AS resident, p.condition, p.registered_at, "
        f"{_plain(db, 'r.birth_date', 'text')} AS birth_date"
    ]
    select_args: list[Any] = []
    joins: list[str] = []
    join_args: list[Any] = []
    for w in windows:
        select.append(_columns(db, w.alias))
        if w.with_count and db.kind == "postgres":
            # The whole period in one pass (one sort) beats a lookup per patient here: the newest row of each
            # patient with the count of its face-to-face rows over the same window.
            newest = (
                f"SELECT DISTINCT ON (resident, condition) resident, {', '.join(_KINDS)}, "
                f"COUNT(*) FILTER (WHERE {_F2F}) OVER w AS f2f FROM follow_up g "
                f"WHERE condition IN ({_marks(len(conditions))}) AND {w.where} "
                f"WINDOW w AS (PARTITION BY resident, condition ORDER BY {_NEWEST} "
                "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) "
                f"ORDER BY resident, condition, {_NEWEST}"
            )
            select.append(f"{w.alias}.f2f AS {w.alias}_f2f")
            joins.append(
                f" LEFT JOIN ({newest}) {w.alias} "
                f"ON {w.alias}.resident = p.resident AND {w.alias}.condition = p.condition"
            )
            join_args += [*conditions, *w.args]
            continue
        if w.with_count:
            # SQLite: counted in the select list, from the (resident, condition, done_at) index and the rows.
            select.append(
                "(SELECT COUNT(*) FROM follow_up g WHERE g.resident = p.resident AND g.condition = p.condition "
                f"AND {w.where} AND g.{_F2F}) AS {w.alias}_f2f"
            )
            select_args += w.args
        joins.append(_latest_join(db, w.alias, "p.resident", f"g.condition = p.condition AND {w.where}"))
        join_args += w.args
    sql = (
        f"SELECT {', '.join(select)} FROM ({patients}) p JOIN resident r ON r.id = p.resident{''.join(joins)}"
    )
    rows: list[Row] = await FollowUp.raw(sql, *select_args, *conditions, before, *join_args)
    return rows


async def _teams(day: dt.date, team_id: int | None) -> dict[int, int | None]:
    """resident → team, for the residents whose contract covering `day` is with `team_id` (none: no filter)."""
    if team_id is None:
        return {}
    rows = await FollowUp.raw(
        "SELECT resident, team FROM contract WHERE team = {} AND start_date <= {} AND end_date >= {} "
        "AND status <> 'terminated'",
        team_id,
        day,
        day,
    )
    return {r["resident"]: r["team"] for r in rows}


# --- rows → flows structs -----------------------------------------------------------------------------


def _patients(rows: list[Row], zone: zoneinfo.ZoneInfo, teams: Mapping[int, int | None]) -> list[Patient]:
    return [
        Patient(
            resident_id=row["resident"],
            condition=_CONDITION[row["condition"]],
            birth_date=convert.as_date(row["birth_date"]),
            registered_on=convert.local_date(row["registered_at"], zone),
            team_id=teams.get(row["resident"]),
        )
        for row in rows
    ]


def _summaries(rows: list[Row], zone: zoneinfo.ZoneInfo) -> dict[tuple[int, Condition], PeriodSummary]:
    """The period window ("f") of each patient row, as flows.rules.indicators.summarise_period gives it."""
    out = {}
    for row in rows:
        latest = _latest(row, zone, "f")
        if latest is not None:
            out[(latest.resident_id, _CONDITION[row["condition"]])] = PeriodSummary(
                face_to_face=int(row["f_f2f"] or 0), latest=latest
            )
    return out


def _latest_records(rows: list[Row], zone: zoneinfo.ZoneInfo, alias: str) -> list[FollowupRecord]:
    return [record for row in rows if (record := _latest(row, zone, alias)) is not None]


def _latest(row: Row, zone: zoneinfo.ZoneInfo, alias: str) -> FollowupRecord | None:
    """The follow-up read into `alias`'s columns of the row (none found: None), for the row's resident."""
    done_at = row[f"{alias}_done_at"]
    if done_at is None:
        return None
    return FollowupRecord(
        resident_id=row["resident"],
        condition=_CONDITION[row[f"{alias}_condition"]],
        done_on=convert.local_date(done_at, zone),
        face_to_face=row[f"{alias}_mode"] in FACE_TO_FACE,
        sbp=row[f"{alias}_sbp"],
        dbp=row[f"{alias}_dbp"],
        fpg=row[f"{alias}_fpg"],
        staff_id=row[f"{alias}_staff"],
    )
