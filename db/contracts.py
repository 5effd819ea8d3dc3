"""A resident's signing status as the rules read it: the contract in force, renewal, key-population reasons."""

from __future__ import annotations

import datetime as dt

from db import convert
from db.conditions import confirmed_conditions
from db.engine import Database
from db.residents import get_resident
from db.tables import Contract
from flows.clinical import SigningStatus
from flows.rules.base import age_on
from flows.rules.contracts import in_force_on, key_population_reasons, renewal_due
from flows.rules.settings import RulesSettings


async def signing_status(
    db: Database, resident_id: int, *, today: dt.date, rules: RulesSettings
) -> SigningStatus:
    person = await get_resident(db, resident_id)
    rows = await Contract.raw(
        "SELECT id, resident, team, package, start_date, end_date, status FROM contract "
        "WHERE resident = {} AND status <> 'terminated' ORDER BY start_date DESC, id DESC",
        resident_id,
    )
    contracts = [convert.contract(r) for r in rows]
    current = next((c for c in contracts if in_force_on(c, today)), contracts[0] if contracts else None)
    age = age_on(person.birth_date, today)
    return SigningStatus(
        contract=current,
        in_force=current is not None and in_force_on(current, today),
        renewal_due=current is not None and renewal_due(current, today, settings=rules.contracts),
        key_populations=key_population_reasons(age, await confirmed_conditions(resident_id)),
    )
