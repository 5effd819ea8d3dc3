"""Appointments over HTTP on both engines: today's list in the site's zone, book, arrive (idempotent), cancel,
roles and audit rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from db.staff import create_team
from flows.identity import mask_id_number
from flows.model import Role
from tests.api.helpers import Api, audit_rows, error, register


def _today(api: Api) -> dt.date:
    return api.server.clock().date()  # the site's clock is in the site's zone


def _at(api: Api, hour: int, minute: int = 0, days: int = 0) -> str:
    day = _today(api) + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), api.server.clock.zone).isoformat()


def _book(api: Api, resident_id: int, when: str, **extra: Any) -> dict[str, Any]:
    answer = api.nurse.post(
        "/api/v1/appointments", json={"resident_id": resident_id, "scheduled_for": when, **extra}
    )
    assert answer.status_code == 201, answer.text
    booked: dict[str, Any] = answer.json()
    return booked


def test_todays_list_by_time_with_who_is_expected(api: Api) -> None:
    team = api.server.run(create_team(api.server.database, name="家庭医生二队", room="2号诊室"))
    late = register(api.nurse, 60, name="晚到")
    early = register(api.nurse, 61, name="早到")
    second = _book(api, late["id"], _at(api, 23, 59), team_id=team.id)
    first = _book(api, early["id"], _at(api, 0, 0))
    _book(api, register(api.nurse, 62)["id"], _at(api, 0, 0, days=1))  # tomorrow's first minute
    assert (first["status"], first["purpose"], first["visit_id"]) == ("booked", "booking", None)

    items = api.nurse.get("/api/v1/appointments").json()  # no date: the site's today
    assert [i["id"] for i in items] == [first["id"], second["id"]]
    assert items[1] | {"scheduled_for": None} == {
        "id": second["id"],
        "purpose": "booking",
        "status": "booked",
        "scheduled_for": None,
        "resident_id": late["id"],
        "name": "晚到",
        "sex": "male",
        "birth_date": "1960-05-17",
        "age": items[1]["age"],
        "id_number_masked": mask_id_number(late["id_number"]),
        "team_id": team.id,
        "team_name": "家庭医生二队",
        "visit_id": None,
        "visit_step": None,
        "referral": None,
        "follow_up_conditions": [],
    }
    assert dt.datetime.fromisoformat(items[1]["scheduled_for"]) == dt.datetime.fromisoformat(_at(api, 23, 59))
    assert "id_number" not in items[1]
    dated = api.nurse.get("/api/v1/appointments", params={"date": _today(api).isoformat()}).json()
    assert dated == items
    tomorrow = (_today(api) + dt.timedelta(days=1)).isoformat()
    assert len(api.doctor.get("/api/v1/appointments", params={"date": tomorrow}).json()) == 1
    only = api.nurse.get("/api/v1/appointments", params={"purpose": "incoming_referral"}).json()
    assert only == []
    both = api.nurse.get("/api/v1/appointments", params=[("purpose", "booking"), ("purpose", "follow_up")])
    assert [i["id"] for i in both.json()] == [first["id"], second["id"]]
    error(api.nurse.get("/api/v1/appointments", params={"purpose": "walk_in"}), 422)
    error(api.nurse.get("/api/v1/appointments", params={"date": "2025-02-30"}), 422)


def test_arrive_opens_todays_visit_once_and_the_list_shows_where_it_stands(api: Api) -> None:
    person = register(api.nurse, 63)
    booked = _book(api, person["id"], _at(api, 9, 30))
    first = api.nurse.post(f"/api/v1/appointments/{booked['id']}/arrive")
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["opened"] is True
    assert body["appointment"]["status"] == "arrived"
    assert body["appointment"]["visit_id"] == body["visit"]["id"]
    assert (body["visit"]["step"], body["visit"]["resident_id"]) == ("intake", person["id"])
    again = api.doctor.post(f"/api/v1/appointments/{booked['id']}/arrive").json()
    assert (again["visit"]["id"], again["opened"]) == (body["visit"]["id"], False)
    visits = api.nurse.get("/api/v1/visits", params={"resident_id": person["id"], "open": "true"}).json()
    assert [v["id"] for v in visits] == [body["visit"]["id"]]
    api.nurse.post(f"/api/v1/visits/{body['visit']['id']}/events", json={"move": "start_screening"})
    [item] = api.nurse.get("/api/v1/appointments", params={"status": "arrived"}).json()
    assert (item["status"], item["visit_id"], item["visit_step"]) == (
        "arrived",
        body["visit"]["id"],
        "screening",
    )
    assert api.nurse.get("/api/v1/appointments", params={"status": "booked"}).json() == []


def test_arrive_takes_a_visit_opened_by_search(api: Api) -> None:
    person = register(api.nurse, 64)
    booked = _book(api, person["id"], _at(api, 10))
    visit = api.nurse.post("/api/v1/visits", json={"resident_id": person["id"]}).json()
    arrived = api.nurse.post(f"/api/v1/appointments/{booked['id']}/arrive").json()
    assert (arrived["visit"]["id"], arrived["opened"]) == (visit["id"], False)


def test_cancelled_or_another_days_appointment_is_refused_naming_the_field(api: Api) -> None:
    person = register(api.nurse, 65)
    booked = _book(api, person["id"], _at(api, 8))
    error(api.nurse.post(f"/api/v1/appointments/{booked['id']}/cancel", json={"reason": " "}), 422)
    assert (
        error(api.nurse.post(f"/api/v1/appointments/{booked['id']}/cancel", json={}), 422)["field"]
        == "reason"
    )
    cancelled = api.nurse.post(f"/api/v1/appointments/{booked['id']}/cancel", json={"reason": "电话取消"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    body = error(api.nurse.post(f"/api/v1/appointments/{booked['id']}/arrive"), 409)
    assert (body["field"], body["details"]) == ("status", {"status": "cancelled"})
    later = _book(api, register(api.nurse, 66)["id"], _at(api, 8, days=2))
    body = error(api.nurse.post(f"/api/v1/appointments/{later['id']}/arrive"), 409)
    assert body["field"] == "scheduled_for"
    error(api.nurse.post("/api/v1/appointments/99999/arrive"), 404)
    assert api.nurse.get("/api/v1/visits", params={"open": "true"}).json() == []


def test_booking_refusals_say_which_field(api: Api) -> None:
    person = register(api.nurse, 67)
    _book(api, person["id"], _at(api, 9))
    body = error(
        api.nurse.post(
            "/api/v1/appointments", json={"resident_id": person["id"], "scheduled_for": _at(api, 14)}
        ),
        409,
    )
    assert body["field"] == "resident_id"
    past = api.nurse.post(
        "/api/v1/appointments", json={"resident_id": person["id"], "scheduled_for": _at(api, 9, days=-1)}
    )
    assert error(past, 422)["field"] == "scheduled_for"
    unknown = api.nurse.post(
        "/api/v1/appointments", json={"resident_id": 99999, "scheduled_for": _at(api, 9)}
    )
    assert error(unknown, 404)["field"] == "resident_id"
    typo = api.nurse.post(
        "/api/v1/appointments", json={"resident_id": person["id"], "scheduled_for": _at(api, 9), "tema_id": 1}
    )
    assert "tema_id" in error(typo, 422)["message"]


def test_only_nurses_and_doctors(api: Api) -> None:
    person = register(api.nurse, 68)
    booked = _book(api, person["id"], _at(api, 9))
    error(api.admin.get("/api/v1/appointments"), 403)
    error(api.admin.post(f"/api/v1/appointments/{booked['id']}/arrive"), 403)
    error(
        api.admin.post(
            "/api/v1/appointments", json={"resident_id": person["id"], "scheduled_for": _at(api, 9)}
        ),
        403,
    )
    error(api.anon.get("/api/v1/appointments"), 401)
    error(api.anon.post(f"/api/v1/appointments/{booked['id']}/cancel", json={"reason": "x"}), 401)
    assert api.nurse.get("/api/v1/appointments").json()[0]["status"] == "booked"


def test_the_days_list_is_one_audit_row_and_each_write_is_under_its_resident(api: Api) -> None:
    person = register(api.nurse, 69)
    booked = _book(api, person["id"], _at(api, 9))
    other = _book(api, register(api.nurse, 70)["id"], _at(api, 10))
    api.nurse.get("/api/v1/appointments", params={"purpose": "booking"})
    arrived = api.nurse.post(f"/api/v1/appointments/{booked['id']}/arrive").json()
    api.nurse.post(f"/api/v1/appointments/{other['id']}/cancel", json={"reason": "患者住院"})
    nurse = api.staff[Role.NURSE].id
    [listed] = audit_rows(api, entity="appointment", actor_id=nurse)
    assert listed["action"] == "list"
    assert listed["entity_id"] is None
    assert listed["detail"] == f"date={_today(api).isoformat()} purpose=booking status=- results=2"
    rows = {r["action"]: r for r in audit_rows(api, entity="resident", entity_id=person["id"])}
    assert rows["appointment.create"]["detail"] == f"appointment={booked['id']} purpose=booking"
    assert rows["appointment.arrive"]["detail"] == (
        f"appointment={booked['id']} visit={arrived['visit']['id']} opened=True"
    )
    cancelled = audit_rows(api, entity="resident", entity_id=other["resident_id"])
    assert sorted(r["action"] for r in cancelled if r["action"].startswith("appointment.")) == [
        "appointment.cancel",
        "appointment.create",
    ]
    assert "患者住院" not in str(cancelled)  # the reason is free text about the resident: never in the log
