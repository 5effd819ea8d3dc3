"""The health record and family alerts (家属健康提示): read and save the record, propose, raise and close alerts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flows.alerts import AlertStatusRequest, FamilyAlert, FamilyAlerts, FamilyAlertStatus, RaiseAlerts
from flows.record import HealthRecord, HealthRecordInput
from flows.rules.family import ProposedAlert

if TYPE_CHECKING:
    from tui.client import ApiClient


def get_record(client: ApiClient, resident_id: int) -> HealthRecord:
    return client.call("GET", f"/api/v1/residents/{resident_id}/health-record", HealthRecord)


def save_record(client: ApiClient, resident_id: int, body: HealthRecordInput) -> HealthRecord:
    """The sections whole (what is left out is taken off); 422 names the field, e.g. `allergies[2].substance`."""
    return client.call("PUT", f"/api/v1/residents/{resident_id}/health-record", HealthRecord, body=body)


def resident_alerts(client: ApiClient, resident_id: int) -> FamilyAlerts:
    return client.call("GET", f"/api/v1/residents/{resident_id}/family-alerts", FamilyAlerts)


def proposed_alerts(client: ApiClient, visit_id: int) -> list[ProposedAlert]:
    return client.call("GET", f"/api/v1/visits/{visit_id}/family-alerts/proposed", list[ProposedAlert])


def raise_alerts(client: ApiClient, visit_id: int, request: RaiseAlerts) -> list[FamilyAlert]:
    return client.call("POST", f"/api/v1/visits/{visit_id}/family-alerts", list[FamilyAlert], body=request)


def set_alert_status(client: ApiClient, alert_id: int, status: FamilyAlertStatus) -> FamilyAlert:
    body = AlertStatusRequest(status=status)
    return client.call("POST", f"/api/v1/family-alerts/{alert_id}/status", FamilyAlert, body=body)
