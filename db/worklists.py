"""The doctor's worklists (flows.worklists) from the database: one indexed query per list, then the page's people.

- due today: open follow-ups with `due_date` today (follow_up.due_date index) and today's bookings not arrived
  (appointment.scheduled_for index), one row per resident, bookings by time first;
- overdue: db.indicators.overdue — its order is the rule's (CLINICAL_RULES.md §10), not repeated here —
  then the call columns and the people of the page, read by primary key.

The other three (contracts, prescriptions, referrals) are in db/worklist_expiring.py; the people of a page
and the team filter in db/worklist_people.py.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from typing import Any

from db import convert, indicators
from db.engine import Database
from db.tables import FollowUp
from db.worklist_people import PEOPLE, Row, at, conditions_of, in_team, marks, member, people, who
from flows.model import Condition
from flows.rules.indicators import IndicatorSettings, OverdueItem
from flows.worklists import DueTodayItem, DueTodayPage, OverdueEntry, OverduePage, call_state

# --- due today ------------------------------------------------------------------------------------------


async def due_today(
    db: Database, *, today: dt.date, tz: str, team_id: int | None, limit: int, offset: int
) -> DueTodayPage:
    zone = zoneinfo.ZoneInfo(tz)
    team_f, team_f_args = in_team("f.resident", team_id, today)
    follow_ups = await FollowUp.raw(
        "SELECT f.id, f.resident, f.condition FROM follow_up f WHERE f.due_date = {} AND f.done_at IS NULL "
        f"AND (f.call_outcome IS NULL OR f.call_outcome <> 'removed'){team_f} ORDER BY f.resident, f.id",
        today,
        *team_f_args,
    )
    team_a, team_a_args = "", []
    if team_id is not None:  # a booking made for the team counts too, signed or not
        team_a, team_a_args = f" AND (a.team = {{}} OR {member('a.resident')})", [team_id] * 2 + [today] * 2
    bookings = await FollowUp.raw(
        "SELECT a.id, a.resident, a.purpose, a.scheduled_for FROM appointment a WHERE a.scheduled_for >= {} "
        f"AND a.scheduled_for < {{}} AND a.status = 'booked'{team_a} ORDER BY a.scheduled_for, a.id",
        convert.day_start(today, zone),
        convert.day_start(today + dt.timedelta(days=1), zone),
        *team_a_args,
    )
    order: list[int] = []  # residents: bookings by time, then follow-ups only by resident id
    booked: dict[int, Row] = {}
    for b in bookings:
        if b["resident"] not in booked:
            booked[b["resident"]] = b
            order.append(b["resident"])
    due: dict[int, list[Row]] = defaultdict(list)
    for f in follow_ups:
        due[f["resident"]].append(f)
    order += [rid for rid in due if rid not in booked]
    page = order[offset : offset + limit]
    found = await people(page)
    last = await _last_values(page)
    items = []
    for rid in page:
        b = booked.get(rid)
        values = last.get(rid, {})
        items.append(
            DueTodayItem(
                resident=found[rid],
                follow_up_ids=tuple(f["id"] for f in due.get(rid, [])),
                follow_up_conditions=tuple(Condition(f["condition"]) for f in due.get(rid, [])),
                appointment_id=b["id"] if b else None,
                scheduled_for=convert.timestamp(b["scheduled_for"]) if b else None,
                purpose=b["purpose"] if b else None,
                last_sbp=_int(values.get("sbp")),
                last_dbp=_int(values.get("dbp")),
                last_bp_at=at(values.get("sbp_at")),
                last_fpg=values.get("fpg"),
                last_fpg_at=at(values.get("fpg_at")),
            )
        )
    return DueTodayPage(total=len(order), items=tuple(items))


def _int(value: Any) -> int | None:
    return None if value is None else round(value)


async def _last_values(ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each resident's latest SBP, DBP and FPG observations (observation_resident_code_at, newest first)."""
    if not ids:
        return {}
    picks = []
    for code in ("sbp", "dbp", "fpg"):
        newest = (
            f"FROM observation o WHERE o.resident = r.id AND o.code = '{code}' "
            "ORDER BY o.observed_at DESC, o.id DESC LIMIT 1"
        )
        picks.append(f"(SELECT o.value {newest}) AS {code}, (SELECT o.observed_at {newest}) AS {code}_at")
    rows = await FollowUp.raw(
        f"SELECT r.id AS rid, {', '.join(picks)} FROM resident r WHERE r.id IN ({marks(len(ids))})", *ids
    )
    return {row["rid"]: row for row in rows}


# --- overdue --------------------------------------------------------------------------------------------


async def overdue(
    db: Database,
    *,
    today: dt.date,
    tz: str,
    team_id: int | None,
    limit: int,
    offset: int,
    settings: IndicatorSettings | None = None,
) -> OverduePage:
    """db.indicators.overdue (its order; call later hidden until the day, removed left off), paged."""
    every = await indicators.overdue(db, today=today, team_id=team_id, limit=None, tz=tz, settings=settings)
    page = every[offset : offset + limit]
    ids = [i.booking_id for i in page]
    rows = (
        await FollowUp.raw(
            f"SELECT f.id, f.call_outcome, f.call_note, f.call_again_on, f.called_at, f.called_by, {PEOPLE} "
            f"FROM follow_up f JOIN resident r ON r.id = f.resident WHERE f.id IN ({marks(len(ids))})",
            *ids,
        )
        if ids
        else []
    )
    conditions = await conditions_of(r["rid"] for r in rows)
    by_id = {r["id"]: r for r in rows}
    return OverduePage(
        total=len(every), items=tuple(_overdue_entry(i, by_id[i.booking_id], conditions) for i in page)
    )


def _overdue_entry(item: OverdueItem, row: Row, conditions: dict[int, tuple[Condition, ...]]) -> OverdueEntry:
    call = None
    if row["call_outcome"]:
        call = call_state(
            row["call_outcome"],
            row["call_note"],
            call_again_on=convert.as_date(row["call_again_on"]) if row["call_again_on"] else None,
            called_at=at(row["called_at"]),
            called_by=row["called_by"],
        )
    return OverdueEntry(
        resident=who(row, conditions),
        follow_up_id=item.booking_id,
        condition=item.condition,
        due_date=item.due_date,
        days_overdue=item.days_overdue,
        high_risk=item.high_risk,
        reasons=item.reasons,
        last_sbp=item.last_sbp,
        last_dbp=item.last_dbp,
        last_bp_on=item.last_bp_on,
        last_fpg=item.last_fpg,
        last_fpg_on=item.last_fpg_on,
        clauses=item.clauses,
        call=call,
    )
