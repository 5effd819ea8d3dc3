"""Received referrals (接收转诊) over HTTP on both engines: recorded with origin, reasons and urgency; with a time
they are on that day's incoming-referral list; arriving accepts them, cancelling cancels them with the reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flows.model import Role
from tests.api.helpers import Api, audit_rows, error, register


def _at(api: Api, hour: int, days: int = 0) -> str:
    day = api.server.clock().date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), api.server.clock.zone).isoformat()


def _receive(api: Api, resident_id: int, **extra: Any) -> dict[str, Any]:
    body = {
        "resident_id": resident_id,
        "origin": "县人民医院心内科",
        "reasons": "高血压急症处理后稳定，下转社区随访",
        **extra,
    }
    answer = api.nurse.post("/api/v1/referrals", json=body)
    assert answer.status_code == 201, answer.text
    made: dict[str, Any] = answer.json()
    return made


def test_a_referral_with_a_time_is_on_the_days_incoming_list_with_origin_and_reasons(api: Api) -> None:
    person = register(api.nurse, 80, name="转诊甲")
    made = _receive(api, person["id"], urgency="urgent", scheduled_for=_at(api, 10))
    assert (made["direction"], made["status"], made["urgency"]) == ("received", "open", "urgent")
    assert (made["origin"], made["destination"]) == ("县人民医院心内科", None)
    assert made["appointment_id"] is not None
    assert dt.datetime.fromisoformat(made["scheduled_for"]) == dt.datetime.fromisoformat(_at(api, 10))
    assert made["created_by"] == api.staff[Role.NURSE].id

    [item] = api.nurse.get("/api/v1/appointments", params={"purpose": "incoming_referral"}).json()
    assert (item["id"], item["purpose"], item["name"]) == (
        made["appointment_id"],
        "incoming_referral",
        "转诊甲",
    )
    assert item["referral"] == {
        "id": made["id"],
        "origin": "县人民医院心内科",
        "reasons": "高血压急症处理后稳定，下转社区随访",
        "urgency": "urgent",
        "status": "open",
    }
    assert api.nurse.get("/api/v1/appointments", params={"purpose": "booking"}).json() == []


def test_without_a_time_there_is_no_appointment_and_listing_filters(api: Api) -> None:
    first = _receive(
        api, register(api.nurse, 81)["id"], origin="王庄村卫生室", reasons="血糖控制不佳，上转调整用药"
    )
    second = _receive(api, register(api.nurse, 82)["id"], scheduled_for=_at(api, 9, days=1))
    assert first["appointment_id"] is None
    assert first["urgency"] == "routine"
    received = api.doctor.get("/api/v1/referrals", params={"direction": "received"}).json()
    assert [r["id"] for r in received] == [second["id"], first["id"]]  # newest first
    assert received[1]["origin"] == "王庄村卫生室"
    assert api.nurse.get("/api/v1/referrals", params={"direction": "up"}).json() == []
    assert len(api.nurse.get("/api/v1/referrals", params={"status": "open"}).json()) == 2
    mine = api.nurse.get("/api/v1/referrals", params={"resident_id": first["resident_id"]}).json()
    assert [r["id"] for r in mine] == [first["id"]]
    assert api.nurse.get("/api/v1/appointments").json() == []  # tomorrow's is not today's
    error(api.nurse.get("/api/v1/referrals", params={"status": "lost"}), 422)


def test_arriving_accepts_and_cancelling_cancels_the_referral(api: Api) -> None:
    came = _receive(api, register(api.nurse, 83)["id"], scheduled_for=_at(api, 9))
    stayed = _receive(api, register(api.nurse, 84)["id"], scheduled_for=_at(api, 11))
    arrived = api.nurse.post(f"/api/v1/appointments/{came['appointment_id']}/arrive").json()
    cancelled = api.nurse.post(
        f"/api/v1/appointments/{stayed['appointment_id']}/cancel", json={"reason": "已转往市医院"}
    )
    assert cancelled.status_code == 200, cancelled.text
    by_id = {r["id"]: r for r in api.nurse.get("/api/v1/referrals").json()}
    assert (by_id[came["id"]]["status"], by_id[came["id"]]["visit_id"]) == (
        "accepted",
        arrived["visit"]["id"],
    )
    assert (by_id[stayed["id"]]["status"], by_id[stayed["id"]]["result"]) == ("cancelled", "已转往市医院")
    statuses = {i["id"]: i["status"] for i in api.nurse.get("/api/v1/appointments").json()}
    assert statuses == {came["appointment_id"]: "arrived", stayed["appointment_id"]: "cancelled"}


def test_refusals_name_the_field_and_write_nothing(api: Api) -> None:
    person = register(api.nurse, 85)
    base = {"resident_id": person["id"], "origin": "县人民医院", "reasons": "术后复查"}
    for extra, status, field in (
        ({"direction": "up"}, 422, "direction"),
        ({"origin": "  "}, 422, "origin"),
        ({"reasons": ""}, 422, "reasons"),
        ({"urgency": "soon"}, 422, "urgency"),
        ({"scheduled_for": "2030-01-01T09:00:00"}, 422, "scheduled_for"),  # no zone: which 09:00?
        ({"scheduled_for": _at(api, 9, days=-1)}, 422, "scheduled_for"),
        ({"resident_id": 99999}, 404, "resident_id"),
        ({"team_id": 99999}, 404, "team_id"),
    ):
        body = error(api.nurse.post("/api/v1/referrals", json=base | extra), status)
        assert body["field"] == field, (extra, body)
    assert api.nurse.get("/api/v1/referrals").json() == []
    assert api.nurse.get("/api/v1/appointments").json() == []


def test_roles_and_audit(api: Api) -> None:
    person = register(api.nurse, 86)
    body = {"resident_id": person["id"], "origin": "县人民医院", "reasons": "术后复查"}
    error(api.admin.post("/api/v1/referrals", json=body), 403)
    error(api.admin.get("/api/v1/referrals"), 403)
    error(api.anon.get("/api/v1/referrals"), 401)
    made = _receive(api, person["id"], scheduled_for=_at(api, 15))
    api.nurse.get("/api/v1/referrals", params={"direction": "received", "status": "open"})
    [write] = [
        r
        for r in audit_rows(api, entity="resident", entity_id=person["id"])
        if r["action"] == "referral.receive"
    ]
    assert write["detail"] == f"referral={made['id']} appointment={made['appointment_id']} urgency=routine"
    [listed] = audit_rows(api, entity="referral")
    assert (listed["action"], listed["entity_id"]) == ("list", None)
    assert listed["detail"] == "direction=received status=open results=1"
    assert "术后复查" not in str(audit_rows(api))
