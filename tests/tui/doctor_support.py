"""The doctor's side of the TUI tests: a doctor of the village's team, and visits walked by the front desk
over the API to the doctor's queue (triaged, ticket issued), so a test starts where the doctor does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import msgspec

from flows.model import ResidentSummary, Role, Visit
from tests.support.server import add_staff, bearer, login
from tests.tui.helpers import DeskApi
from tui.flow import VisitContext

DOCTOR = "doctor1"
DOCTOR_NAME = "王医生"
NURSE = "nurse1"  # the desk fixture's nurse (same password as the doctor)
DESK_MOVES = ("start_screening", "finish_screening", "finish_record_update")


@dataclass
class Queued:
    """A visit at the doctor's step with its ticket waiting in a queue."""

    ctx: VisitContext
    ticket: dict[str, Any]


def add_doctor(desk: DeskApi, password: str) -> int:
    """A doctor in the village's family doctor team (the team of the signed resident); their staff id."""
    with api_client(desk) as api:
        teams = api.get("/api/v1/teams").json()
    team_id = next(t["id"] for t in teams if t["name"] == desk.team_name)
    staff = add_staff(desk.server, DOCTOR, Role.DOCTOR, password, display_name=DOCTOR_NAME, team_id=team_id)
    return staff.id


def api_client(desk: DeskApi, username: str | None = None, password: str | None = None) -> httpx.Client:
    token = login(desk.base_url, username or desk.username, password or desk.password)
    return httpx.Client(base_url=desk.base_url, headers=bearer(token), timeout=10)


def queue_visit(
    desk: DeskApi, name: str, measurements: dict[str, float] | None = None, *, signed: bool | None = None
) -> Queued:
    """The front desk's part over the API: open (or continue) today's visit, enter the values measured,
    the signing check (confirm a contract in force, else decline), triage and a ticket. The visit is left at
    diagnosis, its ticket waiting."""
    resident = desk.residents[name]
    with api_client(desk, NURSE, desk.password) as api:
        opened = api.post("/api/v1/visits", json={"resident_id": resident.id})
        if opened.status_code == 409:
            listed = api.get("/api/v1/visits", params={"resident_id": resident.id, "open": "true"})
            visit = max(listed.json(), key=lambda v: v["id"])
        else:
            assert opened.status_code == 201, opened.text
            visit = opened.json()
        visit_id = visit["id"]
        for move in DESK_MOVES:
            if move == "finish_screening" and measurements:
                entered = api.post(f"/api/v1/visits/{visit_id}/entries", json={"measurements": measurements})
                assert entered.status_code in (200, 201), entered.text
            if visit["step"] == move_from(move):
                moved = api.post(f"/api/v1/visits/{visit_id}/events", json={"move": move})
                assert moved.status_code == 200, moved.text
                visit = moved.json()
        signing = api.get(f"/api/v1/residents/{resident.id}/signing").json()
        in_force = signing["in_force"] if signed is None else signed
        body: dict[str, Any] = {"move": "decline_signing", "reason": "暂不需要"}
        if in_force:
            body = {"move": "confirm_contract", "team_id": signing["contract"]["team_id"]}
        moved = api.post(f"/api/v1/visits/{visit_id}/events", json=body)
        assert moved.status_code == 200, moved.text
        issued = api.post("/api/v1/tickets", json={"visit_id": visit_id})
        assert issued.status_code == 201, issued.text
        visit = api.get(f"/api/v1/visits/{visit_id}").json()
        summary = api.get(f"/api/v1/residents/{resident.id}/summary").json()
    ctx = VisitContext(
        visit=msgspec.convert(visit, Visit), summary=msgspec.convert(summary, ResidentSummary, strict=False)
    )
    return Queued(ctx=ctx, ticket=issued.json()["ticket"])


def move_from(move: str) -> str:
    return {
        "start_screening": "intake",
        "finish_screening": "screening",
        "finish_record_update": "record_update",
    }[move]
