"""`/api/v1/visits/{id}/entries` and `/emergencies`: values and symptoms into a visit, and its emergencies.

Every value or symptom enters a visit through `POST …/entries`, which checks the emergency lists at once
(db/observations.py). An emergency raises an open flag; the visit then only allows refer_emergency or cancel,
unless a doctor overrides it with a reason (`POST …/emergencies/override`, doctors only). Both are audited.
"""

from __future__ import annotations

import datetime as dt

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api import auth
from api.audit import Auditor
from api.bodies import EmergencyOverride, VisitEntry
from api.errors import error_responses
from db import emergencies
from db.engine import Database
from db.observations import record_entry
from db.visits import visit_row
from flows.clinical import EmergencyFlag, VisitEntryResult
from flows.errors import InvalidInput
from flows.model import ObservationSource, Role, Staff
from flows.rules.settings import RulesSettings

DOCTORS = frozenset({Role.DOCTOR})


class EntryController(Controller):
    path = "/api/v1/visits/{visit_id:int}"
    tags = ("visits",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @post(
        "/entries",
        operation_id="enterValues",
        summary="Values and symptoms into the visit, checked against the emergency lists",
        status_code=201,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def enter(
        self,
        *,
        visit_id: FromPath[int],
        data: JSONBody[VisitEntry],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
    ) -> VisitEntryResult:
        if data.source is ObservationSource.DEVICE or data.device_id is not None:
            # A device's value enters only by claiming its reading (POST …/readings), which keeps the raw
            # frame; a typed value claiming to come from a device would pass for a measured one.
            raise InvalidInput(
                "device values enter the visit by claiming their reading (POST /api/v1/visits/{id}/readings); "
                "a typed value is manual, self_check or home",
                field="source",
            )
        return await auditor.atomic(
            lambda: record_entry(db, visit_id, data, actor_id=staff.id, now=now, rules=rules),
            lambda saved: _audit_entry(auditor, saved),
        )

    @get(
        "/emergencies",
        operation_id="listEmergencies",
        summary="The emergencies found in the visit and how each was resolved",
        responses=error_responses(401, 403, 404),
    )
    async def listing(
        self, *, visit_id: FromPath[int], db: NamedDependency[Database], auditor: NamedDependency[Auditor]
    ) -> list[EmergencyFlag]:
        visit = await visit_row(visit_id)
        await auditor.resident(visit.resident_id, "visit.read", detail=f"visit={visit_id} emergencies")
        return await emergencies.flags(db, visit_id)

    @post(
        "/emergencies/override",
        operation_id="overrideEmergency",
        summary="A doctor decides the open emergency is not one here (reason required)",
        status_code=200,
        guards=[auth.require(DOCTORS)],
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def override(
        self,
        *,
        visit_id: FromPath[int],
        data: JSONBody[EmergencyOverride],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> list[EmergencyFlag]:
        visit = await visit_row(visit_id)
        return await auditor.atomic(
            lambda: emergencies.override(db, visit_id, reason=data.reason, actor_id=staff.id, now=now),
            lambda flags: auditor.resident(
                visit.resident_id,
                "visit.emergency_override",
                detail=f"visit={visit_id} flags={','.join(str(f.id) for f in flags)}",
            ),
        )


async def _audit_entry(auditor: Auditor, saved: VisitEntryResult) -> None:
    """Which codes entered and whether an emergency was raised; never the values (they are the record)."""
    codes = ",".join([o.code for o in saved.observations] + list(saved.symptoms))
    detail = f"visit={saved.visit_id} codes={codes} emergency={'yes' if saved.flag else 'no'}"
    await auditor.resident(saved.resident_id, "visit.entry", detail=detail)
