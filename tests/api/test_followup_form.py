"""The follow-up form over HTTP on both databases: prefilled (followupDraft), previewed (previewFollowup, nothing
written), stored with doFollowup and read back (listFollowups), overrides that need a reason, and booking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from tests.api.helpers import Api, audit_rows, error, id_number

DAY = dt.timedelta(days=1)


def _ok(answer: httpx.Response) -> Any:
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def _resident(api: Api, seq: int, *conditions: str) -> int:
    body = {"id_number": id_number(seq, year=1970), "name": f"随访表{seq}"}
    rid: int = _ok(api.nurse.post("/api/v1/residents", json=body))["id"]
    for condition in conditions:
        _ok(
            api.doctor.post(
                f"/api/v1/residents/{rid}/diagnoses",
                json={"condition": condition, "decision": "confirm", "basis": "上级医院已确诊"},
            )
        )
    return rid


def _visit(api: Api, rid: int, **measurements: float) -> int:
    vid: int = _ok(api.nurse.post("/api/v1/visits", json={"resident_id": rid}))["id"]
    _ok(api.nurse.post(f"/api/v1/visits/{vid}/entries", json={"measurements": measurements}))
    return vid


def _draft(api: Api, rid: int, vid: int) -> dict[str, Any]:
    found: dict[str, Any] = _ok(
        api.doctor.get(f"/api/v1/residents/{rid}/followups/draft", params={"visit_id": vid})
    )
    return found


def _request(draft: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "resident_id": draft["resident_id"],
        "visit_id": draft["visit_id"],
        "items": draft["items"],
        "form": draft["form"],
        **extra,
    }


def _rows(api: Api, rid: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = _ok(api.doctor.get(f"/api/v1/residents/{rid}/followups"))
    return found


def test_the_draft_is_prefilled_and_the_form_is_stored_and_read_back(api: Api) -> None:
    rid = _resident(api, 70, "hypertension")
    vid = _visit(api, rid, sbp=128, dbp=78, weight=70.5, pulse=72)
    draft = _draft(api, rid, vid)
    assert [i["condition"] for i in draft["items"]] == ["hypertension"]
    form = draft["form"]
    assert form["signs"]["sbp"] == 128
    assert form["signs"]["weight_kg"] == 70.5
    assert form["signs"]["heart_rate"] == 72
    assert form["hypertension"]["symptoms"] == ["none"]
    assert form["diabetes"] is None
    assert form["copd"] is None

    form["adherence"] = "regular"
    form["lifestyle"]["salt"] = {"now": "moderate", "target": "light"}
    done = _ok(api.doctor.post(f"/api/v1/residents/{rid}/followups", json=_request(draft)))
    assert done["done"][0]["follow_up_class"] == "controlled"
    assert done["done"][0]["rules_class"] == "controlled"
    rows = _rows(api, rid)
    record = next(r for r in rows if r["done_at"] is not None)
    assert record["sbp"] == 128
    assert record["dbp"] == 78
    assert record["form"]["adherence"] == "regular"
    assert record["form"]["lifestyle"]["salt"] == {"now": "moderate", "target": "light"}
    assert record["form"]["hypertension"]["symptoms"] == ["none"]
    booking = next(r for r in rows if r["done_at"] is None)
    assert booking["due_date"] == done["next_date"]

    # The next draft takes the targets and ratings agreed on this form.
    again = _draft(api, rid, vid)
    assert again["form"]["adherence"] == "regular"
    assert again["form"]["lifestyle"]["salt"]["target"] == "light"


def test_the_preview_classifies_the_forms_values_and_writes_nothing(api: Api) -> None:
    rid = _resident(api, 71, "hypertension")
    vid = _visit(api, rid, sbp=128, dbp=78)
    draft = _draft(api, rid, vid)
    draft["form"]["signs"]["sbp"] = 150  # the doctor re-measured: the form's box differs from the visit
    preview = _ok(api.doctor.post(f"/api/v1/residents/{rid}/followups/preview", json=_request(draft)))
    assert [(d["condition"], d["cls"]) for d in preview["decisions"]] == [("hypertension", "uncontrolled")]
    assert "FU.uncontrolled.first" in preview["decisions"][0]["clauses"]
    assert _rows(api, rid) == []
    actions = [row["action"] for row in audit_rows(api, entity="resident", entity_id=rid)]
    assert "followup.preview" in actions  # the read is audited


def test_overrides_without_a_reason_are_refused_and_with_one_both_classes_are_kept(api: Api) -> None:
    rid = _resident(api, 72, "hypertension")
    vid = _visit(api, rid, sbp=128, dbp=78)
    draft = _draft(api, rid, vid)
    url = f"/api/v1/residents/{rid}/followups"
    later = (api.server.clock().date() + 30 * DAY).isoformat()
    assert (
        error(api.doctor.post(url, json=_request(draft, next_date=later)), 422)["field"] == "override_reason"
    )
    items = [{"condition": "hypertension", "class_override": "uncontrolled"}]
    refused = api.doctor.post(url, json=_request(draft, items=items))
    assert error(refused, 422)["field"] == "override_reason"
    assert error(api.doctor.post(f"{url}/preview", json=_request(draft, items=items)), 422)["field"] == (
        "override_reason"
    )
    assert _rows(api, rid) == []

    done = _ok(api.doctor.post(url, json=_request(draft, items=items, override_reason="家庭自测血压偏高")))
    row = done["done"][0]
    assert (row["follow_up_class"], row["rules_class"]) == ("uncontrolled", "controlled")
    today = dt.date.fromisoformat(done["booked"][0]["due_date"]) - 14 * DAY
    assert dt.date.fromisoformat(done["next_date"]) == today + 14 * DAY
    stored = next(r for r in _rows(api, rid) if r["done_at"] is not None)
    assert (stored["follow_up_class"], stored["rules_class"], stored["override_reason"]) == (
        "uncontrolled",
        "controlled",
        "家庭自测血压偏高",
    )


def test_a_bad_box_is_refused_by_its_path_and_nothing_is_written(api: Api) -> None:
    rid = _resident(api, 73, "hypertension")
    vid = _visit(api, rid, sbp=128, dbp=78)
    draft = _draft(api, rid, vid)
    draft["form"]["hypertension"]["symptoms"] = ["headache_dizziness", "none"]
    answer = api.doctor.post(f"/api/v1/residents/{rid}/followups", json=_request(draft))
    assert error(answer, 422)["field"] == "form.hypertension.symptoms[1]"
    draft["form"]["hypertension"]["symptoms"] = ["none"]
    draft["form"]["signz"] = {}
    unknown = error(api.doctor.post(f"/api/v1/residents/{rid}/followups", json=_request(draft)), 422)
    assert "signz" in unknown["message"]
    assert _rows(api, rid) == []


def test_the_merged_form_stores_each_conditions_sheet_and_the_earliest_date_wins(api: Api) -> None:
    rid = _resident(api, 74, "hypertension", "diabetes")
    vid = _visit(api, rid, sbp=128, dbp=78, fpg=8.2)
    draft = _draft(api, rid, vid)
    assert [i["condition"] for i in draft["items"]] == ["hypertension", "diabetes"]
    assert draft["form"]["diabetes"]["fpg"] == 8.2
    assert draft["form"]["hypertension"] is not None
    done = _ok(api.doctor.post(f"/api/v1/residents/{rid}/followups", json=_request(draft)))
    classes = {d["condition"]: d["follow_up_class"] for d in done["done"]}
    assert classes == {"hypertension": "controlled", "diabetes": "uncontrolled"}
    stored = {r["condition"]: r for r in _rows(api, rid) if r["done_at"] is not None}
    assert stored["hypertension"]["form"]["diabetes"] is None
    assert stored["diabetes"]["form"]["hypertension"] is None
    assert stored["diabetes"]["form"]["diabetes"]["fpg"] == 8.2
    assert stored["diabetes"]["fpg"] == 8.2
    assert {b["due_date"] for b in done["booked"]} == {done["next_date"]}


def test_the_next_follow_up_is_booked_and_an_appointment_at_a_time_lists_once(api: Api) -> None:
    rid = _resident(api, 75, "hypertension")
    vid = _visit(api, rid, sbp=128, dbp=78)
    draft = _draft(api, rid, vid)
    done = _ok(
        api.doctor.post(f"/api/v1/residents/{rid}/followups", json=_request(draft, next_mode="clinic"))
    )
    due = dt.date.fromisoformat(done["next_date"])
    at = dt.datetime.combine(due, dt.time(8, 30), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    made = _ok(
        api.doctor.post(
            "/api/v1/appointments",
            json={"resident_id": rid, "scheduled_for": at.isoformat(), "purpose": "follow_up"},
        )
    )
    listed = _ok(api.nurse.get("/api/v1/appointments", params={"date": due.isoformat()}))
    mine = [i for i in listed if i["resident_id"] == rid]
    assert [(i["id"], i["purpose"]) for i in mine] == [(made["id"], "follow_up")]
