"""Residents over HTTP: registration with derived fields, ID-number refusals, duplicates, update, search."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from flows.identity import check_character, make_id_number
from flows.model import Sex
from tests.api.helpers import Api, error, id_number, register


def _search(api: Api, q: str) -> list[dict[str, object]]:
    answer = api.nurse.get("/api/v1/residents", params={"q": q})
    assert answer.status_code == 200, answer.text
    hits: list[dict[str, object]] = answer.json()
    return hits


def test_create_derives_sex_and_birth_date_and_assigns_a_record_number(api: Api) -> None:
    number = make_id_number("320923", dt.date(1958, 2, 28), 7, Sex.FEMALE)
    answer = api.nurse.post(
        "/api/v1/residents", json={"id_number": number, "name": "王秀英", "phone": "13912345678"}
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["sex"] == "female"
    assert body["birth_date"] == "1958-02-28"
    assert re.fullmatch(r"[0-9]{17}", body["record_number"])
    site = api.server.settings.site
    assert body["record_number"].startswith(site.region_code + site.township_code + site.default_village_code)
    assert api.nurse.get(f"/api/v1/residents/{body['id']}").json() == body


def test_lower_case_x_is_accepted_and_normalised(api: Api) -> None:
    first17 = next(f for n in range(1000) if check_character(f := f"32092319800101{n:03d}") == "X")
    body = register(api.nurse, id_number=first17 + "x")
    assert body["id_number"] == first17 + "X"


def _with_check(first17: str) -> str:
    return first17 + check_character(first17)


def _wrong_check(first17: str) -> str:
    right = check_character(first17)
    return first17 + ("1" if right != "1" else "2")


FUTURE = dt.date.today().year + 2


@pytest.mark.parametrize(
    ("raw", "check"),
    [
        pytest.param("32092319600517", "length", id="too short"),
        pytest.param(_with_check("32092319600517001") + "1", "length", id="too long"),
        pytest.param("3209231960O517001X", "characters", id="letter O for zero"),
        pytest.param("32092319600517001Y", "characters", id="check character Y"),
        pytest.param(_with_check("32092319600230001"), "date", id="30 February"),
        pytest.param(_with_check("32092319601301001"), "date", id="month 13"),
        pytest.param(_with_check(f"320923{FUTURE}0101001"), "future_date", id="born in the future"),
        pytest.param(_wrong_check("32092319600517001"), "check_character", id="wrong check character"),
    ],
)
def test_bad_id_numbers_are_422_naming_the_check_and_write_nothing(api: Api, raw: str, check: str) -> None:
    answer = api.nurse.post("/api/v1/residents", json={"id_number": raw, "name": "错号"})
    body = error(answer, 422)
    assert body["code"] == "invalid_id_number"
    assert body["field"] == "id_number"
    assert body["details"]["check"] == check
    assert _search(api, "错号") == []
    # The record sequence was not used up by the refusal: the next resident gets 00001.
    assert str(register(api.nurse, 1)["record_number"]).endswith("00001")


def test_duplicate_id_number_is_409_pointing_at_the_existing_record(api: Api) -> None:
    first = register(api.nurse, 3, name="李四")
    answer = api.doctor.post("/api/v1/residents", json={"id_number": id_number(3), "name": "李四二"})
    body = error(answer, 409)
    assert body["code"] == "conflict"
    assert body["details"]["existing_id"] == first["id"]
    assert body["details"]["record_number"] == first["record_number"]
    assert _search(api, "李四二") == []


def test_unknown_household_is_404_and_writes_nothing(api: Api) -> None:
    answer = api.nurse.post(
        "/api/v1/residents", json={"id_number": id_number(4), "name": "赵五", "household_id": 9999}
    )
    assert error(answer, 404)["code"] == "not_found"
    assert _search(api, id_number(4)) == []


def test_update_changes_only_the_given_fields(api: Api) -> None:
    created = register(api.nurse, 5, name="孙六", phone="13700000001", address="一组")
    answer = api.nurse.patch(f"/api/v1/residents/{created['id']}", json={"phone": "13700000002"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["phone"] == "13700000002"
    assert (body["name"], body["address"], body["id_number"]) == ("孙六", "一组", created["id_number"])
    assert api.nurse.get(f"/api/v1/residents/{created['id']}").json()["phone"] == "13700000002"


def test_id_number_cannot_be_patched(api: Api) -> None:
    created = register(api.nurse, 6)
    answer = api.nurse.patch(f"/api/v1/residents/{created['id']}", json={"id_number": id_number(7)})
    body = error(answer, 422)
    assert body["field"] == "id_number"
    assert api.nurse.get(f"/api/v1/residents/{created['id']}").json()["id_number"] == created["id_number"]


def test_unknown_resident_is_404(api: Api) -> None:
    error(api.nurse.get("/api/v1/residents/424242"), 404)
    error(api.nurse.patch("/api/v1/residents/424242", json={"name": "无"}), 404)
    error(api.nurse.get("/api/v1/residents/424242/summary"), 404)


def test_search_by_every_key_masks_id_numbers_and_phones(api: Api) -> None:
    created = register(api.nurse, 8, name="张三丰", phone="13812345678")
    register(api.nurse, 9, name="周四海")
    cases = {
        "id_number": created["id_number"],
        "record_number": created["record_number"],
        "phone": "13812345678",
        "phone_last4": "5678",
        "name": "张三丰",
        "initials": "zsf",
    }
    for matched_on, q in cases.items():
        hits = _search(api, str(q))
        assert hits, f"no hit for {matched_on}"
        top = hits[0]
        assert top["id"] == created["id"], (matched_on, hits)
        assert top["matched_on"] == matched_on, (matched_on, top)
        assert top["id_number_masked"] != created["id_number"]
        assert str(top["id_number_masked"]).startswith("320923")
        assert "*" in str(top["id_number_masked"])
        assert top["phone_masked"] == "138****5678"
        assert "id_number" not in top
        assert "phone" not in top


def test_search_initials_prefix_and_limit(api: Api) -> None:
    for seq, name in ((10, "张三"), (11, "张珊珊"), (12, "赵森")):
        register(api.nurse, seq, name=name)
    hits = _search(api, "zs")
    assert [h["name"] for h in hits][:1] == ["张三"]  # exact initials rank before the prefix
    assert {"张三", "张珊珊", "赵森"} <= {h["name"] for h in hits}
    limited = api.nurse.get("/api/v1/residents", params={"q": "zs", "limit": 1}).json()
    assert len(limited) == 1


def test_search_refuses_empty_and_oversized_queries(api: Api) -> None:
    assert error(api.nurse.get("/api/v1/residents", params={"q": ""}), 422)["field"] == "q"
    assert error(api.nurse.get("/api/v1/residents"), 422)["field"] == "q"
    body = error(api.nurse.get("/api/v1/residents", params={"q": "zs", "limit": 0}), 422)
    assert body["field"] == "limit"


def test_summary_holds_the_record(api: Api) -> None:
    created = register(api.nurse, 13, name="钱七")
    answer = api.doctor.get(f"/api/v1/residents/{created['id']}/summary")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["resident"]["id"] == created["id"]
    assert body["household"] is None
    assert body["recent_visits"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"id_number": id_number(14), "name": "甲", "phnoe": "1"}, "phnoe", id="unknown field"),
        pytest.param({"id_number": id_number(14), "name": 123}, "name", id="name is a number"),
        pytest.param({"id_number": id_number(14)}, "name", id="name missing"),
        pytest.param(
            {"id_number": id_number(14), "name": "甲", "household_id": "x"},
            "household_id",
            id="household id not a number",
        ),
    ],
)
def test_malformed_bodies_are_422_naming_the_field(api: Api, body: dict[str, object], field: str) -> None:
    answer = error(api.nurse.post("/api/v1/residents", json=body), 422)
    assert answer["code"] == "invalid_input"
    assert answer["field"] == field
    assert field in answer["message"]
    assert _search(api, id_number(14)) == []


def test_body_that_is_not_json_is_an_api_error(api: Api) -> None:
    answer = api.nurse.post(
        "/api/v1/residents", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert answer.status_code in (400, 422)
    assert set(answer.json()) == {"code", "message", "field", "details"}
