"""Diagnosis and health education at the doctor's desk, against the real API on loopback: the criteria with
their evidence, confirming a condition, F10 to graded intervention or health education, printing the
education, closing the visit; a returning patient goes on with one key.

Each test walks a visit through the front desk over the API (tests.tui.doctor_support.queue_visit), logs in
as the doctor and opens the diagnosis screen for it as the queue would; what is stored is read back over
the API.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import msgspec
import pytest
from textual.pilot import Pilot

from db import tables
from flows.model import Condition
from hardware.printer.decode import decode, text_of
from tests.tui.doctor_support import Queued, api_client, queue_visit
from tests.tui.helpers import DeskApi, log_in, screen_name, screen_text, shot, until
from tui.app import OnestopApp
from tui.flow import VisitContext
from tui.i18n import _
from tui.screens import diagnosis
from tui.screens import diagnosis_words as words
from tui.screens.diagnosis import DiagnosisScreen
from tui.screens.education import EducationScreen


class DiagnosisUnderTest(DiagnosisScreen):
    """The real screen; after a move it keeps the visit instead of opening the plan screen (another part)."""

    CSS_PATH = str(Path(diagnosis.__file__).with_name("diagnosis.tcss"))  # relative would be the test's
    moved_to: VisitContext | None = None

    def after_move(self, ctx: VisitContext) -> None:
        self.moved_to = ctx


@pytest.fixture(autouse=True)
def quiet_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    # The doctor's queue (under the screen) reloads every 10 s; the test's own steps must not race it.
    monkeypatch.setattr("tui.screens.doctor_queue.REFRESH_S", 600.0)


def _at_doctor(queued: Queued) -> VisitContext:
    return msgspec.structs.replace(queued.ctx, doctor=True, ticket_id=queued.ticket["id"])


def _get(desk: DeskApi, path: str) -> Any:
    with api_client(desk) as api:
        answer = api.get(path)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _earlier_bp(desk: DeskApi, resident_id: int, days_ago: int, sbp: float, dbp: float) -> None:
    """An office BP of an earlier day (a reading entered at one moment: one sbp and one dbp row)."""
    at = desk.server.clock() - dt.timedelta(days=days_ago)
    for code, value in (("sbp", sbp), ("dbp", dbp)):
        await tables.Observation.insert(
            tables.Observation(
                resident=resident_id, code=code, value=value, unit="mmHg", source="device", observed_at=at
            )
        )


async def _open(pilot: Pilot[Any], app: OnestopApp, desk: DeskApi, screen: DiagnosisScreen) -> None:
    await log_in(pilot, desk.username, desk.password)
    await until(pilot, lambda: screen_name(app) == "DoctorQueueScreen", "the doctor's queue after login")
    await app.push_screen(screen)
    await until(pilot, lambda: screen.data is not None, "the criteria")


async def test_criteria_with_evidence_then_confirm_hypertension(doctor_api: DeskApi, artifacts: Path) -> None:
    li = doctor_api.residents["李秀英"]
    # HTN-2025: ≥140/90 on 3 different days within 4 weeks. Two earlier days, and today's visit.
    doctor_api.server.run(_earlier_bp(doctor_api, li.id, 14, 150, 95))
    doctor_api.server.run(_earlier_bp(doctor_api, li.id, 7, 148, 96))
    queued = queue_visit(doctor_api, "李秀英", {"sbp": 152, "dbp": 94})
    ctx = _at_doctor(queued)
    app = OnestopApp(server=doctor_api.base_url, lang="zh_CN", station="room-2")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = DiagnosisUnderTest(ctx)
        await _open(pilot, app, doctor_api, screen)
        text = screen_text(app)
        for found in ("高血压", "I10", "诊室血压 150/95", "诊室血压 148/96", "HTN.dx.three_days"):
            assert found in text, (found, text)
        assert screen.chosen == 0, "the met, undecided hypertension is offered"
        shot(app, artifacts, "doctor-diagnosis")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        shot(app, artifacts, "doctor-diagnosis-wide")

        await pilot.press("ctrl+o")
        await until(pilot, lambda: screen.chosen is None and not screen.deciding, "the confirmation saved")
        assert screen.data is not None
        assert words.decided(Condition.HYPERTENSION, screen.data.decisions) is words.Decided.CONFIRMED
        await pilot.press("f10")
        await until(pilot, lambda: screen.moved_to is not None, "the move")
    stored = _get(doctor_api, f"/api/v1/residents/{li.id}/diagnoses")
    assert [(d["condition"], d["status"], d["icd10"], d["visit_id"]) for d in stored] == [
        ("hypertension", "confirmed", "I10", ctx.visit.id)
    ]
    assert "诊室血压 150/95" in stored[0]["basis"], "the evidence is the stored basis"
    assert _get(doctor_api, f"/api/v1/visits/{ctx.visit.id}")["step"] == "graded_intervention"


async def test_nothing_chronic_goes_to_education_printed_then_done(
    doctor_api: DeskApi, artifacts: Path, tmp_path: Path
) -> None:
    xiaoming = doctor_api.residents["张小明"]
    queued = queue_visit(doctor_api, "张小明", {"sbp": 132, "dbp": 86})
    ctx = _at_doctor(queued)
    app = OnestopApp(server=doctor_api.base_url, lang="zh_CN", station="room-2")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = DiagnosisScreen(ctx)
        await _open(pilot, app, doctor_api, screen)
        assert screen.chosen is None, "nothing waits for a decision"
        assert _("F10 → {step}").format(step="").strip() in screen_text(app)
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, EducationScreen), "the health education screen")
        education = app.screen
        assert isinstance(education, EducationScreen)
        await until(pilot, lambda: education.education is not None, "the education content")
        text = screen_text(app)
        for found in ("血压正常高值", "HTN.grade.high_normal", "每6个月"):
            assert found in text, (found, text)
        shot(app, artifacts, "doctor-education")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        shot(app, artifacts, "doctor-education-wide")

        await pilot.press("f5")
        await until(pilot, lambda: education.printed is not None, "the print job")
        job_id = education.printed.id if education.printed else 0
        await pilot.press("f10")
        await until(pilot, lambda: screen_name(app) == "DoctorQueueScreen", "back at the queue")
    assert _get(doctor_api, f"/api/v1/visits/{ctx.visit.id}")["step"] == "done"
    assert _get(doctor_api, f"/api/v1/residents/{xiaoming.id}/diagnoses") == []
    job = _wait_printed(doctor_api, job_id)
    assert (job["kind"], job["ticket_id"]) == ("document", None)
    jobs = sorted((tmp_path / "tickets").glob("*.bin"))
    printed = [text_of(decode(p.read_bytes())) for p in jobs]
    page = next(lines for lines in printed if lines and lines[0] == "健康教育处方")
    assert "【血压正常高值】" in page


def _wait_printed(desk: DeskApi, job_id: int) -> dict[str, Any]:
    import time

    deadline = time.monotonic() + 10
    with api_client(desk) as api:
        while True:
            job: dict[str, Any] = api.get(f"/api/v1/print-jobs/{job_id}").json()
            if job["status"] == "printed" or time.monotonic() > deadline:
                return job
            time.sleep(0.05)


async def test_a_confirmed_patient_goes_on_with_one_key(doctor_api: DeskApi) -> None:
    queued = queue_visit(doctor_api, "张三丰", {"sbp": 128, "dbp": 78})
    ctx = _at_doctor(queued)
    app = OnestopApp(server=doctor_api.base_url, lang="en", station="room-2")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = DiagnosisUnderTest(ctx)
        await _open(pilot, app, doctor_api, screen)
        assert screen.chosen is None
        assert "Confirmed: hypertension" in screen_text(app)
        await pilot.press("f10")
        await until(pilot, lambda: screen.moved_to is not None, "the move")
    assert screen.moved_to is not None
    assert screen.moved_to.visit.step.value == "graded_intervention"
    assert _get(doctor_api, f"/api/v1/visits/{ctx.visit.id}")["step"] == "graded_intervention"


async def test_unmet_criteria_need_the_doctors_basis(doctor_api: DeskApi) -> None:
    """Confirming a condition the rules do not see needs words (422 on `basis`); with them it is stored."""
    li = doctor_api.residents["李秀英"]
    queued = queue_visit(doctor_api, "李秀英", {"sbp": 150, "dbp": 95})
    app = OnestopApp(server=doctor_api.base_url, lang="zh_CN", station="room-2")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = DiagnosisUnderTest(_at_doctor(queued))
        await _open(pilot, app, doctor_api, screen)
        assert screen.chosen == 0, "one raised day: hypertension to confirm"
        await pilot.press("ctrl+o")
        await until(pilot, lambda: not screen.deciding, "the refusal")
        assert _get(doctor_api, f"/api/v1/residents/{li.id}/diagnoses") == []
        await pilot.press("f3")
        await pilot.press(*"ABPM")
        await pilot.press("enter", "ctrl+o")
        await until(pilot, lambda: screen.chosen is None and not screen.deciding, "the confirmation")
    stored = _get(doctor_api, f"/api/v1/residents/{li.id}/diagnoses")
    assert [(d["status"], d["condition"]) for d in stored] == [("confirmed", "hypertension")]
    assert "ABPM" in stored[0]["basis"]
