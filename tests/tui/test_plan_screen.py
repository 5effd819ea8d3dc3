"""Graded intervention against the real API on loopback: the doctor adds a long-term drug and saves the plan with
F10; a fifth drug raises the pharmacist-review flag; an out-of-stock drug makes a shortage record; a controlled
patient with nothing to change needs F10 alone.

The front desk's part and the diagnosis step are done over the API (tests.tui.doctor_support), with a controlled
follow-up on record first: 张三丰 (hypertension confirmed, aged ≥65) is then a returning controlled patient.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import msgspec
from textual.pilot import Pilot

from flows.model import ResidentSummary, Visit
from tests.tui.doctor_support import api_client, queue_visit
from tests.tui.helpers import DeskApi, log_in, screen_text, shot, type_text, until
from tui.app import OnestopApp
from tui.flow import VisitContext
from tui.screens import plan
from tui.screens.plan import PlanScreen
from tui.screens.plan_picker import DrugPicker

NAME = "张三丰"
TODAY: dict[str, float] = {"sbp": 132, "dbp": 82, "height": 170, "weight": 72}


class PlanUnderTest(PlanScreen):
    CSS_PATH = str(Path(plan.__file__).with_name("plan.tcss"))  # a relative path would be the test's
    moved_to: VisitContext | None = None

    def after_move(self, ctx: VisitContext) -> None:
        self.moved_to = ctx  # the follow-up screen is another part: the test reads the visit instead


def _ok(answer: httpx.Response) -> Any:
    assert answer.status_code in {200, 201}, answer.text
    return answer.json()


def _at_plan(desk: DeskApi, *, followed_up: bool = True) -> VisitContext:
    """The visit queued by the front desk, a controlled follow-up on record, diagnosis moved over the API."""
    queued = queue_visit(desk, NAME, TODAY)
    rid, vid = queued.ctx.visit.resident_id, queued.ctx.visit.id
    with api_client(desk) as api:
        if followed_up:
            done = _ok(
                api.post(
                    f"/api/v1/residents/{rid}/followups",
                    json={"resident_id": rid, "visit_id": vid, "items": [{"condition": "hypertension"}]},
                )
            )
            assert done["done"][0]["follow_up_class"] == "controlled"
        visit = _ok(api.post(f"/api/v1/visits/{vid}/events", json={"move": "diagnose"}))
        summary = _ok(api.get(f"/api/v1/residents/{rid}/summary"))
    return VisitContext(
        visit=msgspec.convert(visit, Visit),
        summary=msgspec.convert(summary, ResidentSummary, strict=False),
        doctor=True,
        ticket_id=queued.ticket["id"],
    )


async def _open(pilot: Pilot[Any], app: OnestopApp, desk: DeskApi, ctx: VisitContext) -> PlanUnderTest:
    await log_in(pilot, desk.username, desk.password)
    screen = PlanUnderTest(ctx)
    await app.push_screen(screen)
    await until(pilot, lambda: screen.drugs is not None, "the plan to load")
    return screen


async def _add(pilot: Pilot[Any], app: OnestopApp, typed: str, *, long_term_days: str | None = None) -> None:
    """F3, type the filter, optionally F3 long-term and the days, F10 adds the first match."""
    await pilot.press("f3")
    await until(pilot, lambda: isinstance(app.screen, DrugPicker), "the drug picker")
    await type_text(pilot, typed)
    if long_term_days is not None:
        await pilot.press("f3")  # long-term: the days field takes the focus, its text selected
        await type_text(pilot, long_term_days)
    await pilot.press("f10")
    await until(pilot, lambda: not isinstance(app.screen, DrugPicker), "the drug added")


def _stored(desk: DeskApi, ctx: VisitContext) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    rid = ctx.visit.resident_id
    with api_client(desk) as api:
        drugs = _ok(api.get(f"/api/v1/residents/{rid}/prescriptions"))
        plans = _ok(api.get(f"/api/v1/residents/{rid}/plans"))
        visit = _ok(api.get(f"/api/v1/visits/{ctx.visit.id}"))
    return drugs, plans, visit


async def test_a_long_term_drug_is_added_and_f10_saves_the_plan(doctor_api: DeskApi, artifacts: Path) -> None:
    ctx = _at_plan(doctor_api)
    app = OnestopApp(server=doctor_api.base_url, station="doctor-1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app, doctor_api, ctx)
        assert "高血压" in screen_text(app)

        await pilot.press("f3")
        await until(pilot, lambda: isinstance(app.screen, DrugPicker), "the drug picker")
        await type_text(pilot, "aldp")
        await pilot.press("f3")
        await type_text(pilot, "85")
        await until(pilot, lambda: "1–84" in screen_text(app), "85 days refused next to the field")
        await pilot.press("f10")
        assert isinstance(app.screen, DrugPicker), "85 days is refused next to the field"
        await pilot.press("backspace", "backspace")
        await type_text(pilot, "84")
        await pilot.press("f10")
        await until(pilot, lambda: app.screen is screen, "back on the plan")
        assert "氨氯地平片" in screen_text(app)
        shot(app, artifacts, "doctor-plan")

        await pilot.press("f10")
        await until(pilot, lambda: screen.moved_to is not None, "the plan saved and the visit moved")

    drugs, plans, visit = _stored(doctor_api, ctx)
    running = {p["drug"]: p for p in drugs["running"]}
    amlodipine = running["氨氯地平片"]
    assert (amlodipine["dose"], amlodipine["frequency"], amlodipine["long_term"]) == ("5mg", "qd", True)
    assert amlodipine["days_left"] == 84
    assert amlodipine["visit_id"] == ctx.visit.id
    saved = [p for p in plans["plans"] if p["condition"] == "hypertension"]
    assert saved
    assert saved[0]["visit_id"] == ctx.visit.id
    assert amlodipine["plan_id"] == saved[0]["id"]
    assert visit["step"] == "followup_booking"


async def test_a_controlled_patient_with_nothing_to_change_needs_f10_alone(doctor_api: DeskApi) -> None:
    ctx = _at_plan(doctor_api)
    app = OnestopApp(server=doctor_api.base_url, station="doctor-1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app, doctor_api, ctx)
        await pilot.press("f10")
        await until(pilot, lambda: screen.moved_to is not None, "the plan saved and the visit moved")
    drugs, plans, visit = _stored(doctor_api, ctx)
    assert drugs["running"] == []
    assert [p["condition"] for p in plans["plans"]] == ["hypertension"]
    assert plans["plans"][0]["plan"]["edited"] == []
    assert visit["step"] == "followup_booking"


async def test_a_fifth_drug_shows_the_review_flag_and_a_shortage_is_recorded(
    doctor_api: DeskApi, artifacts: Path
) -> None:
    ctx = _at_plan(doctor_api)
    rid = ctx.visit.resident_id
    with api_client(doctor_api) as api:
        for drug, dose, frequency in (
            ("氨氯地平片", "5mg", "qd"),
            ("缬沙坦胶囊", "80mg", "qd"),
            ("氢氯噻嗪片", "12.5mg", "qd"),
            ("阿托伐他汀钙片", "20mg", "qn"),
        ):
            body = {"drug": drug, "dose": dose, "frequency": frequency, "days": 28}
            _ok(api.post(f"/api/v1/residents/{rid}/prescriptions", json=body))
        # 阿卡波糖 is out of stock at the pharmacy already.
        _ok(api.post("/api/v1/shortages", json={"drug": "阿卡波糖片", "note": "整批缺货"}))
    app = OnestopApp(server=doctor_api.base_url, station="doctor-1", lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, app, doctor_api, ctx)
        assert "hypertension · controlled · today controlled" in screen_text(app)
        assert "Polypharmacy" not in screen_text(app)
        await pilot.press("f3")
        await until(pilot, lambda: isinstance(app.screen, DrugPicker), "the drug picker")
        await type_text(pilot, "akb")
        await until(pilot, lambda: "out of stock" in screen_text(app), "the stock shown in the picker")
        await pilot.press("f10")
        await until(pilot, lambda: app.screen is screen, "back on the plan")
        text = screen_text(app)
        assert "Polypharmacy: 5 drugs" in text
        assert "pharmacist" in text
        assert screen.query_one("#plan-review").has_class("-flag")
        shot(app, artifacts, "doctor-plan-120x40")
        await pilot.press("f10")
        await until(pilot, lambda: screen.moved_to is not None, "the plan saved and the visit moved")

    drugs, _plans, _visit = _stored(doctor_api, ctx)
    assert drugs["drug_count"] == 5
    assert drugs["pharmacist_review"] is True
    acarbose = next(p for p in drugs["running"] if p["drug"] == "阿卡波糖片")
    assert acarbose["shortage"] is True
    with api_client(doctor_api) as api:
        open_ = _ok(api.get("/api/v1/shortages"))
    mine = [s for s in open_ if s["resident_id"] == rid]
    assert [(s["drug"], s["prescription_id"]) for s in mine] == [("阿卡波糖片", acarbose["id"])]
