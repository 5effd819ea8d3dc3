"""My queue, the doctor's desk home, against the real API on loopback: the doctor logs in to their team's
queue, calls the next patient (the board's call is stored), calls again, marks a missed call, meets a ticket
another terminal moved first (409 in place), transfers to general practice with a reason, and Enter starts
the consultation at the diagnosis step."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Label

from tests.tui.doctor_support import Queued, api_client, queue_visit
from tests.tui.helpers import DeskApi, log_in, screen_name, screen_text, shot, until
from tui import flow
from tui.app import OnestopApp
from tui.flow import VisitContext
from tui.screens.doctor_queue import DoctorQueueScreen
from tui.screens.visit import VisitScreen


def _ticket(desk: DeskApi, ticket_id: int) -> dict[str, Any]:
    with api_client(desk) as api:
        answer = api.get(f"/api/v1/tickets/{ticket_id}")
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
    return found


def _info(app: OnestopApp) -> str:
    return str(app.screen.query_one("#queue-info", Label).render())


def _rows(app: OnestopApp) -> list[str]:
    table = app.screen.query_one("#queue-table", DataTable)
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def _queue(app: OnestopApp) -> DoctorQueueScreen:
    screen = app.screen
    assert isinstance(screen, DoctorQueueScreen)
    return screen


async def _logged_in(pilot: Pilot[Any], app: OnestopApp, desk: DeskApi, rows: int) -> DoctorQueueScreen:
    await log_in(pilot, desk.username, desk.password)
    await until(pilot, lambda: screen_name(app) == "DoctorQueueScreen", "the doctor's queue after login")
    await until(pilot, lambda: len(_rows(app)) == rows, f"{rows} patients in the queue")
    return _queue(app)


@pytest.fixture
def queued(doctor_api: DeskApi, monkeypatch: pytest.MonkeyPatch) -> tuple[Queued, Queued]:
    """张三丰 (signed: the doctor's team queue) and 李秀英 (not signed: general practice), at diagnosis."""
    # The 10-second reload would race the test's own steps; every move reloads anyway.
    monkeypatch.setattr("tui.screens.doctor_queue.REFRESH_S", 600.0)
    return (
        queue_visit(doctor_api, "张三丰", {"sbp": 150, "dbp": 95}),
        queue_visit(doctor_api, "李秀英", {"sbp": 138, "dbp": 86}),
    )


async def test_call_recall_skip_transfer_and_start_the_consultation(
    doctor_api: DeskApi, queued: tuple[Queued, Queued], monkeypatch: pytest.MonkeyPatch
) -> None:
    zhang, li = queued
    assert zhang.ticket["queue_id"].startswith("team-")
    assert li.ticket["queue_id"] == "gp"
    asked: list[VisitContext] = []
    if importlib.util.find_spec("tui.screens.diagnosis") is None:
        # The diagnosis screen is another part of this issue: without it, record what the flow was asked.
        class Stand(VisitScreen):
            pass

        def screen_for(ctx: VisitContext) -> VisitScreen:
            asked.append(ctx)
            return Stand(ctx)

        monkeypatch.setattr(flow, "screen_for", screen_for)
    app = OnestopApp(server=doctor_api.base_url, lang="en", station="room-2")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _logged_in(pilot, app, doctor_api, rows=1)
        assert "张三丰" in _rows(app)[0]
        assert "signed" in _rows(app)[0]
        assert doctor_api.team_name in screen_text(app)

        await pilot.press("n")
        await until(pilot, lambda: "Called A" in _info(app) or "Called B" in _info(app), "the call")
        called = _ticket(doctor_api, zhang.ticket["id"])
        assert (called["status"], called["calls"]) == ("called", 1)
        with api_client(doctor_api) as api:
            board = api.get("/api/v1/tickets", params={"status": ["called", "recalled"]}).json()
        assert [t["id"] for t in board] == [zhang.ticket["id"]]  # what the waiting-room board calls
        assert "Called:" in screen_text(app)

        await pilot.press("r")
        await until(pilot, lambda: "called again" in _info(app), "the second call")
        again = _ticket(doctor_api, zhang.ticket["id"])
        assert (again["status"], again["calls"]) == ("recalled", 2)

        await pilot.press("s")
        await until(pilot, lambda: "missed" in _info(app), "the missed call")
        assert _ticket(doctor_api, zhang.ticket["id"])["status"] == "skipped"
        await until(pilot, lambda: "missed the call" in _rows(app)[0], "the row says so")

        # Another terminal calls him again before this screen reloads: R here is refused in place.
        with api_client(doctor_api) as api:
            moved = api.post(f"/api/v1/tickets/{zhang.ticket['id']}/moves", json={"move": "recall"})
            assert moved.status_code == 200, moved.text
        await pilot.press("r")
        await until(pilot, lambda: "another terminal" in _info(app), "the 409 shown in place")
        assert screen_name(app) == "DoctorQueueScreen"
        await until(pilot, lambda: "called again" in _rows(app)[0], "the list read again")
        assert _ticket(doctor_api, zhang.ticket["id"])["calls"] == 3

        await pilot.press("t")
        await until(pilot, lambda: "Transfer" in _info(app), "the queues to choose from")
        assert "1 全科门诊" in _info(app)
        await pilot.press("1")
        await until(pilot, lambda: screen_name(app) == "ReasonDialog", "the reason")
        await pilot.press("1", "enter")  # the first offered reason
        await until(pilot, lambda: "transferred" in _info(app), "the transfer")
        old = _ticket(doctor_api, zhang.ticket["id"])
        assert old["status"] == "transferred"
        new = _ticket(doctor_api, old["transferred_to"])
        assert (new["queue_id"], new["status"], new["priority"]) == ("gp", "waiting", 10)
        await until(pilot, lambda: _rows(app) == [], "the team queue empty")

        await pilot.press("tab")  # general practice: him first (his priority kept), then her
        await until(pilot, lambda: len(_rows(app)) == 2, "the general-practice queue")
        assert "张三丰" in _rows(app)[0]
        assert "李秀英" in _rows(app)[1]
        await pilot.press("n")
        await until(pilot, lambda: "Called" in _info(app), "the call")
        assert _ticket(doctor_api, new["id"])["status"] == "called"
        await until(pilot, lambda: "张三丰" in _rows(app)[0] and "called" in _rows(app)[0], "the row")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, VisitScreen), "the consultation")
        assert _ticket(doctor_api, new["id"])["status"] == "in_service"
        shown = app.screen
        assert isinstance(shown, VisitScreen)
        assert shown.ctx.doctor
        assert shown.ctx.ticket_id == new["id"]
        assert shown.ctx.visit.id == zhang.ctx.visit.id
        assert shown.ctx.visit.step.value == "diagnosis"
        assert shown.ctx.summary.resident.name == "张三丰"
        if asked:
            assert [c.visit.step.value for c in asked] == ["diagnosis"]
        else:
            assert type(shown).__name__ == "DiagnosisScreen"
        del screen


async def test_the_queue_back_from_a_consultation_and_the_snapshots(
    doctor_api: DeskApi, queued: tuple[Queued, Queued], artifacts: Path
) -> None:
    zhang, li = queued
    app = OnestopApp(server=doctor_api.base_url, lang="zh_CN", station="room-2")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _logged_in(pilot, app, doctor_api, rows=1)
        await pilot.press("tab", "tab")  # all the doctor's queues
        await until(pilot, lambda: len(_rows(app)) == 2, "both patients")
        assert "张三丰" in _rows(app)[0]  # signed: priority over general practice
        await pilot.press("n")
        await until(pilot, lambda: _ticket(doctor_api, zhang.ticket["id"])["status"] == "called", "called")
        await until(
            pilot, lambda: "张三丰" in str(screen.query_one("#queue-now", Label).render()), "now line"
        )
        shot(app, artifacts, "doctor-queue-80x24")
        # Another doctor finishes her meanwhile; a consultation ending here reloads the list.
        with api_client(doctor_api) as api:
            for move in ("call", "start", "finish"):
                answer = api.post(f"/api/v1/tickets/{li.ticket['id']}/moves", json={"move": move})
                assert answer.status_code == 200, answer.text
        flow.back_to_intake(app)
        await until(pilot, lambda: len(_rows(app)) == 1, "the list read again")
    app = OnestopApp(server=doctor_api.base_url, lang="zh_CN", station="room-2")
    async with app.run_test(size=(120, 40)) as pilot:
        await _logged_in(pilot, app, doctor_api, rows=1)
        assert "高血压" in _rows(app)[0] or "hypertension" in _rows(app)[0]  # the conditions, wide only
        shot(app, artifacts, "doctor-queue-120x40")
