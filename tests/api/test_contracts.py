"""Signing over HTTP on both databases: teams, sign, refusals naming the field, renewal, roles and the audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from db.staff import create_team
from flows.rules.contracts import default_end_date
from tests.api.helpers import Api, advance, audit_rows, error, register

YEAR = dt.timedelta(days=365)


def _teams(api: Api) -> list[dict[str, Any]]:
    made = [
        api.server.run(create_team(api.server.database, name="第一家庭医生团队", room="全科诊室1")),
        api.server.run(create_team(api.server.database, name="第二家庭医生团队", room="全科诊室2")),
    ]
    return [{"id": t.id, "name": t.name, "room": t.room, "phone": t.phone} for t in made]


def _today(api: Api) -> dt.date:
    return api.server.clock().date()


def _sign(api: Api, resident_id: int, team_id: int, **fields: Any) -> dict[str, Any]:
    body = {"resident_id": resident_id, "team_id": team_id, "package": "basic", **fields}
    answer = api.nurse.post("/api/v1/contracts", json=body)
    assert answer.status_code == 201, answer.text
    signed: dict[str, Any] = answer.json()
    return signed


def _contracts(api: Api, resident_id: int) -> list[dict[str, Any]]:
    answer = api.doctor.get("/api/v1/contracts", params={"resident_id": resident_id})
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()
    return found


def _actions(api: Api, resident_id: int) -> list[tuple[str, str | None]]:
    rows = audit_rows(api, entity="resident", entity_id=resident_id)
    return [(r["action"], r["detail"]) for r in reversed(rows) if r["action"].startswith("contract.")]


def test_teams_are_listed_for_every_role(api: Api) -> None:
    assert api.nurse.get("/api/v1/teams").json() == []
    teams = _teams(api)
    for client in (api.nurse, api.doctor, api.admin):
        answer = client.get("/api/v1/teams")
        assert answer.status_code == 200, answer.text
        assert answer.json() == teams
    error(api.anon.get("/api/v1/teams"), 401)


def test_sign_for_a_year_from_today_then_the_signing_status_shows_it(api: Api) -> None:
    rid = register(api.nurse, 1)["id"]
    team = _teams(api)[1]
    signed = _sign(api, rid, team["id"], package="personalised")
    today = _today(api)
    assert signed["start_date"] == today.isoformat()
    assert signed["end_date"] == default_end_date(today).isoformat()
    assert (signed["resident_id"], signed["team_id"]) == (rid, team["id"])
    assert (signed["package"], signed["status"]) == ("personalised", "active")
    assert _contracts(api, rid) == [signed]
    status = api.nurse.get(f"/api/v1/residents/{rid}/signing").json()
    assert status["contract"] == signed
    assert status["in_force"] is True
    assert status["renewal_due"] is False
    assert _actions(api, rid) == [
        ("contract.sign", f"contract={signed['id']} team={team['id']} package=personalised"),
        ("contract.list", "results=1"),
        ("contract.read", None),
    ]


def test_a_second_contract_while_one_is_in_force_is_refused_naming_the_field(api: Api) -> None:
    rid = register(api.nurse, 2)["id"]
    first, second = _teams(api)
    signed = _sign(api, rid, first["id"])
    again = error(api.doctor.post("/api/v1/contracts", json={**_body(rid, first), "package": "basic"}), 409)
    assert again["field"] == "start"
    assert again["details"]["contract_id"] == signed["id"]
    other = error(api.nurse.post("/api/v1/contracts", json=_body(rid, second)), 409)
    assert other["field"] == "team_id"
    assert "one team at a time" in other["message"]
    assert _contracts(api, rid) == [signed], "nothing written on refusal"
    assert [a for a, _d in _actions(api, rid)] == ["contract.sign", "contract.list"], "refusals audit nothing"


def _body(resident_id: int, team: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"resident_id": resident_id, "team_id": team["id"], "package": "basic", **fields}


@pytest.mark.parametrize(
    ("fields", "status", "field"),
    [
        pytest.param({"end_short": 1}, 422, "end", id="CONTRACT.term: a day short of a year"),
        pytest.param({"start_days": -1}, 422, "start", id="start yesterday"),
        pytest.param({"package": "gold"}, 422, "package", id="CONTRACT.packages: unknown package"),
        pytest.param({"team_id": 999}, 404, "team_id", id="unknown team"),
        pytest.param({"resident_id": 999}, 404, "resident_id", id="unknown resident"),
        pytest.param({"color": "red"}, 422, "color", id="unknown field"),
        pytest.param({"start": "soon"}, 422, None, id="not a date"),
    ],
)
def test_an_invalid_signing_is_refused(
    api: Api, fields: dict[str, Any], status: int, field: str | None
) -> None:
    rid = register(api.nurse, 3)["id"]
    team = _teams(api)[0]
    today = _today(api)
    body = _body(rid, team)
    fields = dict(fields)  # the parameter is shared by both engines' runs
    if "end_short" in fields:
        body["end"] = (default_end_date(today) - dt.timedelta(days=fields.pop("end_short"))).isoformat()
    if "start_days" in fields:
        body["start"] = (today + dt.timedelta(days=fields.pop("start_days"))).isoformat()
    body.update(fields)
    refused = error(api.nurse.post("/api/v1/contracts", json=body), status)
    if field is not None:
        assert refused["field"] == field, refused
    assert _contracts(api, rid) == []


def test_renewal_in_force_gives_the_next_term_and_only_once(api: Api) -> None:
    rid = register(api.nurse, 4)["id"]
    team = _teams(api)[0]
    old = _sign(api, rid, team["id"])
    renewed = api.nurse.post(f"/api/v1/contracts/{old['id']}/renew")
    assert renewed.status_code == 201, renewed.text
    new = renewed.json()
    start = dt.date.fromisoformat(old["end_date"]) + dt.timedelta(days=1)
    assert (new["start_date"], new["end_date"]) == (start.isoformat(), default_end_date(start).isoformat())
    assert (new["team_id"], new["package"], new["status"]) == (team["id"], "basic", "active")
    assert _contracts(api, rid) == [new, old], "the old one runs on to its end"
    assert api.nurse.get(f"/api/v1/residents/{rid}/signing").json()["contract"] == old
    twice = error(api.nurse.post(f"/api/v1/contracts/{old['id']}/renew", json={}), 409)
    assert twice["field"] == "contract_id"
    assert ("contract.renew", f"contract={new['id']} renews={old['id']} package=basic") in _actions(api, rid)


def test_an_expired_contract_renews_from_today_and_the_old_one_reads_expired(api: Api) -> None:
    rid = register(api.nurse, 5)["id"]
    team = _teams(api)[0]
    old = _sign(api, rid, team["id"])
    advance(api, 2 * YEAR)
    status = api.nurse.get(f"/api/v1/residents/{rid}/signing").json()
    assert (status["contract"]["id"], status["in_force"]) == (old["id"], False)
    answer = api.doctor.post(f"/api/v1/contracts/{old['id']}/renew", json={"package": "personalised"})
    assert answer.status_code == 201, answer.text
    new = answer.json()
    today = _today(api)
    assert (new["start_date"], new["end_date"]) == (today.isoformat(), default_end_date(today).isoformat())
    assert new["package"] == "personalised"
    listed = _contracts(api, rid)
    assert [(c["id"], c["status"]) for c in listed] == [(new["id"], "active"), (old["id"], "expired")]
    status = api.nurse.get(f"/api/v1/residents/{rid}/signing").json()
    assert (status["contract"], status["in_force"]) == (new, True)


def test_renewal_refusals(api: Api) -> None:
    error(api.nurse.post("/api/v1/contracts/999/renew"), 404)
    rid = register(api.nurse, 6)["id"]
    old = _sign(api, rid, _teams(api)[0]["id"])
    bad = error(api.nurse.post(f"/api/v1/contracts/{old['id']}/renew", json={"package": "gold"}), 422)
    assert bad["field"] == "package"
    assert len(_contracts(api, rid)) == 1


def test_roles(api: Api) -> None:
    rid = register(api.nurse, 7)["id"]
    team = _teams(api)[0]
    error(api.anon.post("/api/v1/contracts", json=_body(rid, team)), 401)
    error(api.admin.post("/api/v1/contracts", json=_body(rid, team)), 403)
    error(api.anon.get("/api/v1/contracts", params={"resident_id": rid}), 401)
    error(api.admin.get("/api/v1/contracts", params={"resident_id": rid}), 403)
    signed = _sign(api, rid, team["id"])
    error(api.anon.post(f"/api/v1/contracts/{signed['id']}/renew"), 401)
    error(api.admin.post(f"/api/v1/contracts/{signed['id']}/renew"), 403)
    assert _contracts(api, rid) == [signed]
    missing = error(api.nurse.get("/api/v1/contracts"), 422)
    assert missing["field"] == "resident_id"
    error(api.nurse.get("/api/v1/contracts", params={"resident_id": 999}), 404)


def test_the_signing_check_of_a_visit_signs_then_moves_to_the_own_team(api: Api) -> None:
    """The desk's two calls: sign, then accept_signing with the team; the visit waits for that team."""
    rid = register(api.nurse, 8)["id"]
    team = _teams(api)[1]
    visit = api.nurse.post("/api/v1/visits", json={"resident_id": rid}).json()
    steps = [("start_screening", "intake"), ("finish_screening", "screening")]
    steps.append(("finish_record_update", "record_update"))
    for move, step in steps:
        moved = api.nurse.post(
            f"/api/v1/visits/{visit['id']}/events", json={"move": move, "expected_step": step}
        )
        assert moved.status_code == 200, moved.text
    _sign(api, rid, team["id"])
    body = {"move": "accept_signing", "expected_step": "signing_check", "team_id": team["id"]}
    moved = api.nurse.post(f"/api/v1/visits/{visit['id']}/events", json=body).json()
    assert (moved["step"], moved["queue_kind"], moved["team_id"]) == ("triage", "own_team", team["id"])
