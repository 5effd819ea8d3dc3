"""Health, login, tokens and roles over HTTP: every refusal is an ApiError with the right status."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from flows.model import Role
from tests.api.helpers import PASSWORD, Api, audit_rows, error
from tests.support.server import bearer, login


def test_health_answers_without_login(api: Api) -> None:
    answer = api.anon.get("/api/v1/health")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert body["database"] == api.server.database.kind
    assert body["version"]


def test_login_returns_a_token_that_expires_after_the_configured_hours(api: Api) -> None:
    before = api.server.clock()
    answer = api.anon.post("/api/v1/session", json={"username": "nurse1", "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert len(body["token"]) >= 43
    assert body["staff"]["username"] == "nurse1"
    assert body["staff"]["role"] == "nurse"
    expires = dt.datetime.fromisoformat(body["expires_at"])
    hours = api.server.settings.api.session_hours
    assert dt.timedelta(hours=hours) <= expires - before < dt.timedelta(hours=hours, minutes=1)
    me = api.anon.get("/api/v1/session", headers=bearer(body["token"]))
    assert me.json()["username"] == "nurse1"


@pytest.mark.parametrize(
    ("username", "password"),
    [
        pytest.param("nurse1", "wrong password", id="wrong password"),
        pytest.param("nobody", PASSWORD, id="unknown user"),
        pytest.param("nurse1", "", id="empty password"),
    ],
)
def test_failed_login_is_401_with_one_message_for_every_cause(api: Api, username: str, password: str) -> None:
    answer = api.anon.post("/api/v1/session", json={"username": username, "password": password})
    body = error(answer, 401)
    # The same words whether the user exists or not: the answer must not confirm user names.
    assert body["code"] == "unauthorized"
    assert body["message"] == "wrong user name or password"
    assert answer.headers["www-authenticate"].startswith("Bearer")


def test_login_success_and_failure_are_audited(api: Api) -> None:
    login(api.base_url, "nurse1", PASSWORD)
    api.anon.post("/api/v1/session", json={"username": "nurse1", "password": "not it"})
    api.anon.post("/api/v1/session", json={"username": "ghost", "password": "not it"})
    rows = audit_rows(api, entity="session")
    failed = {r["detail"]: r for r in rows if r["action"] == "login_failed"}
    assert set(failed) == {"username=nurse1", "username=ghost"}
    assert failed["username=nurse1"]["entity_id"] == api.staff[Role.NURSE].id  # filed under the account
    assert failed["username=ghost"]["entity_id"] is None
    assert all(r["actor_id"] is None for r in failed.values())
    assert "not it" not in str(rows)  # never the attempted password
    ok = [r for r in rows if r["action"] == "login" and r["actor_id"] == api.staff[Role.NURSE].id]
    assert ok
    assert ok[0]["address"] == "127.0.0.1"


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no header"),
        pytest.param({"Authorization": "Bearer"}, id="empty token"),
        pytest.param({"Authorization": "Basic bnVyc2UxOnB3"}, id="other scheme"),
    ],
)
def test_missing_token_is_401(api: Api, headers: dict[str, str]) -> None:
    body = error(api.anon.get("/api/v1/residents", params={"q": "zs"}, headers=headers), 401)
    assert body["code"] == "unauthorized"
    assert "Bearer" in body["message"]


def test_unknown_token_is_401(api: Api) -> None:
    answer = api.anon.get("/api/v1/session", headers=bearer("made-up-token"))
    assert "log in again" in error(answer, 401)["message"]


def test_expired_token_is_401(api: Api) -> None:
    assert api.nurse.get("/api/v1/session").status_code == 200
    hours = api.server.settings.api.session_hours
    api.server.clock.advance(dt.timedelta(hours=hours, seconds=1))
    body = error(api.nurse.get("/api/v1/session"), 401)
    assert "expired" in body["message"]
    # A new login works at the new time.
    token = login(api.base_url, "nurse1", PASSWORD)
    assert api.anon.get("/api/v1/session", headers=bearer(token)).status_code == 200


def test_logout_revokes_the_token(api: Api) -> None:
    token = login(api.base_url, "doctor1", PASSWORD)
    assert api.anon.delete("/api/v1/session", headers=bearer(token)).status_code == 204
    error(api.anon.get("/api/v1/session", headers=bearer(token)), 401)
    assert api.doctor.get("/api/v1/session").status_code == 200  # other sessions of the user live on
    doctor = api.staff[Role.DOCTOR].id
    logouts = [r for r in audit_rows(api, entity="session", entity_id=doctor) if r["action"] == "logout"]
    assert [(r["actor_id"], r["address"]) for r in logouts] == [(doctor, "127.0.0.1")]


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        pytest.param(Role.NURSE, "GET", "/api/v1/audit", id="nurse reads audit"),
        pytest.param(Role.DOCTOR, "GET", "/api/v1/audit", id="doctor reads audit"),
        pytest.param(Role.ADMIN, "GET", "/api/v1/residents?q=zs", id="admin searches residents"),
        pytest.param(Role.ADMIN, "POST", "/api/v1/visits", id="admin opens a visit"),
    ],
)
def test_wrong_role_is_403(api: Api, role: Role, method: str, path: str) -> None:
    client: httpx.Client = {Role.NURSE: api.nurse, Role.DOCTOR: api.doctor, Role.ADMIN: api.admin}[role]
    body = error(client.request(method, path, json={"resident_id": 1}), 403)
    assert body["code"] == "forbidden"
    assert body["details"]["role"] == role.value


def test_every_role_may_ask_who_it_is(api: Api) -> None:
    for client, role in ((api.nurse, "nurse"), (api.doctor, "doctor"), (api.admin, "admin")):
        assert client.get("/api/v1/session").json()["role"] == role


def test_unknown_route_and_method_are_api_errors(api: Api) -> None:
    assert error(api.nurse.get("/api/v1/nothing-here"), 404)["code"] == "not_found"
    assert error(api.nurse.put("/api/v1/session"), 405)["code"] == "method_not_allowed"
