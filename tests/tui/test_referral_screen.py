"""Referrals at the doctor's desk against the real API on loopback: up with a reason and a department, an
emergency in two keys, down to the village clinic from graded intervention; then the referral step closes
the visit and the doctor is back at the queue.

Each test walks a visit through the front desk over the API (tests.tui.doctor_support.queue_visit), logs in as
the doctor and opens a doctor's step screen for it; the referral keys (F6/F7/F8) are the base's. What is
stored is read back over the API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest
from textual.pilot import Pilot

from flows.model import Visit
from hardware.printer.decode import decode, text_of
from tests.tui.doctor_support import Queued, api_client, queue_visit
from tests.tui.helpers import DeskApi, log_in, screen_name, shot, until
from tui.app import OnestopApp
from tui.flow import VisitContext
from tui.screens.doctor import DoctorScreen
from tui.screens.referral import ReferralScreen


class StepUnderTest(DoctorScreen):
    """A doctor's step screen as the others are (the referral keys are the base's): the form opens over it."""


@pytest.fixture(autouse=True)
def quiet_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    # The doctor's queue (under the screens) reloads every 10 s; the test's own steps must not race it.
    monkeypatch.setattr("tui.screens.doctor_queue.REFRESH_S", 600.0)


def _at_doctor(queued: Queued, visit: dict[str, Any] | None = None) -> VisitContext:
    ctx = msgspec.structs.replace(queued.ctx, doctor=True, ticket_id=queued.ticket["id"])
    return ctx.moved(msgspec.convert(visit, Visit)) if visit is not None else ctx


def _call(desk: DeskApi, method: str, path: str, **kw: Any) -> Any:
    with api_client(desk) as api:
        answer = api.request(method, path, **kw)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def _form(app: OnestopApp) -> ReferralScreen | None:
    screen = app.screen
    return screen if isinstance(screen, ReferralScreen) and screen.form and screen.draft else None


def _at_step(app: OnestopApp) -> bool:
    screen = app.screen
    return (
        isinstance(screen, ReferralScreen)
        and not screen.form
        and "F10" in str(screen.query_one("#referral-message").render())
    )


async def _open(
    pilot: Pilot[Any], app: OnestopApp, desk: DeskApi, ctx: VisitContext, key: str
) -> ReferralScreen:
    await log_in(pilot, desk.username, desk.password)
    await until(pilot, lambda: screen_name(app) == "DoctorQueueScreen", "the doctor's queue after login")
    await app.push_screen(StepUnderTest(ctx))
    await pilot.press(key)
    await until(pilot, lambda: _form(app) is not None, "the referral draft")
    form = _form(app)
    assert form is not None
    return form


async def _shots(pilot: Pilot[Any], app: OnestopApp, artifacts: Path, name: str) -> None:
    shot(app, artifacts, f"{name}-80x24")
    await pilot.resize_terminal(120, 40)
    await pilot.pause()
    shot(app, artifacts, f"{name}-120x40")
    await pilot.resize_terminal(80, 24)
    await pilot.pause()


def _printed_pages(desk: DeskApi) -> list[list[str]]:
    folder = Path(desk.server.settings.printer.url.removeprefix("preview://"))
    return [text_of(decode(f.read_bytes())) for f in sorted(folder.glob("*.bin"))]


async def _finish(
    pilot: Pilot[Any], app: OnestopApp, desk: DeskApi, visit_id: int, *, print_it: bool = False
) -> None:
    """At the referral step: `p` prints the summary, F10 closes the visit and the doctor is back at the queue."""
    await until(pilot, lambda: _at_step(app), "the referral step")
    if print_it:
        await pilot.press("p")
        await until(
            pilot,
            lambda: any(page[0] == "转诊单（上转）" for page in _printed_pages(desk)),
            "the referral summary on the printer",
        )
    await pilot.press("f10")
    await until(pilot, lambda: screen_name(app) == "DoctorQueueScreen", "the queue after the visit closed")
    assert _call(desk, "GET", f"/api/v1/visits/{visit_id}")["step"] == "done"


async def test_refer_up_with_a_reason_and_a_department(doctor_api: DeskApi, artifacts: Path) -> None:
    ctx = _at_doctor(queue_visit(doctor_api, "张三丰", {"sbp": 150, "dbp": 95}))
    app = OnestopApp(server=doctor_api.base_url, station="doctor-1")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open(pilot, app, doctor_api, ctx, "f6")
        assert form.draft is not None
        first = form.draft.reasons[0]
        assert (first.code, first.checked) == ("htn.resistant", False)
        assert form.draft.department == "心血管内科"  # hypertension → the lead hospital's cardiology
        await pilot.press("1", "f4")  # tick the first reason; the next department
        await _shots(pilot, app, artifacts, "doctor-referral-up")
        await pilot.press("f10")
        await _finish(pilot, app, doctor_api, ctx.visit.id, print_it=True)
    [made] = _call(doctor_api, "GET", f"/api/v1/visits/{ctx.visit.id}/referrals")
    assert (made["direction"], made["destination"], made["department"]) == ("up", "县人民医院", "内分泌科")
    assert made["reasons"] == first.zh
    assert made["summary"].startswith("转诊单（上转）")
    assert "张三丰" in made["summary"]
    assert f"转诊原因：{first.zh}\n" in made["summary"], "the summary's reasons follow the ticks"
    visit = _call(doctor_api, "GET", f"/api/v1/visits/{ctx.visit.id}")
    assert [e["move"] for e in visit["events"][-2:]] == ["refer_up", "finish_referral"]


async def test_an_emergency_is_referred_in_two_keys(doctor_api: DeskApi, artifacts: Path) -> None:
    ctx = _at_doctor(queue_visit(doctor_api, "李秀英", {"sbp": 150, "dbp": 95}))
    path = f"/api/v1/visits/{ctx.visit.id}/entries"
    assert _call(doctor_api, "POST", path, json={"measurements": {"sbp": 188, "dbp": 112}})["flag"]
    app = OnestopApp(server=doctor_api.base_url, station="doctor-1")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open(pilot, app, doctor_api, ctx, "f7")  # key 1
        assert form.draft is not None
        assert form.draft.reasons[0].checked
        await _shots(pilot, app, artifacts, "doctor-referral-emergency")
        await pilot.press("f10")  # key 2
        await until(pilot, lambda: _at_step(app), "the referral step")
    [made] = _call(doctor_api, "GET", f"/api/v1/visits/{ctx.visit.id}/referrals")
    assert (made["direction"], made["urgency"]) == ("emergency", "emergency")
    assert (made["destination"], made["department"]) == ("县人民医院", "急诊科")
    assert made["reasons"] == "高血压急症：血压 188/112 mmHg"
    flags = _call(doctor_api, "GET", f"/api/v1/visits/{ctx.visit.id}/emergencies")
    assert [f["status"] for f in flags] == ["referred"]


async def test_refer_down_from_graded_intervention(doctor_api: DeskApi, artifacts: Path) -> None:
    queued = queue_visit(doctor_api, "张小明", {"sbp": 126, "dbp": 80})
    body = {"move": "diagnose", "expected_step": "diagnosis"}
    visit = _call(doctor_api, "POST", f"/api/v1/visits/{queued.ctx.visit.id}/events", json=body)
    ctx = _at_doctor(queued, visit)
    app = OnestopApp(server=doctor_api.base_url, station="doctor-1")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open(pilot, app, doctor_api, ctx, "f8")
        assert form.draft is not None
        assert form.draft.destination == "王庄村卫生室"
        await pilot.press("f3")  # the next village clinic
        await _shots(pilot, app, artifacts, "doctor-referral-down")
        await pilot.press("f10")
        await _finish(pilot, app, doctor_api, ctx.visit.id)
    [made] = _call(doctor_api, "GET", f"/api/v1/visits/{ctx.visit.id}/referrals")
    assert (made["direction"], made["destination"], made["department"]) == ("down", "李家村卫生室", None)
    assert made["reasons"].startswith("病情稳定")
    assert "转诊单（下转）" in made["summary"]
