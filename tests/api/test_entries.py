"""Values and symptoms into a visit over HTTP: validation, the emergency gate, the doctor's override, audit."""

from __future__ import annotations

from typing import Any

import httpx

from flows.model import Move, Role, Step
from tests.api.helpers import Api, audit_rows, error, register


def _visit(api: Api, seq: int, *, screening: bool = True) -> dict[str, Any]:
    person = register(api.nurse, seq)
    visit: dict[str, Any] = api.nurse.post("/api/v1/visits", json={"resident_id": person["id"]}).json()
    if screening:
        moved = _move(api.nurse, visit["id"], Move.START_SCREENING)
        assert moved.status_code == 200, moved.text
    return visit


def _move(client: httpx.Client, visit_id: int, move: Move, **extra: Any) -> httpx.Response:
    return client.post(f"/api/v1/visits/{visit_id}/events", json={"move": move.value, **extra})


def _enter(client: httpx.Client, visit_id: int, **body: Any) -> httpx.Response:
    return client.post(f"/api/v1/visits/{visit_id}/entries", json=body)


def _observation_count(api: Api, resident_id: int) -> int:
    summary = api.nurse.get(f"/api/v1/residents/{resident_id}/summary").json()
    return len(summary["latest"])


def test_normal_values_are_saved_with_bmi_and_no_emergency(api: Api) -> None:
    visit = _visit(api, 40)
    answer = _enter(
        api.nurse, visit["id"], measurements={"sbp": 128, "dbp": 78, "weight": 70.0, "height": 170.0}
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    codes = {o["code"]: o["value"] for o in body["observations"]}
    assert codes == {"sbp": 128, "dbp": 78, "weight": 70.0, "height": 170.0, "bmi": 24.2}
    assert all(o["source"] == "manual" and o["visit_id"] == visit["id"] for o in body["observations"])
    assert body["emergency"] == []
    assert body["flag"] is None
    assert "finish_screening" in body["moves"]


def test_an_emergency_bp_gates_the_visit_until_referral(api: Api) -> None:
    visit = _visit(api, 41)
    body = _enter(api.nurse, visit["id"], measurements={"sbp": 182, "dbp": 96}).json()
    assert body["flag"]["status"] == "open"
    assert body["emergency"]
    assert body["emergency"][0]["severity"] == "emergency"
    assert body["emergency"][0]["clauses"]
    assert body["moves"] == ["refer_emergency", "cancel"]
    assert api.nurse.get(f"/api/v1/visits/{visit['id']}/moves").json() == ["refer_emergency", "cancel"]

    refused = error(_move(api.nurse, visit["id"], Move.FINISH_SCREENING), 409)
    assert refused["code"] == "emergency_pending"
    assert api.nurse.get(f"/api/v1/visits/{visit['id']}").json()["step"] == Step.SCREENING.value

    referred = _move(api.nurse, visit["id"], Move.REFER_EMERGENCY, reason="血压182/96 紧急转诊")
    assert referred.status_code == 200, referred.text
    assert referred.json()["step"] == Step.REFERRAL.value
    flags = api.nurse.get(f"/api/v1/visits/{visit['id']}/emergencies").json()
    assert [f["status"] for f in flags] == ["referred"]
    assert flags[0]["resolved_by"] == api.staff[Role.NURSE].id


def test_dbp_110_alone_is_an_emergency_and_179_109_is_not(api: Api) -> None:
    below = _visit(api, 42)
    assert _enter(api.nurse, below["id"], measurements={"sbp": 179, "dbp": 109}).json()["flag"] is None
    above = _visit(api, 43)
    assert _enter(api.nurse, above["id"], measurements={"sbp": 150, "dbp": 110}).json()["flag"] is not None


def test_only_a_doctor_overrides_and_only_with_a_reason(api: Api) -> None:
    visit = _visit(api, 44)
    _enter(api.nurse, visit["id"], measurements={"sbp": 185, "dbp": 100})
    url = f"/api/v1/visits/{visit['id']}/emergencies/override"
    error(api.nurse.post(url, json={"reason": "复测正常"}), 403)
    assert error(api.doctor.post(url, json={"reason": "   "}), 422)["field"] == "reason"
    answer = api.doctor.post(url, json={"reason": "休息15分钟后复测 150/90，无症状"})
    assert answer.status_code == 200, answer.text
    assert [f["status"] for f in answer.json()] == ["overridden"]
    assert answer.json()[0]["reason"].startswith("休息")
    # The gate is open again, and a second override has nothing to override.
    assert _move(api.nurse, visit["id"], Move.FINISH_SCREENING).status_code == 200
    error(api.doctor.post(url, json={"reason": "again"}), 409)
    rows = audit_rows(api, entity="resident", entity_id=visit["resident_id"])
    assert any(r["action"] == "visit.emergency_override" for r in rows)
    entries = [r for r in rows if r["action"] == "visit.entry"]
    assert entries
    assert "emergency=yes" in entries[0]["detail"]
    assert "185" not in entries[0]["detail"]


def test_an_emergency_symptom_raises_a_flag_and_an_unknown_one_is_refused(api: Api) -> None:
    from flows.rules.emergency import SYMPTOMS

    visit = _visit(api, 45)
    bad = error(_enter(api.nurse, visit["id"], symptoms=["not-a-symptom"]), 422)
    assert bad["field"] == "symptoms"
    code = next(iter(SYMPTOMS))
    body = _enter(api.nurse, visit["id"], symptoms=[code]).json()
    assert body["symptoms"] == [code]
    assert body["flag"] is not None


def test_impossible_values_are_refused_naming_the_field_and_nothing_is_saved(api: Api) -> None:
    visit = _visit(api, 46)
    cases = [
        ({"sbp": 400, "dbp": 90}, "measurements.sbp"),
        ({"sbp": 120, "dbp": 130}, "measurements.sbp"),
        ({"fpg": 126}, "measurements.fpg"),  # mg/dL typed as mmol/L
        ({"sbp": 120.5, "dbp": 80}, "measurements.sbp"),
        ({"weight": "heavy"}, "measurements.weight"),
        ({"bogus": 1}, "measurements.bogus"),
    ]
    for measurements, field in cases:
        body = error(_enter(api.nurse, visit["id"], measurements=measurements), 422)
        assert body["field"] == field, (measurements, body)
    error(_enter(api.nurse, visit["id"]), 422)
    assert error(_enter(api.nurse, visit["id"], measurements={"sbp": 120}, extra=1), 422)["field"] == "extra"
    assert _observation_count(api, visit["resident_id"]) == 0


def test_values_go_into_open_visits_only(api: Api) -> None:
    visit = _visit(api, 47)
    _move(api.nurse, visit["id"], Move.CANCEL, reason="离开")
    error(_enter(api.nurse, visit["id"], measurements={"sbp": 120, "dbp": 80}), 409)
    error(_enter(api.nurse, 99999, measurements={"sbp": 120, "dbp": 80}), 404)


def test_cancelling_closes_an_open_emergency_with_the_reason(api: Api) -> None:
    visit = _visit(api, 48)
    _enter(api.nurse, visit["id"], measurements={"sbp": 190, "dbp": 120})
    assert _move(api.nurse, visit["id"], Move.CANCEL, reason="拒绝转诊，自行离开").status_code == 200
    flags = api.nurse.get(f"/api/v1/visits/{visit['id']}/emergencies").json()
    assert [(f["status"], f["reason"]) for f in flags] == [("cancelled", "拒绝转诊，自行离开")]
