"""The read-only resident summary the desk opens: record, household, signing, conditions, latest values."""

from __future__ import annotations

from collections.abc import Sequence

from db import convert
from db.conditions import conditions_in_order
from db.engine import Database
from db.tables import Contract, Observation, Resident
from flows.model import Contract as ContractStruct
from flows.model import FamilyDoctorTeam, ResidentHit, ResidentSummary
from flows.model import Observation as ObservationStruct

RECENT_VISITS = 5


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

    signed = await active_contract(resident_id)
    conditions = await conditions_in_order(resident_id)
    latest = await latest_observations(resident_id)

    return ResidentSummary(
        resident=resident,
        household=household,
        household_members=tuple(members),
        contract=signed[0] if signed else None,
        team=signed[1] if signed else None,
        conditions=tuple(conditions),
        latest=tuple(latest),
        recent_visits=tuple(await list_visits(db, resident_id=resident_id, limit=RECENT_VISITS)),
    )


async def active_contract(resident_id: int) -> tuple[ContractStruct, FamilyDoctorTeam] | None:
    """The resident's newest active contract and its team."""
    rows = await Contract.raw(
        "SELECT c.id, c.resident, c.team, c.package, c.start_date, c.end_date, c.status, "
        "t.name AS team_name, t.room AS team_room, t.phone AS team_phone "
        "FROM contract c JOIN family_doctor_team t ON t.id = c.team "
        "WHERE c.resident = {} AND c.status = 'active' ORDER BY c.start_date DESC, c.id DESC LIMIT 1",
        resident_id,
    )
    if not rows:
        return None
    row = rows[0]
    team = {"id": row["team"], "name": row["team_name"], "room": row["team_room"], "phone": row["team_phone"]}
    return convert.contract(row), convert.team(team)


async def latest_observations(resident_id: int, codes: Sequence[str] = ()) -> list[ObservationStruct]:
    """The newest value of each code (of `codes`, or every code), in code order."""
    where = f" AND code IN ({', '.join('{}' for _ in codes)})" if codes else ""
    # Newest per code: the (resident, code, observed_at) index gives them in order; keep the first of each.
    rows = await Observation.raw(
        f"SELECT {convert.OBSERVATION_COLUMNS} FROM observation WHERE resident = {{}}{where} ORDER BY code, observed_at DESC, id DESC",
        resident_id,
        *codes,
    )
    latest: dict[str, ObservationStruct] = {}
    for row in rows:
        latest.setdefault(row["code"], convert.observation(row))
    return list(latest.values())
