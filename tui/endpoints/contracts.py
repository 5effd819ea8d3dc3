"""Family-doctor signing: the resident's signing status, the site's teams, sign and renew (CLINICAL_RULES.md §9)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import msgspec

from flows.clinical import SigningStatus
from flows.model import Contract, FamilyDoctorTeam

if TYPE_CHECKING:
    from tui.client import ApiClient


class NewContract(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The body of `signContract`; without start and end the API signs for a year from the site's today."""

    resident_id: int
    team_id: int
    package: str  # basic | personalised
    start: dt.date | None = None
    end: dt.date | None = None


class ContractRenewal(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    package: str | None = None  # None: the renewed contract's package


def signing_status(client: ApiClient, resident_id: int) -> SigningStatus:
    return client.call("GET", f"/api/v1/residents/{resident_id}/signing", SigningStatus)


def list_teams(client: ApiClient) -> list[FamilyDoctorTeam]:
    return client.call("GET", "/api/v1/teams", list[FamilyDoctorTeam])


def contracts_of(client: ApiClient, resident_id: int) -> list[Contract]:
    return client.call("GET", "/api/v1/contracts", list[Contract], params={"resident_id": str(resident_id)})


def sign_contract(client: ApiClient, resident_id: int, team_id: int, package: str) -> Contract:
    """A year from today with the team; refused (409, naming the field) while another contract covers it."""
    body = NewContract(resident_id=resident_id, team_id=team_id, package=package)
    return client.call("POST", "/api/v1/contracts", Contract, body=body)


def renew_contract(client: ApiClient, contract_id: int, package: str | None = None) -> Contract:
    """The next term with the same team: after the end, or from today when the contract has lapsed."""
    body = ContractRenewal(package=package)
    return client.call("POST", f"/api/v1/contracts/{contract_id}/renew", Contract, body=body)
