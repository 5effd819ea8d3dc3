"""Visits over HTTP: open once a day, walk the whole flow, refused moves, reasons, two terminals at once."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from db.staff import create_team
from flows.model import Move, Role, Step
from tests.api.helpers import Api, error, register


def _open(api: Api, seq: int) -> dict[str, Any]:
    person = register(api.nurse, seq)
    answer = api.nurse.post("/api/v1/visits", json={"resident_id": person["id"]})
    assert answer.status_code == 201, answer.text
    visit: dict[str, Any] = answer.json()
    return visit


def _move(client: httpx.Client, visit_id: int, move: Move, **extra: Any) -> httpx.Response:
    return client.post(f"/api/v1/visits/{visit_id}/events", json={"move": move.value, **extra})


def test_open_starts_at_intake(api: Api) -> None:
    visit = _open(api, 30)
    assert visit["step"] == "intake"
    assert visit["events"] == []
    assert visit["opened_by"] == api.staff[Role.NURSE].id
    assert visit["visit_date"] == api.server.clock().date().isoformat()


def test_second_open_visit_the_same_day_is_409_with_the_visit_id(api: Api) -> None:
    visit = _open(api, 31)
    answer = api.doctor.post("/api/v1/visits", json={"resident_id": visit["resident_id"]})
    body = error(answer, 409)
    assert body["details"]["visit_id"] == visit["id"]
    listed = api.nurse.get("/api/v1/visits", params={"resident_id": visit["resident_id"]}).json()
    assert [v["id"] for v in listed] == [visit["id"]]


def test_open_for_unknown_resident_is_404(api: Api) -> None:
    error(api.nurse.post("/api/v1/visits", json={"resident_id": 9999}), 404)


WHOLE_FLOW = [
    (Move.START_SCREENING, {}, Step.SCREENING),
    (Move.FINISH_SCREENING, {}, Step.RECORD_UPDATE),
    (Move.FINISH_RECORD_UPDATE, {}, Step.SIGNING_CHECK),
    (Move.DECLINE_SIGNING, {"reason": "想先和家人商量"}, Step.TRIAGE),
    (Move.TRIAGE, {}, Step.DIAGNOSIS),
    (Move.DIAGNOSE, {}, Step.GRADED_INTERVENTION),
    (Move.SET_PLAN, {}, Step.FOLLOWUP_BOOKING),
    (Move.BOOK_FOLLOWUP, {}, Step.DONE),
]


def test_whole_flow_with_expected_steps_and_allowed_moves(api: Api) -> None:
    visit = _open(api, 32)
    step = Step.INTAKE
    for i, (move, extra, target) in enumerate(WHOLE_FLOW):
        client = api.nurse if i < 4 else api.doctor  # the desk starts it, the doctor finishes it
        allowed = client.get(f"/api/v1/visits/{visit['id']}/moves").json()
        assert move.value in allowed, (step, allowed)
        answer = _move(client, visit["id"], move, expected_step=step.value, **extra)
        assert answer.status_code == 200, answer.text
        assert answer.json()["step"] == target.value
        step = target
    done = api.nurse.get(f"/api/v1/visits/{visit['id']}").json()
    assert done["step"] == "done"
    assert done["closed_at"] is not None
    assert done["queue_kind"] == "general_practice"
    assert [e["move"] for e in done["events"]] == [m.value for m, _, _ in WHOLE_FLOW]
    assert [e["seq"] for e in done["events"]] == list(range(1, len(WHOLE_FLOW) + 1))
    assert done["events"][3]["reason"] == "想先和家人商量"
    assert done["events"][-1]["actor_id"] == api.staff[Role.DOCTOR].id
    assert api.nurse.get(f"/api/v1/visits/{visit['id']}/moves").json() == []
    # Closed: the resident may open a new visit the same day.
    assert api.nurse.post("/api/v1/visits", json={"resident_id": visit["resident_id"]}).status_code == 201


def test_signed_resident_goes_to_the_own_team_queue(api: Api) -> None:
    team = api.server.run(create_team(api.server.database, name="第一家庭医生团队", room="201"))
    visit = _open(api, 33)
    for move in (Move.START_SCREENING, Move.FINISH_SCREENING, Move.FINISH_RECORD_UPDATE):
        assert _move(api.nurse, visit["id"], move).status_code == 200
    answer = _move(api.nurse, visit["id"], Move.CONFIRM_CONTRACT, team_id=team.id)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["queue_kind"], answer.json()["team_id"]) == ("own_team", team.id)


def test_refused_move_is_409_naming_step_and_move(api: Api) -> None:
    visit = _open(api, 34)
    body = error(_move(api.nurse, visit["id"], Move.DIAGNOSE), 409)
    assert body["code"] == "move_not_allowed"
    assert body["details"] == {"step": "intake", "move": "diagnose"}
    assert "intake" in body["message"]
    assert "diagnose" in body["message"]
    assert api.nurse.get(f"/api/v1/visits/{visit['id']}").json()["events"] == []


@pytest.mark.parametrize("reason", [None, "", "   "], ids=["absent", "empty", "blank"])
def test_move_that_needs_a_reason_is_422_without_one(api: Api, reason: str | None) -> None:
    visit = _open(api, 35)
    body = error(_move(api.nurse, visit["id"], Move.CANCEL, reason=reason), 422)
    assert body["field"] == "reason"
    assert api.nurse.get(f"/api/v1/visits/{visit['id']}").json()["step"] == "intake"


def test_stale_expected_step_is_409(api: Api) -> None:
    visit = _open(api, 36)
    first = _move(api.nurse, visit["id"], Move.START_SCREENING, expected_step="intake")
    assert first.status_code == 200
    # A second terminal still showing "intake" tries the same move.
    body = error(_move(api.doctor, visit["id"], Move.START_SCREENING, expected_step="intake"), 409)
    assert body["code"] == "conflict"
    assert body["details"]["step"] == "screening"
    assert len(api.nurse.get(f"/api/v1/visits/{visit['id']}").json()["events"]) == 1


async def test_two_terminals_moving_at_once_one_wins(api: Api) -> None:
    visit = _open(api, 37)
    headers = [dict(api.nurse.headers), dict(api.doctor.headers)]
    body = {"move": "start_screening", "expected_step": "intake"}
    async with httpx.AsyncClient(base_url=api.base_url, timeout=10) as client:
        answers = await asyncio.gather(
            *(client.post(f"/api/v1/visits/{visit['id']}/events", json=body, headers=h) for h in headers * 2)
        )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409, 409, 409], [a.text for a in answers]
    events = api.nurse.get(f"/api/v1/visits/{visit['id']}").json()["events"]
    assert len(events) == 1


def test_move_validation_names_the_field(api: Api) -> None:
    visit = _open(api, 38)
    body = error(api.nurse.post(f"/api/v1/visits/{visit['id']}/events", json={"move": "fly"}), 422)
    assert body["field"] == "move"
    body = error(_move(api.nurse, visit["id"], Move.TRIAGE, expected_step="nowhere"), 422)
    assert body["field"] == "expected_step"
    error(_move(api.nurse, 9999, Move.START_SCREENING), 404)


def test_list_by_date_and_open(api: Api) -> None:
    first, second = _open(api, 39), _open(api, 40)
    _move(api.nurse, second["id"], Move.CANCEL, reason="走了")
    today = api.server.clock().date().isoformat()
    both = api.nurse.get("/api/v1/visits", params={"date": today}).json()
    assert {first["id"], second["id"]} <= {v["id"] for v in both}
    still_open = api.nurse.get("/api/v1/visits", params={"date": today, "open": "true"}).json()
    assert first["id"] in {v["id"] for v in still_open}
    assert second["id"] not in {v["id"] for v in still_open}
    assert api.nurse.get("/api/v1/visits", params={"date": "2001-01-01"}).json() == []
    assert error(api.nurse.get("/api/v1/visits", params={"date": "yesterday"}), 422)["field"] == "date"
