"""Today at the demo's front desk (flows.synthetic.desk), written through the stores after the township.

Kept apart from the bulk load (db/demo_load.py), whose history ends yesterday with every visit closed: this
adds today's bookings and incoming referrals, and opens the visits of those already arrived, exactly as the
desk's own requests would (db.appointments), signed by the demo nurse of each resident's team.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from typing import Final

import msgspec

from db import convert
from db.appointments import arrive, create_appointment, record_referral
from db.engine import Database
from db.tables import Resident
from flows.appointments import NewAppointment, NewReferral
from flows.model import Condition
from flows.synthetic.desk import DeskCandidate, DeskDay, plan_desk_day
from onestop.config import SiteConfig

CANDIDATES: Final = 400  # the first residents by id: enough to find each kind of referral letter
OPENS: Final = dt.time(7, 30)  # bookings were made before the desk opened
ARRIVAL_DELAY: Final = dt.timedelta(minutes=3)  # arrivals come a few minutes after their time


class DeskDayCounts(msgspec.Struct, frozen=True, kw_only=True):
    bookings: int
    arrived: int
    referrals: int


async def load_desk_day(db: Database, *, seed: int, site: SiteConfig, today: dt.date) -> DeskDayCounts:
    """Book today's residents and record the incoming referrals; deterministic for a seed on a fresh load."""
    zone = zoneinfo.ZoneInfo(site.timezone)
    plan = plan_desk_day(await _candidates(), seed=seed, today=today)
    nurses = await _nurses()
    any_nurse = min(nurses.values(), default=None)
    if any_nurse is None:
        return DeskDayCounts(bookings=0, arrived=0, referrals=0)
    booked_at = dt.datetime.combine(today, OPENS, zone)
    for r in plan.referrals:
        new = NewReferral(
            resident_id=r.resident_id,
            origin=r.origin,
            reasons=r.reasons,
            urgency=r.urgency,
            scheduled_for=dt.datetime.combine(today, r.at, zone),
            team_id=r.team_id,
        )
        actor = nurses.get(r.team_id, any_nurse)
        await record_referral(db, new, actor_id=actor, now=booked_at, tz=site.timezone)
    for b in plan.bookings:
        when = dt.datetime.combine(today, b.at, zone)
        new_booking = NewAppointment(resident_id=b.resident_id, scheduled_for=when, team_id=b.team_id)
        made = await create_appointment(db, new_booking, now=booked_at, tz=site.timezone)
        if b.arrived:
            actor = nurses.get(b.team_id, any_nurse)
            await arrive(db, made.id, actor_id=actor, now=when + ARRIVAL_DELAY, tz=site.timezone)
    return _counts(plan)


def _counts(plan: DeskDay) -> DeskDayCounts:
    return DeskDayCounts(
        bookings=len(plan.bookings),
        arrived=sum(b.arrived for b in plan.bookings),
        referrals=len(plan.referrals),
    )


async def _candidates() -> list[DeskCandidate]:
    rows = await Resident.raw(
        "SELECT r.id, r.birth_date, r.address, c.team FROM resident r "
        "LEFT JOIN contract c ON c.resident = r.id AND c.status = 'active' "
        f"ORDER BY r.id LIMIT {CANDIDATES}"
    )
    if not rows:
        return []
    ids = sorted({row["id"] for row in rows})
    marks = ", ".join("{}" for _ in ids)
    found = await Resident.raw(
        f"SELECT resident, condition FROM diagnosis WHERE status = 'confirmed' AND resident IN ({marks}) "
        "ORDER BY resident, condition",
        *ids,
    )
    conditions: dict[int, list[Condition]] = defaultdict(list)
    for row in found:
        conditions[row["resident"]].append(Condition(row["condition"]))
    seen: set[int] = set()
    out: list[DeskCandidate] = []
    for row in rows:
        if row["id"] in seen:  # two active contracts would list a resident twice: keep the first
            continue
        seen.add(row["id"])
        out.append(
            DeskCandidate(
                resident_id=row["id"],
                birth_date=convert.as_date(row["birth_date"]),
                address=row["address"] or "",
                team_id=row["team"],
                conditions=tuple(conditions[row["id"]]),
            )
        )
    return out


async def _nurses() -> dict[int | None, int]:
    """The demo nurse of each team (team id → staff id): they sign what the desk did this morning."""
    rows = await Resident.raw(
        "SELECT id, team FROM staff WHERE role = 'nurse' AND username LIKE 'demo-nurse-%' ORDER BY id"
    )
    return {row["team"]: row["id"] for row in rows}
