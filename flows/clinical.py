"""The clinical contents of a visit as values (and JSON shapes of the API): what enters it, what the rules
said, and what the doctor decided. The rules themselves live in flows/rules/; these are their envelopes.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import msgspec

from flows.followup_form import FollowupForm
from flows.model import Condition, Contract, Move, Observation, ObservationSource
from flows.rules.base import Finding, NextStep
from flows.rules.contracts import KeyPopulation
from flows.rules.followup_override import ClassDecision
from flows.rules.multimorbidity import MultimorbidityResult
from flows.rules.plans import ManagementPlan, PlanEdit


class Struct(msgspec.Struct, frozen=True, kw_only=True):
    """As in flows.model: every subclass states frozen and kw_only itself."""


# --- values and symptoms entering a visit ---------------------------------------------------------------


class VisitEntry(Struct, frozen=True, kw_only=True):
    """Values and symptoms entering a visit at once (typed at the desk, or claimed from a device)."""

    # code → value in the unit of flows.measurements. Typed loosely on purpose: flows.measurements.validate
    # checks each value and names its code (`measurements.weight`), which the decoder's own error cannot.
    measurements: dict[str, Any] = msgspec.field(default_factory=dict)
    symptoms: tuple[str, ...] = ()  # flows.rules.emergency symptom codes
    source: ObservationSource = ObservationSource.MANUAL
    device_id: str | None = None
    pregnant_or_lactating: bool = False  # raises the emergency list's pregnancy clauses


class EmergencyStatus(enum.StrEnum):
    OPEN = "open"  # the visit may only be referred as an emergency (or cancelled)
    REFERRED = "referred"  # the visit moved refer_emergency
    OVERRIDDEN = "overridden"  # a doctor decided it is not an emergency here, and said why
    CANCELLED = "cancelled"  # the visit was cancelled (the resident left); the cancel reason is kept


class EmergencyFlag(Struct, frozen=True, kw_only=True):
    id: int
    visit_id: int
    resident_id: int
    findings: tuple[Finding, ...]
    detected_at: dt.datetime
    status: EmergencyStatus
    resolved_at: dt.datetime | None = None
    resolved_by: int | None = None
    reason: str | None = None


class VisitEntryResult(Struct, frozen=True, kw_only=True):
    """What was saved and what the emergency lists said; `moves` are the moves allowed now."""

    visit_id: int
    resident_id: int
    observations: tuple[Observation, ...]
    symptoms: tuple[str, ...]
    emergency: tuple[Finding, ...]
    flag: EmergencyFlag | None
    moves: tuple[Move, ...]


class EmergencyOverride(Struct, frozen=True, kw_only=True):
    """A doctor's decision that the open emergency of a visit is not one here; the reason is required."""

    reason: str


# --- signing ----------------------------------------------------------------------------------------


class SigningStatus(Struct, frozen=True, kw_only=True):
    """What the signing check shows: the contract covering today, whether renewal is due, and why the
    resident is a priority to sign (OPINION-2025 key populations)."""

    contract: Contract | None
    in_force: bool
    renewal_due: bool
    key_populations: tuple[KeyPopulation, ...]


# --- diagnosis ---------------------------------------------------------------------------------------


class DiagnosisDecision(enum.StrEnum):
    CONFIRM = "confirm"
    REJECT = "reject"


class DiagnosisRequest(Struct, frozen=True, kw_only=True):
    """The doctor confirms or rejects a condition; the basis defaults to the criteria the rules found."""

    condition: Condition
    decision: DiagnosisDecision
    visit_id: int | None = None
    basis: str | None = None  # the doctor's own words; appended to the rules' basis
    icd10: str | None = (
        None  # a more specific code than the rules' default (must be in the condition's family)
    )


class DiagnosisRecord(Struct, frozen=True, kw_only=True):
    id: int
    resident_id: int
    condition: Condition
    icd10: str
    basis: str | None
    status: str  # confirmed | ruled_out
    diagnosed_at: dt.datetime
    diagnosed_by: int | None
    visit_id: int | None = None
    clauses: tuple[str, ...] = ()


# --- follow-up ------------------------------------------------------------------------------------------


class FollowupMode(enum.StrEnum):
    CLINIC = "clinic"  # 门诊 (face to face)
    HOME = "home"  # 家庭 (face to face)
    PHONE = "phone"  # 电话


class FollowupItem(Struct, frozen=True, kw_only=True):
    """One disease's block of a follow-up form; the values come from the request or the visit."""

    condition: Condition
    adverse_reaction: bool = False
    adverse_persisting: bool = False
    new_or_worse_complication: bool = False
    copd_stable: bool | None = None  # COPD only
    # The doctor's class (a FollowupClass value; COPD: a CopdFollowupClass value) when it differs from the rules':
    # it needs the request's override_reason (flows.rules.followup_override, clause FU.class_override).
    class_override: str | None = None


class FollowupRequest(Struct, frozen=True, kw_only=True):
    """A follow-up of one or more diseases (多病共管: one visit, a class per disease, the earliest date wins).

    The values are the ones measured at THIS follow-up: given here (a home or phone follow-up) or entered in the
    visit. An older reading is never used. `next_date` overrides the computed date and needs `override_reason`
    (so does an item's `class_override`). `form` is the national form (merged when several diseases): its BP and
    FPG count as this follow-up's values when the request gives none. `next_mode` is the next booking's mode
    (default: this follow-up's).
    """

    resident_id: int
    items: tuple[FollowupItem, ...]
    visit_id: int | None = None
    mode: FollowupMode = FollowupMode.CLINIC
    sbp: int | None = None
    dbp: int | None = None
    fpg: float | None = None
    drug_count: int | None = None  # None: the resident's prescriptions running today
    next_date: dt.date | None = None
    override_reason: str | None = None
    form: FollowupForm | None = None
    next_mode: FollowupMode | None = None


class FollowupRecord(Struct, frozen=True, kw_only=True):
    """A follow-up row: a booking (done_at None) or a follow-up done with its class."""

    id: int
    resident_id: int
    condition: Condition
    due_date: dt.date
    mode: str
    follow_up_class: str | None = None
    done_at: dt.datetime | None = None
    visit_id: int | None = None
    staff_id: int | None = None
    sbp: int | None = None
    dbp: int | None = None
    fpg: float | None = None
    referral: bool = False
    override_reason: str | None = None
    form: FollowupForm | None = None  # the condition's national form: the shared part and its own block
    # The class the rules computed; it differs from follow_up_class when the doctor overrode it.
    rules_class: str | None = None


class FollowupOutcome(Struct, frozen=True, kw_only=True):
    """The rules' assessment, the follow-ups recorded as done, and the bookings made for the next date."""

    assessment: MultimorbidityResult
    done: tuple[FollowupRecord, ...]
    booked: tuple[FollowupRecord, ...]
    next_date: dt.date  # the assessment's date, or the doctor's override


class FollowupPreview(Struct, frozen=True, kw_only=True):
    """What a follow-up would record, nothing written: the rules' assessment, each condition's class as it would
    be recorded (the doctor's override beside the rules'), and the visit's next date."""

    assessment: MultimorbidityResult
    decisions: tuple[ClassDecision, ...]
    next_date: dt.date  # the earliest of the decisions, or the doctor's date


class FollowupDraft(Struct, frozen=True, kw_only=True):
    """A follow-up form filled from what is known: the conditions to follow up (confirmed hypertension, diabetes,
    COPD), the visit's values, the health record's lifestyle, the running prescriptions."""

    resident_id: int
    visit_id: int | None
    items: tuple[FollowupItem, ...]
    form: FollowupForm


# --- management plans ------------------------------------------------------------------------------


class PlanRequest(Struct, frozen=True, kw_only=True):
    """Save one condition's plan: the default for its latest follow-up class, with the doctor's edits."""

    condition: Condition
    edit: PlanEdit = msgspec.field(default_factory=PlanEdit)
    visit_id: int | None = None
    # Today's follow-up class, as the rules gave it for this visit's values (classifyFollowup): the plan step
    # comes before the follow-up is recorded, so without it the plan would follow the previous visit's class.
    # None: the latest recorded class (before any follow-up: controlled / stable).
    follow_up_class: str | None = None


class SavedPlan(Struct, frozen=True, kw_only=True):
    id: int
    resident_id: int
    condition: Condition
    plan: ManagementPlan
    created_at: dt.datetime
    created_by: int | None
    visit_id: int | None = None


class ResidentPlans(Struct, frozen=True, kw_only=True):
    """Each condition's active plan, and the merged plan a multimorbid resident follows (strictest goals)."""

    plans: tuple[SavedPlan, ...]
    merged: ManagementPlan | None


# --- screening --------------------------------------------------------------------------------------


class ScreeningReport(Struct, frozen=True, kw_only=True):
    """The screening of one visit: findings and next steps, each with the clauses behind it."""

    visit_id: int
    findings: tuple[Finding, ...]
    next_steps: tuple[NextStep, ...]
    emergency: bool
    clauses: tuple[str, ...]
