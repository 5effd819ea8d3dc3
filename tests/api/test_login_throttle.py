"""Failed-login throttling over HTTP: 5 failures per account, 20 per address, in a 15-minute window."""

from __future__ import annotations

import datetime as dt

from flows.model import Role
from tests.api.helpers import PASSWORD, Api

WRONG = "not the password"


def login(api: Api, username: str, password: str) -> tuple[int, dict[str, object], dict[str, str]]:
    answer = api.anon.post("/api/v1/session", json={"username": username, "password": password})
    return answer.status_code, answer.json(), dict(answer.headers)


def test_five_failures_lock_the_account_even_for_the_right_password(api: Api) -> None:
    nurse = api.staff[Role.NURSE].username
    for _ in range(5):
        assert login(api, nurse, WRONG)[0] == 401
    status, body, headers = login(api, nurse, PASSWORD)
    assert status == 429
    assert body["code"] == "too_many_attempts"
    assert body["field"] == "username"
    retry = int(headers["retry-after"])
    assert 0 < retry <= 15 * 60
    # Another account from the same desk is not locked (below the address limit of 20).
    assert login(api, api.staff[Role.DOCTOR].username, PASSWORD)[0] == 201
    # The lock is recorded in the audit trail.
    rows = api.admin.get("/api/v1/audit", params={"entity": "session", "limit": 50}).json()
    assert any(row["action"] == "login_throttled" for row in rows)


def test_the_lock_ends_when_the_failures_age_out_of_the_window(api: Api) -> None:
    nurse = api.staff[Role.NURSE].username
    for _ in range(5):
        login(api, nurse, WRONG)
    assert login(api, nurse, PASSWORD)[0] == 429
    api.server.clock.advance(dt.timedelta(minutes=15, seconds=1))
    assert login(api, nurse, PASSWORD)[0] == 201


def test_a_right_password_clears_the_account_count(api: Api) -> None:
    nurse = api.staff[Role.NURSE].username
    for _ in range(4):
        login(api, nurse, WRONG)
    assert login(api, nurse, PASSWORD)[0] == 201
    for _ in range(4):
        assert login(api, nurse, WRONG)[0] == 401
    assert login(api, nurse, PASSWORD)[0] == 201


def test_twenty_failures_from_one_address_lock_the_address(api: Api) -> None:
    for i in range(20):
        # Different made-up user names: each account stays under its own limit.
        assert login(api, f"nobody{i % 10}", WRONG)[0] == 401
    status, body, _ = login(api, api.staff[Role.DOCTOR].username, PASSWORD)
    assert status == 429
    assert body["code"] == "too_many_attempts"
