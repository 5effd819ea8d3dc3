"""The doctor's chart against the real API on loopback: the doctor logs in, opens 张三丰's chart over the queue,
reads the conditions, the latest SBP with its sparkline, the allergy and the alerts; reloads; Esc goes back.

The history the chart shows is put where the other parts would leave it: older SBPs, a prescription and an
overdue follow-up booking in the database, the allergy over the API, today's values by the front desk's visit.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from db import tables
from tests.support.server import LiveServer
from tests.tui.doctor_support import api_client, queue_visit
from tests.tui.helpers import DeskApi, log_in, screen_name, screen_text, shot, until
from tui.app import OnestopApp
from tui.screens.chart import ChartScreen
from tui.widgets.sparkline import BLOCKS

DAY = dt.timedelta(days=1)
NAME = "张三丰"


async def _history(server: LiveServer, resident_id: int) -> None:
    now = server.clock()
    for days, sbp in ((120, 162.0), (90, 148.0), (60, 141.0), (30, 136.0)):
        await tables.Observation.insert(
            tables.Observation(
                resident=resident_id,
                code="sbp",
                value=sbp,
                unit="mmHg",
                source="device",
                observed_at=now - days * DAY,
            )
        )
    await tables.Prescription.insert(
        tables.Prescription(
            resident=resident_id,
            drug="氨氯地平片",
            dose="5mg",
            frequency="每日一次",
            long_term=True,
            start_date=now.date() - 60 * DAY,
            end_date=now.date() + 30 * DAY,
            created_at=now,
        )
    )
    await tables.FollowUp.insert(
        tables.FollowUp(
            resident=resident_id,
            condition="hypertension",
            due_date=now.date() - 5 * DAY,
            mode="clinic",
            created_at=now - 90 * DAY,
        )
    )


def _prepare(desk: DeskApi) -> int:
    resident = desk.residents[NAME]
    desk.server.run(_history(desk.server, resident.id))
    with api_client(desk) as api:
        saved = api.put(
            f"/api/v1/residents/{resident.id}/health-record",
            json={"allergies": [{"kind": "drug", "substance": "青霉素", "reaction": "皮疹"}]},
        )
        assert saved.status_code == 200, saved.text
    queue_visit(desk, NAME, {"sbp": 158, "dbp": 92})
    return resident.id


async def test_the_chart_shows_the_patient_in_one_screen(doctor_api: DeskApi, artifacts: Path) -> None:
    resident_id = _prepare(doctor_api)
    app = OnestopApp(server=doctor_api.base_url, station="doctor-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, doctor_api.username, doctor_api.password)
        under = screen_name(app)
        await app.push_screen(ChartScreen(resident_id))
        await until(pilot, lambda: "青霉素" in screen_text(app), "the chart to load")
        text = screen_text(app)
        assert NAME in text
        assert "高血压" in text  # the confirmed diagnosis
        assert "I10" in text
        assert "158 mmHg" in text  # the latest SBP, not an older one
        line = next(row for row in text.splitlines() if "158 mmHg" in row)
        assert sum(ch in BLOCKS for ch in line) == 5, line  # the sparkline: five days of SBP
        assert "≥150" in line  # aged ≥65: marked against the BPHS-2017 threshold, in words too
        assert "!" in text.splitlines()[1]  # the alerts, under the header
        assert "氨氯地平片" in text
        shot(app, artifacts, "doctor-chart")

        # r reads the chart again: a value entered meanwhile shows up.
        with api_client(doctor_api) as api:
            visits = api.get("/api/v1/visits", params={"resident_id": resident_id, "open": "true"}).json()
            entered = api.post(
                f"/api/v1/visits/{visits[0]['id']}/entries", json={"measurements": {"sbp": 134}}
            )
            assert entered.status_code == 201, entered.text
        await pilot.press("r")
        await until(pilot, lambda: "134 mmHg" in screen_text(app), "the reloaded chart")

        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == under, "Esc back to the screen under the chart")


async def test_wide_two_columns_in_english(doctor_api: DeskApi, artifacts: Path) -> None:
    resident_id = _prepare(doctor_api)
    app = OnestopApp(server=doctor_api.base_url, station="doctor-1", lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, doctor_api.username, doctor_api.password)
        await app.push_screen(ChartScreen(resident_id))
        await until(pilot, lambda: "青霉素" in screen_text(app), "the chart to load")
        text = screen_text(app)
        assert "! Allergy: 青霉素" in text
        assert "! hypertension follow-up overdue 5 days" in text
        assert "≥150 high" in text
        assert "long-term" in text
        assert "30 days left" in text
        # Two columns: the medicines stand beside the values, not under them.
        row = next(r for r in text.splitlines() if "氨氯地平片" in r)
        assert row.index("氨氯地平片") > 50, row
        shot(app, artifacts, "doctor-chart-120x40")


async def test_a_resident_with_nothing_and_an_unknown_one(doctor_api: DeskApi) -> None:
    empty = doctor_api.residents["张小明"].id
    app = OnestopApp(server=doctor_api.base_url, station="doctor-1", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, doctor_api.username, doctor_api.password)
        await app.push_screen(ChartScreen(empty))
        await until(pilot, lambda: "张小明" in screen_text(app), "the empty chart")
        text = screen_text(app)
        assert "not signed" in text
        assert "!" not in text  # no alerts
        await pilot.press("escape")
        await app.push_screen(ChartScreen(999999))
        await until(pilot, lambda: "999999" in screen_text(app), "the refusal, in place of the header")
        assert "no resident with id 999999" in screen_text(app).splitlines()[0]
        assert screen_name(app) == "ChartScreen"  # the error stays on the chart; Esc still goes back
