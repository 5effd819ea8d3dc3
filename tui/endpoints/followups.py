"""Follow-ups: the form prefilled (draft), previewed (class and next date, nothing written), done; and the
appointment at a time that goes with a clinic follow-up booking."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from flows.appointments import Appointment, AppointmentPurpose, NewAppointment
from flows.clinical import FollowupDraft, FollowupOutcome, FollowupPreview, FollowupRequest

if TYPE_CHECKING:
    from tui.client import ApiClient


def draft(client: ApiClient, resident_id: int, visit_id: int | None) -> FollowupDraft:
    params = {"visit_id": str(visit_id)} if visit_id is not None else None
    return client.call(
        "GET", f"/api/v1/residents/{resident_id}/followups/draft", FollowupDraft, params=params
    )


def preview(client: ApiClient, request: FollowupRequest) -> FollowupPreview:
    path = f"/api/v1/residents/{request.resident_id}/followups/preview"
    return client.call("POST", path, FollowupPreview, body=request)


def do_followup(client: ApiClient, request: FollowupRequest) -> FollowupOutcome:
    path = f"/api/v1/residents/{request.resident_id}/followups"
    return client.call("POST", path, FollowupOutcome, body=request)


def book_appointment(
    client: ApiClient, resident_id: int, at: dt.datetime, team_id: int | None
) -> Appointment:
    """The resident is expected at the clinic at `at` (aware) for the follow-up: the arrivals list shows it."""
    booking = NewAppointment(
        resident_id=resident_id, scheduled_for=at, team_id=team_id, purpose=AppointmentPurpose.FOLLOW_UP
    )
    return client.call("POST", "/api/v1/appointments", Appointment, body=booking)
