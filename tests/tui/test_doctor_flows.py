"""The doctor's desk end to end, keyboard only, against the real API: from the doctor's queue ("call next") to
the visit closed and the doctor back at the queue, at 80×24 in Chinese. The front desk's part is walked over
the API (tests.tui.doctor_support.queue_visit); what the consultation stored is read back over the API.

- a new hypertension diagnosis: criteria met on three days → confirmed, a drug, the plan, the first follow-up
  (uncontrolled: again within 2 weeks, BPHS-2017), booked;
- a second uncontrolled visit: the follow-up's class recommends referral (BPHS-2017), the doctor refers up to
  the lead hospital from the follow-up step with the rules' reason, and closes the visit;
- a multimorbidity follow-up (hypertension and diabetes): one form, a class per disease, the earliest date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from db import tables
from tests.tui.doctor_support import api_client, queue_visit
from tests.tui.helpers import DeskApi, log_in, screen_name, screen_text, shot, type_text, until
from tui.app import OnestopApp


@pytest.fixture(autouse=True)
def quiet_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    # The queue reloads every 10 s; the flows' own keys must not race a reload of the table under them.
    monkeypatch.setattr("tui.screens.doctor_queue.REFRESH_S", 600.0)


def _get(desk: DeskApi, path: str, **params: Any) -> Any:
    with api_client(desk) as api:
        answer = api.get(path, params=params or None)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _post(desk: DeskApi, path: str, body: dict[str, Any]) -> Any:
    with api_client(desk) as api:
        answer = api.post(path, json=body)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


async def _earlier_bp(desk: DeskApi, resident_id: int, days_ago: int, sbp: float, dbp: float) -> None:
    at = desk.server.clock() - dt.timedelta(days=days_ago)
    for code, value in (("sbp", sbp), ("dbp", dbp)):
        await tables.Observation.insert(
            tables.Observation(
                resident=resident_id, code=code, value=value, unit="mmHg", source="device", observed_at=at
            )
        )


def _ticket(desk: DeskApi, ticket_id: int) -> str:
    status: str = _get(desk, f"/api/v1/tickets/{ticket_id}")["status"]
    return status


def _attr(app: OnestopApp, name: str) -> Any:
    return getattr(app.screen, name, None)


async def _call_and_start(
    pilot: Pilot[Any], app: OnestopApp, desk: DeskApi, ticket_id: int, *, tabs: int = 0
) -> None:
    """Log in as the doctor, show the right queue (Tab), call the next patient (n), see them (Enter)."""
    await log_in(pilot, desk.username, desk.password)
    await until(pilot, lambda: screen_name(app) == "DoctorQueueScreen", "the doctor's queue")
    await until(pilot, lambda: _attr(app, "patients") is not None, "the queue loaded")
    for _ in range(tabs):
        await pilot.press("tab")
    await pilot.press("n")
    await until(pilot, lambda: _ticket(desk, ticket_id) == "called", "the call (the board shows it)")
    await pilot.press("enter")
    await until(pilot, lambda: screen_name(app) == "DiagnosisScreen", "the diagnosis step")
    await until(pilot, lambda: _attr(app, "data") is not None, "the criteria")


async def _to_followup(pilot: Pilot[Any], app: OnestopApp) -> None:
    """Plan step: F10 keeps the running drugs and saves the plan; the follow-up form then computes its class."""
    await until(pilot, lambda: screen_name(app) == "PlanScreen", "the plan step")
    await until(pilot, lambda: _attr(app, "drugs") is not None, "the plan loaded")
    await pilot.press("f10")
    await _followup_ready(pilot, app)


async def _followup_ready(pilot: Pilot[Any], app: OnestopApp) -> None:
    await until(pilot, lambda: screen_name(app) == "FollowupScreen", "the follow-up step")
    await until(pilot, lambda: _attr(app, "preview") is not None, "the follow-up's class")


async def test_a_new_hypertension_diagnosis(doctor_api: DeskApi, artifacts: Path) -> None:
    li = doctor_api.residents["李秀英"]
    # HTN-2025: office BP ≥ 140/90 on three different days within 4 weeks (two earlier days and today).
    doctor_api.server.run(_earlier_bp(doctor_api, li.id, 14, 150, 95))
    doctor_api.server.run(_earlier_bp(doctor_api, li.id, 7, 148, 96))
    queued = queue_visit(doctor_api, "李秀英", {"sbp": 152, "dbp": 94, "height": 158, "weight": 63})
    visit_id = queued.ctx.visit.id
    app = OnestopApp(server=doctor_api.base_url, lang="zh_CN", station="room-2")
    async with app.run_test(size=(80, 24)) as pilot:
        # She declined signing at the desk: her ticket is in general practice, the doctor's second queue.
        await _call_and_start(pilot, app, doctor_api, queued.ticket["id"], tabs=1)
        assert "HTN.dx.three_days" in screen_text(app)
        shot(app, artifacts, "flow-doctor-diagnosis")
        await pilot.press("ctrl+o")  # confirm the hypertension the criteria found (offered first)
        await until(pilot, lambda: not _attr(app, "deciding") and _attr(app, "chosen") is None, "confirmed")
        await pilot.press("f10")
        await until(pilot, lambda: screen_name(app) == "PlanScreen", "the plan step")
        await until(pilot, lambda: _attr(app, "drugs") is not None, "the plan loaded")
        await pilot.press("f3")  # add a drug of the essential medicines list
        await until(pilot, lambda: screen_name(app) == "DrugPicker", "the drug picker")
        await type_text(pilot, "aldp")  # 氨氯地平 by its pinyin initials
        await pilot.press("f10")
        await until(pilot, lambda: screen_name(app) == "PlanScreen", "back on the plan")
        assert "氨氯地平" in screen_text(app)
        shot(app, artifacts, "flow-doctor-plan")
        await pilot.press("f10")
        await _followup_ready(pilot, app)
        shot(app, artifacts, "flow-doctor-followup")
        await pilot.press("f10")
        await until(pilot, lambda: screen_name(app) == "DoctorQueueScreen", "back at the queue")

    diagnoses = _get(doctor_api, f"/api/v1/residents/{li.id}/diagnoses")
    assert [(d["condition"], d["status"], d["icd10"], d["visit_id"]) for d in diagnoses] == [
        ("hypertension", "confirmed", "I10", visit_id)
    ]
    drugs = _get(doctor_api, f"/api/v1/residents/{li.id}/prescriptions")
    assert [p["drug"] for p in drugs["running"]] == ["氨氯地平片"]
    plans = _get(doctor_api, f"/api/v1/residents/{li.id}/plans")
    assert [(p["condition"], p["visit_id"]) for p in plans["plans"]] == [("hypertension", visit_id)]
    # Today's BP is the first uncontrolled one: the plan and the follow-up both say "again within 2 weeks".
    assert plans["plans"][0]["plan"]["conditions"][0]["cls"] == "uncontrolled"
    followups = _get(doctor_api, f"/api/v1/residents/{li.id}/followups")
    done = [f for f in followups if f["done_at"]]
    booked = [f for f in followups if not f["done_at"]]
    assert [(f["condition"], f["follow_up_class"], f["sbp"], f["dbp"]) for f in done] == [
        ("hypertension", "uncontrolled", 152, 94)
    ]
    today = dt.date.fromisoformat(_get(doctor_api, f"/api/v1/visits/{visit_id}")["visit_date"])
    assert len(booked) == 1
    assert 0 < (dt.date.fromisoformat(booked[0]["due_date"]) - today).days <= 14
    visit = _get(doctor_api, f"/api/v1/visits/{visit_id}")
    moves = [e["move"] for e in visit["events"]][-3:]
    assert (visit["step"], moves) == ("done", ["diagnose", "set_plan", "book_followup"])
    assert _ticket(doctor_api, queued.ticket["id"]) == "done"


async def test_a_second_uncontrolled_visit_is_referred_up(doctor_api: DeskApi, artifacts: Path) -> None:
    zhang = doctor_api.residents["张三丰"]
    # The previous follow-up (by phone two weeks ago, as the village doctor records it): uncontrolled.
    _post(
        doctor_api,
        f"/api/v1/residents/{zhang.id}/followups",
        {
            "resident_id": zhang.id,
            "items": [{"condition": "hypertension"}],
            "mode": "phone",
            "sbp": 158,
            "dbp": 96,
        },
    )
    queued = queue_visit(doctor_api, "张三丰", {"sbp": 162, "dbp": 98, "height": 170, "weight": 72})
    visit_id = queued.ctx.visit.id
    app = OnestopApp(server=doctor_api.base_url, lang="zh_CN", station="room-2")
    async with app.run_test(size=(80, 24)) as pilot:
        await _call_and_start(pilot, app, doctor_api, queued.ticket["id"])  # signed: the team's own queue
        await pilot.press("f10")  # hypertension is confirmed already: nothing to decide
        await _to_followup(pilot, app)
        await pilot.press("f10")  # the follow-up is saved; its class recommends referral
        await until(pilot, lambda: _attr(app, "referral_seen") is True, "the referral advice")
        shot(app, artifacts, "flow-doctor-referral-advised")
        await pilot.press("f6")
        await until(
            pilot,
            lambda: screen_name(app) == "ReferralScreen" and _attr(app, "draft") is not None,
            "the referral form",
        )
        shot(app, artifacts, "flow-doctor-referral-form")
        await pilot.press("f10")  # the rules' reason is ticked, the lead hospital and department chosen
        await until(
            pilot,
            lambda: screen_name(app) == "ReferralScreen" and not _attr(app, "form"),
            "the referral step",
        )
        await until(pilot, lambda: _attr(app, "stored") is not None, "the stored referral")
        await pilot.press("f10")
        await until(pilot, lambda: screen_name(app) == "DoctorQueueScreen", "back at the queue")

    followups = _get(doctor_api, f"/api/v1/residents/{zhang.id}/followups")
    today = [f for f in followups if f["done_at"] and f["visit_id"] == visit_id]
    assert [(f["follow_up_class"], f["referral"]) for f in today] == [("uncontrolled", True)]
    referrals = _get(doctor_api, f"/api/v1/visits/{visit_id}/referrals")
    assert len(referrals) == 1
    up = referrals[0]
    assert (up["direction"], up["status"]) == ("up", "open")
    assert up["destination"]
    assert up["department"]
    assert "控制不满意" in up["reasons"] or "uncontrolled" in up["reasons"], up["reasons"]
    assert "162/98" in up["summary"]
    visit = _get(doctor_api, f"/api/v1/visits/{visit_id}")
    moves = [e["move"] for e in visit["events"]][-4:]
    assert (visit["step"], visit["referral_direction"]) == ("done", "up")
    assert moves == ["diagnose", "set_plan", "refer_up", "finish_referral"]
    # The worklist of referrals awaiting their result now names him.
    awaiting = _get(doctor_api, "/api/v1/worklists/referrals-awaiting")
    assert [r["referral_id"] for r in awaiting["items"]] == [up["id"]]


async def test_a_multimorbidity_follow_up(doctor_api: DeskApi, artifacts: Path) -> None:
    zhang = doctor_api.residents["张三丰"]
    queued = queue_visit(
        doctor_api, "张三丰", {"sbp": 128, "dbp": 78, "fpg": 6.4, "height": 170, "weight": 70}
    )
    visit_id = queued.ctx.visit.id
    # Diabetes confirmed earlier (hypertension is confirmed by the fixture): two managed conditions.
    _post(
        doctor_api,
        f"/api/v1/residents/{zhang.id}/diagnoses",
        {"condition": "diabetes", "decision": "confirm", "basis": "FPG 7.6 与 8.2 mmol/L（两次）"},
    )
    app = OnestopApp(server=doctor_api.base_url, lang="zh_CN", station="room-2")
    async with app.run_test(size=(80, 24)) as pilot:
        await _call_and_start(pilot, app, doctor_api, queued.ticket["id"])
        await pilot.press("f10")
        await _to_followup(pilot, app)
        text = screen_text(app)
        assert "高血压" in text, text
        assert "糖尿病" in text, text
        shot(app, artifacts, "flow-doctor-multimorbidity")
        await pilot.press("f10")
        await until(pilot, lambda: screen_name(app) == "DoctorQueueScreen", "back at the queue")

    followups = _get(doctor_api, f"/api/v1/residents/{zhang.id}/followups")
    done = sorted((f["condition"], f["follow_up_class"]) for f in followups if f["visit_id"] == visit_id)
    assert done == [("diabetes", "controlled"), ("hypertension", "controlled")]
    forms = [f["form"] for f in followups if f["visit_id"] == visit_id]
    assert all(forms), "each disease's row keeps its national form"
    booked = {f["condition"]: f["due_date"] for f in followups if not f["done_at"]}
    assert set(booked) == {"hypertension", "diabetes"}
    assert len(set(booked.values())) == 1, "the earliest next date wins for both (多病共管)"
    visit = _get(doctor_api, f"/api/v1/visits/{visit_id}")
    assert visit["step"] == "done"
    assert _ticket(doctor_api, queued.ticket["id"]) == "done"
