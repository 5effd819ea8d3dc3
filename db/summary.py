"""The read-only resident summary the desk opens: record, household, signing, conditions, latest values."""

from __future__ import annotations

from db import convert
from db.conditions import confirmed_conditions
from db.engine import Database
from db.tables import Contract, Observation, Resident
from flows.model import Condition, ResidentHit, ResidentSummary
from flows.model import Observation as ObservationStruct

RECENT_VISITS = 5
_CONDITION_ORDER = {c.value: i for i, c in enumerate(Condition)}


async def resident_summary(db: Database, resident_id: int) -> ResidentSummary:
    from db.households import get_household
    from db.residents import get_resident
    from db.visits import list_visits

    resident = await get_resident(db, resident_id)
    household = await get_household(db, resident.household_id) if resident.household_id else None
    members: list[ResidentHit] = []
    others = [m for m in household.member_ids if m != resident_id] if household else []
    if others:
        marks = ", ".join("{}" for _ in others)
        rows = await Resident.raw(
            "SELECT id, name, sex, birth_date, id_number, record_number, phone "
            f"FROM resident WHERE id IN ({marks}) ORDER BY id",
            *others,
        )
        members = [convert.hit(row, matched_on="household", score=0) for row in rows]

    contract_rows = await Contract.raw(
        "SELECT c.id, c.resident, c.team, c.package, c.start_date, c.end_date, c.status, "
        "t.name AS team_name, t.room AS team_room "
        "FROM contract c JOIN family_doctor_team t ON t.id = c.team "
        "WHERE c.resident = {} AND c.status = 'active' ORDER BY c.start_date DESC, c.id DESC LIMIT 1",
        resident_id,
    )
    contract = convert.contract(contract_rows[0]) if contract_rows else None
    team = (
        convert.team(
            {
                "id": contract_rows[0]["team"],
                "name": contract_rows[0]["team_name"],
                "room": contract_rows[0]["team_room"],
            }
        )
        if contract_rows
        else None
    )

    conditions = sorted(await confirmed_conditions(resident_id), key=lambda c: _CONDITION_ORDER[c.value])

    # Newest per code: the (resident, code, observed_at) index gives them in order; keep the first of each.
    observation_rows = await Observation.raw(
        "SELECT id, resident, code, value, unit, source, observed_at, visit, device_id FROM observation "
        "WHERE resident = {} ORDER BY code, observed_at DESC, id DESC",
        resident_id,
    )
    latest: dict[str, ObservationStruct] = {}
    for row in observation_rows:
        latest.setdefault(row["code"], convert.observation(row))

    return ResidentSummary(
        resident=resident,
        household=household,
        household_members=tuple(members),
        contract=contract,
        team=team,
        conditions=tuple(conditions),
        latest=tuple(latest.values()),
        recent_visits=tuple(await list_visits(db, resident_id=resident_id, limit=RECENT_VISITS)),
    )
