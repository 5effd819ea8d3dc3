"""The resident registry: register, read and update residents and their health-record numbers."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from db import convert
from db.counters import next_value
from db.engine import Database, write_transaction
from db.errors import is_unique_violation
from db.pinyin import name_initials
from db.search import search_residents
from db.summary import resident_summary
from db.tables import Household, Resident
from flows.errors import Conflict, InvalidInput, NotFound
from flows.identity import parse_id_number, record_number, record_number_prefix, validate_village_code
from flows.model import NewResident, ResidentUpdate
from flows.model import Resident as ResidentStruct
from onestop.config import SiteConfig

__all__ = ["create_resident", "get_resident", "resident_summary", "search_residents", "update_resident"]

NAME_MAX = 64
_PHONE_SEPARATORS = re.compile(r"[\s\-()]")


async def create_resident(
    db: Database, new: NewResident, *, site: SiteConfig, now: dt.datetime
) -> ResidentStruct:
    """Register a resident. Refuses (writing nothing) a bad ID number, a duplicate, an unknown household."""
    today = now.astimezone(zoneinfo.ZoneInfo(site.timezone)).date()
    parsed = parse_id_number(new.id_number, today=today)
    name = clean_name(new.name)
    phone = clean_phone(new.phone)
    address = (new.address or "").strip() or None
    village = validate_village_code(new.village_code or site.default_village_code)
    prefix = record_number_prefix(site.region_code, site.township_code, village)
    at = convert.utc(now)
    try:
        async with write_transaction(db):
            await _refuse_duplicate(parsed.number)
            if new.household_id is not None:
                await _require_household(new.household_id)
            number = record_number(prefix, await next_value(f"record_number:{prefix}"))
            rows = await Resident.insert(
                Resident(
                    id_number=parsed.number,
                    record_number=number,
                    village_code=village,
                    name=name,
                    name_initials=name_initials(name),
                    sex=parsed.sex.value,
                    birth_date=parsed.birth_date,
                    phone=phone,
                    phone_last4=phone[-4:] if phone else None,
                    address=address,
                    household=new.household_id,
                    created_at=at,
                    updated_at=at,
                )
            )
    except Exception as exc:
        # Two desks registering the same person at once: the loser meets the unique index, not the check.
        if is_unique_violation(exc):
            await _refuse_duplicate(parsed.number)
        raise
    return ResidentStruct(
        id=rows[0]["id"],
        id_number=parsed.number,
        name=name,
        sex=parsed.sex,
        birth_date=parsed.birth_date,
        record_number=number,
        created_at=at,
        updated_at=at,
        phone=phone,
        address=address,
        household_id=new.household_id,
    )


async def get_resident(db: Database, resident_id: int) -> ResidentStruct:
    rows = await Resident.raw(f"SELECT {convert.RESIDENT_COLUMNS} FROM resident WHERE id = {{}}", resident_id)
    if not rows:
        raise NotFound(f"no resident with id {resident_id}", field="resident_id", details={"id": resident_id})
    return convert.resident(rows[0])


async def update_resident(
    db: Database, resident_id: int, update: ResidentUpdate, *, now: dt.datetime
) -> ResidentStruct:
    """Change name, phone, address or household; None leaves a field, "" clears phone or address."""
    changes: dict[str, object] = {}
    if update.name is not None:
        changes["name"] = name = clean_name(update.name)
        changes["name_initials"] = name_initials(name)
    if update.phone is not None:
        phone = clean_phone(update.phone)
        changes["phone"] = phone
        changes["phone_last4"] = phone[-4:] if phone else None
    if update.address is not None:
        changes["address"] = update.address.strip() or None
    if update.household_id is not None:
        changes["household"] = update.household_id
    async with write_transaction(db):
        await get_resident(db, resident_id)
        if update.household_id is not None:
            await _require_household(update.household_id)
        if changes:
            changes["updated_at"] = convert.utc(now)
            await Resident.update(
                {getattr(Resident, column): value for column, value in changes.items()}
            ).where(Resident.id == resident_id)
        return await get_resident(db, resident_id)


# --- checks shared with households and the API ----------------------------------------------------------


def clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidInput("name must not be empty", field="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(f"name must be at most {NAME_MAX} characters, got {len(name)}", field="name")
    return name


def clean_phone(raw: str | None) -> str | None:
    """Digits only (spaces, dashes and brackets dropped); 7–15 digits: a landline, a mobile or +86…"""
    if raw is None:
        return None
    phone = _PHONE_SEPARATORS.sub("", raw)
    if phone.startswith("+"):
        phone = phone[1:]
    if not phone:
        return None
    if not phone.isdigit() or not (7 <= len(phone) <= 15):
        raise InvalidInput(f"phone must be 7–15 digits, got {raw!r}", field="phone")
    return phone


async def _refuse_duplicate(id_number: str) -> None:
    rows = await Resident.raw("SELECT id, record_number FROM resident WHERE id_number = {}", id_number)
    if rows:
        raise Conflict(
            f"a resident with ID number {id_number[:6]}…{id_number[-4:]} is already registered "
            f"(record {rows[0]['record_number']}); open that record instead",
            field="id_number",
            details={"existing_id": rows[0]["id"], "record_number": rows[0]["record_number"]},
        )


async def _require_household(household_id: int) -> None:
    if not await Household.exists().where(Household.id == household_id):
        raise NotFound(
            f"no household with id {household_id}", field="household_id", details={"id": household_id}
        )
