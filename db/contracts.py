"""A resident's signing status as the rules read it: the contract in force, renewal, key-population reasons."""

from __future__ import annotations

import datetime as dt

import msgspec

from db import convert
from db.engine import Database
from db.observations import confirmed_conditions
from db.tables import Contract, Resident
from flows.errors import NotFound
from flows.model import Contract as ContractStruct
from flows.rules.base import age_on
from flows.rules.contracts import KeyPopulation, in_force_on, key_population_reasons, renewal_due
from flows.rules.settings import RulesSettings


class SigningStatus(msgspec.Struct, frozen=True, kw_only=True):
    """What the signing check shows: the contract covering today, whether renewal is due, and why the
    resident is a priority to sign (OPINION-2025 key populations)."""

    contract: ContractStruct | None
    in_force: bool
    renewal_due: bool
    key_populations: tuple[KeyPopulation, ...]


async def signing_status(
    db: Database, resident_id: int, *, today: dt.date, rules: RulesSettings
) -> SigningStatus:
    people = await Resident.raw("SELECT birth_date FROM resident WHERE id = {}", resident_id)
    if not people:
        raise NotFound(f"no resident with id {resident_id}", field="resident_id", details={"id": resident_id})
    rows = await Contract.raw(
        "SELECT id, resident, team, package, start_date, end_date, status FROM contract "
        "WHERE resident = {} AND status <> 'terminated' ORDER BY start_date DESC, id DESC",
        resident_id,
    )
    contracts = [convert.contract(r) for r in rows]
    current = next((c for c in contracts if in_force_on(c, today)), contracts[0] if contracts else None)
    age = age_on(convert.as_date(people[0]["birth_date"]), today)
    return SigningStatus(
        contract=current,
        in_force=current is not None and in_force_on(current, today),
        renewal_due=current is not None and renewal_due(current, today, settings=rules.contracts),
        key_populations=key_population_reasons(age, await confirmed_conditions(resident_id)),
    )
