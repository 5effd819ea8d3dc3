"""Today's arrivals lists against the real API on loopback: bookings, Enter arrives and opens the visit,
an arrived row continues its visit, the incoming referrals with where they come from and why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot
from textual.widgets import DataTable, Label, Static

from flows.rules.base import age_on
from tests.support.server import bearer, login
from tests.tui.helpers import DeskApi, log_in, screen_name, screen_text, shot, until
from tui.app import OnestopApp
from tui.endpoints.arrivals import Arrival
from tui.screens.arrivals import ArrivalsScreen

REASONS = "高血压3级住院降压治疗后血压控制平稳，下转社区继续管理与随访；请两周内复诊调整用药"


def _client(desk: DeskApi) -> httpx.Client:
    token = login(desk.base_url, desk.username, desk.password)
    return httpx.Client(base_url=desk.base_url, headers=bearer(token), timeout=10)


def _at(desk: DeskApi, hour: int, minute: int = 0) -> str:
    clock = desk.server.clock
    return dt.datetime.combine(clock().date(), dt.time(hour, minute), clock.zone).isoformat()


def _seed(desk: DeskApi) -> dict[str, Any]:
    """张三丰 booked at 08:30 (his visit is already open), 李秀英 at 09:15, 张小明 referred in at 10:00."""
    people = desk.residents
    with _client(desk) as client:
        ids: dict[str, Any] = {}
        for name, when in (("张三丰", _at(desk, 8, 30)), ("李秀英", _at(desk, 9, 15))):
            answer = client.post(
                "/api/v1/appointments", json={"resident_id": people[name].id, "scheduled_for": when}
            )
            assert answer.status_code == 201, answer.text
            ids[name] = answer.json()["id"]
        referral = client.post(
            "/api/v1/referrals",
            json={
                "resident_id": people["张小明"].id,
                "origin": "县人民医院心血管内科",
                "reasons": REASONS,
                "urgency": "urgent",
                "scheduled_for": _at(desk, 10),
            },
        )
        assert referral.status_code == 201, referral.text
        ids["张小明"] = referral.json()["appointment_id"]
        ids["referral"] = referral.json()["id"]
    return ids


def _rows(app: OnestopApp) -> list[list[str]]:
    tables = app.screen.query("#arrivals").results(DataTable)  # none while the screen is being composed
    return [[str(c) for c in t.get_row_at(i)] for t in tables for i in range(t.row_count)]


def _detail(app: OnestopApp) -> str:
    return str(app.screen.query_one("#arrivals-detail", Static).content)


def _info(app: OnestopApp) -> str:
    return str(app.screen.query_one("#arrivals-info", Label).content)


async def _open(pilot: Pilot[Any], app: OnestopApp, desk: DeskApi, purpose: str) -> list[Arrival | None]:
    results: list[Arrival | None] = []
    await log_in(pilot, desk.username, desk.password)
    app.push_screen(ArrivalsScreen(purpose), results.append)
    await until(pilot, lambda: screen_name(app) == "ArrivalsScreen" and bool(_rows(app)), "today's list")
    return results


async def test_enter_on_a_booking_opens_the_visit_and_hands_it_to_intake(desk_api: DeskApi) -> None:
    ids = _seed(desk_api)
    app = OnestopApp(server=desk_api.base_url, lang="en", station="front-desk-1")
    async with app.run_test(size=(80, 24)) as pilot:
        results = await _open(pilot, app, desk_api, "booking")
        rows = _rows(app)
        today = desk_api.server.clock().date()
        assert [r[:3] for r in rows] == [
            ["08:30", "张三丰", f"male {age_on(dt.date(1960, 5, 17), today)}"],
            ["09:15", "李秀英", f"female {age_on(dt.date(1962, 8, 3), today)}"],
        ]
        person = desk_api.residents["李秀英"]
        assert rows[1][3] == person.id_number[:6] + "********" + person.id_number[-4:]
        assert [r[-1] for r in rows] == ["expected", "expected"]
        assert person.id_number not in screen_text(app)
        assert "Today's bookings (2)" in screen_text(app)
        assert "Incoming referrals (1)" in screen_text(app)

        await pilot.press("down")
        assert "Enter: the resident is here" in _detail(app)
        await pilot.press("enter")
        await until(pilot, lambda: bool(results), "the screen to dismiss with the arrival")
        assert screen_name(app) != "ArrivalsScreen"
    [arrival] = results
    assert arrival is not None
    assert (arrival.resident_id, arrival.appointment_id) == (person.id, ids["李秀英"])
    assert arrival.visit.step.value == "intake"
    with _client(desk_api) as client:
        visits = client.get("/api/v1/visits", params={"resident_id": person.id, "open": "true"}).json()
        assert [v["id"] for v in visits] == [arrival.visit.id]
        listed = {i["id"]: i for i in client.get("/api/v1/appointments").json()}
        assert (listed[ids["李秀英"]]["status"], listed[ids["李秀英"]]["visit_id"]) == (
            "arrived",
            arrival.visit.id,
        )
        assert listed[ids["张三丰"]]["status"] == "booked"


async def test_an_arrived_row_continues_its_visit_and_a_cancelled_one_says_why_not(desk_api: DeskApi) -> None:
    ids = _seed(desk_api)
    with _client(desk_api) as client:
        first = client.post(f"/api/v1/appointments/{ids['张三丰']}/arrive").json()
        assert first["opened"] is False  # 张三丰's visit was open already: arriving took it
        cancelled = client.post(f"/api/v1/appointments/{ids['李秀英']}/cancel", json={"reason": "电话取消"})
        assert cancelled.status_code == 200, cancelled.text
    app = OnestopApp(server=desk_api.base_url, lang="en", station="front-desk-1")
    async with app.run_test(size=(80, 24)) as pilot:
        results = await _open(pilot, app, desk_api, "booking")
        assert [r[-1] for r in _rows(app)] == ["arrived", "cancelled"]
        await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert "Cancelled" in _info(app)
        assert screen_name(app) == "ArrivalsScreen"
        assert results == []

        await pilot.press("up")
        assert "the visit is at intake. Enter continues it." in _detail(app)
        await pilot.press("enter")
        await until(pilot, lambda: bool(results), "the arrival of the row already arrived")
    [arrival] = results
    assert arrival is not None
    assert arrival.visit.id == first["visit"]["id"]


async def test_escape_dismisses_with_nothing(desk_api: DeskApi) -> None:
    _seed(desk_api)
    app = OnestopApp(server=desk_api.base_url, lang="en", station="front-desk-1")
    async with app.run_test(size=(80, 24)) as pilot:
        results = await _open(pilot, app, desk_api, "booking")
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) != "ArrivalsScreen", "the screen to close")
    assert results == [None]
    with _client(desk_api) as client:
        assert {i["status"] for i in client.get("/api/v1/appointments").json()} == {"booked"}


async def test_incoming_referrals_show_origin_urgency_and_the_reasons_in_full(
    desk_api: DeskApi, artifacts: Path
) -> None:
    _seed(desk_api)
    app = OnestopApp(server=desk_api.base_url, station="front-desk-1")  # Chinese, the default
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app, desk_api, "incoming_referral")
        [row] = _rows(app)
        assert row[:2] == ["10:00", "张小明"]
        assert row[3].startswith("县人民医院")  # the origin, cut to its column
        assert row[5].startswith("高血压3级")  # the reasons, shortened
        assert row[5].endswith("…")
        assert "县人民医院心血管内科" in _detail(app)
        assert REASONS in _detail(app)  # in full under the table
        text = screen_text(app)
        assert "张小明" in text
        assert "县人民医院心血管内科" in text
        shot(app, artifacts, "arrivals-referrals")

        await pilot.press("tab")
        await pilot.pause()
        assert [r[1] for r in _rows(app)] == ["张三丰", "李秀英"]
        shot(app, artifacts, "arrivals-bookings")
        await pilot.press("tab")
        await pilot.pause()
        assert [r[1] for r in _rows(app)] == ["张小明"]


async def test_a_wide_terminal_shows_the_id_number_beside_the_referral(
    desk_api: DeskApi, artifacts: Path
) -> None:
    _seed(desk_api)
    app = OnestopApp(server=desk_api.base_url, lang="en", station="front-desk-1")
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(pilot, app, desk_api, "incoming_referral")
        table = app.screen.query_one("#arrivals", DataTable)
        headers = [str(c.label) for c in table.columns.values()]
        assert headers == [
            "Time",
            "Name",
            "Sex/age",
            "ID number",
            "From",
            "Urgency",
            "Reasons",
            "Status",
        ]
        [row] = _rows(app)
        assert row[5] == "urgent"
        assert "expected" in screen_text(app)  # the status column still fits 120 columns
        shot(app, artifacts, "arrivals-referrals-wide")


async def _follow_up_due(desk: DeskApi, name: str) -> None:
    """A clinic follow-up of hypertension due today (the API books them when a follow-up is done)."""
    from db.tables import FollowUp

    await FollowUp.insert(
        FollowUp(
            resident=desk.residents[name].id,
            condition="hypertension",
            due_date=desk.server.clock().date(),
            mode="clinic",
            created_at=desk.server.clock(),
        )
    )


async def test_a_follow_up_due_today_is_on_the_bookings_list_and_arrives(desk_api: DeskApi) -> None:
    desk_api.server.run(_follow_up_due(desk_api, "张小明"))
    app = OnestopApp(server=desk_api.base_url, lang="en", station="front-desk-1")
    async with app.run_test(size=(80, 24)) as pilot:
        results = await _open(pilot, app, desk_api, "booking")
        [row] = _rows(app)
        assert row[:2] == ["follow-up", "张小明"]
        assert "Follow-up due: hypertension" in _detail(app)
        await pilot.press("enter")
        await until(pilot, lambda: bool(results), "the arrival of the follow-up")
    [arrival] = results
    assert arrival is not None
    assert arrival.resident_id == desk_api.residents["张小明"].id
    with _client(desk_api) as client:
        [item] = client.get("/api/v1/appointments").json()
    assert (item["id"], item["purpose"], item["status"]) == (arrival.appointment_id, "follow_up", "arrived")
    assert item["visit_id"] == arrival.visit.id


async def test_a_booking_cancelled_elsewhere_is_refused_in_place_and_the_list_reloads(
    desk_api: DeskApi,
) -> None:
    ids = _seed(desk_api)
    app = OnestopApp(server=desk_api.base_url, lang="en", station="front-desk-1")
    async with app.run_test(size=(80, 24)) as pilot:
        results = await _open(pilot, app, desk_api, "booking")
        with _client(desk_api) as client:  # another terminal, after this list was loaded
            answer = client.post(f"/api/v1/appointments/{ids['李秀英']}/cancel", json={"reason": "改约"})
            assert answer.status_code == 200, answer.text
        await pilot.press("down")
        await pilot.press("enter")
        await until(pilot, lambda: _rows(app)[1][-1] == "cancelled", "the reloaded list")
        assert "was cancelled" in _info(app)
        assert screen_name(app) == "ArrivalsScreen"
        assert results == []
