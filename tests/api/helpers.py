"""Shared pieces of the API tests: the `Api` handle and valid ID numbers and residents to work with."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
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


@contextlib.contextmanager
def api_of(server: LiveServer, suffix: str = "1") -> Iterator[Api]:
    """Staff of every role (username = role + suffix) logged in to a running server; clients closed after."""
    from tests.support.server import add_staff, bearer, issue_token

    staff: dict[Role, Staff] = {}
    clients: list[httpx.Client] = []
    try:
        for role in Role:
            username = f"{role.value}{suffix}"
            staff[role] = add_staff(server, username, role, PASSWORD, display_name=f"{role.value} one")
            token = issue_token(server, staff[role])
            clients.append(httpx.Client(base_url=server.base_url, headers=bearer(token), timeout=10))
        clients.append(httpx.Client(base_url=server.base_url, timeout=10))
        by_role = dict(zip(Role, clients, strict=False))
        yield Api(
            server=server,
            base_url=server.base_url,
            nurse=by_role[Role.NURSE],
            doctor=by_role[Role.DOCTOR],
            admin=by_role[Role.ADMIN],
            anon=clients[-1],
            staff=staff,
        )
    finally:
        for client in clients:
            client.close()


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
