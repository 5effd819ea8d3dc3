"""Follow-up booking against the real API on loopback: a controlled hypertension follow-up is one key (F10): the
form prefilled from the visit, the class and next date with their clause, the follow-up saved with its form, the
next follow-up and the clinic appointment booked, the visit done. Multimorbidity: both blocks, a class each, the
earliest date wins. A changed date asks for a reason and the reason is stored.

The front desk's part, diagnosis and the plan step are moved over the API (tests.tui.doctor_support).
"""

from __future__ import annotations

import datetime as dt
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
from tui.i18n import _
from tui.screens import followup
from tui.screens.followup import FollowupScreen
from tui.screens.reason import ReasonDialog

NAME = "张三丰"


def _line(cls: str, interval: str, n: int) -> str:
    """The class line as the screen words it in the active language ("控制满意 · 3个月内 · BPHS-2017")."""
    return " · ".join((_(cls), _(interval).format(n=n)))


class FollowupUnderTest(FollowupScreen):
    CSS_PATH = str(Path(followup.__file__).with_name("followup.tcss"))  # a relative path would be the test's


def _ok(answer: httpx.Response) -> Any:
    assert answer.status_code in {200, 201}, answer.text
    return answer.json()


def _at_followup(desk: DeskApi, measurements: dict[str, float], *, diabetes: bool = False) -> VisitContext:
    """The visit queued by the front desk, diagnosis and the plan moved over the API: at follow-up booking."""
    queued = queue_visit(desk, NAME, measurements)
    rid, vid = queued.ctx.visit.resident_id, queued.ctx.visit.id
    with api_client(desk) as api:
        if diabetes:
            _ok(
                api.post(
                    f"/api/v1/residents/{rid}/diagnoses",
                    json={
                        "condition": "diabetes",
                        "decision": "confirm",
                        "visit_id": vid,
                        "basis": "FPG 8.2",
                    },
                )
            )
        _ok(api.post(f"/api/v1/visits/{vid}/events", json={"move": "diagnose"}))
        visit = _ok(api.post(f"/api/v1/visits/{vid}/events", json={"move": "set_plan"}))
        summary = _ok(api.get(f"/api/v1/residents/{rid}/summary"))
    return VisitContext(
        visit=msgspec.convert(visit, Visit),
        summary=msgspec.convert(summary, ResidentSummary, strict=False),
        doctor=True,
        ticket_id=queued.ticket["id"],
    )


async def _open(pilot: Pilot[Any], app: OnestopApp, desk: DeskApi, ctx: VisitContext) -> FollowupUnderTest:
    await log_in(pilot, desk.username, desk.password)
    screen = FollowupUnderTest(ctx)
    await app.push_screen(screen)
    await until(pilot, lambda: screen.preview is not None, "the class and next date")
    return screen


def _stored(
    desk: DeskApi, ctx: VisitContext
) -> tuple[list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]]:
    rid = ctx.visit.resident_id
    with api_client(desk) as api:
        rows = _ok(api.get(f"/api/v1/residents/{rid}/followups"))
        visit = _ok(api.get(f"/api/v1/visits/{ctx.visit.id}"))
        due = [r["due_date"] for r in rows if r["done_at"] is None]
        appointments = _ok(api.get("/api/v1/appointments", params={"date": due[0]})) if due else []
    return rows, visit, [a for a in appointments if a["resident_id"] == rid]


async def test_a_controlled_hypertension_follow_up_is_one_key(doctor_api: DeskApi, artifacts: Path) -> None:
    ctx = _at_followup(doctor_api, {"sbp": 128, "dbp": 78})
    app = OnestopApp(server=doctor_api.base_url, station="doctor-1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app, doctor_api, ctx)
        text = screen_text(app)
        assert screen.query_one("#fu-sbp").value == "128"  # type: ignore[attr-defined]  # an Input
        assert _line("controlled", "within {n} months", 3) + " · BPHS-2017" in text, text
        assert "高血压" in text
        assert "无症状" in text
        shot(app, artifacts, "doctor-followup")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        shot(app, artifacts, "doctor-followup-120x40")
        due = screen.preview.next_date if screen.preview else None
        await pilot.press("f10")
        await until(pilot, lambda: not isinstance(app.screen, FollowupScreen), "the visit closed")

    rows, visit, appointments = _stored(doctor_api, ctx)
    done = [r for r in rows if r["done_at"] is not None]
    booked = [r for r in rows if r["done_at"] is None]
    assert [(r["condition"], r["follow_up_class"], r["sbp"], r["dbp"]) for r in done] == [
        ("hypertension", "controlled", 128, 78)
    ]
    assert done[0]["form"]["signs"]["sbp"] == 128
    assert done[0]["form"]["hypertension"]["symptoms"] == ["none"]
    assert [(r["condition"], r["due_date"], r["mode"]) for r in booked] == [
        ("hypertension", due.isoformat() if due else None, "clinic")
    ]
    assert [(a["purpose"], a["scheduled_for"][11:16]) for a in appointments] == [("follow_up", "08:30")]
    assert visit["step"] == "done"


async def test_multimorbidity_both_blocks_a_class_each_the_earliest_date_wins(
    doctor_api: DeskApi, artifacts: Path
) -> None:
    ctx = _at_followup(doctor_api, {"sbp": 128, "dbp": 78, "fpg": 8.2}, diabetes=True)
    app = OnestopApp(server=doctor_api.base_url, station="doctor-1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app, doctor_api, ctx)
        text = screen_text(app)
        assert _line("controlled", "within {n} months", 3) in text, text
        assert _line("uncontrolled", "within {n} weeks", 2) in text, text
        assert screen.query_one("#fu-fpg").value == "8.2"  # type: ignore[attr-defined]  # an Input
        shot(app, artifacts, "doctor-followup-multimorbidity")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        shot(app, artifacts, "doctor-followup-multimorbidity-120x40")
        assert screen.preview is not None
        earliest = screen.preview.next_date
        assert earliest == min(d.next_date for d in screen.preview.decisions)
        await pilot.press("f10")
        await until(pilot, lambda: not isinstance(app.screen, FollowupScreen), "the visit closed")

    rows, visit, _appointments = _stored(doctor_api, ctx)
    done = {r["condition"]: r for r in rows if r["done_at"] is not None}
    assert {c: r["follow_up_class"] for c, r in done.items()} == {
        "hypertension": "controlled",
        "diabetes": "uncontrolled",
    }
    assert done["diabetes"]["form"]["diabetes"]["fpg"] == 8.2
    assert done["hypertension"]["form"]["diabetes"] is None
    assert {r["due_date"] for r in rows if r["done_at"] is None} == {earliest.isoformat()}
    assert visit["step"] == "done"


async def test_a_changed_date_asks_for_a_reason_and_stores_it(doctor_api: DeskApi) -> None:
    ctx = _at_followup(doctor_api, {"sbp": 128, "dbp": 78})
    app = OnestopApp(server=doctor_api.base_url, station="doctor-1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app, doctor_api, ctx)
        assert screen.preview is not None
        wanted = screen.preview.next_date + dt.timedelta(days=7)
        await pilot.press("f5")
        box = screen.query_one("#fu-date")
        box.value = ""  # type: ignore[attr-defined]  # an Input
        await type_text(pilot, wanted.isoformat())
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, ReasonDialog), "the reason asked")
        await type_text(pilot, "1")
        await pilot.press("enter")
        await until(
            pilot, lambda: not isinstance(app.screen, (FollowupScreen, ReasonDialog)), "the visit closed"
        )

    rows, visit, appointments = _stored(doctor_api, ctx)
    done = next(r for r in rows if r["done_at"] is not None)
    assert done["override_reason"] in (
        "居民届时外出",
        "The resident is away then",
    )  # the PO may not be merged yet
    assert [r["due_date"] for r in rows if r["done_at"] is None] == [wanted.isoformat()]
    assert appointments
    assert visit["step"] == "done"
