"""Prescriptions, the essential medicines list and shortage records over HTTP, on both databases.

A resident of 55 (programme threshold <140/90) with hypertension confirmed and one controlled follow-up is the
patient a long-term prescription is for; what is stored is read back over the API.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.helpers import Api, audit_rows, error, id_number


def _resident(api: Api, seq: int) -> int:
    answer = api.nurse.post(
        "/api/v1/residents", json={"id_number": id_number(seq, year=1970), "name": f"处方{seq}"}
    )
    assert answer.status_code == 201, answer.text
    rid: int = answer.json()["id"]
    return rid


def _visit(api: Api, rid: int, **measurements: float) -> int:
    visit = api.nurse.post("/api/v1/visits", json={"resident_id": rid})
    assert visit.status_code == 201, visit.text
    vid: int = visit.json()["id"]
    if measurements:
        entry = api.nurse.post(f"/api/v1/visits/{vid}/entries", json={"measurements": measurements})
        assert entry.status_code == 201, entry.text
    return vid


def _hypertensive(api: Api, seq: int, *, followed_up: bool = True) -> tuple[int, int]:
    """A resident with hypertension confirmed and today's visit at 128/78, followed up as controlled."""
    rid = _resident(api, seq)
    confirmed = api.doctor.post(
        f"/api/v1/residents/{rid}/diagnoses",
        json={"condition": "hypertension", "decision": "confirm", "basis": "上级医院已确诊"},
    )
    assert confirmed.status_code == 201, confirmed.text
    vid = _visit(api, rid, sbp=128, dbp=78)
    if followed_up:
        done = api.doctor.post(
            f"/api/v1/residents/{rid}/followups",
            json={"resident_id": rid, "visit_id": vid, "items": [{"condition": "hypertension"}]},
        )
        assert done.status_code == 201, done.text
        assert done.json()["done"][0]["follow_up_class"] == "controlled"
    return rid, vid


def _prescribe(client: httpx.Client, rid: int, **body: Any) -> httpx.Response:
    fields: dict[str, Any] = {"drug": "氨氯地平片", "dose": "5mg", "frequency": "qd", "days": 28}
    fields.update(body)
    return client.post(f"/api/v1/residents/{rid}/prescriptions", json=fields)


def _listed(api: Api, rid: int) -> dict[str, Any]:
    answer = api.doctor.get(f"/api/v1/residents/{rid}/prescriptions")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _medicines(api: Api) -> dict[str, dict[str, Any]]:
    answer = api.nurse.get("/api/v1/medicines")
    assert answer.status_code == 200, answer.text
    return {m["medicine"]["drug"]: m for m in answer.json()}


def test_the_medicines_list_has_choices_classes_initials_and_stock(api: Api) -> None:
    found = _medicines(api)
    amlodipine = found["氨氯地平片"]
    assert amlodipine["medicine"]["doses"][0] == "5mg"
    assert amlodipine["medicine"]["frequencies"] == ["qd"]
    assert amlodipine["medicine"]["conditions"] == ["hypertension"]
    assert amlodipine["classes"] == ["C"]
    assert amlodipine["initials"] == "aldpp"
    assert amlodipine["in_stock"] is True
    error(api.anon.get("/api/v1/medicines"), 401)


def test_a_long_term_prescription_of_84_days_is_stored_85_refused(api: Api) -> None:
    rid, vid = _hypertensive(api, 1)
    answer = _prescribe(api.doctor, rid, long_term=True, days=84, visit_id=vid)
    assert answer.status_code == 201, answer.text
    made = answer.json()
    rx = made["prescription"]
    assert (rx["drug"], rx["dose"], rx["frequency"], rx["long_term"]) == ("氨氯地平片", "5mg", "qd", True)
    assert rx["days_left"] == 84
    assert rx["visit_id"] == vid
    assert made["shortage"] is None
    assert made["drug_count"] == 1
    assert made["pharmacist_review"] is False
    assert "RX.long_term_max_days" in made["clauses"]

    refused = error(_prescribe(api.doctor, rid, drug="比索洛尔片", dose="5mg", long_term=True, days=85), 422)
    assert refused["field"] == "days"
    listed = _listed(api, rid)
    assert [p["drug"] for p in listed["running"]] == ["氨氯地平片"], "nothing written on a refusal"
    assert listed["running"][0]["days_left"] == 84
    actions = [r["action"] for r in audit_rows(api, entity="resident", entity_id=rid)]
    assert "prescription.create" in actions
    assert "prescription.list" in actions


def test_long_term_needs_a_confirmed_and_controlled_condition(api: Api) -> None:
    rid, vid = _hypertensive(api, 2, followed_up=False)
    refused = error(_prescribe(api.doctor, rid, long_term=True, days=56, visit_id=vid), 422)
    assert refused["field"] == "long_term"
    assert "no follow-up on record" in refused["message"]
    other = _resident(api, 3)
    refused = error(_prescribe(api.doctor, other, long_term=True, days=56), 422)
    assert "confirmed diagnosis" in refused["message"]
    ordinary = _prescribe(api.doctor, other, days=14)
    assert ordinary.status_code == 201, "an ordinary prescription needs no confirmed diagnosis"
    assert error(_prescribe(api.doctor, other, days=29), 422)["field"] == "days"
    assert _listed(api, rid)["running"] == []


def test_a_drug_off_the_list_or_a_bad_dose_is_refused_and_nothing_written(api: Api) -> None:
    rid, _ = _hypertensive(api, 4)
    refused = error(_prescribe(api.doctor, rid, drug="某某降压片"), 422)
    assert refused["field"] == "drug"
    assert refused["details"] == {"drug": "某某降压片"}
    assert error(_prescribe(api.doctor, rid, dose=" "), 422)["field"] == "dose"
    assert error(_prescribe(api.doctor, rid, frequency=""), 422)["field"] == "frequency"
    assert error(_prescribe(api.doctor, rid, dosis="5mg"), 422)["code"], "unknown fields are refused"
    assert _listed(api, rid)["running"] == []


def test_a_nurse_may_not_prescribe_or_stop(api: Api) -> None:
    rid, _ = _hypertensive(api, 5)
    error(_prescribe(api.nurse, rid), 403)
    made = _prescribe(api.doctor, rid).json()["prescription"]
    error(api.nurse.post(f"/api/v1/prescriptions/{made['id']}/stop", json={"reason": "咳嗽"}), 403)
    assert _listed(api, rid)["running"][0]["id"] == made["id"]


def test_stopping_needs_a_reason_and_ends_the_prescription_today(api: Api) -> None:
    rid, _ = _hypertensive(api, 6)
    made = _prescribe(api.doctor, rid, drug="卡托普利片", dose="12.5mg", frequency="bid").json()[
        "prescription"
    ]
    path = f"/api/v1/prescriptions/{made['id']}/stop"
    assert error(api.doctor.post(path, json={"reason": "  "}), 422)["field"] == "reason"
    assert _listed(api, rid)["running"][0]["id"] == made["id"], "nothing written on a refusal"
    stopped = api.doctor.post(path, json={"reason": "干咳，换用氨氯地平"})
    assert stopped.status_code == 200, stopped.text
    assert stopped.json()["running"] is False
    assert stopped.json()["stop_reason"] == "干咳，换用氨氯地平"
    listed = _listed(api, rid)
    assert listed["running"] == []
    assert [p["id"] for p in listed["recent"]] == [made["id"]]
    assert error(api.doctor.post(path, json={"reason": "again"}), 409)
    error(api.doctor.post("/api/v1/prescriptions/999999/stop", json={"reason": "x"}), 404)


def test_five_running_drugs_raise_the_pharmacist_review(api: Api) -> None:
    rid, _ = _hypertensive(api, 7)
    for drug, dose, frequency in (
        ("氨氯地平片", "5mg", "qd"),
        ("缬沙坦胶囊", "80mg", "qd"),
        ("氢氯噻嗪片", "12.5mg", "qd"),
        ("阿托伐他汀钙片", "20mg", "qn"),
    ):
        assert _prescribe(api.doctor, rid, drug=drug, dose=dose, frequency=frequency).status_code == 201
    assert _listed(api, rid)["pharmacist_review"] is False
    fifth = _prescribe(api.doctor, rid, drug="二甲双胍片", dose="0.5g", frequency="bid").json()
    assert fifth["drug_count"] == 5
    assert fifth["pharmacist_review"] is True
    listed = _listed(api, rid)
    assert listed["pharmacist_review"] is True
    assert listed["review_from"] == 5


def test_out_of_stock_is_prescribed_flagged_and_a_shortage_recorded_then_resolved(api: Api) -> None:
    rid, vid = _hypertensive(api, 8)
    made = _prescribe(
        api.doctor, rid, drug="缬沙坦胶囊", dose="80mg", visit_id=vid, shortage=True, note="药房无货"
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["prescription"]["shortage"] is True
    shortage = body["shortage"]
    assert shortage["drug"] == "缬沙坦胶囊"
    assert shortage["resident_id"] == rid
    assert shortage["visit_id"] == vid
    assert shortage["prescription_id"] == body["prescription"]["id"]
    assert shortage["note"] == "药房无货"
    assert "RX.shortage" in body["clauses"]

    open_ = api.nurse.get("/api/v1/shortages").json()
    assert [s["id"] for s in open_] == [shortage["id"]]
    assert _medicines(api)["缬沙坦胶囊"]["in_stock"] is False

    other = api.nurse.post("/api/v1/shortages", json={"drug": "阿卡波糖片", "note": "整批缺货"})
    assert other.status_code == 201, other.text
    assert other.json()["resident_id"] is None
    assert error(api.nurse.post("/api/v1/shortages", json={"drug": "不存在的药"}), 422)["field"] == "drug"
    assert len(api.nurse.get("/api/v1/shortages").json()) == 2

    resolved = api.nurse.post(f"/api/v1/shortages/{shortage['id']}/resolve")
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["resolved_at"] is not None
    assert [s["drug"] for s in api.nurse.get("/api/v1/shortages").json()] == ["阿卡波糖片"]
    assert _medicines(api)["缬沙坦胶囊"]["in_stock"] is True
    error(api.nurse.post(f"/api/v1/shortages/{shortage['id']}/resolve"), 409)
    error(api.nurse.post("/api/v1/shortages/999999/resolve"), 404)
