"""The record update step against the real API on loopback: a returning resident's record shown and passed on
unchanged, a new resident's allergy and smoking typed with the keys, a family alert raised for the household."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import msgspec
from textual.pilot import Pilot

from flows.model import ResidentSummary, Role, Visit
from tests.support.server import add_staff, bearer, login
from tests.tui.helpers import DeskApi, log_in, screen_text, settle, shot, type_text, until
from tui.app import OnestopApp
from tui.flow import VisitContext
from tui.screens.record import RecordScreen

RETURNING = {
    "diseases": [{"condition": "stroke", "diagnosed_on": "2019-04-01"}],
    "lifestyle": {"smoking": "former", "alcohol": "occasional", "salt": "heavy", "diet": ["salty"]},
    "allergies": [{"kind": "drug", "substance": "青霉素", "reaction": "皮疹"}],
    "medicines": [{"name": "阿司匹林", "dose": "100 mg", "frequency": "每日一次", "source": "县医院"}],
}


def _client(desk: DeskApi) -> httpx.Client:
    token = login(desk.base_url, desk.username, desk.password)
    return httpx.Client(base_url=desk.base_url, headers=bearer(token), timeout=10)


def _context(desk: DeskApi, name: str) -> VisitContext:
    """Today's visit of the resident, moved through screening to the record update, and the summary."""
    rid = desk.residents[name].id
    with _client(desk) as c:
        open_ = c.get("/api/v1/visits", params={"resident_id": rid, "open": "true"}).json()
        visit = open_[0] if open_ else c.post("/api/v1/visits", json={"resident_id": rid}).json()
        for move in ("start_screening", "finish_screening"):
            answer = c.post(f"/api/v1/visits/{visit['id']}/events", json={"move": move})
            assert answer.status_code == 200, answer.text
            visit = answer.json()
        summary = c.get(f"/api/v1/residents/{rid}/summary")
        assert summary.status_code == 200, summary.text
    return VisitContext(
        visit=msgspec.convert(visit, Visit),
        summary=msgspec.json.decode(summary.content, type=ResidentSummary),
    )


def _get(desk: DeskApi, path: str) -> Any:
    with _client(desk) as c:
        answer = c.get(path)
        assert answer.status_code == 200, answer.text
        return answer.json()


def _put_record(desk: DeskApi, name: str, body: dict[str, Any]) -> dict[str, Any]:
    with _client(desk) as c:
        answer = c.put(f"/api/v1/residents/{desk.residents[name].id}/health-record", json=body)
        assert answer.status_code == 200, answer.text
        saved: dict[str, Any] = answer.json()
        return saved


def _relations(screen: RecordScreen) -> dict[str, str]:
    """Who each household member is to the resident, as the API last sent the record."""
    members = screen.record.household if screen.record else ()
    return {m.name: m.relation.value for m in members if m.relation is not None}


def _visit_step(desk: DeskApi, ctx: VisitContext) -> str:
    step: str = _get(desk, f"/api/v1/visits/{ctx.visit.id}")["step"]
    return step


async def _open(pilot: Pilot[Any], app: OnestopApp, desk: DeskApi, ctx: VisitContext) -> RecordScreen:
    await log_in(pilot, desk.username, desk.password)
    screen = RecordScreen(ctx)
    await app.push_screen(screen)
    await until(pilot, lambda: screen.stored is not None, "the record loaded")
    return screen


async def _focus(pilot: Pilot[Any], app: OnestopApp, widget_id: str) -> None:
    """Tab through the screen until `widget_id` has focus (what the nurse does)."""
    for _ in range(30):
        if app.focused is not None and app.focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #{widget_id}; focus is on {app.focused}")


async def _step_is(pilot: Pilot[Any], desk: DeskApi, ctx: VisitContext, step: str) -> None:
    for _ in range(100):
        if await asyncio.to_thread(_visit_step, desk, ctx) == step:
            return
        await pilot.pause(0.1)
    raise AssertionError(f"the visit never reached {step}")


async def test_a_returning_resident_passes_with_nothing_rewritten(desk_api: DeskApi, artifacts: Path) -> None:
    before = _put_record(desk_api, "张三丰", RETURNING)
    ctx = _context(desk_api, "张三丰")
    app = OnestopApp(server=desk_api.base_url, lang="en", station="front-desk-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app, desk_api, ctx)
        text = screen_text(app)
        assert "Last updated" in text
        assert "stroke" in text
        assert "2019-04" in text
        await _focus(pilot, app, "allergies")
        text = screen_text(app)
        assert "青霉素" in text
        assert "皮疹" in text
        await _focus(pilot, app, "medicines")
        assert "阿司匹林" in screen_text(app)
        assert "Prescribed here (read-only): none" in screen_text(app)
        await pilot.press("f10")
        await _step_is(pilot, desk_api, ctx, "signing_check")
        await until(pilot, lambda: type(app.screen).__name__ != "RecordScreen", "the next step's screen")

    after = _get(desk_api, f"/api/v1/residents/{desk_api.residents['张三丰'].id}/health-record")
    assert after["updated_at"] == before["updated_at"]
    add_staff(desk_api.server, "admin1", Role.ADMIN, "admin password 1", display_name="管理员")
    token = login(desk_api.base_url, "admin1", "admin password 1")
    params = {"entity": "resident", "entity_id": str(desk_api.residents["张三丰"].id)}
    url = f"{desk_api.base_url}/api/v1/audit"
    audit = (await asyncio.to_thread(httpx.get, url, params=params, headers=bearer(token))).json()
    updates = [a for a in audit if a["action"] == "record.update"]
    assert len(updates) == 1, "only the set-up's save: the desk sent no second one"
    assert any(a["action"] == "record.read" for a in audit)


async def test_a_new_residents_allergy_and_smoking_by_keys(desk_api: DeskApi, artifacts: Path) -> None:
    ctx = _context(desk_api, "李秀英")
    app = OnestopApp(server=desk_api.base_url, lang="en", station="front-desk-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app, desk_api, ctx)
        assert "New record" in screen_text(app)
        await _focus(pilot, app, "allergies")
        await pilot.press("insert")
        await settle(pilot)
        assert type(app.screen).__name__ == "RowDialog"
        await pilot.press("1")  # drug (already the default: pressing it again would clear it)
        assert app.screen.query_one("#row-kind").value is None  # type: ignore[attr-defined]
        await pilot.press("1")
        await pilot.press("tab")
        await type_text(pilot, "penicillin")
        await pilot.press("enter")
        await type_text(pilot, "rash")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "RecordScreen"
        assert "penicillin" in screen_text(app)

        await _focus(pilot, app, "smoking")
        await pilot.press("3")
        await pilot.press("tab")
        assert app.focused is not None
        assert app.focused.id == "cigarettes", "smokes: the amount opens next to it"
        await type_text(pilot, "10")
        await _focus(pilot, app, "salt")
        await pilot.press("3")
        shot(app, artifacts, "record-new-80x24")
        await pilot.press("f10")
        await _step_is(pilot, desk_api, ctx, "signing_check")

    saved = _get(desk_api, f"/api/v1/residents/{desk_api.residents['李秀英'].id}/health-record")
    assert saved["allergies"] == [{"kind": "drug", "substance": "penicillin", "reaction": "rash"}]
    assert saved["lifestyle"]["smoking"] == "current"
    assert saved["lifestyle"]["cigarettes_per_day"] == 10
    assert saved["lifestyle"]["salt"] == "heavy"


async def test_a_family_alert_for_a_household_member(desk_api: DeskApi, artifacts: Path) -> None:
    ctx = _context(desk_api, "张三丰")  # confirmed hypertension (the fixture)
    son = desk_api.residents["张小明"].id
    app = OnestopApp(server=desk_api.base_url, station="front-desk-1")  # Chinese, the default
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app, desk_api, ctx)
        assert not screen.proposed, "no kinship set yet"
        await _focus(pilot, app, "household")
        await pilot.press("enter")  # 李秀英
        await settle(pilot)
        await pilot.press("9", "enter")  # spouse
        await until(pilot, lambda: _relations(screen) == {"李秀英": "spouse"}, "the spouse saved")
        await pilot.press("down", "enter")  # 张小明
        await settle(pilot)
        await pilot.press("4", "enter")  # child
        await until(pilot, lambda: bool(screen.proposed), "the proposed alert")
        assert [(p.relative_id, p.code.value) for p in screen.proposed] == [(son, "family.htn")]
        shot(app, artifacts, "record-household-80x24")
        await pilot.press("f9")
        await until(pilot, lambda: not screen.proposed and bool(screen.alerts.raised), "the raised alert")
        shot(app, artifacts, "record-alert-raised-80x24")
        await _focus(pilot, app, "alerts")
        assert "张小明" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("1", "enter")  # the son was told
        await until(
            pilot, lambda: screen.alerts.raised[0].status.value == "acknowledged", "the alert acknowledged"
        )

    alerts = _get(desk_api, f"/api/v1/residents/{son}/family-alerts")
    assert [(a["code"], a["source_name"], a["status"]) for a in alerts["about"]] == [
        ("family.htn", "张三丰", "acknowledged")
    ]
    son_record = _get(desk_api, f"/api/v1/residents/{son}/health-record")
    assert [(f["relation"], f["condition"]) for f in son_record["family_history"]] == [
        ("father", "hypertension")
    ]

    # The son's own record update shows the alert about him above everything.
    son_ctx = _context(desk_api, "张小明")
    app = OnestopApp(server=desk_api.base_url, lang="en", station="front-desk-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app, desk_api, son_ctx)
        text = screen_text(app)
        assert "Family health alerts for this resident" in text
        assert "father 张三丰 has hypertension" in text
        shot(app, artifacts, "record-alert-about-80x24")


async def test_a_refused_field_is_said_in_words_and_nothing_moves(desk_api: DeskApi) -> None:
    """A diagnosis dated in the future: the API refuses `diseases[0].diagnosed_on`, the screen names the section
    and the row, the visit stays; corrected, F10 goes on."""
    ctx = _context(desk_api, "李秀英")
    app = OnestopApp(server=desk_api.base_url, lang="en", station="front-desk-1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app, desk_api, ctx)
        await pilot.press("insert")  # the past history list has focus first
        await settle(pilot)
        await pilot.press("tab", "7", "tab", "tab")  # a disease (the default kind): stroke
        await type_text(pilot, "2999-01")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.draft.diseases[0].condition.value == "stroke"
        await pilot.press("f10")
        await until(pilot, lambda: "Past history row 1" in screen_text(app), "the refusal in words")
        assert "diagnosed_on" in screen_text(app), "the API's detail is kept"
        assert await asyncio.to_thread(_visit_step, desk_api, ctx) == "record_update"

        await pilot.press("enter")  # change the row
        await settle(pilot)
        await pilot.press("tab", "tab", "tab", "ctrl+u")
        await type_text(pilot, "2019-04")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f10")
        await _step_is(pilot, desk_api, ctx, "signing_check")
    saved = _get(desk_api, f"/api/v1/residents/{desk_api.residents['李秀英'].id}/health-record")
    assert saved["diseases"] == [{"condition": "stroke", "diagnosed_on": "2019-04-01", "note": None}]
