"""An emergency in the screening step (BPHS-2017 紧急转诊): the alert that cannot be missed, and the referral.

Real API on loopback. The station's BP monitor fails every measurement (a cuff put on badly), so the emergency
comes from typed values and a ticked sign, and the station line tells the nurse to measure again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from onestop.config import BoardConfig, DatabaseConfig, DeviceConfig, PrinterConfig, Settings
from tests.tui.helpers import DeskApi, screen_name, screen_text, shot, type_text
from tests.tui.test_screening_screen import Api, live, open_screening
from tui.app import OnestopApp
from tui.screens.emergency import EmergencyScreen
from tui.screens.reason import ReasonDialog


@pytest.fixture
def desk_settings(db_config: DatabaseConfig, tmp_path: Path) -> Settings:
    return Settings(
        database=db_config,
        printer=PrinterConfig(url=f"preview://{tmp_path / 'tickets'}"),
        board=BoardConfig(speech="off"),
        devices=[FAILING_MONITOR],
    )


# Every measurement fails (errors=1): nothing enters a visit, and the stream stays busy, so a desk's reading
# stream ends promptly when the test closes the app.
FAILING_MONITOR = DeviceConfig(
    id="bp-1",
    kind="blood_pressure",
    protocol="omron-hbp9030",
    url="sim://?seed=1&interval=0.5&errors=1&garbage=0",
    station="screening-1",
)


def _app(desk: DeskApi, lang: str = "zh_CN") -> OnestopApp:
    return OnestopApp(server=desk.base_url, lang=lang, station="screening-1")


async def test_typed_emergency_bp_raises_the_alert_and_the_referral_moves_the_visit(
    desk_api: DeskApi, artifacts: Path
) -> None:
    api = Api(desk_api)
    person = desk_api.residents["李秀英"]
    ctx = api.screening_context(person.id)
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screening(pilot, app, desk_api, ctx)
        await type_text(pilot, "190")
        await pilot.press("tab")
        await type_text(pilot, "125")
        await pilot.press("enter")  # the BP group is done: saved, and the API raises the emergency
        await live(pilot, lambda: screen_name(app) == "EmergencyScreen", "the emergency screen")
        text = screen_text(app)
        assert "紧急情况 —— 立即转诊" in text
        assert "高血压急症：立即转诊" in text
        assert "收缩压 190 mmHg · 舒张压 125 mmHg" in text
        assert "依据：HTN.emergency" in text
        assert "呼叫120" in text
        shot(app, artifacts, "emergency-80x24")

        # Keys meant for the form do not dismiss it.
        await pilot.press("enter", "escape", "tab", "1")
        await pilot.pause()
        assert screen_name(app) == "EmergencyScreen"

        # Keep measuring: back to the form, the red banner stays; F10 is refused by the API → the alert again.
        await pilot.press("m")
        await live(pilot, lambda: screen_name(app) == "ScreeningScreen", "back on the form")
        assert "‼ 紧急情况未处理：高血压急症：立即转诊" in screen_text(app)
        assert screen.query_one("#value-sbp").has_focus, "ready to measure BP again"
        await pilot.press("f10")
        await live(pilot, lambda: screen_name(app) == "EmergencyScreen", "F10 refused: the alert again")
        assert api.get(f"/api/v1/visits/{ctx.visit.id}")["step"] == "screening"

        # Refer now: the reason is prefilled from the findings; Enter confirms it.
        await pilot.press("r")
        await live(pilot, lambda: isinstance(app.screen, ReasonDialog), "the reason dialog")
        await pilot.press("enter")
        await live(pilot, lambda: screen.ctx.visit.step.value == "referral", "the visit referred")
    visit = api.get(f"/api/v1/visits/{ctx.visit.id}")
    assert visit["step"] == "referral"
    assert visit["referral_direction"] == "emergency"
    assert visit["queue_kind"] == "emergency"
    reason = visit["events"][-1]["reason"]
    assert reason.startswith("紧急转诊：高血压急症：立即转诊")
    assert "收缩压 190 mmHg" in reason
    flags = api.get(f"/api/v1/visits/{ctx.visit.id}/emergencies")
    assert [f["status"] for f in flags] == ["referred"]
    stored = api.observations(person.id, ctx.visit.id)
    assert (stored["sbp"]["value"], stored["dbp"]["value"]) == (190, 125)
    assert {stored["sbp"]["source"], stored["dbp"]["source"]} == {"manual"}


async def test_a_ticked_danger_sign_is_an_emergency_and_no_reason_means_no_referral(
    desk_api: DeskApi,
) -> None:
    api = Api(desk_api)
    person = desk_api.residents["张小明"]
    ctx = api.screening_context(person.id)
    app = _app(desk_api, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screening(pilot, app, desk_api, ctx)
        await live(pilot, lambda: "bp-1 failed (" in screen_text(app), "the failed measurement in words")
        assert "measure again" in screen_text(app)
        await pilot.press("f3")  # the danger signs
        await pilot.press(*["down"] * 7, "space")  # the 8th sign: chest tightness
        await pilot.press("tab")  # leaving the list saves the ticked sign
        await live(pilot, lambda: isinstance(app.screen, EmergencyScreen), "the emergency screen")
        text = screen_text(app)
        assert "EMERGENCY — REFER AT ONCE" in text
        assert "Hypertension emergency: refer at once" in text
        assert "symptoms: palpitations, chest tightness or breathless lying flat" in text

        await pilot.press("r")
        await live(pilot, lambda: isinstance(app.screen, ReasonDialog), "the reason dialog")
        await pilot.press("ctrl+u", "escape")  # no reason: nothing moves, the emergency is shown again
        await live(pilot, lambda: isinstance(app.screen, EmergencyScreen), "the alert again")
        assert api.get(f"/api/v1/visits/{ctx.visit.id}")["step"] == "screening"
        await pilot.press("m")
        await live(pilot, lambda: screen_name(app) == "ScreeningScreen", "back on the form")
        await pilot.press("f3")
        await live(
            pilot, lambda: "Recorded in the visit: chest tightness" in screen_text(app), "the sign kept"
        )
        await pilot.press("f9")
        await live(pilot, lambda: isinstance(app.screen, EmergencyScreen), "F9 shows the open emergency")
    flags = api.get(f"/api/v1/visits/{ctx.visit.id}/emergencies")
    assert [f["status"] for f in flags] == ["open"]
    assert flags[0]["findings"][0]["values"]["symptoms"] == "palpitations_chest_tightness_orthopnoea"
