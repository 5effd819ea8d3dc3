"""Households over HTTP: create, read, members joining and leaving, refusals."""

from __future__ import annotations

from tests.api.helpers import Api, error, register


def _household(api: Api, address: str = "三组12号") -> dict[str, object]:
    answer = api.nurse.post("/api/v1/households", json={"address": address})
    assert answer.status_code == 201, answer.text
    body: dict[str, object] = answer.json()
    return body


def test_create_and_read(api: Api) -> None:
    created = _household(api)
    assert created["address"] == "三组12号"
    assert created["member_ids"] == []
    assert api.doctor.get(f"/api/v1/households/{created['id']}").json() == created


def test_members_join_and_leave(api: Api) -> None:
    home = _household(api)
    first, second = register(api.nurse, 20), register(api.nurse, 21)
    for person in (first, second):
        answer = api.nurse.post(
            f"/api/v1/households/{home['id']}/members", json={"resident_id": person["id"]}
        )
        assert answer.status_code == 200, answer.text
    assert sorted(answer.json()["member_ids"]) == sorted([first["id"], second["id"]])
    assert api.nurse.get(f"/api/v1/residents/{first['id']}").json()["household_id"] == home["id"]

    answer = api.nurse.delete(f"/api/v1/households/{home['id']}/members/{first['id']}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["member_ids"] == [second["id"]]
    assert api.nurse.get(f"/api/v1/residents/{first['id']}").json()["household_id"] is None


def test_register_straight_into_a_household(api: Api) -> None:
    home = _household(api)
    person = register(api.nurse, 22, household_id=home["id"])
    assert person["household_id"] == home["id"]
    assert api.nurse.get(f"/api/v1/households/{home['id']}").json()["member_ids"] == [person["id"]]


def test_refusals(api: Api) -> None:
    home = _household(api)
    person = register(api.nurse, 23)
    error(api.nurse.get("/api/v1/households/9999"), 404)
    error(api.nurse.post("/api/v1/households/9999/members", json={"resident_id": person["id"]}), 404)
    error(api.nurse.post(f"/api/v1/households/{home['id']}/members", json={"resident_id": 9999}), 404)
    body = error(api.nurse.post(f"/api/v1/households/{home['id']}/members", json={"resident": 1}), 422)
    assert body["field"] == "resident"
    assert error(api.nurse.post("/api/v1/households", json={}), 422)["field"] == "address"
    assert api.nurse.get(f"/api/v1/households/{home['id']}").json()["member_ids"] == []
