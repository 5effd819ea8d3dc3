"""Households (家庭) and their members; a member is a resident whose `household` points here."""

from __future__ import annotations

import datetime as dt

from db import convert
from db.engine import Database, write_transaction
from db.tables import Household, Resident
from flows.errors import Conflict, InvalidInput, NotFound
from flows.model import Household as HouseholdStruct
from flows.model import NewHousehold


async def create_household(db: Database, new: NewHousehold, *, now: dt.datetime) -> HouseholdStruct:
    address = " ".join(new.address.split())
    if not address:
        raise InvalidInput("household address must not be empty", field="address")
    async with write_transaction(db):
        rows = await Household.insert(Household(address=address, created_at=convert.utc(now)))
    return HouseholdStruct(id=rows[0]["id"], address=address)


async def get_household(db: Database, household_id: int) -> HouseholdStruct:
    rows = await Household.raw(
        "SELECT id, address, head_resident_id FROM household WHERE id = {}", household_id
    )
    if not rows:
        raise NotFound(
            f"no household with id {household_id}", field="household_id", details={"id": household_id}
        )
    members = await Resident.raw("SELECT id FROM resident WHERE household = {} ORDER BY id", household_id)
    return convert.household(rows[0], (m["id"] for m in members))


async def add_member(db: Database, household_id: int, resident_id: int) -> HouseholdStruct:
    """Move the resident into this household (out of any other); the first member becomes the head."""
    async with write_transaction(db):
        household = await get_household(db, household_id)
        current = await _resident_household(resident_id)
        if current is not None and current != household_id:
            await _leave(current, resident_id)
        await Resident.update({Resident.household: household_id}).where(Resident.id == resident_id)
        if household.head_resident_id is None:
            await Household.update({Household.head_resident_id: resident_id}).where(
                Household.id == household_id
            )
        return await get_household(db, household_id)


async def remove_member(db: Database, household_id: int, resident_id: int) -> HouseholdStruct:
    """Take the resident out; if they were the head, the longest-registered remaining member takes over."""
    async with write_transaction(db):
        await get_household(db, household_id)
        if await _resident_household(resident_id) != household_id:
            raise Conflict(
                f"resident {resident_id} is not a member of household {household_id}",
                field="resident_id",
                details={"household_id": household_id, "resident_id": resident_id},
            )
        await Resident.update({Resident.household: None}).where(Resident.id == resident_id)
        await _leave(household_id, resident_id)
        return await get_household(db, household_id)


async def _resident_household(resident_id: int) -> int | None:
    rows = await Resident.raw("SELECT household FROM resident WHERE id = {}", resident_id)
    if not rows:
        raise NotFound(f"no resident with id {resident_id}", field="resident_id", details={"id": resident_id})
    household: int | None = rows[0]["household"]
    return household


async def _leave(household_id: int, resident_id: int) -> None:
    """Fix the head after `resident_id` leaves `household_id` (the resident row is updated by the caller)."""
    rows = await Household.raw("SELECT head_resident_id FROM household WHERE id = {}", household_id)
    if rows and rows[0]["head_resident_id"] == resident_id:
        others = await Resident.raw(
            "SELECT id FROM resident WHERE household = {} AND id <> {} ORDER BY id LIMIT 1",
            household_id,
            resident_id,
        )
        head = others[0]["id"] if others else None
        await Household.update({Household.head_resident_id: head}).where(Household.id == household_id)
