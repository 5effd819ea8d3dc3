"""The front desk end to end, keyboard only, against the real API on loopback with a simulated blood-pressure
monitor at the desk's station and the preview printer: a returning signed hypertension patient, a new
resident, and an emergency blood pressure — then what the database holds.

The reading stream is a long-running worker of the screening screen, so these tests wait with their own
short polls (`_wait`), never with helpers.until/settle, which wait for every worker to finish.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.css.query import NoMatches
from textual.pilot import Pilot

from flows.identity import make_id_number
from flows.model import Sex
from onestop.config import DatabaseConfig, Settings
from tests.support.server import bearer, login
from tests.tui.helpers import DeskApi, desk_settings_with, screen_name, screen_text, shot, sim_bp, type_text
from tui.app import OnestopApp

STATION = "front-desk-1"
NEW_ID = make_id_number("320923", dt.date(1985, 3, 15), 41, Sex.FEMALE)


@pytest.fixture
def desk_settings(db_config: DatabaseConfig, tmp_path: Path) -> Settings:
    # seed 3: none of its first 30 readings is on the emergency list (test_screening_screen replays it), so the
    # calm flows never meet an emergency by chance; one reading a second.
    return desk_settings_with(db_config, tmp_path, sim_bp(STATION, seed=3, interval=1))


class Keys:
    """Presses keys and counts them; typed values go through `type`, which the issue does not count."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        for key in keys:
            await self.pilot.press(key)

    async def type(self, text: str) -> None:
        await type_text(self.pilot, text)


async def _wait(pilot: Pilot[Any], condition: Callable[[], bool], what: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout_s} s waiting for {what}\n{screen_text(pilot.app)}"
            )
        await pilot.pause(0.05)
    await pilot.pause()


def _text(app: OnestopApp, selector: str) -> str:
    try:
        return str(app.screen.query_one(selector).render())
    except NoMatches:
        return ""


def _on(app: OnestopApp, name: str) -> Callable[[], bool]:
    return lambda: screen_name(app) == name and app.screen.is_mounted


def _api(desk: DeskApi) -> httpx.Client:
    token = login(desk.base_url, desk.username, desk.password)
    return httpx.Client(base_url=desk.base_url, headers=bearer(token), timeout=10)


async def _log_in(pilot: Pilot[Any], app: OnestopApp, desk: DeskApi) -> None:
    await type_text(pilot, desk.username)
    await pilot.press("enter")
    await type_text(pilot, desk.password)
    await pilot.press("enter")
    await _wait(pilot, _on(app, "SearchScreen"), "the desk after login")


def _visit_of(api: httpx.Client, resident_id: int) -> dict[str, Any]:
    visits = api.get("/api/v1/visits", params={"resident_id": resident_id}).json()
    latest: dict[str, Any] = max(visits, key=lambda v: v["id"])
    return latest


async def _screening_to_ticket(pilot: Pilot[Any], app: OnestopApp, keys: Keys, *, signed: bool) -> None:
    """From the screening screen with a device reading in, on to the printed ticket."""
    await keys.press("f10")
    await _wait(pilot, _on(app, "RecordScreen"), "the record update")
    await keys.press("f10")
    await _wait(pilot, _on(app, "SigningScreen"), "the signing check")
    if signed:
        await _wait(pilot, lambda: "签约中" in screen_text(app), "the contract in force")
        await keys.press("f10")
    else:
        await _wait(pilot, lambda: "未签约" in screen_text(app), "not signed")
        await keys.press("s")
        await _wait(pilot, lambda: "第一家庭医生团队" in screen_text(app), "the team list")
        await keys.press("1", "enter")
    await _wait(pilot, _on(app, "TriageScreen"), "triage")
    await _wait(pilot, lambda: "第一家庭医生团队" in _text(app, "#triage-decision"), "triage's decision")
    assert "签约居民优先" in _text(app, "#triage-decision")
    await keys.press("f10")
    await _wait(pilot, _on(app, "TicketScreen"), "the ticket")
    await _wait(pilot, lambda: "已打印" in _text(app, "#ticket-print"), "the ticket printed")


async def test_a_returning_signed_hypertension_patient_from_search_to_printed_ticket(
    desk_api: DeskApi, artifacts: Path
) -> None:
    person = desk_api.residents["张三丰"]  # signed, hypertension, a visit already open at intake
    app = OnestopApp(server=desk_api.base_url, lang="zh_CN", station=STATION)
    async with app.run_test(size=(80, 24)) as pilot:
        await _log_in(pilot, app, desk_api)
        keys = Keys(pilot)
        await keys.type(person.id_number)
        await keys.press("enter")
        await _wait(pilot, _on(app, "SummaryScreen"), "the summary")
        await _wait(pilot, lambda: "按回车继续" in screen_text(app), "today's open visit offered")
        await keys.press("enter")
        await _wait(pilot, _on(app, "ScreeningScreen"), "screening")
        await _wait(
            pilot, lambda: "bp-1" in _text(app, "#source-sbp"), "the monitor's reading in the form", 30
        )
        shot(app, artifacts, "flow-returning-screening-80x24")
        await _screening_to_ticket(pilot, app, keys, signed=True)
        shot(app, artifacts, "flow-returning-ticket-80x24")
        assert keys.count <= 12, f"{keys.count} keys from search to printed ticket"
        await pilot.press("f10")
        await _wait(pilot, _on(app, "SearchScreen"), "ready for the next resident")
    with _api(desk_api) as api:
        visit = _visit_of(api, person.id)
        assert visit["step"] == "diagnosis"
        assert visit["queue_kind"] == "own_team"
        moves = [e["move"] for e in visit["events"]]
        assert moves == [
            "start_screening",
            "finish_screening",
            "finish_record_update",
            "confirm_contract",
            "triage",
        ]
        (ticket,) = api.get("/api/v1/tickets", params={"visit_id": visit["id"]}).json()
        assert ticket["queue_id"].startswith("team-")
        assert ticket["priority"] == 10
        readings = api.get(f"/api/v1/visits/{visit['id']}/readings").json()
        assert readings
        assert all(r["device_id"] == "bp-1" for r in readings)
        summary = api.get(f"/api/v1/residents/{person.id}/summary").json()
        sbp = next(o for o in summary["latest"] if o["code"] == "sbp")
        assert sbp["source"] == "device"
        assert sbp["device_id"] == "bp-1"
        assert sbp["visit_id"] == visit["id"]


async def test_a_new_resident_registered_measured_signed_and_ticketed(
    desk_api: DeskApi, artifacts: Path
) -> None:
    app = OnestopApp(server=desk_api.base_url, lang="zh_CN", station=STATION)
    async with app.run_test(size=(80, 24)) as pilot:
        await _log_in(pilot, app, desk_api)
        keys = Keys(pilot)
        await keys.type(NEW_ID)  # scanned from the ID card: nobody has it
        await _wait(pilot, lambda: "没有" in screen_text(app) or "无" in _text(app, "#search-info"), "no hit")
        await keys.press("f2")
        await _wait(pilot, _on(app, "RegisterScreen"), "the register form")
        await keys.press("enter")  # the ID number came with the form: on to the name
        await keys.type("赵丽华")
        await keys.press("enter")
        await keys.type("13912345678")
        await keys.press("f10")
        await _wait(pilot, _on(app, "SummaryScreen"), "the new resident's summary")
        await _wait(pilot, lambda: "赵丽华" in _text(app, "#summary-title"), "the summary loaded")
        await keys.press("enter")
        await _wait(pilot, _on(app, "ScreeningScreen"), "screening")
        await _wait(pilot, lambda: "bp-1" in _text(app, "#source-sbp"), "the monitor's reading", 30)
        app.screen.query_one("#value-weight").focus()
        await keys.type("62.5")
        await keys.press("tab")
        await _wait(pilot, lambda: bool(_text(app, "#source-weight").strip()), "the typed weight saved")
        shot(app, artifacts, "flow-new-screening-80x24")
        await _screening_to_ticket(pilot, app, keys, signed=False)
    with _api(desk_api) as api:
        hits = api.get("/api/v1/residents", params={"q": NEW_ID}).json()
        assert [h["name"] for h in hits] == ["赵丽华"]
        resident_id = hits[0]["id"]
        resident = api.get(f"/api/v1/residents/{resident_id}").json()
        assert resident["sex"] == "female"
        assert resident["birth_date"] == "1985-03-15"
        contracts = api.get("/api/v1/contracts", params={"resident_id": resident_id}).json()
        assert len(contracts) == 1
        assert contracts[0]["status"] == "active"
        visit = _visit_of(api, resident_id)
        assert visit["step"] == "diagnosis"
        assert visit["queue_kind"] == "own_team"
        assert [e["move"] for e in visit["events"]][-2:] == ["accept_signing", "triage"]
        latest = {o["code"]: o for o in api.get(f"/api/v1/residents/{resident_id}/summary").json()["latest"]}
        assert latest["weight"]["value"] == 62.5
        assert latest["weight"]["source"] == "manual"
        assert latest["sbp"]["source"] == "device"
        (ticket,) = api.get("/api/v1/tickets", params={"visit_id": visit["id"]}).json()
        assert ticket["status"] == "waiting"


async def test_an_emergency_blood_pressure_alerts_and_refers_at_once(
    desk_api: DeskApi, artifacts: Path
) -> None:
    person = desk_api.residents["李秀英"]
    app = OnestopApp(server=desk_api.base_url, lang="zh_CN", station=STATION)
    async with app.run_test(size=(80, 24)) as pilot:
        await _log_in(pilot, app, desk_api)
        await type_text(pilot, person.id_number)
        await pilot.press("enter")
        await _wait(pilot, _on(app, "SummaryScreen"), "the summary")
        await _wait(pilot, lambda: "按回车" in screen_text(app), "the summary loaded")
        await pilot.press("enter")
        await _wait(pilot, _on(app, "ScreeningScreen"), "screening")
        app.screen.query_one("#value-sbp").focus()
        await type_text(pilot, "192")
        await pilot.press("tab")
        await type_text(pilot, "124")
        await pilot.press("enter")  # Enter saves the group (leaving the group would too)
        await _wait(pilot, _on(app, "EmergencyScreen"), "the emergency alert", 30)
        text = screen_text(app)
        assert "紧急" in text or "急" in text
        shot(app, artifacts, "flow-emergency-80x24")
        await pilot.press("r")
        await _wait(pilot, _on(app, "ReasonDialog"), "the referral's reason")
        await pilot.press("enter")  # the reason comes filled in from the findings
        await _wait(pilot, _on(app, "TicketScreen"), "the emergency ticket")
        await _wait(pilot, lambda: getattr(app.screen, "ticket", None) is not None, "the ticket issued")
        assert "急症" in _text(app, "#ticket-details")
        shot(app, artifacts, "flow-emergency-ticket-80x24")
    with _api(desk_api) as api:
        visit = _visit_of(api, person.id)
        assert visit["step"] == "referral"
        assert visit["referral_direction"] == "emergency"
        assert visit["events"][-1]["move"] == "refer_emergency"
        assert visit["events"][-1]["reason"]
        flags = api.get(f"/api/v1/visits/{visit['id']}/emergencies").json()
        assert flags
        assert flags[0]["status"] == "referred"
        (ticket,) = api.get("/api/v1/tickets", params={"visit_id": visit["id"]}).json()
        assert ticket["emergency"]
        assert ticket["priority"] == 100
