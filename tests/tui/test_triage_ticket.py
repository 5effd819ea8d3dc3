"""Triage and the ticket on screen: the rules' queue with why, an override with its reason, F10 prints, and the
number stays large on the screen with its QR code when the printer fails — real API on loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot
from textual.widgets import Static

from flows.model import ResidentSummary, Visit
from tests.support.server import bearer, login
from tests.tui.helpers import DeskApi, log_in, screen_name, screen_text, shot, until
from tui.app import OnestopApp
from tui.flow import VisitContext
from tui.screens.ticket import TicketScreen
from tui.screens.triage import TriageScreen
from tui.widgets.big_text import big

TO_SIGNING = ("start_screening", "finish_screening", "finish_record_update")


def _client(desk: DeskApi) -> httpx.Client:
    token = login(desk.base_url, desk.username, desk.password)
    return httpx.Client(base_url=desk.base_url, headers=bearer(token), timeout=10)


def _at_triage(desk: DeskApi, name: str) -> VisitContext:
    """Walk the resident's visit to triage over the API, declining the contract (general practice)."""
    resident = desk.residents[name]
    with _client(desk) as api:
        opened = api.post("/api/v1/visits", json={"resident_id": resident.id})
        assert opened.status_code == 201, opened.text
        visit_id = opened.json()["id"]
        for move in TO_SIGNING:
            assert api.post(f"/api/v1/visits/{visit_id}/events", json={"move": move}).status_code == 200
        last = api.post(
            f"/api/v1/visits/{visit_id}/events", json={"move": "decline_signing", "reason": "暂不需要"}
        )
        assert last.status_code == 200, last.text
        visit = last.json()
        summary = api.get(f"/api/v1/residents/{resident.id}/summary").json()
    import msgspec

    return VisitContext(
        visit=msgspec.convert(visit, Visit), summary=msgspec.convert(summary, ResidentSummary, strict=False)
    )


def _text(app: OnestopApp, selector: str) -> str:
    """The widget's text, or "" while the screen that holds it is still being mounted."""
    from textual.css.query import NoMatches

    try:
        return str(app.screen.query_one(selector, Static).render())
    except NoMatches:
        return ""


async def _open_triage(pilot: Pilot[Any], app: OnestopApp, desk: DeskApi, ctx: VisitContext) -> None:
    await log_in(pilot, desk.username, desk.password)
    await until(pilot, lambda: screen_name(app) == "SearchScreen", "the desk after login")
    app.push_screen(TriageScreen(ctx))
    await until(pilot, lambda: "全科" in _text(app, "#triage-decision"), "triage's decision")


def _tickets(desk: DeskApi, visit_id: int) -> list[dict[str, Any]]:
    with _client(desk) as api:
        listed: list[dict[str, Any]] = api.get("/api/v1/tickets", params={"visit_id": visit_id}).json()
    return listed


async def test_triage_shows_why_and_f10_prints_the_ticket(desk_api: DeskApi, artifacts: Path) -> None:
    ctx = _at_triage(desk_api, "李秀英")
    app = OnestopApp(server=desk_api.base_url, lang="zh_CN", station="front-desk-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_triage(pilot, app, desk_api, ctx)
        decision = _text(app, "#triage-decision")
        assert "未签约：全科门诊" in decision
        assert "普通顺序" in decision
        assert "前面" in decision or "等候" in decision
        shot(app, artifacts, "triage-80x24")
        await pilot.press("f10")
        await until(pilot, lambda: screen_name(app) == "TicketScreen", "the ticket screen")
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        await until(pilot, lambda: screen.ticket is not None, "the ticket")
        await until(pilot, lambda: "已打印" in _text(app, "#ticket-print"), "printed")
        text = screen_text(app)
        for row in big("A001"):
            assert row.rstrip() in text, "the number is drawn large"
        await until(pilot, lambda: "/p/" in _text(app, "#ticket-url"), "the QR")
        assert any(c in screen_text(app) for c in "▀▄")
        shot(app, artifacts, "ticket-80x24")
        await pilot.press("f10")
        await until(pilot, lambda: screen_name(app) == "SearchScreen", "back to intake for the next resident")
    tickets = _tickets(desk_api, ctx.visit.id)
    assert [(t["label"], t["queue_id"], t["priority"]) for t in tickets] == [("A001", "gp", 0)]
    with _client(desk_api) as api:
        assert api.get(f"/api/v1/visits/{ctx.visit.id}").json()["step"] == "diagnosis"


async def test_an_override_needs_a_reason_and_is_stored(desk_api: DeskApi) -> None:
    ctx = _at_triage(desk_api, "张小明")
    app = OnestopApp(server=desk_api.base_url, lang="en", station="front-desk-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, desk_api.username, desk_api.password)
        await until(pilot, lambda: screen_name(app) == "SearchScreen", "the desk after login")
        app.push_screen(TriageScreen(ctx))
        await until(pilot, lambda: "general practice" in _text(app, "#triage-decision"), "triage's decision")
        await pilot.press("o")
        await until(pilot, lambda: screen_name(app) == "OverrideDialog", "the queue picker")
        await pilot.press("enter")  # the queue triage chose stays under the cursor
        await pilot.press("3")  # priority: elderly, disabled or frail
        await until(pilot, lambda: screen_name(app) == "ReasonDialog", "the reason")
        await pilot.press("enter")
        assert "A reason is required." in screen_text(app), "an empty reason is refused in place"
        await pilot.press("3", "enter")  # the resident's request
        await until(
            pilot, lambda: "Resident's request" in _text(app, "#triage-decision"), "the override shown"
        )
        assert "priority by staff (50)" in _text(app, "#triage-decision")
        await pilot.press("f10")
        await until(pilot, lambda: screen_name(app) == "TicketScreen", "the ticket screen")
        await until(pilot, lambda: getattr(app.screen, "ticket", None) is not None, "the ticket")
    (ticket,) = _tickets(desk_api, ctx.visit.id)
    assert ticket["priority"] == 50
    assert ticket["priority_reason"] == "Resident's request"
