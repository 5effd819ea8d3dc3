"""Graded intervention: default and saved plans, today's follow-up class, the medicines list, prescriptions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import msgspec

from flows.clinical import PlanRequest, SavedPlan
from flows.medicines import MedicineItem
from flows.model import Condition
from flows.prescriptions import (
    Prescribed,
    PrescriptionRecord,
    PrescriptionRequest,
    ResidentPrescriptions,
    StopRequest,
)
from flows.rules.multimorbidity import DiseaseFollowup, MultimorbidityResult
from flows.rules.plans import ManagementPlan, PlanEdit

if TYPE_CHECKING:
    from tui.client import ApiClient


class ClassifyBody(msgspec.Struct, frozen=True, kw_only=True):
    """The body of `classifyFollowup` (nothing saved)."""

    items: tuple[DiseaseFollowup, ...]
    age: int
    today: dt.date
    drug_count: int = 0
    comorbidities: tuple[Condition, ...] = ()


def default_plan(client: ApiClient, resident_id: int, condition: Condition) -> ManagementPlan:
    """The default plan of the condition at the resident's latest follow-up class."""
    path = f"/api/v1/residents/{resident_id}/plans/default"
    return client.call("GET", path, ManagementPlan, params={"condition": condition.value})


def save_plan(
    client: ApiClient,
    resident_id: int,
    condition: Condition,
    edit: PlanEdit,
    visit_id: int,
    *,
    today_class: str | None = None,
) -> SavedPlan:
    """Save the condition's plan at today's class (None: the latest recorded class)."""
    body = PlanRequest(condition=condition, edit=edit, visit_id=visit_id, follow_up_class=today_class)
    return client.call("POST", f"/api/v1/residents/{resident_id}/plans", SavedPlan, body=body)


def classify(client: ApiClient, body: ClassifyBody) -> MultimorbidityResult:
    return client.call("POST", "/api/v1/rules/followup", MultimorbidityResult, body=body)


def medicines(client: ApiClient) -> list[MedicineItem]:
    return client.call("GET", "/api/v1/medicines", list[MedicineItem])


def prescriptions(client: ApiClient, resident_id: int) -> ResidentPrescriptions:
    return client.call("GET", f"/api/v1/residents/{resident_id}/prescriptions", ResidentPrescriptions)


def prescribe(client: ApiClient, resident_id: int, request: PrescriptionRequest) -> Prescribed:
    path = f"/api/v1/residents/{resident_id}/prescriptions"
    return client.call("POST", path, Prescribed, body=request)


def stop_prescription(client: ApiClient, prescription_id: int, reason: str) -> PrescriptionRecord:
    path = f"/api/v1/prescriptions/{prescription_id}/stop"
    return client.call("POST", path, PrescriptionRecord, body=StopRequest(reason=reason))
