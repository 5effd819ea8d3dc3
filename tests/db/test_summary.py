"""The resident summary: household members, active contract and team, conditions, latest values, visits."""

from __future__ import annotations

import datetime as dt

from db.engine import Database
from db.households import add_member, create_household
from db.residents import resident_summary
from db.staff import create_team
from db.tables import Contract, Diagnosis, Observation
from db.visits import open_visit
from flows.model import Condition, ContractStatus, NewHousehold, Staff
from onestop.config import SiteConfig
from tests.db.conftest import register


async def test_summary_gathers_the_record(
    database: Database, site: SiteConfig, nurse: Staff, now: dt.datetime
) -> None:
    me = await register(database, site, now, 1, phone="13812345678")
    spouse = await register(database, site, now, 2, name="李四")
    home = await create_household(database, NewHousehold(address="东街"), now=now)
    await add_member(database, home.id, me.id)
    await add_member(database, home.id, spouse.id)
    team = await create_team(database, name="第一团队", room="101")
    year_ago = now.date() - dt.timedelta(days=365)
    for status, start in ((ContractStatus.EXPIRED, year_ago), (ContractStatus.ACTIVE, now.date())):
        await Contract.insert(
            Contract(
                resident=me.id,
                team=team.id,
                package="basic",
                start_date=start,
                end_date=start + dt.timedelta(days=365),
                status=status.value,
                created_at=now,
            )
        )
    for condition, diagnosis_status in (
        ("diabetes", "confirmed"),
        ("hypertension", "confirmed"),
        ("copd", "suspected"),
    ):
        await Diagnosis.insert(
            Diagnosis(
                resident=me.id, condition=condition, icd10="X", status=diagnosis_status, diagnosed_at=now
            )
        )
    for days, sbp in ((30, 150.0), (1, 138.0)):
        await Observation.insert(
            Observation(
                resident=me.id,
                code="sbp",
                value=sbp,
                unit="mmHg",
                source="device",
                observed_at=now - dt.timedelta(days=days),
            )
        )
    await Observation.insert(
        Observation(resident=me.id, code="weight", value=70.5, unit="kg", source="manual", observed_at=now)
    )
    visit = await open_visit(database, me.id, actor_id=nurse.id, now=now, tz=site.timezone)

    summary = await resident_summary(database, me.id)
    assert summary.resident.household_id == home.id
    assert summary.household is not None
    assert summary.household.member_ids == (me.id, spouse.id)
    assert [(m.name, m.id) for m in summary.household_members] == [("李四", spouse.id)]
    assert summary.contract is not None
    assert summary.contract.status is ContractStatus.ACTIVE
    assert summary.team == team
    assert summary.conditions == (Condition.HYPERTENSION, Condition.DIABETES)
    assert {(o.code, o.value) for o in summary.latest} == {("sbp", 138.0), ("weight", 70.5)}
    assert [v.id for v in summary.recent_visits] == [visit.id]


async def test_summary_of_a_bare_record(database: Database, site: SiteConfig, now: dt.datetime) -> None:
    me = await register(database, site, now, 1)
    summary = await resident_summary(database, me.id)
    assert (summary.household, summary.household_members, summary.contract, summary.team) == (
        None,
        (),
        None,
        None,
    )
    assert (summary.conditions, summary.latest, summary.recent_visits) == ((), (), ())
