"""The demo's long-term prescriptions and open referrals up (flows.synthetic.worklists), after the desk's day.

With them every worklist of the doctor's desk has entries on the demo's today: the township already has
follow-ups due and overdue and contracts ending; db/demo_desk.py adds today's bookings. Signed by the demo
doctor of each resident's team, as the history is.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from typing import Final

import msgspec

from db import convert
from db.engine import Database, write_transaction
from db.tables import Prescription, Referral, Resident
from flows.model import Condition
from flows.synthetic.worklists import DESTINATION, Managed, plan_worklists
from onestop.config import SiteConfig

CANDIDATES: Final = 400  # the first managed patients by id: enough for every list, quick on any township
MADE_AT: Final = dt.time(10, 0)


class WorklistDemoCounts(msgspec.Struct, frozen=True, kw_only=True):
    prescriptions: int
    referrals: int


async def load_worklists(db: Database, *, seed: int, site: SiteConfig, today: dt.date) -> WorklistDemoCounts:
    """Write the planned prescriptions and referrals in one transaction; deterministic for a seed."""
    zone = zoneinfo.ZoneInfo(site.timezone)
    plan = plan_worklists(await _managed(today), seed=seed, today=today)
    doctors = await _doctors()
    any_doctor = min(doctors.values(), default=None)
    async with write_transaction(db):
        if plan.prescriptions:
            await Prescription.insert(
                *(
                    Prescription(
                        resident=p.resident_id,
                        drug=p.drug,
                        dose=p.dose,
                        frequency=p.frequency,
                        long_term=True,
                        start_date=p.start_date,
                        end_date=p.end_date,
                        prescribed_by=doctors.get(p.team_id, any_doctor),
                        created_at=convert.utc(dt.datetime.combine(p.start_date, MADE_AT, zone)),
                    )
                    for p in plan.prescriptions
                )
            )
        for r in plan.referrals:
            await Referral.insert(
                Referral(
                    resident=r.resident_id,
                    direction=r.direction.value,
                    urgency=r.urgency.value,
                    reasons=r.reasons,
                    destination=DESTINATION,
                    department=r.department,
                    status="open",
                    created_at=convert.utc(dt.datetime.combine(r.made_on, MADE_AT, zone)),
                    created_by=doctors.get(r.team_id, any_doctor),
                )
            )
    return WorklistDemoCounts(prescriptions=len(plan.prescriptions), referrals=len(plan.referrals))


async def _managed(today: dt.date) -> list[Managed]:
    """The first managed hypertension and diabetes patients by id, with the team of their contract today."""
    rows = await Resident.raw(
        "SELECT resident, condition FROM diagnosis WHERE status = 'confirmed' "
        "AND condition IN ('hypertension', 'diabetes') ORDER BY resident, condition"
    )
    conditions: dict[int, list[Condition]] = defaultdict(list)
    for row in rows:
        if len(conditions) == CANDIDATES and row["resident"] not in conditions:
            break
        conditions[row["resident"]].append(Condition(row["condition"]))
    if not conditions:
        return []
    ids = sorted(conditions)
    marks = ", ".join("{}" for _ in ids)
    teams = await Resident.raw(
        f"SELECT resident, team FROM contract WHERE resident IN ({marks}) AND start_date <= {{}} "
        "AND end_date >= {} AND status <> 'terminated' ORDER BY resident, start_date",
        *ids,
        today,
        today,
    )
    team_of = {row["resident"]: row["team"] for row in teams}
    return [Managed(resident_id=i, conditions=tuple(conditions[i]), team_id=team_of.get(i)) for i in ids]


async def _doctors() -> dict[int | None, int]:
    """The demo doctor of each team (team id → staff id)."""
    rows = await Resident.raw(
        "SELECT id, team FROM staff WHERE role = 'doctor' AND username LIKE 'demo-doctor-%' ORDER BY id"
    )
    return {row["team"]: row["id"] for row in rows}
