"""What every rule module shares: the clause registry, findings with their clauses, overridable settings.

A clause is one fact of CLINICAL_RULES.md: an id (e.g. "HTN.grade.3"), its document and section, and how well
it is confirmed ([V] official text, [V2] secondary source, [U] unconfirmed). Facts tagged [U] are never
hard-wired: they live in a module's settings struct, which a site can override in its configuration.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import math
from typing import Final, TypeGuard

import msgspec

from flows.errors import InvalidInput


class Source(enum.StrEnum):
    """The documents of CLINICAL_RULES.md, by their short names."""

    BPHS_2017 = "BPHS-2017"
    HTN_2020 = "HTN-2020"
    HTN_2025 = "HTN-2025"
    WS_T_872 = "WS-T-872"
    DM_2022 = "DM-2022"
    DM_2025 = "DM-2025"
    LIPID_2023 = "LIPID-2023"
    WS_T_428 = "WS-T-428"
    COPD_2024 = "COPD-2024"
    GB_11643 = "GB-11643"
    GUIDE_2025 = "GUIDE-2025"
    OPINION_2025 = "OPINION-2025"
    ZYYXH_T157 = "ZYYXH/T157-2009"


class Confidence(enum.StrEnum):
    V = "V"  # confirmed in a stored copy of the official text or an official interpretation
    V2 = "V2"  # confirmed only in a secondary source
    U = "U"  # not confirmed: an overridable setting


class Clause(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    source: Source
    section: str  # where in the document, e.g. "高血压患者健康管理服务规范 §随访评估"
    confidence: Confidence
    text: str  # the fact in one sentence (ours, not the document's wording)


CLAUSES: Final[dict[str, Clause]] = {}


def clause(id: str, source: Source, section: str, confidence: Confidence, text: str) -> str:
    """Register a clause at import time and return its id (modules keep the ids as constants)."""
    found = Clause(id=id, source=source, section=section, confidence=confidence, text=text)
    if CLAUSES.get(id, found) != found:
        raise ValueError(f"clause {id} registered twice with different facts: {CLAUSES[id]} / {found}")
    CLAUSES[id] = found
    return id


class Severity(enum.StrEnum):
    INFO = "info"  # a category or score, nothing to do
    ADVICE = "advice"  # something to do at a normal pace (recheck, test, lifestyle)
    WARNING = "warning"  # needs the doctor's attention today
    EMERGENCY = "emergency"  # refer at once (紧急转诊); the visit cannot pass it silently


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    """One result of a rule: a stable machine code, a severity, the values it used and the clauses behind it.

    `code` is what the TUI translates (e.g. "htn.grade.2"); `summary` is a plain English line for API readers.
    """

    code: str
    severity: Severity
    summary: str
    clauses: tuple[str, ...]
    values: dict[str, float | int | str] = msgspec.field(default_factory=dict)


class NextStep(msgspec.Struct, frozen=True, kw_only=True):
    """Something to do next (recheck BP on another day, OGTT, spirometry, screen again), with its due date."""

    code: str
    summary: str
    clauses: tuple[str, ...]
    due: dt.date | None = None


class RuleError(InvalidInput):
    """A rule was given input it cannot judge (an impossible value, an answer outside the form's options).

    An InvalidInput, so the API answers 422 naming the field with no special case.
    """

    code = "invalid_rule_input"


# Plausibility (ours): the oldest age any rule accepts.
MAX_AGE: Final = 130
# A year in days where a yearly count is spread over days (COPD follow-up interval, indicator periods).
DAYS_PER_YEAR: Final = 365
# The criteria of §2–§6 are adult criteria (WS-T-428 is 成人体重判定): grades, rechecks, lipid screening, plans.
ADULT_AGE: Final = 18


def check_range(value: float, field: str, bounds: tuple[float, float], unit: str) -> None:
    """Refuse what no human body produces (DEVICES.md §3 plausibility): RuleError naming the field and unit."""
    low, high = bounds
    if not math.isfinite(value) or not low <= value <= high:
        raise RuleError(f"{field} {value} {unit} is outside the plausible {low}–{high} {unit}", field=field)


def is_int_in(value: object, low: int, high: int) -> TypeGuard[int]:
    """A whole number within low..high; a bool is not one, though Python counts it as an int."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def check_int(value: object, field: str, low: int, high: int) -> int:
    """A whole number (not a bool) within low..high, or RuleError naming the field."""
    if not is_int_in(value, low, high):
        raise RuleError(f"{field} must be an integer {low}–{high}, got {value!r}", field=field)
    return value


def check_bool(value: object, field: str) -> bool:
    """A yes/no answer that really is a bool (decoded JSON may bring 1 or "yes"), or RuleError naming the field."""
    if not isinstance(value, bool):
        raise RuleError(f"{field} must be yes or no, got {value!r}", field=field)
    return value


def check_not_after(day: dt.date | None, today: dt.date, field: str) -> None:
    """Refuse a date in the future (a record cannot be dated after today); None passes."""
    if day is not None and day > today:
        raise RuleError(f"{field} {day} is after today {today}", field=field)


def band(value: float, lower_bounds: tuple[float, ...]) -> int:
    """Index of the band `value` falls in, given the ascending lower bounds of bands 1..n (below all: 0)."""
    return sum(1 for b in lower_bounds if value >= b)


def round_half_up(value: float) -> int:
    """Whole number, halves up, as the forms record it (138.5 → 139; Python's round would give 138)."""
    return math.floor(value + 0.5)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months (negative: back), clamped to the month's end: 31 May − 3 months →
    28/29 February, 31 August + 6 months → 28/29 February, 29 February + 12 months → 28 February."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years of age on `day` (a birthday on 29 February counts on 1 March in common years)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
