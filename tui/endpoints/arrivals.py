"""Today's arrivals lists: bookings (with the follow-ups due) and incoming referrals; arrive to start a visit."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import msgspec

from flows.appointments import (
    AppointmentItem,
    AppointmentPurpose,
    ArrivalResult,
    NewAppointment,
)
from flows.model import Visit

if TYPE_CHECKING:
    from tui.client import ApiClient

# The two lists of the arrivals screen and the purposes each shows.
LISTS: dict[str, tuple[AppointmentPurpose, ...]] = {
    "booking": (AppointmentPurpose.BOOKING, AppointmentPurpose.FOLLOW_UP),
    "incoming_referral": (AppointmentPurpose.INCOMING_REFERRAL,),
}


class Arrival(msgspec.Struct, frozen=True, kw_only=True):
    """What the arrivals screen hands back to intake: whose visit to go on with, and from which appointment."""

    resident_id: int
    visit: Visit
    appointment_id: int


def todays(client: ApiClient) -> list[AppointmentItem]:
    """Every appointment of the site's today and the clinic follow-ups due (one request, one audit row)."""
    return client.call("GET", "/api/v1/appointments", list[AppointmentItem])


def arrive(client: ApiClient, item: AppointmentItem) -> Arrival:
    """Open (or continue) the visit of the item's resident. A follow-up due without an appointment is first
    booked for now, then arrived: the visit and the list then agree that the resident came."""
    appointment_id = item.id
    if appointment_id is None:
        booking = NewAppointment(
            resident_id=item.resident_id,
            scheduled_for=dt.datetime.now(dt.UTC),
            team_id=item.team_id,
            purpose=AppointmentPurpose.FOLLOW_UP,
        )
        appointment_id = client.call("POST", "/api/v1/appointments", _Booked, body=booking).id
    done = client.call("POST", f"/api/v1/appointments/{appointment_id}/arrive", ArrivalResult)
    return Arrival(resident_id=done.visit.resident_id, visit=done.visit, appointment_id=done.appointment.id)


class _Booked(msgspec.Struct, frozen=True, kw_only=True):
    id: int
