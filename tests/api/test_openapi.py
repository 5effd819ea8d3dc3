"""The OpenAPI document builds, and every operation carries an explicit, unique operationId."""

from __future__ import annotations

import re
from typing import Any

from api.app import create_app
from onestop.config import Settings
from tests.api.helpers import Api

EXPECTED = {
    "getHealth",
    "listQueues",
    "issueTicket",
    "listTickets",
    "previewTicket",
    "getTicket",
    "callNextTicket",
    "moveTicket",
    "getPrinter",
    "printTestPage",
    "listPrintJobs",
    "listOfferedPrintJobs",
    "getPrintJob",
    "reprintJob",
    "boardPage",
    "boardEvents",
    "getBoard",
    "patientPage",
    "patientQrCode",
    "issueAccessToken",
    "listAccessTokens",
    "revokeAccessToken",
    "createSession",
    "getSession",
    "deleteSession",
    "searchResidents",
    "createResident",
    "getResident",
    "updateResident",
    "getResidentSummary",
    "createHousehold",
    "getHousehold",
    "addHouseholdMember",
    "removeHouseholdMember",
    "openVisit",
    "listVisits",
    "getVisit",
    "listVisitMoves",
    "moveVisit",
    "listAuditEvents",
    "enterValues",
    "listEmergencies",
    "overrideEmergency",
    "answerQuestionnaire",
    "screenVisit",
    "diagnosisCriteria",
    "listDiagnoses",
    "decideDiagnosis",
    "listFollowups",
    "doFollowup",
    "defaultPlan",
    "listPlans",
    "savePlan",
    "listClauses",
    "getClause",
    "listQuestionnaires",
    "getQuestionnaire",
    "getRuleSettings",
    "classifyFollowup",
    "getIndicators",
    "getCohort",
    "getDashboard",
    "hypertensionReferral",
    "signingStatus",
    "listTeams",
    "signContract",
    "listContracts",
    "renewContract",
    "listAppointments",
    "createAppointment",
    "arriveAppointment",
    "cancelAppointment",
    "recordReferral",
    "listReferrals",
    "getHealthRecord",
    "saveHealthRecord",
    "listFamilyAlerts",
    "proposeFamilyAlerts",
    "raiseFamilyAlerts",
    "setFamilyAlertStatus",
    "listOverdue",
    "getDeviceHealth",
    "listDevices",
    "getDevice",
    "listDeviceReadings",
    "listReadings",
    "streamReadings",
    "getReading",
    "getStation",
    "putStationVisit",
    "listVisitReadings",
    "claimReadings",
    # the doctor's desk (issue 8)
    "followupDraft",
    "previewFollowup",
    "listQueuePatients",
    "getEducation",
    "printEducation",
    "getChart",
    "listMedicines",
    "listPrescriptions",
    "prescribe",
    "stopPrescription",
    "listShortages",
    "recordShortage",
    "resolveShortage",
    "worklistDueToday",
    "worklistOverdue",
    "recordCallOutcome",
    "worklistContractsExpiring",
    "worklistPrescriptionsExpiring",
    "worklistReferralsAwaiting",
    "draftReferral",
    "referVisit",
    "listVisitReferrals",
    "recordReferralResult",
    "printReferral",
    "getIndicatorSeries",
    "getIndicatorBoard",
    "exportIndicators",
}


def _operations(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    ops: dict[str, dict[str, Any]] = {}
    paths = schema["paths"]
    assert isinstance(paths, dict)
    for path, item in paths.items():
        for method, op in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                ops[f"{method.upper()} {path}"] = op
    return ops


def test_schema_served_over_http_has_an_operation_id_on_every_operation(api: Api) -> None:
    answer = api.anon.get("/schema/openapi.json")
    assert answer.status_code == 200
    ops = _operations(answer.json())
    ids = [op.get("operationId") for op in ops.values()]
    assert all(ids), ops
    assert len(set(ids)) == len(ids)
    # Litestar's generated ids are PascalCase paths; ours are chosen camelCase verbs.
    assert all(re.fullmatch(r"[a-z]+[A-Za-z]*", str(i)) for i in ids), ids
    assert set(ids) == EXPECTED


def test_schema_describes_bodies_errors_and_bearer_auth() -> None:
    schema = create_app(Settings()).openapi_schema.to_schema()
    components = schema["components"]
    assert {"NewResident", "Resident", "ResidentHit", "MoveRequest", "Visit", "ApiError"} <= set(
        components["schemas"]
    )
    assert components["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    ops = _operations(schema)
    create = ops["POST /api/v1/residents"]
    assert {"201", "409", "422"} <= set(create["responses"])
    assert create["security"] == [{"BearerToken": []}]
    # Validation failures are 422 ApiError everywhere; Litestar's default 400 ValidationException is gone.
    assert create["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ApiError")
    assert create["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ApiError")
    assert "400" not in ops["GET /api/v1/residents"]["responses"]
    assert "security" not in ops["GET /api/v1/health"]
