"""The doctor's worklists over HTTP, on both databases: each list's content and order, the overdue calls
(call later hides until its day, removing needs a reason and leaves the list, agreed stays marked), the
windows of contracts and long-term prescriptions, referrals awaiting their result, scopes and refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from db.staff import create_team
from flows.model import Role
from tests.api.helpers import PASSWORD, Api, advance, audit_rows, error, id_number
from tests.support import worklist_rows as rows
from tests.support.server import add_staff, bearer, issue_token

D = dt.timedelta


def _today(api: Api) -> dt.date:
    """Pin the site's clock at 10:00 of its day, so a test run near midnight keeps one "today"."""
    now = api.server.clock()
    advance(api, dt.datetime.combine(now.date(), dt.time(10), now.tzinfo) - now)
    return api.server.clock().date()


def _resident(api: Api, seq: int, name: str, phone: str | None = None) -> int:
    body = {"id_number": id_number(seq), "name": name, "phone": phone}
    answer = api.nurse.post("/api/v1/residents", json=body)
    assert answer.status_code == 201, answer.text
    rid: int = answer.json()["id"]
    return rid


def _list(client: httpx.Client, name: str, **params: Any) -> dict[str, Any]:
    answer = client.get(f"/api/v1/worklists/{name}", params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _call(client: httpx.Client, follow_up_id: int, **body: Any) -> httpx.Response:
    return client.post(f"/api/v1/followups/{follow_up_id}/call-outcome", json=body)


def _overdue_names(client: httpx.Client, **params: Any) -> list[str]:
    return [i["resident"]["name"] for i in _list(client, "overdue", **params)["items"]]


def _team(api: Api, name: str) -> int:
    return int(api.server.run(create_team(api.server.database, name=name, room="全科诊室1")).id)


def test_overdue_is_high_risk_first_then_days_and_the_calls_change_it(api: Api) -> None:
    today, server = _today(api), api.server
    severe, plain, stroke, mild = (
        _resident(api, 1, "甲高危", "13800000001"),
        _resident(api, 2, "乙逾期", "13800000002"),
        _resident(api, 3, "丙卒中", "13800000003"),
        _resident(api, 4, "丁轻度"),
    )
    for rid, (sbp, dbp) in ((severe, (185, 112)), (plain, (135, 85)), (stroke, (150, 95)), (mild, (130, 80))):
        rows.diagnosis(server, rid, "hypertension", "I10")
        rows.done_follow_up(server, rid, today - D(100), sbp=sbp, dbp=dbp)
    rows.diagnosis(server, stroke, "hypertension", "I63.9")  # a prior stroke (CLINICAL_RULES §10)
    due = {
        severe: rows.booking(server, severe, today - D(40)),  # ≥30 days and BP ≥180/110: high risk
        plain: rows.booking(server, plain, today - D(60)),
        stroke: rows.booking(server, stroke, today - D(10)),  # prior stroke and BP ≥140/90: high risk
        mild: rows.booking(server, mild, today - D(5)),
    }
    rows.booking(server, mild, today + D(3))  # not due yet

    page = _list(api.doctor, "overdue")
    # CLINICAL_RULES §10 (HEARTS): high risk first, then the most days overdue.
    assert [i["resident"]["name"] for i in page["items"]] == ["甲高危", "丙卒中", "乙逾期", "丁轻度"]
    assert page["total"] == 4
    first = page["items"][0]
    assert (first["high_risk"], first["days_overdue"], first["reasons"]) == (True, 40, ["severe_bp"])
    assert first["resident"]["phone"] == "13800000001"
    assert first["resident"]["conditions"] == ["hypertension"]
    assert (first["last_sbp"], first["last_dbp"], first["call"]) == (185, 112, None)
    assert page["items"][1]["reasons"] == ["prior_cvd_bp"]
    paged = _list(api.doctor, "overdue", limit=2, offset=1)
    assert ([i["resident"]["name"] for i in paged["items"]], paged["total"]) == (["丙卒中", "乙逾期"], 4)

    # Call later (default a week): hidden until that day, by a nurse too.
    later = _call(api.nurse, due[plain], outcome="call_later", note="家属说下周回来")
    assert later.status_code == 200, later.text
    assert later.json()["call"]["call_again_on"] == (today + D(7)).isoformat()
    assert "乙逾期" not in _overdue_names(api.doctor)
    # Removing needs a reason (and `other` a note); nothing is written when refused.
    assert error(_call(api.doctor, due[mild], outcome="removed"), 422)["field"] == "reason"
    assert error(_call(api.doctor, due[mild], outcome="removed", reason="other"), 422)["field"] == "note"
    assert rows.follow_up_row(server, due[mild])["call_outcome"] is None
    removed = _call(api.doctor, due[mild], outcome="removed", reason="moved_away", note="搬去县城")
    assert removed.status_code == 200, removed.text
    assert (removed.json()["call"]["reason"], removed.json()["call"]["note"]) == ("moved_away", "搬去县城")
    assert "丁轻度" not in _overdue_names(api.doctor)
    # Agreed to visit on a day: stays on the list, marked, and an appointment books that day.
    agreed = _call(api.doctor, due[severe], outcome="agreed", on=(today + D(2)).isoformat())
    assert agreed.status_code == 200, agreed.text
    assert agreed.json()["appointment_id"] is not None
    entry = _list(api.doctor, "overdue")["items"][0]
    assert (entry["resident"]["name"], entry["call"]["outcome"]) == ("甲高危", "agreed")
    assert entry["call"]["call_again_on"] == (today + D(2)).isoformat()
    assert entry["due_date"] == (today - D(40)).isoformat()  # the due date is kept: lateness stays measured
    stored = rows.follow_up_row(server, due[severe])
    assert (stored["call_outcome"], stored["called_by"]) == ("agreed", api.staff[Role.DOCTOR].id)
    actions = {a["action"] for a in audit_rows(api, entity="resident", entity_id=severe)}
    assert "followup.call" in actions

    advance(api, D(7))  # the call-later day has come: back on the list, a week later
    back = {i["resident"]["name"]: i for i in _list(api.doctor, "overdue")["items"]}
    assert back["乙逾期"]["days_overdue"] == 67
    assert back["乙逾期"]["call"]["outcome"] == "call_later"
    assert due[mild] not in {i["follow_up_id"] for i in back.values()}  # removed for good


def test_call_outcome_refusals(api: Api) -> None:
    today, server = _today(api), api.server
    rid = _resident(api, 5, "戊")
    done = rows.done_follow_up(server, rid, today - D(3), sbp=130, dbp=80)
    open_one = rows.booking(server, rid, today - D(3))
    assert error(_call(api.doctor, done, outcome="call_later"), 409)["field"] == "followup_id"
    assert error(_call(api.doctor, 999_999, outcome="call_later"), 404)
    past = (today - D(1)).isoformat()
    assert error(_call(api.doctor, open_one, outcome="call_later", on=past), 422)["field"] == "on"
    assert error(_call(api.doctor, open_one, outcome="agreed", on=past), 422)["field"] == "on"
    assert error(_call(api.doctor, open_one, outcome="agreed", reason="died"), 422)["field"] == "reason"
    assert error(_call(api.doctor, open_one, outcome="maybe"), 422)
    assert error(_call(api.admin, open_one, outcome="call_later"), 403)
    assert error(_call(api.anon, open_one, outcome="call_later"), 401)
    assert rows.follow_up_row(server, open_one)["call_outcome"] is None


def test_due_today_lists_bookings_not_arrived_then_follow_ups_due(api: Api) -> None:
    today, server = _today(api), api.server
    booked, arrived, due = (
        _resident(api, 6, "己预约", "13900000006"),
        _resident(api, 7, "庚到了"),
        _resident(api, 8, "辛随访"),
    )
    rows.diagnosis(server, due, "diabetes", "E11.9")
    rows.booking(server, due, today, condition="diabetes")
    rows.booking(server, due, today + D(1))
    zone = server.clock.zone
    for rid in (booked, arrived):
        at = dt.datetime.combine(today, dt.time(11, 30), zone).isoformat()
        made = api.nurse.post("/api/v1/appointments", json={"resident_id": rid, "scheduled_for": at})
        assert made.status_code == 201, made.text
        if rid == arrived:
            came = api.nurse.post(f"/api/v1/appointments/{made.json()['id']}/arrive")
            assert came.status_code in (200, 201), came.text
    visit = api.nurse.post("/api/v1/visits", json={"resident_id": due})
    assert visit.status_code == 201, visit.text
    entry = api.nurse.post(
        f"/api/v1/visits/{visit.json()['id']}/entries",
        json={"measurements": {"sbp": 146, "dbp": 92, "fpg": 8.1}},
    )
    assert entry.status_code == 201, entry.text

    page = _list(api.doctor, "due-today")
    assert [i["resident"]["name"] for i in page["items"]] == ["己预约", "辛随访"]
    first, second = page["items"]
    assert (first["purpose"], first["resident"]["phone"], first["follow_up_ids"]) == (
        "booking",
        "13900000006",
        [],
    )
    assert (second["follow_up_conditions"], second["resident"]["conditions"]) == (["diabetes"], ["diabetes"])
    assert (second["last_sbp"], second["last_dbp"], second["last_fpg"]) == (146, 92, 8.1)
    assert _list(api.doctor, "due-today", limit=1, offset=1)["items"][0]["resident"]["name"] == "辛随访"


def test_contracts_expiring_in_the_window_and_not_renewed(api: Api) -> None:
    today, server = _today(api), api.server
    team = _team(api, "第二团队")
    people = {
        n: _resident(api, 10 + i, n) for i, n in enumerate(("十天", "四十天", "已续约", "已解约", "已过期"))
    }
    rows.contract(server, people["十天"], team, today - D(355), today + D(10))
    rows.contract(server, people["四十天"], team, today - D(325), today + D(40))
    rows.contract(server, people["已续约"], team, today - D(360), today + D(5))
    rows.contract(server, people["已续约"], team, today + D(6), today + D(370))  # renewed already
    rows.contract(server, people["已解约"], team, today - D(360), today + D(5), status="terminated")
    rows.contract(server, people["已过期"], team, today - D(370), today - D(1), status="expired")

    page = _list(api.doctor, "contracts-expiring")
    assert [(i["resident"]["name"], i["days_left"]) for i in page["items"]] == [("十天", 10)]
    assert page["items"][0]["team_name"] == "第二团队"
    wider = _list(api.doctor, "contracts-expiring", days=45)
    assert [i["resident"]["name"] for i in wider["items"]] == ["十天", "四十天"]
    assert _list(api.doctor, "contracts-expiring", team_id=team + 1000)["total"] == 0
    assert error(api.doctor.get("/api/v1/worklists/contracts-expiring", params={"days": 400}), 422)


def test_prescriptions_expiring_in_the_window_with_no_newer_one(api: Api) -> None:
    today, server = _today(api), api.server
    a, b = _resident(api, 20, "壬长期"), _resident(api, 21, "癸长期")
    start = today - D(80)
    rows.prescription(server, a, "氨氯地平片", start, today + D(3))
    rows.prescription(server, a, "二甲双胍片", start, today + D(10))
    rows.prescription(server, a, "阿司匹林肠溶片", start, today + D(2), long_term=False)
    rows.prescription(server, b, "氨氯地平片", start, today + D(2))
    rows.prescription(server, b, "氨氯地平片", today - D(1), today + D(83))  # renewed: a newer one
    rows.prescription(server, b, "缬沙坦胶囊", start, today + D(1), stop_reason="咳嗽，换药")

    page = _list(api.doctor, "prescriptions-expiring")
    assert [(i["resident"]["name"], i["drug"], i["days_left"]) for i in page["items"]] == [
        ("壬长期", "氨氯地平片", 3)
    ]
    wider = _list(api.doctor, "prescriptions-expiring", days=14)
    assert [i["drug"] for i in wider["items"]] == ["氨氯地平片", "二甲双胍片"]


def test_referrals_awaiting_their_result_oldest_first(api: Api) -> None:
    today, server = _today(api), api.server
    rid = _resident(api, 30, "子转诊")
    other = _resident(api, 31, "丑急诊")
    old = rows.referral(server, rid, "up", today - D(10))
    rows.referral(server, other, "emergency", today - D(2), urgency="emergency")
    rows.referral(server, rid, "down", today - D(20))
    rows.referral(server, rid, "up", today - D(30), status="completed")
    rows.referral(server, other, "up", today - D(1), status="accepted")  # still no result
    rows.referral(server, rid, "received", today - D(40))

    page = _list(api.doctor, "referrals-awaiting")
    got = [(i["referral_id"] == old, i["direction"], i["days_since"]) for i in page["items"]]
    assert got == [(True, "up", 10), (False, "emergency", 2), (False, "up", 1)]
    assert page["items"][0]["department"] == "心血管内科"
    # The result is recorded (recordReferralResult): the referral has its answer and leaves the list.
    result = api.doctor.post(f"/api/v1/referrals/{old}/result", json={"arrived": True, "result": "已住院"})
    assert result.status_code == 200, result.text
    assert [i["direction"] for i in _list(api.doctor, "referrals-awaiting")["items"]] == ["emergency", "up"]


def test_scopes_and_refusals(api: Api) -> None:
    today, server = _today(api), api.server
    team = _team(api, "第三团队")
    signed, unsigned = _resident(api, 40, "寅签约"), _resident(api, 41, "卯未签")
    rows.contract(server, signed, team, today - D(100), today + D(265))
    for rid in (signed, unsigned):
        rows.booking(server, rid, today - D(4))
    doctor = add_staff(server, "doctor-team3", Role.DOCTOR, PASSWORD, team_id=team)
    with httpx.Client(
        base_url=server.base_url, headers=bearer(issue_token(server, doctor)), timeout=10
    ) as mine:
        assert _overdue_names(mine, scope="mine") == ["寅签约"]
        assert _overdue_names(mine, team_id=team) == ["寅签约"]
        assert sorted(_overdue_names(mine)) == ["卯未签", "寅签约"]
    assert (
        error(api.doctor.get("/api/v1/worklists/overdue", params={"scope": "mine"}), 422)["field"] == "scope"
    )
    assert (
        error(api.doctor.get("/api/v1/worklists/overdue", params={"scope": "team"}), 422)["field"]
        == "team_id"
    )
    for name in (
        "due-today",
        "overdue",
        "contracts-expiring",
        "prescriptions-expiring",
        "referrals-awaiting",
    ):
        error(api.anon.get(f"/api/v1/worklists/{name}"), 401)
        error(api.admin.get(f"/api/v1/worklists/{name}"), 403)
    assert any(a["entity"] == "worklist" for a in audit_rows(api, entity="worklist"))
