"""Diagnosis and health education: the history, the visit's screening, the criteria with their evidence, the
decisions; the visit's health education and printing it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from flows.clinical import DiagnosisRecord, DiagnosisRequest, ScreeningReport
from flows.printing import PrintJob
from flows.record import HealthRecord
from flows.rules.diagnosis import Criterion
from flows.rules.education import VisitEducation
from tui.endpoints.record import get_record
from tui.endpoints.screening import HistoryFlags, screen_visit

if TYPE_CHECKING:
    from tui.client import ApiClient


class DiagnosisData(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the diagnosis screen shows, read in one go."""

    record: HealthRecord
    screening: ScreeningReport
    criteria: tuple[Criterion, ...]
    decisions: tuple[DiagnosisRecord, ...]


def criteria(client: ApiClient, resident_id: int, *, typical_symptoms: bool = False) -> list[Criterion]:
    params = {"typical_symptoms": "true"} if typical_symptoms else None
    path = f"/api/v1/residents/{resident_id}/diagnosis-criteria"
    return client.call("GET", path, list[Criterion], params=params)


def decisions(client: ApiClient, resident_id: int) -> list[DiagnosisRecord]:
    return client.call("GET", f"/api/v1/residents/{resident_id}/diagnoses", list[DiagnosisRecord])


def decide(client: ApiClient, resident_id: int, request: DiagnosisRequest) -> DiagnosisRecord:
    """Confirm or reject one condition; 422 (field `basis`) when unmet criteria are confirmed without words."""
    path = f"/api/v1/residents/{resident_id}/diagnoses"
    return client.call("POST", path, DiagnosisRecord, body=request)


def load(client: ApiClient, resident_id: int, visit_id: int, *, typical_symptoms: bool) -> DiagnosisData:
    return DiagnosisData(
        record=get_record(client, resident_id),
        screening=screen_visit(client, visit_id, HistoryFlags(diabetes_symptoms=typical_symptoms)),
        criteria=tuple(criteria(client, resident_id, typical_symptoms=typical_symptoms)),
        decisions=tuple(decisions(client, resident_id)),
    )


def education(client: ApiClient, visit_id: int) -> VisitEducation:
    return client.call("GET", f"/api/v1/visits/{visit_id}/education", VisitEducation)


def print_education(client: ApiClient, visit_id: int) -> PrintJob:
    return client.call("POST", f"/api/v1/visits/{visit_id}/education/print", PrintJob)
