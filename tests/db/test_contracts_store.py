"""db.contracts on both engines: teams, signing (§9 one team, a year's term), renewal, stored statuses."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import pytest

from db import contracts
from db.engine import Database
from db.staff import create_team
from db.tables import Contract as ContractRow
from flows.errors import Conflict, InvalidInput, NotFound
from flows.model import Contract, ContractStatus, FamilyDoctorTeam, Staff
from flows.rules.contracts import Package
from flows.rules.settings import RulesSettings
from onestop.config import SiteConfig
from tests.db.conftest import register

TODAY = dt.date(2025, 3, 3)  # the `now` fixture's local date
D = dt.date


async def _teams(db: Database) -> tuple[FamilyDoctorTeam, FamilyDoctorTeam]:
    return (
        await create_team(db, name="第一家庭医生团队", room="全科诊室1"),
        await create_team(db, name="第二家庭医生团队", room="全科诊室2"),
    )


async def _sign(
    db: Database, resident_id: int, team_id: int, nurse: Staff, now: dt.datetime, **term: dt.date
) -> Contract:
    return await contracts.sign_contract(
        db,
        resident_id,
        team_id=team_id,
        package=Package.BASIC,
        start=term.get("start"),
        end=term.get("end"),
        actor_id=nurse.id,
        now=now,
        today=TODAY,
    )


async def _old_contract(resident_id: int, team_id: int, start: dt.date, end: dt.date, status: str) -> int:
    """A contract from before this desk existed (the API only signs from today on)."""
    rows = await ContractRow.insert(
        ContractRow(
            resident=resident_id,
            team=team_id,
            package="basic",
            start_date=start,
            end_date=end,
            status=status,
            created_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
        )
    )
    return int(rows[0]["id"])


@dataclasses.dataclass(frozen=True)
class Desk:
    db: Database
    site: SiteConfig
    now: dt.datetime
    nurse: Staff


@pytest.fixture
def desk(database: Database, site: SiteConfig, now: dt.datetime, nurse: Staff) -> Desk:
    return Desk(database, site, now, nurse)


async def test_teams_are_listed_in_set_up_order(desk: Desk) -> None:
    assert await contracts.list_teams(desk.db) == []
    first, second = await _teams(desk.db)
    assert await contracts.list_teams(desk.db) == [first, second]


async def test_sign_defaults_to_a_year_from_today(desk: Desk) -> None:
    resident = await register(desk.db, desk.site, desk.now, 1)
    team, _ = await _teams(desk.db)
    signed = await _sign(desk.db, resident.id, team.id, desk.nurse, desk.now)
    assert (signed.start_date, signed.end_date) == (TODAY, D(2026, 3, 2))
    assert (signed.team_id, signed.package, signed.status) == (team.id, "basic", ContractStatus.ACTIVE)
    assert await contracts.contracts_of(desk.db, resident.id) == [signed]
    status = await contracts.signing_status(desk.db, resident.id, today=TODAY, rules=RulesSettings())
    assert status.contract == signed
    assert status.in_force
    assert not status.renewal_due


@pytest.mark.parametrize(
    ("same_team", "field"),
    [
        pytest.param(True, "start", id="CONTRACT.renewal: the same team again while in force"),
        pytest.param(False, "team_id", id="CONTRACT.one_team: another team while in force"),
    ],
)
async def test_a_second_contract_in_force_is_refused(desk: Desk, same_team: bool, field: str) -> None:
    resident = await register(desk.db, desk.site, desk.now, 2)
    first, second = await _teams(desk.db)
    signed = await _sign(desk.db, resident.id, first.id, desk.nurse, desk.now)
    with pytest.raises(Conflict) as refused:
        await _sign(desk.db, resident.id, first.id if same_team else second.id, desk.nurse, desk.now)
    assert refused.value.field == field
    assert await contracts.contracts_of(desk.db, resident.id) == [signed], "nothing written"


@pytest.mark.parametrize(
    ("term", "error", "field"),
    [
        pytest.param({"start": D(2025, 3, 2)}, InvalidInput, "start", id="start yesterday"),
        pytest.param({"end": D(2026, 3, 1)}, InvalidInput, "end", id="CONTRACT.term: a day short of a year"),
        pytest.param(
            {"start": D(2025, 4, 1), "end": D(2025, 3, 31)}, InvalidInput, "end", id="end before start"
        ),
    ],
)
async def test_an_invalid_term_is_refused(
    desk: Desk,
    term: dict[str, dt.date],
    error: type[Exception],
    field: str,
) -> None:
    resident = await register(desk.db, desk.site, desk.now, 3)
    team, _ = await _teams(desk.db)
    with pytest.raises(error) as refused:
        await _sign(desk.db, resident.id, team.id, desk.nurse, desk.now, **term)
    assert getattr(refused.value, "field", None) == field
    assert await contracts.contracts_of(desk.db, resident.id) == []


async def test_unknown_resident_team_and_contract(desk: Desk) -> None:
    resident = await register(desk.db, desk.site, desk.now, 4)
    team, _ = await _teams(desk.db)
    with pytest.raises(NotFound) as no_team:
        await _sign(desk.db, resident.id, 999, desk.nurse, desk.now)
    assert no_team.value.field == "team_id"
    with pytest.raises(NotFound) as no_resident:
        await _sign(desk.db, 999, team.id, desk.nurse, desk.now)
    assert no_resident.value.field == "resident_id"
    with pytest.raises(NotFound) as nobody:
        await contracts.contracts_of(desk.db, 999)
    assert nobody.value.field == "resident_id"
    with pytest.raises(NotFound) as no_contract:
        await contracts.renew_contract(
            desk.db, 999, package=None, actor_id=desk.nurse.id, now=desk.now, today=TODAY
        )
    assert no_contract.value.field == "contract_id"


async def test_renewal_in_force_follows_without_a_gap(desk: Desk) -> None:
    resident = await register(desk.db, desk.site, desk.now, 5)
    team, _ = await _teams(desk.db)
    old_id = await _old_contract(resident.id, team.id, D(2024, 3, 20), D(2025, 3, 19), "active")
    old, new = await contracts.renew_contract(
        desk.db, old_id, package=Package.PERSONALISED, actor_id=desk.nurse.id, now=desk.now, today=TODAY
    )
    assert (new.start_date, new.end_date, new.team_id) == (D(2025, 3, 20), D(2026, 3, 19), team.id)
    assert new.package == "personalised"
    assert old.status is ContractStatus.ACTIVE, "it still runs to its end"
    status = await contracts.signing_status(desk.db, resident.id, today=TODAY, rules=RulesSettings())
    assert status.contract == old, "the contract covering today is still the old one"
    assert status.in_force
    with pytest.raises(Conflict) as twice:
        await contracts.renew_contract(
            desk.db, old_id, package=None, actor_id=desk.nurse.id, now=desk.now, today=TODAY
        )
    assert twice.value.field == "contract_id"
    assert len(await contracts.contracts_of(desk.db, resident.id)) == 2


async def test_a_lapsed_contract_renews_from_today_and_reads_expired(desk: Desk) -> None:
    resident = await register(desk.db, desk.site, desk.now, 6)
    team, _ = await _teams(desk.db)
    old_id = await _old_contract(resident.id, team.id, D(2023, 6, 1), D(2024, 5, 31), "active")
    before = await contracts.signing_status(desk.db, resident.id, today=TODAY, rules=RulesSettings())
    assert before.contract is not None
    assert before.contract.id == old_id
    assert not before.in_force
    old, new = await contracts.renew_contract(
        desk.db, old_id, package=None, actor_id=desk.nurse.id, now=desk.now, today=TODAY
    )
    assert (new.start_date, new.end_date, new.package) == (TODAY, D(2026, 3, 2), "basic")
    assert old.status is ContractStatus.EXPIRED
    after = await contracts.signing_status(desk.db, resident.id, today=TODAY, rules=RulesSettings())
    assert after.contract == new
    assert after.in_force


async def test_signing_after_a_lapse_marks_the_old_contract_expired(desk: Desk) -> None:
    resident = await register(desk.db, desk.site, desk.now, 7)
    first, second = await _teams(desk.db)
    old_id = await _old_contract(resident.id, first.id, D(2023, 6, 1), D(2024, 5, 31), "active")
    signed = await _sign(desk.db, resident.id, second.id, desk.nurse, desk.now)
    listed = await contracts.contracts_of(desk.db, resident.id)
    assert [(c.id, c.status) for c in listed] == [
        (signed.id, ContractStatus.ACTIVE),
        (old_id, ContractStatus.EXPIRED),
    ]


async def test_a_terminated_contract_is_not_renewed_and_frees_the_resident(desk: Desk) -> None:
    resident = await register(desk.db, desk.site, desk.now, 8)
    first, second = await _teams(desk.db)
    ended = await _old_contract(resident.id, first.id, D(2025, 1, 1), D(2025, 12, 31), "terminated")
    with pytest.raises(Conflict) as refused:
        await contracts.renew_contract(
            desk.db, ended, package=None, actor_id=desk.nurse.id, now=desk.now, today=TODAY
        )
    assert refused.value.field == "contract_id"
    signed = await _sign(desk.db, resident.id, second.id, desk.nurse, desk.now)
    assert signed.team_id == second.id
    status = await contracts.signing_status(desk.db, resident.id, today=TODAY, rules=RulesSettings())
    assert status.contract == signed


async def test_desks_signing_at_once_leave_one_contract(desk: Desk) -> None:
    """The resident's row is held while the clash is checked: each later desk sees the first one's contract
    (without the lock, PostgreSQL lets several of eight concurrent signings through)."""
    resident = await register(desk.db, desk.site, desk.now, 9)
    teams = [await create_team(desk.db, name=f"团队{i}", room=f"诊室{i}") for i in range(8)]
    results = await asyncio.gather(
        *(_sign(desk.db, resident.id, team.id, desk.nurse, desk.now) for team in teams),
        return_exceptions=True,
    )
    signed = [r for r in results if isinstance(r, Contract)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert (len(signed), len(refused)) == (1, 7), results
    assert await contracts.contracts_of(desk.db, resident.id) == signed
