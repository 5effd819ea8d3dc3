"""The doctor's queue with names (listQueuePatients), over HTTP on both engines: call order, who holds each
ticket, minutes waited, which tickets are open, refusals and the single audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from db import tables
from tests.api.helpers import Api, audit_rows, error
from tests.api.queueing import add_team, issue, to_triage


def _diagnose(api: Api, resident_id: int, *conditions: tuple[str, str, str]) -> None:
    """Diagnoses written directly (the doctor's diagnosis endpoint is not what is tested here)."""
    now = api.server.clock()

    async def write() -> None:
        for condition, icd10, status in conditions:
            await tables.Diagnosis.insert(
                tables.Diagnosis(
                    resident=resident_id, condition=condition, icd10=icd10, status=status, diagnosed_at=now
                )
            )

    api.server.run(write())


def _patients(api: Api, queue_id: str) -> list[dict[str, Any]]:
    answer = api.doctor.get(f"/api/v1/queues/{queue_id}/patients")
    assert answer.status_code == 200, answer.text
    listed: list[dict[str, Any]] = answer.json()
    return listed


def test_the_team_queue_in_call_order_with_names_sex_age_and_conditions(api: Api) -> None:
    team = add_team(api)
    first = to_triage(api, 1, team_id=team.id, name="张三丰")
    second = to_triage(api, 2, team_id=team.id, name="李秀英")
    urgent = to_triage(api, 3, team_id=team.id, name="王大爷")
    other = to_triage(api, 4, name="赵六")  # general practice: not in the team's list
    _diagnose(
        api,
        first["resident_id"],
        ("diabetes", "E11", "confirmed"),
        ("hypertension", "I10", "confirmed"),
        ("hypertension", "I10", "confirmed"),  # confirmed twice (two visits): still one condition
        ("copd", "J44", "suspected"),  # not confirmed: not shown
    )
    for visit in (first, second, other):
        issue(api, visit["id"])
    issue(api, urgent["id"], priority=50, reason="高龄行动不便")

    listed = _patients(api, f"team-{team.id}")

    assert [p["name"] for p in listed] == ["王大爷", "张三丰", "李秀英"]  # priority, then arrival
    assert [p["ticket"]["priority"] for p in listed] == [50, 10, 10]
    assert listed[0]["ticket"]["priority_reason"] == "高龄行动不便"
    head = listed[1]
    assert head["sex"] == "male"
    assert head["birth_date"] == "1960-05-17"
    assert head["conditions"] == ["hypertension", "diabetes"]  # glossary order, each once
    assert head["ticket"]["visit_id"] == first["id"]
    assert listed[2]["conditions"] == []
    assert [p["name"] for p in _patients(api, "gp")] == ["赵六"]


def test_minutes_waited_tick_until_the_consultation_starts(api: Api) -> None:
    waiting = issue(api, to_triage(api, 10, name="甲")["id"])["ticket"]
    seen = issue(api, to_triage(api, 11, name="乙")["id"])["ticket"]
    assert [p["waiting_minutes"] for p in _patients(api, "gp")] == [0, 0]

    api.server.clock.advance(dt.timedelta(minutes=7))
    called = api.doctor.post("/api/v1/queues/gp/call-next").json()
    assert called["id"] == waiting["id"]
    moved = api.doctor.post(
        f"/api/v1/tickets/{called['id']}/moves", json={"move": "start", "expected_status": "called"}
    )
    assert moved.status_code == 200, moved.text
    api.server.clock.advance(dt.timedelta(minutes=5))

    by_id = {p["ticket"]["id"]: p for p in _patients(api, "gp")}
    assert by_id[waiting["id"]]["ticket"]["status"] == "in_service"
    assert by_id[waiting["id"]]["waiting_minutes"] == 7  # stopped when the doctor started
    assert by_id[seen["id"]]["waiting_minutes"] == 12  # still waiting


def test_only_open_tickets_are_listed(api: Api) -> None:
    done = issue(api, to_triage(api, 20)["id"])["ticket"]
    skipped = issue(api, to_triage(api, 21)["id"])["ticket"]
    left = issue(api, to_triage(api, 22)["id"])["ticket"]
    for ticket, moves in (
        (done, ("call", "start", "finish")),
        (skipped, ("call", "skip")),
        (left, ("cancel",)),
    ):
        for move in moves:
            body = {"move": move, **({"reason": "走了"} if move == "cancel" else {})}
            answer = api.doctor.post(f"/api/v1/tickets/{ticket['id']}/moves", json=body)
            assert answer.status_code == 200, answer.text
    listed = _patients(api, "gp")
    assert [(p["ticket"]["id"], p["ticket"]["status"]) for p in listed] == [(skipped["id"], "skipped")]


def test_refusals_and_one_audit_row_per_list(api: Api) -> None:
    issue(api, to_triage(api, 30)["id"])
    error(api.anon.get("/api/v1/queues/gp/patients"), 401)
    error(api.admin.get("/api/v1/queues/gp/patients"), 403)
    missing = error(api.doctor.get("/api/v1/queues/nowhere/patients"), 404)
    assert missing["field"] == "queue_id"
    assert api.nurse.get("/api/v1/queues/gp/patients").status_code == 200
    rows = [r for r in audit_rows(api, entity="resident") if r["action"] == "list"]
    assert len(rows) == 1
    assert rows[0]["detail"] == "queue=gp results=1"
    assert rows[0]["entity_id"] is None
