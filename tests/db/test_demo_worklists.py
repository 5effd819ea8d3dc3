"""The demo township, with its desk day and worklist rows, has entries in every worklist on its today (both
engines); the plan is the same for a seed."""

from __future__ import annotations

import datetime as dt

from db import worklist_expiring, worklists
from db.demo_desk import load_desk_day
from db.demo_load import load_township
from db.demo_worklists import load_worklists
from db.engine import Database
from flows.model import Condition
from flows.synthetic.worklists import ENDING_SOON, Managed, plan_worklists
from flows.worklists import EXPIRING_CONTRACT_DAYS, EXPIRING_PRESCRIPTION_DAYS
from onestop.config import SiteConfig

TODAY = dt.date(2025, 3, 3)


async def test_the_demo_township_has_entries_in_every_worklist(database: Database, site: SiteConfig) -> None:
    await load_township(database, residents=300, seed=42, site=site, today=TODAY)
    await load_desk_day(database, seed=42, site=site, today=TODAY)
    counts = await load_worklists(database, seed=42, site=site, today=TODAY)
    assert counts.prescriptions >= len(ENDING_SOON)
    assert counts.referrals == 3
    tz = site.timezone
    due = await worklists.due_today(database, today=TODAY, tz=tz, team_id=None, limit=50, offset=0)
    overdue = await worklists.overdue(database, today=TODAY, tz=tz, team_id=None, limit=50, offset=0)
    contracts = await worklist_expiring.contracts_expiring(
        database, today=TODAY, days=EXPIRING_CONTRACT_DAYS, team_id=None, limit=50, offset=0
    )
    drugs = await worklist_expiring.prescriptions_expiring(
        database, today=TODAY, days=EXPIRING_PRESCRIPTION_DAYS, team_id=None, limit=50, offset=0
    )
    referrals = await worklist_expiring.referrals_awaiting(
        database, today=TODAY, tz=tz, team_id=None, limit=50, offset=0
    )
    totals = {
        "due-today": due.total,
        "overdue": overdue.total,
        "contracts-expiring": contracts.total,
        "prescriptions-expiring": drugs.total,
        "referrals-awaiting": referrals.total,
    }
    assert all(totals.values()), totals
    assert {i.days_left for i in drugs.items} >= set(ENDING_SOON)
    assert [r.days_since for r in referrals.items] == [12, 6, 2]  # oldest first
    assert all(0 <= c.days_left <= EXPIRING_CONTRACT_DAYS for c in contracts.items)
    assert all(i.days_overdue > 0 for i in overdue.items)
    risks = [i.high_risk for i in overdue.items]
    assert risks == sorted(risks, reverse=True)  # high risk first


def test_the_plan_is_the_same_for_a_seed() -> None:
    people = [
        Managed(
            resident_id=i, conditions=(Condition.HYPERTENSION, Condition.DIABETES)[: 1 + i % 2], team_id=1
        )
        for i in range(1, 60)
    ]
    plan = plan_worklists(people, seed=1, today=TODAY)
    assert plan == plan_worklists(people, seed=1, today=TODAY)
    assert plan != plan_worklists(people, seed=2, today=TODAY)
    assert [(p.end_date - TODAY).days for p in plan.prescriptions[:3]] == list(ENDING_SOON)
    assert all(p.start_date <= TODAY < p.end_date for p in plan.prescriptions)
    assert len({r.resident_id for r in plan.referrals}) == 3
    assert plan_worklists([], seed=1, today=TODAY).prescriptions == ()
