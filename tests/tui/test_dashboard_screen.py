"""The indicators dashboard against the real API on loopback: opened from the doctor's queue with `d`, the
rates shown are the API's, period and scope keys ask again, `e` writes the API's CSV, Esc goes back.

Figures made non-zero in the database (the API has no endpoint that backdates): 张三丰 (hypertension,
confirmed today by the fixture) followed up today at the clinic by 王医生, 128/80; 李秀英 with diabetes
confirmed 200 days ago, followed up today, FPG 8.1 (uncontrolled), and a booking 10 days overdue.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Label

from db.engine import Database
from db.tables import Diagnosis, FollowUp, Staff
from tests.tui.doctor_support import DOCTOR, api_client
from tests.tui.helpers import DeskApi, log_in, screen_name, screen_text, shot, until
from tui.app import OnestopApp
from tui.screens.dashboard import DashboardScreen
from tui.widgets.indicator_panels import RATE_WORDS, Panel


async def _figures(db: Database, zhang: int, li: int, now: dt.datetime) -> None:
    doctor = await Staff.select(Staff.id).where(Staff.username == DOCTOR).first()
    assert doctor is not None
    await Diagnosis.insert(
        Diagnosis(
            resident=li,
            condition="diabetes",
            icd10="E11.9",
            status="confirmed",
            diagnosed_at=now - dt.timedelta(days=200),
        )
    )
    done = now - dt.timedelta(minutes=5)
    await FollowUp.insert(
        FollowUp(
            resident=zhang,
            condition="hypertension",
            due_date=done.date(),
            mode="clinic",
            done_at=done,
            staff=doctor["id"],
            created_at=done,
            sbp=128,
            dbp=80,
        ),
        FollowUp(
            resident=li,
            condition="diabetes",
            due_date=done.date(),
            mode="clinic",
            done_at=done,
            staff=doctor["id"],
            created_at=done,
            fpg=8.1,
        ),
        FollowUp(
            resident=li,
            condition="diabetes",
            due_date=done.date() - dt.timedelta(days=10),
            mode="clinic",
            created_at=done - dt.timedelta(days=40),
        ),
    )


@pytest.fixture
def figures(doctor_api: DeskApi, monkeypatch: pytest.MonkeyPatch) -> DeskApi:
    monkeypatch.setattr("tui.screens.doctor_queue.REFRESH_S", 600.0)  # no queue reloads under the test
    server = doctor_api.server
    residents = doctor_api.residents
    server.run(_figures(server.database, residents["张三丰"].id, residents["李秀英"].id, server.clock()))
    return doctor_api


def _api(desk: DeskApi, path: str, **params: Any) -> Any:
    with api_client(desk) as api:
        answer = api.get(path, params={k: v for k, v in params.items() if v is not None})
        assert answer.status_code == 200, answer.text
        return answer.content if path.endswith(".csv") else answer.json()


def _dashboard(app: OnestopApp) -> DashboardScreen:
    screen = app.screen
    assert isinstance(screen, DashboardScreen)
    return screen


def _panel(app: OnestopApp, box: str) -> str:
    return str(app.screen.query_one(box, Panel).render())


async def _opened(pilot: Pilot[Any], app: OnestopApp, desk: DeskApi) -> DashboardScreen:
    await log_in(pilot, desk.username, desk.password)
    await until(pilot, lambda: screen_name(app) == "DoctorQueueScreen", "the doctor's queue after login")
    await pilot.press("d")
    await until(pilot, lambda: screen_name(app) == "DashboardScreen", "the dashboard")
    screen = _dashboard(app)
    await until(pilot, lambda: screen.ready, "the figures")
    return screen


def _assert_shows_the_api(app: OnestopApp, desk: DeskApi) -> dict[str, Any]:
    """The rates panel says, per rate, getIndicators' percentage and numerator/denominator for the period
    and scope shown; the cohorts panel getCohort's registered patients. Returns getIndicators' answer."""
    screen = _dashboard(app)
    asked = screen.shown
    assert asked is not None
    scope = {"team_id": asked.team_id, "doctor_id": asked.doctor_id}
    end = min(asked.period.end, screen.today).isoformat()
    report = _api(desk, "/api/v1/indicators", start=asked.period.start.isoformat(), end=end, **scope)
    lines = _panel(app, "#dashboard-rates").splitlines()
    assert len(lines) == 4
    for line, rate in zip(lines, report["rates"], strict=True):
        shown = "—" if rate["rate"] is None else f"{rate['rate'] * 100:.1f}%"
        assert f" {shown} " in line
        assert f" {rate['numerator']}/{rate['denominator']} " in line
    cohorts = _panel(app, "#dashboard-cohorts").splitlines()
    for line, condition in zip(cohorts, ("hypertension", "diabetes"), strict=True):
        cohort = _api(desk, "/api/v1/indicators/cohort", condition=condition, **scope)
        assert f" {cohort['registered']} " in line
    return dict(report)


async def test_the_dashboard_shows_the_api_figures_and_follows_the_keys(
    figures: DeskApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, artifacts: Path
) -> None:
    monkeypatch.setenv("ONESTOP_EXPORT_DIR", str(tmp_path))
    app = OnestopApp(server=figures.base_url, station="room-2")  # the desk's default: Chinese
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _opened(pilot, app, figures)
        today = screen.today
        assert screen.shown is not None
        assert (screen.shown.period.kind, screen.shown.team_id, screen.shown.doctor_id) == (
            "month",
            None,
            None,
        )
        report = _assert_shows_the_api(app, figures)
        rates = {r["code"]: r for r in report["rates"]}
        # This month: 张三丰 followed up at the clinic, controlled; 李秀英 at the clinic, FPG 8.1.
        assert (rates["htn.bp_controlled"]["numerator"], rates["htn.bp_controlled"]["denominator"]) == (1, 1)
        assert (rates["dm.fpg_controlled"]["numerator"], rates["dm.fpg_controlled"]["denominator"]) == (0, 1)
        board = screen.boards[(today.year, None, None)]
        assert board.diabetes.uncontrolled.numerator == 1
        text = screen_text(app)
        assert "100.0%" in text
        assert board.overdue == 1
        trend = _panel(app, "#dashboard-trend").splitlines()
        assert trend[-1].strip().endswith(str(today.month % 10))  # the axis ends at this month
        assert "█" in trend[1]  # blood pressure controlled this month: a full column
        shot(app, artifacts, "doctor-dashboard")

        await pilot.press("q")
        await until(pilot, lambda: screen.ready and screen.period.kind == "quarter", "the quarter")
        _assert_shows_the_api(app, figures)

        await pilot.press("t")
        await until(pilot, lambda: screen.ready and screen.scope.team_id is not None, "my team")
        assert figures.team_name in screen_text(app)
        _assert_shows_the_api(app, figures)

        await pilot.press("d")
        await until(pilot, lambda: screen.ready and screen.scope.doctor_id is not None, "me")
        mine = _assert_shows_the_api(app, figures)
        assert [r["denominator"] for r in mine["rates"]] == [1, 1, 1, 1]  # both mine

        await pilot.press("left")
        before = screen.period
        await until(pilot, lambda: screen.ready and screen.shown is not None, "the quarter before")
        assert before.end < dt.date(today.year, ((today.month - 1) // 3) * 3 + 1, 1)
        _assert_shows_the_api(app, figures)
        await pilot.press("right", "right")  # the next quarter has not begun: stays on this one
        await until(pilot, lambda: screen.ready, "this quarter again")
        assert screen.period.start <= today <= screen.period.end

        await pilot.press("e")
        name = f"onestop-indicators-doctor-{screen.scope.doctor_id}-{screen.period.label}.csv"
        path = tmp_path / name
        await until(pilot, path.exists, "the CSV file")
        info = app.screen.query_one("#dashboard-info", Label)
        await until(pilot, lambda: str(path) in str(info.render()), "the path said")
        written = path.read_bytes()
        assert written.startswith(b"\xef\xbb\xbf")
        kind, index = screen.period.kind.value, screen.period.index
        assert written == _api(
            figures,
            "/api/v1/indicators.csv",
            kind=kind,
            year=screen.period.year,
            period=index,
            doctor_id=screen.scope.doctor_id,
        )
        rows = written.decode("utf-8-sig").splitlines()
        assert len(rows) == 5
        assert rows[1].split(",")[6:8] == ["1", "1"]  # 张三丰's clinic visit: to the spec this quarter

        await pilot.press("s")
        await until(pilot, lambda: screen.ready and screen.scope.doctor_id is None, "the site")
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "DoctorQueueScreen", "back to the queue")


async def test_the_wide_dashboard_and_english(figures: DeskApi, artifacts: Path) -> None:
    app = OnestopApp(server=figures.base_url, lang="en", station="room-2")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _opened(pilot, app, figures)
        await pilot.press("1")  # the first team of the list
        await until(pilot, lambda: screen.ready and screen.scope.team_id is not None, "team 1")
        _assert_shows_the_api(app, figures)
        text = screen_text(app)
        for msgid in RATE_WORDS.values():
            assert msgid in text
        info = str(app.screen.query_one("#dashboard-info", Label).render())
        # 李秀英's overdue booking is not the team's: she has no contract.
        assert f"Overdue follow-ups 0 (high risk 0)   Teams: 1 {figures.team_name}" in info
        assert f"Indicators · {figures.team_name} · {screen.today:%Y-%m}" in text
        trend = _panel(app, "#dashboard-trend").splitlines()
        assert len(trend) == 4 * (4 + 1) + 1  # four rows and a zero line a rate at 40 lines, and the axis
        await pilot.press("y")
        await until(pilot, lambda: screen.ready and screen.period.kind == "year", "the year")
        _assert_shows_the_api(app, figures)
        shot(app, artifacts, "doctor-dashboard-120x40")
