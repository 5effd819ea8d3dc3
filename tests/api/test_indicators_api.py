"""Indicators and the overdue list over HTTP, from follow-ups done through the API (both databases)."""

from __future__ import annotations

import datetime as dt

from tests.api.helpers import Api, advance, error
from tests.api.test_care import _confirm, _followup, _resident, _visit_with


def test_bp_control_rate_and_the_overdue_list_follow_the_follow_ups(api: Api) -> None:
    controlled, uncontrolled = _resident(api, 80), _resident(api, 81)
    for rid, (sbp, dbp) in ((controlled, (128, 78)), (uncontrolled, (152, 96))):
        _confirm(api, rid, "hypertension")
        vid = _visit_with(api, rid, sbp=sbp, dbp=dbp)
        answer = _followup(api.doctor, rid, visit_id=vid, items=[{"condition": "hypertension"}])
        assert answer.status_code == 201, answer.text

    report = api.doctor.get("/api/v1/indicators", params={"condition": "hypertension"})
    assert report.status_code == 200, report.text
    rates = {r["code"]: r for r in report.json()["rates"]}
    control = rates["htn.bp_controlled"]
    # Denominator: both managed patients; numerator: the one whose latest follow-up BP met <140/90.
    assert (control["numerator"], control["denominator"]) == (1, 2)
    assert control["clauses"]
    assert rates["htn.managed_to_spec"]["numerator"] == 0  # one follow-up is not four

    # 20 days on: the uncontrolled patient's 14-day booking is 6 days overdue; the other is not due.
    advance(api, dt.timedelta(days=20))
    overdue = api.nurse.get("/api/v1/overdue").json()
    assert [(o["resident_id"], o["days_overdue"]) for o in overdue] == [(uncontrolled, 6)]
    assert overdue[0]["last_sbp"] == 152

    board = api.doctor.get("/api/v1/indicators/dashboard").json()
    assert [o["resident_id"] for o in board["overdue"]] == [uncontrolled]
    assert {r["code"]: r["denominator"] for r in board["rates"]["rates"]}["htn.bp_controlled"] == 2
    cohort = api.doctor.get("/api/v1/indicators/cohort", params={"condition": "hypertension"}).json()
    assert cohort["registered"] == 0  # registered today: not yet in a cohort of >3 months
    assert error(
        api.doctor.get("/api/v1/indicators", params={"start": "2026-12-01", "end": "2026-01-01"}), 422
    )
    error(api.anon.get("/api/v1/indicators"), 401)
