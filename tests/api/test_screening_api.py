"""Questionnaires, screening and the rules reference over HTTP; clause ids on every result."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.api.helpers import Api, error, id_number


def _visit(api: Api, seq: int, *, year: int = 1966, **measurements: float) -> dict[str, Any]:
    person = api.nurse.post(
        "/api/v1/residents", json={"id_number": id_number(seq, year=year), "name": f"筛查{seq}"}
    )
    assert person.status_code == 201, person.text
    visit: dict[str, Any] = api.nurse.post("/api/v1/visits", json={"resident_id": person.json()["id"]}).json()
    if measurements:
        entry = api.nurse.post(f"/api/v1/visits/{visit['id']}/entries", json={"measurements": measurements})
        assert entry.status_code == 201, entry.text
    return visit


def test_cdrs_takes_bmi_waist_and_sbp_from_the_visit(api: Api) -> None:
    visit = _visit(api, 70, weight=80.0, height=170.0, waist=92.0, sbp=142, dbp=88)
    answer = api.nurse.post(
        f"/api/v1/visits/{visit['id']}/questionnaires/cdrs", json={"answers": {"family_history": True}}
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    # age 60 → 16, male +2, family +6, BMI 27.7 → 3, waist 92 (men 90–94.9) → 8, SBP 142 → 7: 42
    assert body["score"] == 42
    assert body["result"] == "high_risk"
    assert body["clauses"]
    assert any(step["code"].startswith("dm.") or "ogtt" in step["code"] for step in body["next_steps"])


def test_a_bad_answer_is_refused_naming_the_question_and_nothing_is_saved(api: Api) -> None:
    visit = _visit(api, 71)
    url = f"/api/v1/visits/{visit['id']}/questionnaires/copd_sq"
    answers = {
        "pack_years": 20,
        "bmi": 23.0,
        "cough_without_cold": True,
        "breathlessness": "sometimes",
        "biomass_fuel": False,
        "family_history": False,
    }
    assert error(api.nurse.post(url, json={"answers": answers}), 422)["field"] == "answers.breathlessness"
    error(api.nurse.post(f"/api/v1/visits/{visit['id']}/questionnaires/nope", json={"answers": {}}), 422)
    answers["breathlessness"] = "walking_normally"
    body = api.nurse.post(url, json={"answers": answers}).json()
    # age 60 → 7, pack-years 20 → 1, BMI 23 → 4, cough 5, breathless walking 3: 20 ≥16 high risk
    assert body["score"] == 20
    assert body["result"] == "high_risk"


def test_screening_reports_findings_next_steps_and_questionnaires_with_clauses(api: Api) -> None:
    visit = _visit(api, 72, sbp=142, dbp=91, weight=85.0, height=170.0, waist=95.0, fpg=6.3)
    api.nurse.post(
        f"/api/v1/visits/{visit['id']}/questionnaires/stroke_8_2",
        json={
            "answers": {
                "hypertension": True,
                "af_or_valvular": False,
                "smoking": True,
                "dyslipidaemia_or_lipids_unknown": True,
                "diabetes": False,
                "little_exercise": False,
                "family_history_stroke": False,
                "history_stroke": False,
                "history_tia": False,
            }
        },
    )
    answer = api.nurse.post(
        f"/api/v1/visits/{visit['id']}/screening", json={"family_history_hypertension": True}
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    codes = {f["code"] for f in report["findings"]}
    assert "htn.grade.grade_1" in codes
    assert any(c.startswith("stroke.") for c in codes)
    assert all(f["clauses"] for f in report["findings"])
    steps = {s["code"] for s in report["next_steps"]}
    assert any("recheck" in s for s in steps)
    assert report["emergency"] is False
    assert set(report["clauses"]) >= {c for f in report["findings"] for c in f["clauses"]}


def test_the_rules_reference_lists_clauses_questionnaires_and_settings(api: Api) -> None:
    clauses = api.admin.get("/api/v1/rules/clauses").json()
    ids = {c["id"] for c in clauses}
    assert {"FU.uncontrolled.two_consecutive", "HTN.drugs.classes"} <= ids
    assert len(ids) > 100
    one = api.nurse.get("/api/v1/rules/clauses/FU.uncontrolled.two_consecutive").json()
    assert one["source"] == "BPHS-2017"
    assert one["confidence"] == "V"
    error(api.nurse.get("/api/v1/rules/clauses/NOPE"), 404)
    tcm = api.nurse.get("/api/v1/rules/questionnaires/tcm_33").json()
    assert len(tcm["questions"]) == 33
    assert tcm["questions"][0]["text_zh"]
    settings = api.nurse.get("/api/v1/rules/settings").json()
    assert settings["hypertension"]["screening_age_floor"] == 18
    error(api.anon.get("/api/v1/rules/clauses"), 401)


def test_classify_a_follow_up_without_saving(api: Api) -> None:
    today = dt.date(2026, 11, 23)
    item: dict[str, Any] = {"condition": "hypertension", "sbp": 150, "dbp": 85, "previous": "uncontrolled"}
    body = {
        "items": [item],
        "age": 64,
        "today": today.isoformat(),
        "drug_count": 5,
    }
    answer = api.doctor.post("/api/v1/rules/followup", json=body)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["referral"] is True
    assert result["pharmacist_review"] is True
    assert result["next_date"] == (today + dt.timedelta(days=14)).isoformat()
    assert result["clauses"]
    item["sbp"] = 400
    assert error(api.doctor.post("/api/v1/rules/followup", json=body), 422)["field"]
