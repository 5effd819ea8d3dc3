"""Family-doctor contracts: the site's teams, a resident's contracts, signing and renewal, the signing status.

The rules are flows.rules.contracts (CLINICAL_RULES.md §9); this module reads and writes the rows. A stored
status follows `contract_status_on`: every signing or renewal marks the resident's contracts that have ended
as expired in the same transaction, so a row never says "active" about a term that is over once the
resident's contracts have been written again.
"""

from __future__ import annotations

import datetime as dt

from db import convert
from db.conditions import confirmed_conditions
from db.engine import Database, write_transaction
from db.residents import get_resident
from db.tables import Contract, FamilyDoctorTeam, Resident
from flows.clinical import SigningStatus
from flows.errors import Conflict, InvalidInput, NotFound
from flows.model import Contract as ContractStruct
from flows.model import ContractStatus
from flows.model import FamilyDoctorTeam as TeamStruct
from flows.rules.base import age_on
from flows.rules.contracts import (
    Package,
    check_new_contract,
    default_end_date,
    in_force_on,
    key_population_reasons,
    renewal_due,
    renewal_term,
)
from flows.rules.settings import RulesSettings

_COLUMNS = "id, resident, team, package, start_date, end_date, status"


async def signing_status(
    db: Database, resident_id: int, *, today: dt.date, rules: RulesSettings
) -> SigningStatus:
    person = await get_resident(db, resident_id)
    contracts = [c for c in await _contracts(resident_id) if c.status is not ContractStatus.TERMINATED]
    current = next((c for c in contracts if in_force_on(c, today)), contracts[0] if contracts else None)
    age = age_on(person.birth_date, today)
    return SigningStatus(
        contract=current,
        in_force=current is not None and in_force_on(current, today),
        renewal_due=current is not None and renewal_due(current, today, settings=rules.contracts),
        key_populations=key_population_reasons(age, await confirmed_conditions(resident_id)),
    )


async def list_teams(db: Database) -> list[TeamStruct]:
    """The site's family doctor teams, in the order they were set up (the desk numbers them 1, 2, …)."""
    rows = await FamilyDoctorTeam.raw("SELECT id, name, room, phone FROM family_doctor_team ORDER BY id")
    return [convert.team(row) for row in rows]


async def contracts_of(db: Database, resident_id: int) -> list[ContractStruct]:
    """Every contract of the resident, terminated ones too, newest start first."""
    if not await Resident.exists().where(Resident.id == resident_id):
        raise NotFound(f"no resident with id {resident_id}", field="resident_id", details={"id": resident_id})
    return await _contracts(resident_id)


async def sign_contract(
    db: Database,
    resident_id: int,
    *,
    team_id: int,
    package: Package,
    start: dt.date | None,
    end: dt.date | None,
    actor_id: int,
    now: dt.datetime,
    today: dt.date,
) -> ContractStruct:
    """Sign the resident with a team from `start` (today) to `end` (a year on). Refused, writing nothing: a
    start in the past, a term under a year, or a clash with a contract of the resident (§9 one team)."""
    start = start or today
    end = end or default_end_date(start)
    if start < today:
        # A contract signed at the desk covers the days to come; an earlier term would date care never given.
        raise InvalidInput(f"a new contract starts today ({today}) or later, got {start}", field="start")
    async with write_transaction(db):
        await _hold_resident(db, resident_id)
        if not await FamilyDoctorTeam.exists().where(FamilyDoctorTeam.id == team_id):
            raise NotFound(
                f"no family doctor team with id {team_id}", field="team_id", details={"id": team_id}
            )
        await _settle_statuses(resident_id, today)
        existing = await _contracts(resident_id)
        check_new_contract(
            existing, resident_id=resident_id, team_id=team_id, start=start, end=end, package=package.value
        )
        return await _insert(resident_id, team_id, package.value, start, end, actor_id=actor_id, now=now)


async def renew_contract(
    db: Database,
    contract_id: int,
    *,
    package: Package | None,
    actor_id: int,
    now: dt.datetime,
    today: dt.date,
) -> tuple[ContractStruct, ContractStruct]:
    """(renewed, new): the next term with the same team (`renewal_term`), in the same package unless another
    is given. The renewed contract runs to its end and then reads expired; one that has lapsed already is
    marked expired now. Refused: a terminated contract, or one already followed by a later contract."""
    async with write_transaction(db):
        old = await _contract(contract_id)
        await _hold_resident(db, old.resident_id)
        start, end = renewal_term(old, today)
        existing = await _contracts(old.resident_id)
        later = [
            c
            for c in existing
            if c.id != old.id and c.status is not ContractStatus.TERMINATED and c.start_date > old.end_date
        ]
        if later:
            raise Conflict(
                f"contract {old.id} is already followed by contract {later[-1].id} from {later[-1].start_date} "
                f"to {later[-1].end_date}; renew that one when it ends",
                field="contract_id",
                details={"contract_id": later[-1].id},
            )
        chosen = package.value if package is not None else old.package
        check_new_contract(
            existing, resident_id=old.resident_id, team_id=old.team_id, start=start, end=end, package=chosen
        )
        await _settle_statuses(old.resident_id, today)
        new = await _insert(old.resident_id, old.team_id, chosen, start, end, actor_id=actor_id, now=now)
        return await _contract(old.id), new


async def _contracts(resident_id: int) -> list[ContractStruct]:
    rows = await Contract.raw(
        f"SELECT {_COLUMNS} FROM contract WHERE resident = {{}} ORDER BY start_date DESC, id DESC",
        resident_id,
    )
    return [convert.contract(row) for row in rows]


async def _contract(contract_id: int) -> ContractStruct:
    rows = await Contract.raw(f"SELECT {_COLUMNS} FROM contract WHERE id = {{}}", contract_id)
    if not rows:
        raise NotFound(f"no contract with id {contract_id}", field="contract_id", details={"id": contract_id})
    return convert.contract(rows[0])


async def _hold_resident(db: Database, resident_id: int) -> None:
    """Refuse an unknown resident; on PostgreSQL also lock the row, so two desks signing the same resident at
    once are checked one after the other (SQLite's IMMEDIATE write transaction serialises them already)."""
    lock = " FOR UPDATE" if db.kind == "postgres" else ""
    if not await Resident.raw(f"SELECT id FROM resident WHERE id = {{}}{lock}", resident_id):
        raise NotFound(f"no resident with id {resident_id}", field="resident_id", details={"id": resident_id})


async def _settle_statuses(resident_id: int, today: dt.date) -> None:
    """Active contracts of the resident whose term is over read expired (flows `contract_status_on`)."""
    await Contract.raw(
        "UPDATE contract SET status = {} WHERE resident = {} AND status = {} AND end_date < {}",
        ContractStatus.EXPIRED.value,
        resident_id,
        ContractStatus.ACTIVE.value,
        today,
    )


async def _insert(
    resident_id: int,
    team_id: int,
    package: str,
    start: dt.date,
    end: dt.date,
    *,
    actor_id: int,
    now: dt.datetime,
) -> ContractStruct:
    rows = await Contract.insert(
        Contract(
            resident=resident_id,
            team=team_id,
            package=package,
            start_date=start,
            end_date=end,
            status=ContractStatus.ACTIVE.value,
            signed_by=actor_id,
            created_at=convert.utc(now),
        )
    )
    return ContractStruct(
        id=rows[0]["id"],
        resident_id=resident_id,
        team_id=team_id,
        package=package,
        start_date=start,
        end_date=end,
        status=ContractStatus.ACTIVE,
    )
