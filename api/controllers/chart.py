"""`GET /api/v1/residents/{id}/chart`: the patient in one screen, for the doctor's desk (and the nurse's).

One request gathers every block the doctor reads before deciding (db.chart), so the desk makes one round
trip per patient. It is a read of the resident's record: audited as `chart.read`, the detail naming only
counts, never what the record says.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from api import auth
from api.audit import Auditor
from api.errors import error_responses
from db.chart import chart
from db.engine import Database
from flows.chart import Chart
from flows.rules.settings import RulesSettings


class ChartController(Controller):
    path = "/api/v1/residents/{resident_id:int}"
    tags = ("care",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        "/chart",
        operation_id="getChart",
        summary="The patient in one screen: conditions with follow-up class, latest values with their series, "
        "plans, medicines, allergies, contract, recent visits and alerts",
        responses=error_responses(401, 403, 404),
    )
    async def read(
        self,
        *,
        resident_id: FromPath[int],
        db: NamedDependency[Database],
        now: NamedDependency[dt.datetime],
        zone: NamedDependency[zoneinfo.ZoneInfo],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
    ) -> Chart:
        found = await chart(db, resident_id, now=now, zone=zone, rules=rules)
        await auditor.resident(
            resident_id,
            "chart.read",
            detail=f"conditions={len(found.conditions)} measures={len(found.measures)} alerts={len(found.alerts)}",
        )
        return found
