"""Every read or write of a resident's record leaves an audit row: who, what, when, from where."""

from __future__ import annotations

import datetime as dt

from flows.identity import mask_id_number
from flows.model import Role
from tests.api.helpers import Api, audit_rows, error, register


def test_each_resident_read_and_write_is_audited_under_the_resident(api: Api) -> None:
    person = register(api.nurse, 50, name="审计甲", phone="13600000050")
    rid = person["id"]
    home = api.nurse.post("/api/v1/households", json={"address": "四组"}).json()
    api.nurse.get(f"/api/v1/residents/{rid}")
    api.nurse.patch(f"/api/v1/residents/{rid}", json={"phone": "13600000051", "address": "四组"})
    api.doctor.get(f"/api/v1/residents/{rid}/summary")
    api.nurse.post(f"/api/v1/households/{home['id']}/members", json={"resident_id": rid})
    api.nurse.delete(f"/api/v1/households/{home['id']}/members/{rid}")
    visit = api.nurse.post("/api/v1/visits", json={"resident_id": rid}).json()
    api.nurse.get(f"/api/v1/visits/{visit['id']}")
    api.nurse.get(f"/api/v1/visits/{visit['id']}/moves")
    api.nurse.post(f"/api/v1/visits/{visit['id']}/events", json={"move": "start_screening"})
    api.nurse.get("/api/v1/visits", params={"resident_id": rid})

    rows = audit_rows(api, entity="resident", entity_id=rid)
    actions = sorted(r["action"] for r in rows)
    assert actions == sorted(
        [
            "create",
            "read",
            "update",
            "summary",
            "household.join",
            "household.leave",
            "visit.open",
            "visit.read",
            "visit.read",
            "visit.move",
            "visit.list",
        ]
    )
    nurse, doctor = api.staff[Role.NURSE].id, api.staff[Role.DOCTOR].id
    assert {r["actor_id"] for r in rows} == {nurse, doctor}
    assert all(r["address"] == "127.0.0.1" and r["at"] for r in rows)
    by_action = {r["action"]: r for r in rows}
    assert by_action["update"]["detail"] == "fields=phone,address"  # names, never the new values
    assert by_action["visit.move"]["detail"].startswith(f"visit={visit['id']} move=start_screening")
    assert by_action["summary"]["actor_id"] == doctor
    assert "13600000051" not in str(rows)


def test_search_is_audited_by_kind_never_by_text(api: Api) -> None:
    person = register(api.nurse, 51, name="审计乙")
    for q in (person["id_number"], "审计乙", "sjy", "0051"):
        api.nurse.get("/api/v1/residents", params={"q": q})
    rows = [
        r
        for r in audit_rows(api, entity="resident", actor_id=api.staff[Role.NURSE].id)
        if r["action"] == "search"
    ]
    details = sorted(r["detail"] for r in rows)
    assert [d.split()[0] for d in details] == sorted(
        ["query=id_number", "query=name", "query=initials", "query=phone_last4"]
    )
    text = str(rows)
    assert person["id_number"] not in text
    assert mask_id_number(person["id_number"]) not in text
    assert "审计乙" not in text


def test_refused_writes_leave_no_create_row(api: Api) -> None:
    before = len(audit_rows(api, entity="resident"))
    error(api.nurse.post("/api/v1/residents", json={"id_number": "123", "name": "无"}), 422)
    assert len(audit_rows(api, entity="resident")) == before


def test_refused_visit_writes_leave_no_row(api: Api) -> None:
    person = register(api.nurse, 54)
    rid = person["id"]
    visit = api.nurse.post("/api/v1/visits", json={"resident_id": rid}).json()
    error(api.doctor.post("/api/v1/visits", json={"resident_id": rid}), 409)  # second open visit today
    error(api.nurse.post(f"/api/v1/visits/{visit['id']}/events", json={"move": "diagnose"}), 409)
    error(api.nurse.post(f"/api/v1/visits/{visit['id']}/events", json={"move": "cancel"}), 422)  # no reason
    actions = sorted(r["action"] for r in audit_rows(api, entity="resident", entity_id=rid))
    assert actions == ["create", "visit.open"]


def test_a_write_and_its_audit_row_share_the_request_time(api: Api) -> None:
    # `now` is read once per request: the record's timestamp and its audit row's are the same instant.
    person = register(api.nurse, 55)
    visit = api.nurse.post("/api/v1/visits", json={"resident_id": person["id"]}).json()
    rows = {r["action"]: r for r in audit_rows(api, entity="resident", entity_id=person["id"])}
    assert dt.datetime.fromisoformat(rows["visit.open"]["at"]) == dt.datetime.fromisoformat(
        visit["opened_at"]
    )
    assert dt.datetime.fromisoformat(rows["create"]["at"]) == dt.datetime.fromisoformat(person["created_at"])


def test_audit_filters_and_limit(api: Api) -> None:
    register(api.nurse, 52)
    register(api.doctor, 53)
    doctor_rows = audit_rows(api, actor_id=api.staff[Role.DOCTOR].id)
    assert doctor_rows
    assert {r["actor_id"] for r in doctor_rows} == {api.staff[Role.DOCTOR].id}
    assert len(audit_rows(api, limit=1)) == 1
    error(api.admin.get("/api/v1/audit", params={"limit": 0}), 422)
