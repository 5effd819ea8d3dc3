"""Shared pieces of the API tests: the `Api` handle and valid ID numbers and residents to work with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import httpx

from flows.identity import make_id_number
from flows.model import Role, Sex, Staff
from tests.support.server import LiveServer

PASSWORD = "correct horse battery"


@dataclass
class Api:
    server: LiveServer
    base_url: str
    nurse: httpx.Client
    doctor: httpx.Client
    admin: httpx.Client
    anon: httpx.Client  # no token
    staff: dict[Role, Staff]


def id_number(seq: int = 1, *, year: int = 1960, sex: Sex = Sex.MALE, region: str = "320923") -> str:
    """A valid GB-11643 number; `seq` 0–99 keeps the numbers of one test apart."""
    return make_id_number(region, dt.date(year, 5, 17), seq, sex)


def register(client: httpx.Client, seq: int = 1, **fields: Any) -> dict[str, Any]:
    """Register a resident through the API and return the created record (asserts 201)."""
    body: dict[str, Any] = {"id_number": id_number(seq), "name": f"测试{seq}", **fields}
    answer = client.post("/api/v1/residents", json=body)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def error(answer: httpx.Response, status: int) -> dict[str, Any]:
    """Assert the status and the ApiError shape; return the body."""
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    assert set(body) == {"code", "message", "field", "details"}, body
    return body


def audit_rows(api: Api, **filters: Any) -> list[dict[str, Any]]:
    answer = api.admin.get("/api/v1/audit", params={k: v for k, v in filters.items() if v is not None})
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()
    return rows


def advance(api: Api, delta: dt.timedelta) -> None:
    """Move the site's clock forward and give every client a token valid at the new time (days pass)."""
    from tests.support.server import bearer, issue_token

    api.server.clock.advance(delta)
    for role, client in ((Role.NURSE, api.nurse), (Role.DOCTOR, api.doctor), (Role.ADMIN, api.admin)):
        client.headers.update(bearer(issue_token(api.server, api.staff[role])))
