"""The health record's history and family alerts (家属健康提示): read and save the record, propose and raise a
visit's alerts for the household, list a resident's alerts, and close one.

Every call is a read or write of a resident's record and is audited under that resident; raising an alert
writes the alerted relative's record too (the alert, and the family-history entry it adds), so it is audited
under each relative as well. Details name kinds and counts, never what the record says.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api import auth
from api.audit import Auditor
from api.errors import error_responses
from db import family_alerts
from db.engine import Database
from db.health_record import SaveResult, health_record, save_health_record
from flows.alerts import AlertStatusRequest, FamilyAlert, FamilyAlerts, RaiseAlerts
from flows.model import Staff, Visit
from flows.record import HealthRecord, HealthRecordInput
from flows.rules.family import ProposedAlert
from flows.rules.settings import RulesSettings


class RaiseRequest(RaiseAlerts, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class StatusRequest(AlertStatusRequest, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


def _save_detail(saved: SaveResult, visit_id: int | None) -> str:
    life = "changed" if saved.lifestyle_changed else "same"
    return (
        f"added={saved.added} removed={saved.removed} lifestyle={life} relations={len(saved.relatives)}"
        + (f" visit={visit_id}" if visit_id is not None else "")
    )


class HealthRecordController(Controller):
    path = "/api/v1"
    tags = ("health record",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        "/residents/{resident_id:int}/health-record",
        operation_id="getHealthRecord",
        summary="Past history, family history, lifestyle, allergies, outside medicines, household kinship, "
        "and this site's running prescriptions",
        responses=error_responses(401, 403, 404),
    )
    async def read(
        self,
        *,
        resident_id: FromPath[int],
        db: NamedDependency[Database],
        today: NamedDependency[dt.date],
        auditor: NamedDependency[Auditor],
    ) -> HealthRecord:
        found = await health_record(db, resident_id, today=today)
        await auditor.resident(resident_id, "record.read")
        return found

    @put(
        "/residents/{resident_id:int}/health-record",
        operation_id="saveHealthRecord",
        summary="Save the record's sections whole: entries left out are taken off (kept as removed), unchanged "
        "ones keep who recorded them",
        responses=error_responses(401, 403, 404, 422),
    )
    async def save(
        self,
        *,
        resident_id: FromPath[int],
        data: JSONBody[HealthRecordInput],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        zone: NamedDependency[zoneinfo.ZoneInfo],
        auditor: NamedDependency[Auditor],
    ) -> HealthRecord:
        async def audit(saved: SaveResult) -> None:
            await auditor.resident(resident_id, "record.update", detail=_save_detail(saved, data.visit_id))
            for relative in saved.relatives:  # kinship is a fact of both records
                await auditor.resident(relative, "record.relation", detail=f"relative={resident_id}")

        saved = await auditor.atomic(
            lambda: save_health_record(db, resident_id, data, actor_id=staff.id, now=now, tz=zone), audit
        )
        return saved.record

    @get(
        "/residents/{resident_id:int}/family-alerts",
        operation_id="listFamilyAlerts",
        summary="The resident's family alerts: about them (a relative's condition), and raised from them",
        responses=error_responses(401, 403, 404),
    )
    async def alerts(
        self, *, resident_id: FromPath[int], db: NamedDependency[Database], auditor: NamedDependency[Auditor]
    ) -> FamilyAlerts:
        found = await family_alerts.resident_alerts(db, resident_id)
        await auditor.resident(resident_id, "family_alert.list")
        return found

    @get(
        "/visits/{visit_id:int}/family-alerts/proposed",
        operation_id="proposeFamilyAlerts",
        summary="The family alerts the visit's resident's record proposes for the household, each with its clauses",
        responses=error_responses(401, 403, 404),
    )
    async def proposed(
        self,
        *,
        visit_id: FromPath[int],
        db: NamedDependency[Database],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
    ) -> list[ProposedAlert]:
        visit, found = await family_alerts.proposals(db, visit_id, settings=rules.family)
        detail = f"visit={visit_id} proposals={len(found)}"
        await auditor.resident(visit.resident_id, "family_alert.propose", detail=detail)
        return list(found)

    @post(
        "/visits/{visit_id:int}/family-alerts",
        operation_id="raiseFamilyAlerts",
        summary="The nurse confirms the proposed alerts (all, or those of some relatives or codes); each "
        "relative's family history gains the condition",
        status_code=201,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def raise_alerts(
        self,
        *,
        visit_id: FromPath[int],
        data: JSONBody[RaiseRequest],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        rules: NamedDependency[RulesSettings],
        auditor: NamedDependency[Auditor],
    ) -> list[FamilyAlert]:
        async def audit(done: tuple[Visit, list[FamilyAlert]]) -> None:
            visit, raised = done
            codes = ",".join(sorted({a.code.value for a in raised})) or "-"
            detail = f"visit={visit_id} alerts={len(raised)} codes={codes}"
            await auditor.resident(visit.resident_id, "family_alert.raise", detail=detail)
            for alert in raised:
                detail = f"alert={alert.id} code={alert.code.value} source={alert.source_id}"
                await auditor.resident(alert.relative_id, "family_alert.received", detail=detail)

        _visit, raised = await auditor.atomic(
            lambda: family_alerts.raise_alerts(
                db, visit_id, data, actor_id=staff.id, now=now, settings=rules.family
            ),
            audit,
        )
        return raised

    @post(
        "/family-alerts/{alert_id:int}/status",
        operation_id="setFamilyAlertStatus",
        summary="The relative was told (acknowledged) or screened (done)",
        status_code=200,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def status(
        self,
        *,
        alert_id: FromPath[int],
        data: JSONBody[StatusRequest],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> FamilyAlert:
        return await auditor.atomic(
            lambda: family_alerts.set_status(db, alert_id, data.status, actor_id=staff.id, now=now),
            lambda alert: auditor.resident(
                alert.relative_id,
                "family_alert.status",
                detail=f"alert={alert.id} status={alert.status.value}",
            ),
        )
