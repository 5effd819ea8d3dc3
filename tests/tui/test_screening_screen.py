"""The screening step against the real API on loopback: live device readings, typed values, findings, F10.

The reading stream is a long-running worker, so these tests poll with `live` (short pauses) instead of
helpers.until/settle, which wait for every worker to finish.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from textual.pilot import Pilot

from flows.devices import DeviceReading, NewReading
from flows.model import ResidentSummary, Visit
from flows.rules.base import Finding, Severity
from onestop.config import DatabaseConfig, Settings
from tests.support.server import bearer, login
from tests.tui.helpers import (
    DeskApi,
    desk_settings_with,
    log_in,
    screen_name,
    screen_text,
    shot,
    sim_bp,
    type_text,
    until,
)
from tui import i18n
from tui.app import OnestopApp
from tui.flow import VisitContext
from tui.screens.screening import ScreeningScreen
from tui.widgets import findings_words as words
from tui.widgets import readings_fields as fields
from tui.widgets.readings_fields import Source
from tui.widgets.readings_form import ReadingsForm
from tui.widgets.readings_state import Shown, VisitValues
from tui.widgets.readings_stream import ReadingStreamed

STATION = "screening-1"


@pytest.fixture
def desk_settings(db_config: DatabaseConfig, tmp_path: Path) -> Settings:
    # seed 3: none of its first 30 readings is on the emergency list (checked by replaying the seed), so the live
    # test measures a calm resident; one reading a second.
    return desk_settings_with(db_config, tmp_path, sim_bp(STATION, seed=3, interval=1))


async def live(pilot: Pilot[Any], condition: Callable[[], bool], what: str, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout_s} s waiting for {what}\n{screen_text(pilot.app)}"
            )
        await pilot.pause(0.05)


class Api:
    """The test's own session with the API (another terminal, as far as the desk can tell)."""

    def __init__(self, desk: DeskApi) -> None:
        token = login(desk.base_url, desk.username, desk.password)
        self.http = httpx.Client(base_url=desk.base_url, headers=bearer(token), timeout=10)

    def get(self, path: str, **params: str) -> Any:
        answer = self.http.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def screening_context(self, resident_id: int) -> VisitContext:
        """Today's visit of the resident (opened if need be) moved to screening, with the summary."""
        opened = self.http.post("/api/v1/visits", json={"resident_id": resident_id})
        if opened.status_code == 409:
            visit = self.get("/api/v1/visits", resident_id=str(resident_id), open="true")[0]
        else:
            assert opened.status_code == 201, opened.text
            visit = opened.json()
        moved = self.http.post(
            f"/api/v1/visits/{visit['id']}/events",
            json={"move": "start_screening", "expected_step": "intake"},
        )
        assert moved.status_code == 200, moved.text
        summary = self.get(f"/api/v1/residents/{resident_id}/summary")
        return VisitContext(
            visit=msgspec.convert(moved.json(), Visit), summary=msgspec.convert(summary, ResidentSummary)
        )

    def observations(self, resident_id: int, visit_id: int) -> dict[str, dict[str, Any]]:
        """The newest observation of each code in the visit, as the API's summary holds it."""
        latest = self.get(f"/api/v1/residents/{resident_id}/summary")["latest"]
        return {o["code"]: o for o in latest if o["visit_id"] == visit_id}


def _app(desk: DeskApi, lang: str = "zh_CN") -> OnestopApp:
    return OnestopApp(server=desk.base_url, lang=lang, station=STATION)


async def open_screening(
    pilot: Pilot[Any], app: OnestopApp, desk: DeskApi, ctx: VisitContext
) -> ScreeningScreen:
    await log_in(pilot, desk.username, desk.password)
    await until(pilot, lambda: screen_name(app) == "SearchScreen", "the search screen after login")
    screen = ScreeningScreen(ctx)
    app.push_screen(screen)
    await live(pilot, lambda: screen.is_mounted and screen.loaded, "the screening screen loaded")
    return screen


def _field(app: OnestopApp, code: str) -> tuple[str, str, str]:
    """(value, source, error) of a measurement row as the screen shows them."""
    from textual.widgets import Input, Label

    screen = app.screen
    value = screen.query_one(f"#value-{code}", Input).value
    source = str(screen.query_one(f"#source-{code}", Label).render())
    error = str(screen.query_one(f"#error-{code}", Label).render())
    return value, source, error


def _station_visit(api: Api) -> int | None:
    visit_id: int | None = api.get(f"/api/v1/stations/{STATION}")["visit_id"]
    return visit_id


async def test_device_readings_fill_the_form_live_and_are_the_visits(
    desk_api: DeskApi, artifacts: Path
) -> None:
    api = Api(desk_api)
    person = desk_api.residents["张三丰"]
    ctx = api.screening_context(person.id)
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screening(pilot, app, desk_api, ctx)
        assert _station_visit(api) == ctx.visit.id, "the screen put its visit at the desk's station"
        await live(pilot, lambda: _field(app, "sbp")[1] == "● bp-1 设备", "a claimed reading on the form")
        assert _field(app, "dbp")[1] == "● bp-1 设备"
        assert _field(app, "pulse")[1] == "● bp-1 设备"
        text = screen_text(app)
        assert "工位 screening-1：bp-1 ● 已连接" in text
        assert "收缩压" in text
        assert "mmHg" in text
        shot(app, artifacts, "screening-80x24")

        # What the form shows is what the visit holds: the device's values, source device, the device's id.
        readings = api.get(f"/api/v1/visits/{ctx.visit.id}/readings")
        assert readings
        assert {r["device_id"] for r in readings} == {"bp-1"}
        assert all(r["visit_id"] == ctx.visit.id for r in readings)
        shown = {code: float(_field(app, code)[0]) for code in ("sbp", "dbp", "pulse")}
        assert any(r["values"] == shown for r in readings), (shown, readings)
        stored = api.observations(person.id, ctx.visit.id)
        assert {stored[c]["source"] for c in ("sbp", "dbp", "pulse")} == {"device"}
        assert {stored[c]["device_id"] for c in ("sbp", "dbp", "pulse")} == {"bp-1"}

        # F7: the newest reading measured before the visit came to the station becomes the visit's too.
        waiting = dict(screen.line.waiting)
        assert waiting, "the simulated monitor measured before the visit was put at the station"
        assert "条读数待认领（按 F7 认领）" in screen_text(app)
        newest = max(waiting.values(), key=lambda r: r.measured_at)
        await pilot.press("f7")
        await live(pilot, lambda: newest.id not in screen.line.waiting, "the waiting reading taken")
        taken = [r for r in api.get(f"/api/v1/visits/{ctx.visit.id}/readings") if r["id"] == newest.id]
        assert [r["visit_id"] for r in taken] == [ctx.visit.id]

        await pilot.press("escape")  # leave: the visit stays open, the station forgets it
        await live(pilot, lambda: screen_name(app) == "SearchScreen", "back at the search")
        await live(pilot, lambda: _station_visit(api) is None, "the station cleared")


async def test_typed_values_are_manual_and_a_bad_one_stays_with_its_error(desk_api: DeskApi) -> None:
    api = Api(desk_api)
    person = desk_api.residents["张三丰"]
    ctx = api.screening_context(person.id)
    app = _app(desk_api)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screening(pilot, app, desk_api, ctx)
        await pilot.press("tab", "tab", "tab")  # SBP → DBP → heart rate → height
        await type_text(pilot, "170")
        await pilot.press("tab")
        await type_text(pilot, "500")  # kg: a typing error
        await pilot.press("tab")
        await live(
            pilot, lambda: "✕ 超出合理范围 2–300 kg" in _field(app, "weight")[2], "the error as focus left"
        )
        await pilot.press("enter")  # in BMI: the body group is done, its good values are saved
        await live(pilot, lambda: _field(app, "height")[1] == "✎ 手工", "the height saved as manual")
        assert _field(app, "weight")[0] == "500", "what was typed stays"
        assert _field(app, "weight")[1] == "… 尚未保存"
        stored = api.observations(person.id, ctx.visit.id)
        assert "weight" not in stored, "a refused value is not stored"
        assert stored["height"]["value"] == 170
        assert stored["height"]["source"] == "manual"
        assert stored["height"]["device_id"] is None

        screen.query_one(ReadingsForm).focus_code("weight")
        await pilot.pause()
        await type_text(pilot, "68.5")  # replaces the selected 500
        await pilot.press("enter")
        await live(pilot, lambda: _field(app, "weight")[1] == "✎ 手工", "the weight saved as manual")
        assert _field(app, "weight")[2] == "", "the error is gone"
        await live(pilot, lambda: _field(app, "bmi")[0] == "23.7", "the BMI of the typed weight and height")
        stored = api.observations(person.id, ctx.visit.id)
        assert stored["weight"]["value"] == 68.5
        assert stored["weight"]["source"] == "manual"
        assert stored["bmi"]["value"] == 23.7

        # The findings pane: titles, the values behind them and their clauses, refreshed after the entry.
        await pilot.press("f5")
        await live(pilot, lambda: "体重指数：体重正常" in screen_text(app), "the BMI finding")
        text = screen_text(app)
        assert "体重指数 23.7 kg/m2" in text
        assert "依据：WEIGHT.bmi" in text, "the clause behind the finding"
        assert screen.query_one("#findings-pane").has_focus
        await pilot.press("f2")
        assert screen.query_one("#value-sbp").has_focus, "F2 goes back to the form"

        # Leave and come back (another terminal, or after a crash): the form shows what the visit holds.
        await pilot.press("escape")
        await live(pilot, lambda: screen_name(app) == "SearchScreen", "left the visit")
        screen = ScreeningScreen(ctx)
        app.push_screen(screen)
        await live(pilot, lambda: screen.is_mounted and screen.loaded, "the visit resumed")
        assert _field(app, "weight")[:2] == ("68.5", "✎ 手工")
        assert _field(app, "height")[:2] == ("170", "✎ 手工")
        assert _field(app, "bmi")[0] == "23.7"

        # F10 saves what is still typed, then the visit moves on to the record update.
        screen.query_one(ReadingsForm).focus_code("waist")
        await pilot.pause()
        await type_text(pilot, "88")
        await pilot.press("f10")
        await live(pilot, lambda: screen.ctx.visit.step.value == "record_update", "the visit moved on")
    assert api.get(f"/api/v1/visits/{ctx.visit.id}")["step"] == "record_update"
    stored = api.observations(person.id, ctx.visit.id)
    assert (stored["waist"]["value"], stored["waist"]["source"]) == (88, "manual")


async def test_a_wide_terminal_shows_the_form_and_the_findings_side_by_side(
    desk_api: DeskApi, artifacts: Path
) -> None:
    api = Api(desk_api)
    ctx = api.screening_context(desk_api.residents["张三丰"].id)
    app = _app(desk_api)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screening(pilot, app, desk_api, ctx)
        await live(
            pilot, lambda: "血压" in str(screen.query_one("#findings-body").render()), "the BP finding"
        )
        values, findings = screen.query_one("#values-pane"), screen.query_one("#findings-pane")
        assert values.display
        assert findings.display
        assert values.region.right <= findings.region.x, "side by side"
        assert values.region.y == findings.region.y
        assert screen.query_one("#value-sbp").has_focus, "typing goes to the form"
        shot(app, artifacts, "screening-120x40")


def test_every_measurement_code_is_on_the_form() -> None:
    from flows.measurements import MEASURES
    from tui.widgets.readings_fields import GROUP_OF

    assert set(GROUP_OF) == set(MEASURES)


# --- the pure parts: what a field shows, previews replaced, typed values checked, findings in words ---------

NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def english() -> Iterator[None]:
    """The words below are the English msgids; an earlier test may have left Chinese active."""
    i18n.activate("en")
    yield
    i18n.activate(i18n.DEFAULT_LANGUAGE)


def _reading(
    rid: int, values: dict[str, float], *, stable: bool = True, visit_id: int | None = None
) -> DeviceReading:
    return DeviceReading(
        id=rid,
        device_id="scale-1",
        station=STATION,
        values=values,
        raw="",
        measured_at=NOW,
        stable=stable,
        visit_id=visit_id,
    )


def test_a_reading_is_a_preview_until_claimed_and_then_the_visits_with_its_bmi() -> None:
    values = VisitValues(visit_id=7)
    assert values.reading(_reading(1, {"weight": 70.2}, stable=False)) == {"weight"}
    shown = values.shown("weight")
    assert shown is not None
    assert (shown.source, shown.value) == (Source.PREVIEW, 70.2)
    assert values.values() == {}, "a preview is not the visit's"
    values.reading(_reading(2, {"weight": 70.0, "height": 170.0}))
    assert values.shown("weight") == Shown(value=70.0, source=Source.RECEIVED, device_id="scale-1")
    assert values.claimed(2, visit_id=7) == {"weight", "height", "bmi"}
    assert values.values() == {"weight": 70.0, "height": 170.0, "bmi": 24.2}
    assert values.live == {}


@pytest.mark.usefixtures("english")
def test_a_reading_claimed_by_another_visit_or_by_nobody() -> None:
    values = VisitValues(visit_id=7)
    values.reading(_reading(3, {"weight": 81.0}))
    values.claimed(3, visit_id=8)
    assert values.shown("weight") is None, "another resident's weight leaves the form"
    values.reading(_reading(4, {"weight": 82.0}))
    assert values.waiting(4) == {"weight"}
    shown = values.shown("weight")
    assert shown is not None
    assert shown.source is Source.WAITING
    assert fields.source_text(Source.WAITING, "scale-1") == "○ scale-1 not in the visit (F7 takes it)"


def test_a_preview_is_replaced_by_the_next_event_of_its_device_only() -> None:
    preview = ReadingStreamed(NewReading(reading=_reading(5, {"spo2": 96}, stable=False)))
    settled = ReadingStreamed(NewReading(reading=_reading(6, {"spo2": 97})))
    other = ReadingStreamed(
        NewReading(reading=msgspec.structs.replace(_reading(7, {"sbp": 120}), device_id="bp-1"))
    )
    assert preview.can_replace(settled)
    assert not settled.can_replace(preview), "a settled reading is never dropped"
    assert not preview.can_replace(other), "another device's reading does not replace this one"


@pytest.mark.parametrize(
    ("code", "text", "value", "reason"),
    [
        ("weight", "68,5", 68.5, None),
        ("weight", "500", None, "Outside the plausible 2–300 kg: check the entry or the device's unit."),
        ("sbp", "abc", None, "Enter a number."),
        ("sbp", "120.5", None, "Enter a whole number."),
        ("fpg", "126", None, "Outside the plausible 1.1–33.3 mmol/L: check the entry or the device's unit."),
    ],
)
@pytest.mark.usefixtures("english")
def test_typed_values_are_checked_with_the_apis_table(
    code: str, text: str, value: float | None, reason: str | None
) -> None:
    assert fields.check(code, text) == (value, reason)


@pytest.mark.usefixtures("english")
def test_a_typed_weight_brings_the_bmi_with_the_visits_height() -> None:
    assert fields.with_bmi({"weight": 68.5}, {"height": 170.0}) == {"weight": 68.5, "bmi": 23.7}
    assert fields.with_bmi({"weight": 68.5, "height": 170.0}, {}) == {"weight": 68.5, "height": 170.0}
    assert fields.with_bmi({"weight": 68.5}, {}) == {"weight": 68.5}
    assert fields.check_pair({"sbp": 80, "dbp": 90}) == ("sbp", "Systolic must be higher than diastolic.")


@pytest.mark.usefixtures("english")
def test_findings_in_words_and_a_new_code_by_its_summary() -> None:
    emergency = Finding(
        code="htn.emergency",
        severity=Severity.EMERGENCY,
        summary="Emergency referral: SBP 190 ≥180",
        clauses=("HTN.emergency",),
        values={"sbp": 190, "dbp": 125, "symptoms": "palpitations_chest_tightness_orthopnoea"},
    )
    assert words.title(emergency) == "Hypertension emergency: refer at once"
    assert words.values_text(emergency) == (
        "systolic BP 190 mmHg · diastolic BP 125 mmHg · "
        "symptoms: palpitations, chest tightness or breathless lying flat"
    )
    cdrs = Finding(
        code="cdrs.high_risk",
        severity=Severity.ADVICE,
        summary="",
        clauses=(),
        values={"total": 43, "bmi": 3},
    )
    assert words.values_text(cdrs) == "score 43", "a questionnaire's item points are not measurements"
    lipid = Finding(code="lipid.ldl.high", severity=Severity.ADVICE, summary="", clauses=())
    assert words.title(lipid) == "LDL-C: raised"
    new = Finding(
        code="rule.from.tomorrow", severity=Severity.INFO, summary="A rule the desk does not know", clauses=()
    )
    assert words.title(new) == "A rule the desk does not know"
