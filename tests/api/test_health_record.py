"""The health record and family alerts over HTTP, on both databases: roles, audit rows, refusals by field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flows.identity import make_id_number
from flows.model import Role, Sex
from tests.api.helpers import Api, audit_rows, error, register

RECORD = {
    "diseases": [{"condition": "stroke", "diagnosed_on": "2019-04-01"}],
    "events": [{"kind": "surgery", "name": "阑尾切除", "occurred_on": "1990-06-01"}],
    "family_history": [{"relation": "mother", "condition": "diabetes"}],
    "lifestyle": {"smoking": "current", "cigarettes_per_day": 10, "salt": "heavy", "diet": ["salty"]},
    "allergies": [{"kind": "drug", "substance": "青霉素", "reaction": "皮疹"}],
    "medicines": [{"name": "阿司匹林", "dose": "100 mg", "frequency": "每日一次", "source": "县医院"}],
}


def _path(resident_id: object) -> str:
    return f"/api/v1/residents/{resident_id}/health-record"


def _actions(api: Api, resident_id: int) -> list[tuple[str, str | None]]:
    rows = audit_rows(api, entity="resident", entity_id=resident_id)
    return [(r["action"], r["detail"]) for r in rows]


def test_save_and_read_back_audited(api: Api) -> None:
    person = register(api.nurse, 70)
    empty = api.doctor.get(_path(person["id"]))
    assert empty.status_code == 200, empty.text
    assert empty.json()["allergies"] == []
    assert empty.json()["updated_at"] is None

    saved = api.nurse.put(_path(person["id"]), json=RECORD)
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["allergies"] == [{"kind": "drug", "substance": "青霉素", "reaction": "皮疹"}]
    assert body["lifestyle"]["smoking"] == "current"
    assert body["updated_by"] == api.staff[Role.NURSE].id
    assert api.doctor.get(_path(person["id"])).json() == body

    # Saving the same record again changes nothing; a shorter one takes entries off.
    again = api.nurse.put(_path(person["id"]), json=RECORD)
    assert again.json()["updated_at"] == body["updated_at"]
    shorter = api.doctor.put(_path(person["id"]), json={**RECORD, "allergies": [], "events": []})
    assert shorter.status_code == 200, shorter.text
    assert shorter.json()["allergies"] == []
    assert shorter.json()["events"] == []

    actions = _actions(api, person["id"])
    assert ("record.read", None) in actions
    assert (
        "record.update",
        "added=5 removed=0 lifestyle=changed relations=0",
    ) in actions
    assert ("record.update", "added=0 removed=0 lifestyle=same relations=0") in actions
    assert ("record.update", "added=0 removed=2 lifestyle=same relations=0") in actions
    assert not any("青霉素" in (d or "") for _a, d in actions), "the audit log is not a copy of the record"


def test_roles_and_missing_things(api: Api) -> None:
    person = register(api.nurse, 71)
    error(api.admin.get(_path(person["id"])), 403)
    error(api.admin.put(_path(person["id"]), json=RECORD), 403)
    error(api.anon.get(_path(person["id"])), 401)
    error(api.nurse.get(_path(9999)), 404)
    error(api.nurse.put(_path(9999), json=RECORD), 404)
    error(api.nurse.get("/api/v1/visits/9999/family-alerts/proposed"), 404)
    error(api.nurse.get("/api/v1/residents/9999/family-alerts"), 404)
    error(api.nurse.post("/api/v1/family-alerts/9999/status", json={"status": "done"}), 404)
    error(api.admin.get(f"/api/v1/residents/{person['id']}/family-alerts"), 403)


def _refusal(api: Api, resident_id: int, body: dict[str, Any]) -> str | None:
    field: str | None = error(api.nurse.put(_path(resident_id), json=body), 422)["field"]
    return field


def test_refusals_name_the_field_and_write_nothing(api: Api) -> None:
    person = register(api.nurse, 72)
    rid = person["id"]
    allergies = [
        {"kind": "drug", "substance": "青霉素"},
        {"kind": "food", "substance": "花生"},
        {"kind": "other", "substance": "  "},
    ]
    assert _refusal(api, rid, {**RECORD, "allergies": allergies}) == "allergies[2].substance"
    assert _refusal(api, rid, {"allergies": [{"kind": "pollen", "substance": "x"}]}) == "allergies[0].kind"
    misspelt = api.nurse.put(
        _path(rid), json={"allergies": [{"kind": "drug", "substance": "x", "reacton": "y"}]}
    )
    body = error(misspelt, 422)
    assert (body["field"], "reacton" in body["message"]) == ("allergies[0]", True), body
    assert _refusal(api, rid, {"lifestyle": {"smoking": "never", "cigarettes_per_day": 3}}) == (
        "lifestyle.cigarettes_per_day"
    )
    assert _refusal(api, rid, {"diseases": [{"condition": "stroke", "diagnosed_on": "2999-01-01"}]}) == (
        "diseases[0].diagnosed_on"
    )
    assert _refusal(api, rid, {"relations": [{"relative_id": 9999, "relation": "child"}]}) == (
        "relations[0].relative_id"
    )
    assert api.nurse.get(_path(rid)).json()["updated_at"] is None, "nothing was written"
    assert not [a for a, _d in _actions(api, rid) if a == "record.update"]


def _member(api: Api, household_id: int, seq: int, *, born: dt.date, sex: Sex, name: str) -> int:
    answer = api.nurse.post(
        "/api/v1/residents",
        json={
            "id_number": make_id_number("320923", born, seq, sex),
            "name": name,
            "household_id": household_id,
        },
    )
    assert answer.status_code == 201, answer.text
    rid: int = answer.json()["id"]
    return rid


def test_family_alerts_for_the_household(api: Api) -> None:
    home = api.nurse.post("/api/v1/households", json={"address": "东村3组12号"}).json()["id"]
    father = _member(api, home, 40, born=dt.date(1960, 5, 17), sex=Sex.MALE, name="张三丰")
    mother = _member(api, home, 41, born=dt.date(1962, 8, 3), sex=Sex.FEMALE, name="李秀英")
    son = _member(api, home, 42, born=dt.date(1990, 1, 9), sex=Sex.MALE, name="张小明")
    confirmed = api.doctor.post(
        f"/api/v1/residents/{father}/diagnoses",
        json={"condition": "hypertension", "decision": "confirm", "basis": "上级医院已确诊"},
    )
    assert confirmed.status_code == 201, confirmed.text
    visit = api.nurse.post("/api/v1/visits", json={"resident_id": father}).json()["id"]
    proposed_path = f"/api/v1/visits/{visit}/family-alerts/proposed"
    assert api.nurse.get(proposed_path).json() == [], "kinship not set: nobody to alert"

    relations = [{"relative_id": mother, "relation": "spouse"}, {"relative_id": son, "relation": "child"}]
    mother_as_father = [{"relative_id": mother, "relation": "father"}]
    assert _refusal(api, father, {"relations": mother_as_father}) == "relations[0].relation"
    saved = api.nurse.put(_path(father), json={"relations": relations})
    assert saved.status_code == 200, saved.text
    assert [(m["name"], m["relation"]) for m in saved.json()["household"]] == [
        ("李秀英", "spouse"),
        ("张小明", "child"),
    ]
    assert ("record.relation", f"relative={father}") in _actions(api, son), "the son's record changed too"

    proposed = api.nurse.get(proposed_path)
    assert proposed.status_code == 200, proposed.text
    assert [(p["relative_id"], p["code"], p["relation"]) for p in proposed.json()] == [
        (son, "family.htn", "father")
    ]
    assert proposed.json()[0]["clauses"][0] == "FAMILY.htn"

    bad = api.nurse.post(f"/api/v1/visits/{visit}/family-alerts", json={"codes": ["family.xyz"]})
    assert error(bad, 422)["field"] == "codes[0]"
    raised = api.nurse.post(f"/api/v1/visits/{visit}/family-alerts", json={})
    assert raised.status_code == 201, raised.text
    [alert] = raised.json()
    assert (alert["relative_name"], alert["source_name"], alert["status"]) == ("张小明", "张三丰", "open")
    again = api.nurse.post(f"/api/v1/visits/{visit}/family-alerts", json={"relative_ids": [son]})
    assert error(again, 409)["field"] == "relative_ids"

    about = api.doctor.get(f"/api/v1/residents/{son}/family-alerts").json()
    assert [a["id"] for a in about["about"]] == [alert["id"]]
    assert about["raised"] == []
    assert [a["id"] for a in api.nurse.get(f"/api/v1/residents/{father}/family-alerts").json()["raised"]] == [
        alert["id"]
    ]
    son_record = api.nurse.get(_path(son)).json()
    assert son_record["family_history"] == [
        {"relation": "father", "condition": "hypertension", "note": None, "relative_id": father}
    ]

    status = f"/api/v1/family-alerts/{alert['id']}/status"
    told = api.nurse.post(status, json={"status": "acknowledged"})
    assert told.status_code == 200, told.text
    assert told.json()["status"] == "acknowledged"
    assert error(api.nurse.post(status, json={"status": "open"}), 409)["field"] == "status"
    assert api.doctor.post(status, json={"status": "done"}).json()["status"] == "done"

    assert ("family_alert.raise", f"visit={visit} alerts=1 codes=family.htn") in _actions(api, father)
    son_actions = _actions(api, son)
    assert ("family_alert.received", f"alert={alert['id']} code=family.htn source={father}") in son_actions
    assert ("family_alert.status", f"alert={alert['id']} status=done") in son_actions
    assert ("family_alert.list", None) in son_actions
