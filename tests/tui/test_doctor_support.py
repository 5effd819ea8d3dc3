"""The doctor tests' starting point works: a visit walked by the front desk waits at diagnosis with its ticket."""

from __future__ import annotations

from tests.tui.doctor_support import api_client, queue_visit
from tests.tui.helpers import DeskApi


def test_a_queued_visit_waits_at_diagnosis_in_the_team_queue(doctor_api: DeskApi) -> None:
    queued = queue_visit(doctor_api, "张三丰", {"sbp": 128, "dbp": 78})
    assert queued.ctx.visit.step.value == "diagnosis"
    assert queued.ticket["status"] == "waiting"
    with api_client(doctor_api) as api:
        me = api.get("/api/v1/session").json()
        assert me["role"] == "doctor", me
        readings = api.get(f"/api/v1/visits/{queued.ctx.visit.id}/readings")
        assert readings.status_code == 200, readings.text
    unsigned = queue_visit(doctor_api, "李秀英", {"sbp": 150, "dbp": 95})
    assert unsigned.ctx.visit.step.value == "diagnosis"
    assert unsigned.ticket["queue_id"] != queued.ticket["queue_id"]  # declined signing: general practice
