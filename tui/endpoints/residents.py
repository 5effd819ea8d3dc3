"""Residents and households: register, read one, and the household a new resident joins."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from flows.model import Household, NewHousehold, NewResident, Resident, ResidentHit

if TYPE_CHECKING:
    from tui.client import ApiClient


class _NewMember(msgspec.Struct, frozen=True, kw_only=True):
    resident_id: int


class HouseholdOf(msgspec.Struct, frozen=True, kw_only=True):
    """An existing resident the new one lives with, and that resident's household if there is one."""

    resident: Resident
    household: Household | None


def create_resident(client: ApiClient, new: NewResident) -> Resident:
    """`createResident`: 422 names the field it refused, 409 a duplicate ID (details.existing_id)."""
    return client.call("POST", "/api/v1/residents", Resident, body=new)


def get_resident(client: ApiClient, resident_id: int) -> Resident:
    return client.call("GET", f"/api/v1/residents/{resident_id}", Resident)


def find_residents(client: ApiClient, query: str, *, limit: int = 5) -> list[ResidentHit]:
    return client.search_residents(query, limit=limit)


def household_of(client: ApiClient, resident_id: int) -> HouseholdOf:
    resident = get_resident(client, resident_id)
    household = None
    if resident.household_id is not None:
        household = client.call("GET", f"/api/v1/households/{resident.household_id}", Household)
    return HouseholdOf(resident=resident, household=household)


def create_household(client: ApiClient, address: str) -> Household:
    return client.call("POST", "/api/v1/households", Household, body=NewHousehold(address=address))


def add_member(client: ApiClient, household_id: int, resident_id: int) -> Household:
    path = f"/api/v1/households/{household_id}/members"
    return client.call("POST", path, Household, body=_NewMember(resident_id=resident_id))


class Registered(msgspec.Struct, frozen=True, kw_only=True):
    resident: Resident
    household_error: str | None = None  # the resident is registered; making the household failed (why)


def register(client: ApiClient, new: NewResident, *, with_resident: HouseholdOf | None) -> Registered:
    """Register `new`, in the household of `with_resident` when given.

    If that resident has no household yet, one is made for both at the new resident's address (or theirs)
    after the registration succeeded, so a refused registration writes nothing at all."""
    from tui.client import ApiClientError
    from tui.errors import describe

    if with_resident is None or with_resident.household is not None:
        household_id = with_resident.household.id if with_resident and with_resident.household else None
        resident = create_resident(client, msgspec.structs.replace(new, household_id=household_id))
        return Registered(resident=resident)
    resident = create_resident(client, msgspec.structs.replace(new, household_id=None))
    address = new.address or with_resident.resident.address or ""
    try:
        household = create_household(client, address)
        add_member(client, household.id, with_resident.resident.id)
        add_member(client, household.id, resident.id)
    except ApiClientError as error:
        return Registered(resident=resident, household_error=describe(error))
    return Registered(resident=msgspec.structs.replace(resident, household_id=household.id))
