"""The doctor's worklists (issue 8): due today, overdue with call outcomes, contracts and long-term prescriptions
expiring, referrals awaiting their result — the rows the API sends and the TUI shows, and the call rules.

The overdue list's order is flows.rules.indicators.overdue_list (CLINICAL_RULES.md §10: high risk first, then
days overdue); the call outcomes are Simple.org's (a HEARTS-style practice, §10): agreed to visit, call later,
remove with a reason. Pure: `today` is an argument.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Final

from msgspec import Struct

from flows.appointments import ReferralDirection, ReferralUrgency
from flows.errors import InvalidInput
from flows.model import Condition, Sex
from flows.rules.indicators import RiskReason

CALL_LATER_DAYS: Final = 7  # Simple.org's "remind to call later" default: a week
MAX_CALL_AHEAD_DAYS: Final = 365
MAX_NOTE: Final = 500
EXPIRING_CONTRACT_DAYS: Final = (
    30  # flows.rules.contracts.ContractSettings.renewal_window_days, our default [U]
)
EXPIRING_PRESCRIPTION_DAYS: Final = 7  # a week to renew a long-term prescription before it runs out [U]


class WorklistScope(enum.StrEnum):
    SITE = "site"  # every resident of the site
    TEAM = "team"  # residents whose contract in force is with `team_id`
    MINE = "mine"  # the logged-in staff's own team


class CallOutcome(enum.StrEnum):
    AGREED = "agreed"  # agreed to visit: stays on the list, marked, until the follow-up is done
    CALL_LATER = "call_later"  # hidden from the list until `call_again_on`
    REMOVED = "removed"  # off the list for good, with a reason


class RemovalReason(enum.StrEnum):
    DIED = "died"
    MOVED_AWAY = "moved_away"
    REFUSED = "refused"
    FOLLOWED_ELSEWHERE = "followed_elsewhere"  # already followed up at another facility
    OTHER = "other"  # says why in the note


class WorkResident(Struct, frozen=True, kw_only=True):
    """Who a row is about: enough to phone them and to know why they are managed."""

    resident_id: int
    name: str
    phone: str | None
    sex: Sex
    birth_date: dt.date
    conditions: tuple[Condition, ...] = ()  # confirmed diagnoses


class DueTodayItem(Struct, frozen=True, kw_only=True):
    """A resident expected today: follow-ups due today and/or a booking not arrived yet."""

    resident: WorkResident
    follow_up_ids: tuple[int, ...] = ()
    follow_up_conditions: tuple[Condition, ...] = ()
    appointment_id: int | None = None
    scheduled_for: dt.datetime | None = None
    purpose: str | None = None  # flows.appointments.AppointmentPurpose of the booking
    last_sbp: int | None = None  # the latest observations, whatever the source
    last_dbp: int | None = None
    last_bp_at: dt.datetime | None = None
    last_fpg: float | None = None
    last_fpg_at: dt.datetime | None = None


class CallState(Struct, frozen=True, kw_only=True):
    """The last call's outcome of an overdue follow-up (None: not called yet)."""

    outcome: CallOutcome
    reason: RemovalReason | None = None
    note: str | None = None
    call_again_on: dt.date | None = None  # call later: when; agreed: the day the resident said they will come
    called_at: dt.datetime | None = None
    called_by: int | None = None


class OverdueEntry(Struct, frozen=True, kw_only=True):
    resident: WorkResident
    follow_up_id: int
    condition: Condition
    due_date: dt.date
    days_overdue: int
    high_risk: bool
    reasons: tuple[RiskReason, ...]
    last_sbp: int | None
    last_dbp: int | None
    last_bp_on: dt.date | None
    last_fpg: float | None
    last_fpg_on: dt.date | None
    clauses: tuple[str, ...]
    call: CallState | None = None


class ContractExpiring(Struct, frozen=True, kw_only=True):
    resident: WorkResident
    contract_id: int
    team_id: int
    team_name: str
    package: str
    start_date: dt.date
    end_date: dt.date
    days_left: int


class PrescriptionExpiring(Struct, frozen=True, kw_only=True):
    resident: WorkResident
    prescription_id: int
    drug: str
    dose: str
    frequency: str
    start_date: dt.date
    end_date: dt.date
    days_left: int


class ReferralAwaiting(Struct, frozen=True, kw_only=True):
    resident: WorkResident
    referral_id: int
    direction: ReferralDirection
    urgency: ReferralUrgency
    reasons: str
    destination: str
    department: str | None
    created_at: dt.datetime
    days_since: int


class DueTodayPage(Struct, frozen=True, kw_only=True):
    total: int
    items: tuple[DueTodayItem, ...]


class OverduePage(Struct, frozen=True, kw_only=True):
    total: int
    items: tuple[OverdueEntry, ...]


class ContractsPage(Struct, frozen=True, kw_only=True):
    total: int
    items: tuple[ContractExpiring, ...]


class PrescriptionsPage(Struct, frozen=True, kw_only=True):
    total: int
    items: tuple[PrescriptionExpiring, ...]


class ReferralsPage(Struct, frozen=True, kw_only=True):
    total: int
    items: tuple[ReferralAwaiting, ...]


class CallOutcomeRequest(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A call's outcome. `on`: agreed — the day the resident will come (books a follow-up appointment);
    call later — when to call again (default in CALL_LATER_DAYS). `reason` is required to remove."""

    outcome: CallOutcome
    on: dt.date | None = None
    reason: RemovalReason | None = None
    note: str | None = None


class CallDecision(Struct, frozen=True, kw_only=True):
    """What to store for a call (`check_call`): the columns, and the day to book for an agreed visit."""

    outcome: CallOutcome
    note: str | None
    call_again_on: dt.date | None
    book_on: dt.date | None


class CallRecord(Struct, frozen=True, kw_only=True):
    """A call outcome as stored; `appointment_id` is the follow-up appointment an agreed date booked."""

    follow_up_id: int
    resident_id: int
    call: CallState
    appointment_id: int | None = None


def check_call(request: CallOutcomeRequest, today: dt.date) -> CallDecision:
    """The columns a call outcome stores; InvalidInput (naming the field) for what cannot be stored."""
    note = (request.note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise InvalidInput(f"note is {len(note)} characters, at most {MAX_NOTE}", field="note")
    on = request.on
    if on is not None and on > today + dt.timedelta(days=MAX_CALL_AHEAD_DAYS):
        raise InvalidInput(f"on {on} is more than {MAX_CALL_AHEAD_DAYS} days ahead", field="on")
    if request.outcome is CallOutcome.REMOVED:
        if request.reason is None:
            raise InvalidInput("removing from the list needs a reason", field="reason")
        if request.reason is RemovalReason.OTHER and note is None:
            raise InvalidInput("reason `other` needs a note saying why", field="note")
        return CallDecision(
            outcome=request.outcome, note=removal_note(request.reason, note), call_again_on=None, book_on=None
        )
    if request.reason is not None:
        raise InvalidInput("a reason is only given when removing from the list", field="reason")
    if request.outcome is CallOutcome.CALL_LATER:
        again = on or today + dt.timedelta(days=CALL_LATER_DAYS)
        if again <= today:
            raise InvalidInput(f"call again on {again}: that is not after today ({today})", field="on")
        return CallDecision(outcome=request.outcome, note=note, call_again_on=again, book_on=None)
    if on is not None and on < today:
        raise InvalidInput(f"the visit day {on} is before today ({today})", field="on")
    return CallDecision(outcome=request.outcome, note=note, call_again_on=on, book_on=on)


_REASONS: Final = frozenset(r.value for r in RemovalReason)


# The schema has one note column for the call: a removal stores its reason code first ("refused: 说不需要").
def removal_note(reason: RemovalReason, note: str | None) -> str:
    return reason.value if note is None else f"{reason.value}: {note}"


def call_state(
    outcome: str,
    note: str | None,
    *,
    call_again_on: dt.date | None,
    called_at: dt.datetime | None,
    called_by: int | None,
) -> CallState:
    """A stored call outcome read back; a removal's reason code is split off its note."""
    kind = CallOutcome(outcome)
    reason: RemovalReason | None = None
    if kind is CallOutcome.REMOVED and note:
        code, _sep, rest = note.partition(": ")
        if code in _REASONS:
            reason, note = RemovalReason(code), rest or None
    return CallState(
        outcome=kind,
        reason=reason,
        note=note,
        call_again_on=call_again_on,
        called_at=called_at,
        called_by=called_by,
    )
