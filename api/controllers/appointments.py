"""`/api/v1/appointments`: a day's arrivals list, book, arrive (opens or takes today's visit), cancel.

The day's list touches many residents, so it is one audit row (as listVisits); every write is audited under
its resident in the write's own transaction. Nurses and doctors only.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import auth
from api.audit import Auditor
from api.errors import error_responses
from db import appointments
from db.arrivals import day_list
from db.engine import Database
from flows import appointments as model
from flows.appointments import (
    Appointment,
    AppointmentItem,
    AppointmentPurpose,
    AppointmentStatus,
    ArrivalResult,
)
from flows.model import Staff
from onestop.config import SiteConfig

APPOINTMENT = "appointment"

DateParam = Annotated[
    dt.date | None,
    QueryParameter(name="date", description="the site's local date, YYYY-MM-DD; today when absent"),
]
PurposeParam = Annotated[
    list[AppointmentPurpose] | None,
    QueryParameter(name="purpose", description="only these purposes (repeat the parameter for several)"),
]
StatusParam = Annotated[
    list[AppointmentStatus] | None,
    QueryParameter(name="status", description="only these statuses (repeat the parameter for several)"),
]


class NewAppointment(model.NewAppointment, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class CancelAppointment(model.CancelAppointment, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class AppointmentController(Controller):
    path = "/api/v1/appointments"
    tags = ("appointments",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        "/",
        operation_id="listAppointments",
        summary="A day's bookings, incoming referrals and clinic follow-ups due, by time, with who is expected",
        responses=error_responses(401, 403, 422),
    )
    async def listing(
        self,
        *,
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        zone: NamedDependency[zoneinfo.ZoneInfo],
        auditor: NamedDependency[Auditor],
        day: DateParam = None,
        purpose: PurposeParam = None,
        status: StatusParam = None,
    ) -> list[AppointmentItem]:
        wanted = day or today
        items = await day_list(
            db, day=wanted, today=today, tz=zone, purposes=purpose or (), statuses=status or ()
        )
        purposes = ",".join(sorted(p.value for p in purpose or ())) or "-"
        statuses = ",".join(sorted(s.value for s in status or ())) or "-"
        detail = f"date={wanted.isoformat()} purpose={purposes} status={statuses} results={len(items)}"
        # One row for the day's list, not one per resident: the desk's list must not queue behind
        # dozens of audit writes on SQLite's single writer.
        await auditor.record("list", entity=APPOINTMENT, entity_id=None, detail=detail)
        return items

    @post(
        "/",
        operation_id="createAppointment",
        summary="Book a resident at a time (today or later), optionally with a family doctor team",
        status_code=201,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def create(
        self,
        *,
        data: JSONBody[NewAppointment],
        db: NamedDependency[Database],
        site: NamedDependency[SiteConfig],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> Appointment:
        return await auditor.atomic(
            lambda: appointments.create_appointment(db, data, now=now, tz=site.timezone),
            lambda made: auditor.resident(
                made.resident_id,
                "appointment.create",
                detail=f"appointment={made.id} purpose={made.purpose.value}",
            ),
        )

    @post(
        "/{appointment_id:int}/arrive",
        operation_id="arriveAppointment",
        summary="The resident is here: open today's visit (or take the open one) and link it; idempotent",
        status_code=200,
        responses=error_responses(401, 403, 404, 409),
    )
    async def arrive(
        self,
        *,
        appointment_id: FromPath[int],
        db: NamedDependency[Database],
        site: NamedDependency[SiteConfig],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> ArrivalResult:
        return await auditor.atomic(
            lambda: appointments.arrive(db, appointment_id, actor_id=staff.id, now=now, tz=site.timezone),
            lambda done: auditor.resident(
                done.appointment.resident_id,
                "appointment.arrive",
                detail=f"appointment={appointment_id} visit={done.visit.id} opened={done.opened}",
            ),
        )

    @post(
        "/{appointment_id:int}/cancel",
        operation_id="cancelAppointment",
        summary="Cancel an appointment that has not arrived, with a reason",
        status_code=200,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def cancel(
        self,
        *,
        appointment_id: FromPath[int],
        data: JSONBody[CancelAppointment],
        db: NamedDependency[Database],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> Appointment:
        # The reason is kept with an incoming referral (its result); a booking has no column for it, and the
        # audit detail holds only kinds, never free text about a resident.
        return await auditor.atomic(
            lambda: appointments.cancel(db, appointment_id, data.reason, now=now),
            lambda done: auditor.resident(
                done.resident_id, "appointment.cancel", detail=f"appointment={appointment_id}"
            ),
        )
