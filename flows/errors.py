"""The one exception family of the core; the API maps each kind to an HTTP status in one place."""

from __future__ import annotations


class FlowError(Exception):
    """Base of every domain refusal. `code` is stable and machine-readable; the message is for people."""

    code = "flow_error"

    def __init__(self, message: str, *, field: str | None = None, details: dict[str, object] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details or {}


class InvalidInput(FlowError):
    """A value that can never be right (a malformed ID number, an impossible date)."""

    code = "invalid_input"


class NotFound(FlowError):
    """A referenced thing (resident, household, visit) does not exist."""

    code = "not_found"


class Conflict(FlowError):
    """The request clashes with what exists (a duplicate ID number, a second open visit, a stale step)."""

    code = "conflict"


class EmergencyPending(Conflict):
    """An emergency found in the visit is still open: only emergency referral (or cancel) may follow,
    unless a doctor overrides it with a reason (CLINICAL_RULES.md §2, §3 紧急转诊)."""

    code = "emergency_pending"


class MoveNotAllowed(FlowError):
    """The visit's transition table has no such move from the current step."""

    code = "move_not_allowed"


class Unauthorized(FlowError):
    """No valid credentials (wrong password, unknown or expired session token)."""

    code = "unauthorized"


class Forbidden(FlowError):
    """Valid credentials, but the role may not do this."""

    code = "forbidden"


class TooManyAttempts(FlowError):
    """Too many failed tries in a short time (a password being guessed); `details.retry_after_s` says when."""

    code = "too_many_attempts"
