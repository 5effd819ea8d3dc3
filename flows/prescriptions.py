"""Prescriptions and shortage records as the API and the TUI exchange them (flows.rules.prescribing checks them)."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct


class PrescriptionRequest(Struct, frozen=True, kw_only=True):
    """`prescribe`: a drug of the site's list. `days` is the supply from today (long-term: at most 84)."""

    drug: str
    dose: str
    frequency: str
    days: int
    long_term: bool = False
    visit_id: int | None = None
    plan_id: int | None = None
    # The pharmacy has none: the prescription is still made (flagged) and a shortage record made with it.
    shortage: bool = False
    note: str | None = None  # for the shortage record


class PrescriptionRecord(Struct, frozen=True, kw_only=True):
    id: int
    resident_id: int
    drug: str
    dose: str
    frequency: str
    long_term: bool
    shortage: bool
    start_date: dt.date
    end_date: dt.date | None  # the last day of supply; a stopped prescription: the day it was stopped
    running: bool  # taken today
    days_left: int | None  # running: days of supply left, today included
    stop_reason: str | None = None
    visit_id: int | None = None
    plan_id: int | None = None
    prescribed_by: int | None = None
    created_at: dt.datetime


class ResidentPrescriptions(Struct, frozen=True, kw_only=True):
    """`listPrescriptions`: what runs today and what ended lately, and the 多重用药 flag on the running drugs."""

    running: tuple[PrescriptionRecord, ...]
    recent: tuple[PrescriptionRecord, ...]  # ended or stopped in the last RECENT_DAYS
    drug_count: int  # distinct drugs running
    pharmacist_review: bool  # drug_count at or above review_from
    review_from: int  # MultimorbiditySettings.polypharmacy_drugs


class StopRequest(Struct, frozen=True, kw_only=True):
    reason: str


class ShortageRequest(Struct, frozen=True, kw_only=True):
    """`recordShortage`: a drug of the list is out of stock; for whom, when a resident needed it."""

    drug: str
    resident_id: int | None = None
    visit_id: int | None = None
    note: str | None = None


class ShortageRecord(Struct, frozen=True, kw_only=True):
    id: int
    drug: str
    resident_id: int | None
    visit_id: int | None
    prescription_id: int | None
    note: str | None
    recorded_at: dt.datetime
    recorded_by: int | None
    resolved_at: dt.datetime | None = None
    resolved_by: int | None = None


class Prescribed(Struct, frozen=True, kw_only=True):
    """The answer to `prescribe`: the prescription, its shortage record if any, and the running count now."""

    prescription: PrescriptionRecord
    shortage: ShortageRecord | None
    drug_count: int
    pharmacist_review: bool
    clauses: tuple[str, ...]
