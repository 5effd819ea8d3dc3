"""Diagnosis support, follow-ups and plans over HTTP, on both databases, against what the record holds.

The clock moves forward between visits (the ManualClock), so "three different days within 4 weeks" and "two
consecutive uncontrolled follow-ups" are real visits on real days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.api.helpers import Api, advance, error, id_number

DAY = dt.timedelta(days=1)


def _resident(api: Api, seq: int, *, year: int = 1970) -> int:
    answer = api.nurse.post(
        "/api/v1/residents", json={"id_number": id_number(seq, year=year), "name": f"随访{seq}"}
    )
    assert answer.status_code == 201, answer.text
    rid: int = answer.json()["id"]
    return rid


def _visit_with(api: Api, resident_id: int, **measurements: float) -> int:
    visit = api.nurse.post("/api/v1/visits", json={"resident_id": resident_id})
    assert visit.status_code == 201, visit.text
    vid: int = visit.json()["id"]
    if measurements:
        entry = api.nurse.post(f"/api/v1/visits/{vid}/entries", json={"measurements": measurements})
        assert entry.status_code == 201, entry.text
    return vid


def _criteria(api: Api, resident_id: int) -> dict[str, dict[str, Any]]:
    answer = api.doctor.get(f"/api/v1/residents/{resident_id}/diagnosis-criteria")
    assert answer.status_code == 200, answer.text
    return {c["condition"]: c for c in answer.json()}


def _confirm(
    api: Api, resident_id: int, condition: str, basis: str | None = "上级医院已确诊"
) -> dict[str, Any]:
    answer = api.doctor.post(
        f"/api/v1/residents/{resident_id}/diagnoses",
        json={"condition": condition, "decision": "confirm", "basis": basis},
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _followup(client: httpx.Client, resident_id: int, **body: Any) -> httpx.Response:
    return client.post(
        f"/api/v1/residents/{resident_id}/followups", json={"resident_id": resident_id, **body}
    )


def test_hypertension_criteria_need_three_raised_days_then_the_doctor_confirms(api: Api) -> None:
    rid = _resident(api, 60)
    _visit_with(api, rid, sbp=150, dbp=95)
    advance(api, 7 * DAY)
    _visit_with(api, rid, sbp=152, dbp=96)
    assert _criteria(api, rid)["hypertension"]["status"] != "met"
    advance(api, 7 * DAY)
    _visit_with(api, rid, sbp=148, dbp=92)
    found = _criteria(api, rid)["hypertension"]
    assert found["status"] == "met"
    assert found["icd10"] == "I10"
    assert found["clauses"]

    error(
        api.nurse.post(
            f"/api/v1/residents/{rid}/diagnoses", json={"condition": "hypertension", "decision": "confirm"}
        ),
        403,
    )
    bad = api.doctor.post(
        f"/api/v1/residents/{rid}/diagnoses",
        json={"condition": "hypertension", "decision": "confirm", "icd10": "E11.9"},
    )
    assert error(bad, 422)["field"] == "icd10"
    saved = _confirm(api, rid, "hypertension", basis=None)
    assert saved["status"] == "confirmed"
    assert saved["icd10"] == "I10"
    assert saved["clauses"]
    assert "150" in saved["basis"] or "148" in saved["basis"]
    assert error(
        api.doctor.post(
            f"/api/v1/residents/{rid}/diagnoses", json={"condition": "hypertension", "decision": "confirm"}
        ),
        409,
    )
    summary = api.nurse.get(f"/api/v1/residents/{rid}/summary").json()
    assert summary["conditions"] == ["hypertension"]


def test_confirming_without_criteria_needs_the_doctors_basis_and_rejecting_is_kept(api: Api) -> None:
    rid = _resident(api, 61)
    answer = api.doctor.post(
        f"/api/v1/residents/{rid}/diagnoses", json={"condition": "obesity", "decision": "confirm"}
    )
    assert error(answer, 422)["field"] == "basis"
    rejected = api.doctor.post(
        f"/api/v1/residents/{rid}/diagnoses", json={"condition": "dyslipidaemia", "decision": "reject"}
    )
    assert rejected.status_code == 201
    assert rejected.json()["status"] == "ruled_out"
    assert [d["status"] for d in api.doctor.get(f"/api/v1/residents/{rid}/diagnoses").json()] == ["ruled_out"]


def test_two_consecutive_uncontrolled_follow_ups_recommend_referral(api: Api) -> None:
    rid = _resident(api, 62)  # born 1970: under 65, programme threshold <140/90
    _confirm(api, rid, "hypertension")
    vid = _visit_with(api, rid, sbp=150, dbp=88)
    first = _followup(api.doctor, rid, visit_id=vid, items=[{"condition": "hypertension"}])
    assert first.status_code == 201, first.text
    body = first.json()
    # The site's local date (the next date is counted from it), not the UTC date of the timestamp: between
    # 16:00 and 24:00 UTC they differ in Asia/Shanghai.
    today = dt.datetime.fromisoformat(body["done"][0]["done_at"]).astimezone(ZoneInfo("Asia/Shanghai")).date()
    assert body["done"][0]["follow_up_class"] == "uncontrolled"
    assert body["done"][0]["sbp"] == 150
    assert body["assessment"]["referral"] is False
    assert dt.date.fromisoformat(body["next_date"]) - today <= dt.timedelta(days=14)

    advance(api, 14 * DAY)
    vid = _visit_with(api, rid, sbp=146, dbp=84)
    second = _followup(api.doctor, rid, visit_id=vid, items=[{"condition": "hypertension"}]).json()
    assert second["done"][0]["follow_up_class"] == "uncontrolled"
    assert second["assessment"]["referral"] is True
    codes = [r["code"] for r in second["assessment"]["referral_reasons"]]
    assert any("two_consecutive" in c for c in codes)
    # The booking made by the first follow-up became the second's record; one booking stays open.
    rows = api.doctor.get(f"/api/v1/residents/{rid}/followups").json()
    assert [r["done_at"] is None for r in rows] == [True, False, False]


def test_the_elderly_programme_threshold_applies_from_65(api: Api) -> None:
    rid = _resident(api, 63, year=1950)  # 76 years old: <150/90
    _confirm(api, rid, "hypertension")
    vid = _visit_with(api, rid, sbp=145, dbp=85)
    body = _followup(api.doctor, rid, visit_id=vid, items=[{"condition": "hypertension"}]).json()
    assert body["done"][0]["follow_up_class"] == "controlled"
    assessment = body["assessment"]["diseases"][0]
    assert assessment["controlled"] is True
    assert assessment["target_met"] is False


def test_a_follow_up_without_a_bp_is_refused_and_never_borrows_an_older_reading(api: Api) -> None:
    rid = _resident(api, 64)
    _confirm(api, rid, "hypertension")
    _visit_with(api, rid, sbp=128, dbp=78)  # an older reading, in another visit
    advance(api, DAY)
    vid = _visit_with(api, rid)
    answer = _followup(api.doctor, rid, visit_id=vid, items=[{"condition": "hypertension"}])
    assert error(answer, 422)["field"] in ("sbp", "items[0].sbp")
    assert api.doctor.get(f"/api/v1/residents/{rid}/followups").json() == []


def test_multimorbidity_one_visit_a_class_each_and_the_earliest_date_wins(api: Api) -> None:
    rid = _resident(api, 65)
    _confirm(api, rid, "hypertension")
    _confirm(api, rid, "diabetes")
    vid = _visit_with(api, rid, sbp=128, dbp=78, fpg=8.2)
    body = _followup(
        api.doctor, rid, visit_id=vid, items=[{"condition": "hypertension"}, {"condition": "diabetes"}]
    ).json()
    classes = {d["condition"]: d["follow_up_class"] for d in body["done"]}
    assert classes == {"hypertension": "controlled", "diabetes": "uncontrolled"}
    assert {b["due_date"] for b in body["booked"]} == {body["next_date"]}
    diseases = {d["condition"]: d for d in body["assessment"]["diseases"]}
    assert diseases["hypertension"]["interval_days"] > diseases["diabetes"]["interval_days"]
    assert body["assessment"]["next_date"] == diseases["diabetes"]["next_date"] == body["next_date"]


def test_a_phone_follow_up_with_home_values_and_a_doctors_date_override(api: Api) -> None:
    rid = _resident(api, 66)
    _confirm(api, rid, "diabetes")
    when = (api.server.clock().date() + dt.timedelta(days=30)).isoformat()
    no_reason = _followup(
        api.nurse, rid, mode="phone", fpg=6.1, items=[{"condition": "diabetes"}], next_date=when
    )
    assert error(no_reason, 422)["field"] == "override_reason"
    answer = _followup(
        api.nurse,
        rid,
        mode="phone",
        fpg=6.1,
        items=[{"condition": "diabetes"}],
        next_date=when,
        override_reason="患者外出务工，一个月后返乡",
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["next_date"] == when
    assert body["booked"][0]["due_date"] == when
    assert body["done"][0]["mode"] == "phone"
    assert body["done"][0]["override_reason"].startswith("患者")


def test_plans_default_edit_and_merge(api: Api) -> None:
    rid = _resident(api, 67)
    _confirm(api, rid, "hypertension")
    missing = api.doctor.get(f"/api/v1/residents/{rid}/plans/default", params={"condition": "hypertension"})
    assert error(missing, 422)["field"] in ("height", "weight")
    _visit_with(api, rid, height=165.0, weight=80.0, sbp=132, dbp=82)
    default = api.doctor.get(f"/api/v1/residents/{rid}/plans/default", params={"condition": "hypertension"})
    assert default.status_code == 200, default.text
    plan = default.json()
    assert plan["lifestyle"]["target_weight_kg"] < 80
    assert plan["clauses"]
    unknown = api.doctor.get(f"/api/v1/residents/{rid}/plans/default", params={"condition": "copd"})
    assert error(unknown, 422)["field"] == "condition"
    saved = api.doctor.post(
        f"/api/v1/residents/{rid}/plans",
        json={"condition": "hypertension", "edit": {"salt_g_per_day_max": 4.0}},
    )
    assert saved.status_code == 201, saved.text
    assert saved.json()["plan"]["lifestyle"]["salt_g_per_day_max"] == 4.0
    error(api.nurse.post(f"/api/v1/residents/{rid}/plans", json={"condition": "hypertension"}), 403)
    listed = api.doctor.get(f"/api/v1/residents/{rid}/plans").json()
    assert [p["condition"] for p in listed["plans"]] == ["hypertension"]
    assert listed["merged"]["lifestyle"]["salt_g_per_day_max"] == 4.0


def test_a_plan_follows_todays_class_when_the_screen_gives_it(api: Api) -> None:
    """The plan step comes before today's follow-up is recorded: the doctor's screen sends today's class."""
    rid = _resident(api, 70)
    _confirm(api, rid, "hypertension")
    _visit_with(api, rid, height=165.0, weight=70.0, sbp=162, dbp=98)
    url = f"/api/v1/residents/{rid}/plans"
    today = api.doctor.post(url, json={"condition": "hypertension", "follow_up_class": "uncontrolled"})
    assert today.status_code == 201, today.text
    assert today.json()["plan"]["conditions"][0]["cls"] == "uncontrolled"
    assert today.json()["plan"]["next_followup_days"] <= 14  # BPHS-2017: first uncontrolled → within 2 weeks
    latest = api.doctor.post(url, json={"condition": "hypertension"})
    assert latest.json()["plan"]["conditions"][0]["cls"] == "controlled"  # no follow-up recorded yet
    wrong = api.doctor.post(url, json={"condition": "hypertension", "follow_up_class": "stable"})
    assert error(wrong, 422)["field"] == "follow_up_class"


def test_an_emergency_value_given_with_a_follow_up_gates_the_visit(api: Api) -> None:
    rid = _resident(api, 68)
    _confirm(api, rid, "hypertension")
    vid = _visit_with(api, rid)
    body = _followup(
        api.doctor, rid, visit_id=vid, sbp=186, dbp=100, items=[{"condition": "hypertension"}]
    ).json()
    assert body["assessment"]["emergency"] is True
    assert body["assessment"]["referral"] is True
    flags = api.doctor.get(f"/api/v1/visits/{vid}/emergencies").json()
    assert [f["status"] for f in flags] == ["open"]
    assert api.doctor.get(f"/api/v1/visits/{vid}/moves").json() == ["refer_emergency", "cancel"]


def test_signing_status_names_the_key_populations(api: Api) -> None:
    rid = _resident(api, 69, year=1950)
    _confirm(api, rid, "hypertension")
    status = api.nurse.get(f"/api/v1/residents/{rid}/signing").json()
    assert status["contract"] is None
    assert status["in_force"] is False
    assert status["key_populations"] == ["aged_65_or_over", "hypertension"]
    error(api.nurse.get("/api/v1/residents/99999/signing"), 404)


def test_hypertension_referral_reasons_beyond_emergencies(api: Api) -> None:
    url = "/api/v1/rules/hypertension/referral"
    first = api.doctor.post(url, json={"first_diagnosis": {"onset_age": 25, "inter_arm_sbp_difference": 25}})
    assert first.status_code == 200, first.text
    assert len(first.json()) == 2
    assert all(r["clauses"] for r in first.json())
    assert api.doctor.post(url, json={"first_diagnosis": {"onset_age": 30}}).json() == []
    resistant = {"controlled": False, "full_dose_drug_count": 3, "on_diuretic": True}
    assert api.doctor.post(url, json={"followup": resistant}).json()
    assert error(api.doctor.post(url, json={}), 422)["field"] == "first_diagnosis"
