"""Referrals from the doctor's desk over HTTP on both engines: the prefilled form (reasons with clauses,
destinations, urgency, the referral summary), referring with the visit's move in one transaction, the refusals
that write nothing, the emergency flag resolved as referred, and the result."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from db import tables
from flows.model import Role
from hardware.printer.decode import decode, text_of
from tests.api.helpers import Api, audit_rows, error
from tests.api.queueing import issue, to_triage


def _at_diagnosis(api: Api, seq: int) -> dict[str, Any]:
    visit = to_triage(api, seq, name=f"转诊{seq}")
    issue(api, visit["id"])
    found: dict[str, Any] = api.nurse.get(f"/api/v1/visits/{visit['id']}").json()
    assert found["step"] == "diagnosis"
    return found


def _history(api: Api, resident_id: int, *, cls: str, referral: bool) -> None:
    """Confirmed hypertension with a running drug, an allergy, and a done follow-up of class `cls`."""
    server = api.server
    now = server.clock()
    doctor = api.staff[Role.DOCTOR].id

    async def write() -> None:
        await tables.Diagnosis.insert(
            tables.Diagnosis(
                resident=resident_id,
                condition="hypertension",
                icd10="I10",
                status="confirmed",
                diagnosed_at=now,
                diagnosed_by=doctor,
            )
        )
        await tables.FollowUp.insert(
            tables.FollowUp(
                resident=resident_id,
                condition="hypertension",
                follow_up_class=cls,
                due_date=now.date(),
                mode="clinic",
                done_at=now - dt.timedelta(days=1),
                staff=doctor,
                created_at=now,
                referral=referral,
            ),
            tables.FollowUp(
                resident=resident_id,
                condition="hypertension",
                due_date=now.date() + dt.timedelta(days=14),
                mode="clinic",
                created_at=now,
            ),
        )

    server.run(write())
    record = {
        "allergies": [{"kind": "drug", "substance": "青霉素", "reaction": "皮疹"}],
    }
    saved = api.nurse.put(f"/api/v1/residents/{resident_id}/health-record", json=record)
    assert saved.status_code == 200, saved.text


def _draft(api: Api, visit_id: int, direction: str) -> dict[str, Any]:
    answer = api.doctor.get(f"/api/v1/visits/{visit_id}/referral-draft", params={"direction": direction})
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def _refer(api: Api, visit_id: int, **body: Any) -> Any:
    return api.doctor.post(f"/api/v1/visits/{visit_id}/referrals", json=body)


def _referrals(api: Api, visit_id: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = api.doctor.get(f"/api/v1/visits/{visit_id}/referrals").json()
    return found


def test_the_up_draft_offers_the_followups_referral_checked_with_its_clause_and_a_summary(api: Api) -> None:
    visit = _at_diagnosis(api, 1)
    _history(api, visit["resident_id"], cls="uncontrolled", referral=True)
    api.nurse.post(f"/api/v1/visits/{visit['id']}/entries", json={"measurements": {"sbp": 162, "dbp": 98}})
    draft = _draft(api, visit["id"], "up")

    assert (draft["direction"], draft["step"], draft["allowed"]) == ("up", "diagnosis", True)
    first = draft["reasons"][0]
    # BPHS-2017 §分类干预: two consecutive uncontrolled visits → referral, followed up within 2 weeks.
    assert (first["zh"], first["clauses"], first["checked"]) == (
        "高血压连续两次随访控制不满意",
        ["FU.uncontrolled.two_consecutive"],
        True,
    )
    # HTN-2020/2025 [U] follow-up reasons are offered unticked, each with its clauses.
    resistant = next(r for r in draft["reasons"] if r["code"] == "htn.resistant")
    assert resistant["clauses"] == ["HTN.referral.followup", "HTN.referral.mnemonic"]
    assert not resistant["checked"]
    assert draft["reasons"][-1]["clauses"] == ["REF.up.beyond_capacity"]
    assert (draft["urgency"], draft["urgency_clauses"]) == ("urgent", ["FU.uncontrolled.two_consecutive"])
    assert draft["follow_up_by"] == (api.server.clock().date() + dt.timedelta(days=14)).isoformat()
    assert [d["name"] for d in draft["destinations"]] == ["县人民医院", "县中医院"]
    assert (draft["destination"], draft["department"]) == ("县人民医院", "心血管内科")
    summary = draft["summary"]
    for part in (
        "转诊单（上转）",
        "居民：转诊1 ",
        "诊断：高血压",
        "血压 162/98 mmHg",
        "青霉素（皮疹）",
        "连续两次",
    ):
        assert part in summary, (part, summary)


def test_the_emergency_draft_ticks_the_open_flags_findings(api: Api) -> None:
    visit = _at_diagnosis(api, 2)
    entered = api.nurse.post(
        f"/api/v1/visits/{visit['id']}/entries", json={"measurements": {"sbp": 190, "dbp": 100}}
    )
    assert entered.json()["flag"]["status"] == "open"
    draft = _draft(api, visit["id"], "emergency")
    finding, beyond = draft["reasons"]
    assert finding["checked"]
    assert finding["finding"]["code"] == "htn.emergency"
    assert finding["zh"] == "高血压急症：血压 190/100 mmHg"
    assert finding["clauses"] == ["HTN.emergency"]
    assert not beyond["checked"]  # a finding is the reason; "cannot handle" only without one
    assert (draft["urgency"], draft["destination"], draft["department"]) == (
        "emergency",
        "县人民医院",
        "急诊科",
    )


def test_the_down_draft_names_the_village_clinic_and_the_next_followup(api: Api) -> None:
    visit = _at_diagnosis(api, 3)
    _history(api, visit["resident_id"], cls="controlled", referral=False)
    moved = api.doctor.post(f"/api/v1/visits/{visit['id']}/events", json={"move": "diagnose"})
    assert moved.status_code == 200, moved.text
    draft = _draft(api, visit["id"], "down")
    assert draft["allowed"]
    assert [(r["code"], r["clauses"], r["checked"]) for r in draft["reasons"]] == [
        ("stable", ["REF.down.stable"], True),
        ("controlled", ["FU.controlled"], True),
    ]
    due = (api.server.clock().date() + dt.timedelta(days=14)).isoformat()
    assert draft["follow_up_by"] == due
    assert draft["destination"] == "王庄村卫生室"
    assert draft["department"] is None
    assert f"请村卫生室于 {due} 前完成下次随访" in draft["summary"]


def test_referring_up_stores_the_referral_and_moves_the_visit(api: Api) -> None:
    visit = _at_diagnosis(api, 4)
    answer = _refer(
        api,
        visit["id"],
        direction="up",
        reasons=["高血压连续两次随访控制不满意", " 疑有心、脑、肾并发症 "],
        destination="县人民医院",
        department="心血管内科",
        urgency="urgent",
        summary="转诊单（上转）……",
        expected_step="diagnosis",
    )
    assert answer.status_code == 201, answer.text
    made, moved = answer.json()["referral"], answer.json()["visit"]
    assert moved["step"] == "referral"
    assert moved["referral_direction"] == "up"
    assert moved["events"][-1]["reason"] == "高血压连续两次随访控制不满意；疑有心、脑、肾并发症"
    [stored] = _referrals(api, visit["id"])
    assert stored["id"] == made["id"]
    assert (stored["direction"], stored["status"], stored["urgency"]) == ("up", "open", "urgent")
    assert (stored["destination"], stored["department"]) == ("县人民医院", "心血管内科")
    assert stored["summary"] == "转诊单（上转）……"
    assert stored["created_by"] == api.staff[Role.DOCTOR].id
    rows = audit_rows(api, entity="resident", entity_id=visit["resident_id"])
    assert any(r["action"] == "referral.refer" and "direction=up" in r["detail"] for r in rows)

    finished = api.doctor.post(f"/api/v1/visits/{visit['id']}/events", json={"move": "finish_referral"})
    assert finished.json()["step"] == "done"


def test_a_refused_referral_writes_nothing(api: Api) -> None:
    visit = _at_diagnosis(api, 5)
    # Down is not allowed at diagnosis (flows.visit.TRANSITIONS): 409, no row, the visit stays.
    refused = error(
        _refer(api, visit["id"], direction="down", reasons=["稳定"], destination="王庄村卫生室"), 409
    )
    assert refused["code"] == "move_not_allowed"
    assert _draft(api, visit["id"], "down")["allowed"] is False
    for body, field in (
        (
            {"direction": "up", "reasons": [" "], "destination": "县人民医院", "department": "肾内科"},
            "reasons",
        ),
        ({"direction": "up", "reasons": ["x"], "destination": "县人民医院"}, "department"),
        ({"direction": "up", "reasons": ["x"], "destination": " ", "department": "肾内科"}, "destination"),
        ({"direction": "received", "reasons": ["x"], "destination": "县人民医院"}, "direction"),
    ):
        assert error(_refer(api, visit["id"], **body), 422)["field"] == field
    stale = _refer(
        api,
        visit["id"],
        direction="up",
        reasons=["x"],
        destination="县人民医院",
        department="肾内科",
        expected_step="graded_intervention",
    )
    assert error(stale, 409)["field"] == "expected_step"
    assert _referrals(api, visit["id"]) == []
    assert api.doctor.get(f"/api/v1/visits/{visit['id']}").json()["step"] == "diagnosis"


def test_an_emergency_referral_resolves_the_flag_as_referred(api: Api) -> None:
    visit = _at_diagnosis(api, 6)
    api.nurse.post(f"/api/v1/visits/{visit['id']}/entries", json={"measurements": {"sbp": 186, "dbp": 96}})
    # An open emergency refuses a referral up (only refer_emergency or cancel): nothing written.
    up = _refer(
        api, visit["id"], direction="up", reasons=["x"], destination="县人民医院", department="急诊科"
    )
    assert error(up, 409)["code"] == "emergency_pending"
    answer = _refer(
        api,
        visit["id"],
        direction="emergency",
        reasons=["高血压急症：收缩压 186 mmHg"],
        destination="县人民医院",
        department="急诊科",
        urgency="routine",  # an emergency is referred at once whatever the body says
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["referral"]["urgency"] == "emergency"
    assert answer.json()["visit"]["queue_kind"] == "emergency"
    flags = api.doctor.get(f"/api/v1/visits/{visit['id']}/emergencies").json()
    assert [(f["status"], f["resolved_by"]) for f in flags] == [("referred", api.staff[Role.DOCTOR].id)]


def test_the_result_completes_the_referral_once(api: Api) -> None:
    visit = _at_diagnosis(api, 7)
    made = _refer(
        api, visit["id"], direction="up", reasons=["x"], destination="县中医院", department="内分泌科"
    ).json()["referral"]
    url = f"/api/v1/referrals/{made['id']}/result"
    answer = api.nurse.post(url, json={"arrived": True, "result": "已住院，调整降压方案"})
    assert answer.status_code == 200, answer.text
    done = answer.json()
    assert (done["status"], done["arrived"], done["result"]) == ("completed", True, "已住院，调整降压方案")
    assert done["result_by"] == api.staff[Role.NURSE].id
    assert done["closed_at"] is not None
    assert error(api.nurse.post(url, json={"arrived": False, "result": ""}), 409)["field"] == "referral_id"
    assert error(api.nurse.post("/api/v1/referrals/99999/result", json={"arrived": True}), 404)
    assert error(api.nurse.post(url, json={"result": "x"}), 422)


def test_only_a_doctor_refers(api: Api) -> None:
    visit = _at_diagnosis(api, 8)
    body = {"direction": "up", "reasons": ["x"], "destination": "县人民医院", "department": "肾内科"}
    error(api.nurse.post(f"/api/v1/visits/{visit['id']}/referrals", json=body), 403)
    error(api.admin.get(f"/api/v1/visits/{visit['id']}/referral-draft", params={"direction": "up"}), 403)
    assert _referrals(api, visit["id"]) == []


def test_printing_the_referral_summary(api: Api) -> None:
    visit = _at_diagnosis(api, 9)
    summary = _draft(api, visit["id"], "up")["summary"]
    made = _refer(
        api,
        visit["id"],
        direction="up",
        reasons=["x"],
        destination="县人民医院",
        department="肾内科",
        summary=summary,
    ).json()["referral"]
    answer = api.doctor.post(f"/api/v1/referrals/{made['id']}/print")
    assert answer.status_code == 201, answer.text
    job = answer.json()
    assert (job["kind"], job["ticket_id"]) == ("document", None)
    folder = Path(api.server.settings.printer.url.removeprefix("preview://"))
    deadline = time.monotonic() + 10
    while len(found := sorted(folder.glob("*.bin"))) < 2 and time.monotonic() < deadline:  # ticket, page
        time.sleep(0.05)
    [lines] = [
        page for page in (text_of(decode(f.read_bytes())) for f in found) if page[0].startswith("转诊单")
    ]
    assert lines[0] == "转诊单（上转）"
    assert any("居民：转诊9" in line for line in lines)
    assert "320923*******" in "".join(lines), "the record number goes on paper masked"
    assert any("去向：县人民医院 肾内科" in line for line in lines)
    rows = audit_rows(api, entity="resident", entity_id=visit["resident_id"])
    assert any(r["action"] == "document.print" and f"referral={made['id']}" in r["detail"] for r in rows)
    error(api.doctor.post("/api/v1/referrals/99999/print"), 404)
