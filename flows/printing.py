"""Print jobs: their states, the retry back-off, and when a job is too old to print by itself.

```
queued ─claim─► sending ─sent─► printed
  ▲               │ printer fault / no answer / refused
  └── back-off ───┘
queued (older than expire_s) ─► expired     ─┐ offered to staff; reprint = a NEW job they asked for
sending when the API stopped ─► uncertain   ─┘ (it may have printed: never replayed by itself)
```

Why never replay: some printers accept a job with no paper and print the whole backlog once paper is
loaded (DEVICES.md §1); a queue ticket from twenty minutes ago sends a resident to a room that has moved on.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Final

from flows.model import Struct


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    PRINTED = "printed"
    EXPIRED = "expired"  # not printed within expire_s: offered for reprint
    UNCERTAIN = "uncertain"  # sending when the API stopped: may or may not be on paper
    CANCELLED = "cancelled"


class JobKind(enum.StrEnum):
    TICKET = "ticket"
    REPRINT = "reprint"  # staff asked again (a lost ticket, an expired job): printed with 补打
    TEST = "test"
    DOCUMENT = "document"  # a page of text (health education, referral summary): DocumentContent, no ticket


OFFERED: Final = frozenset({JobStatus.EXPIRED, JobStatus.UNCERTAIN})  # the desk's "print again?" list

FIRST_DELAY_S: Final = 0.5
MAX_DELAY_S: Final = 10.0


class PrintJob(Struct, frozen=True, kw_only=True):
    id: int
    ticket_id: int | None
    label: str | None  # the ticket's number, for the desk's list
    kind: JobKind
    status: JobStatus
    attempts: int
    created_at: dt.datetime
    printer: str = "default"
    last_error: str | None = None
    printer_state: str | None = None  # hardware.printer.errors.PrinterState value at the last attempt
    next_attempt_at: dt.datetime | None = None
    printed_at: dt.datetime | None = None
    requested_by: int | None = None
    reprint_of: int | None = None


class DocumentContent(Struct, frozen=True, kw_only=True):
    """A page of text for the ticket printer (hardware/printer/document.py): a title, lines wrapped to the
    paper there, and an optional footer. Stored as the job's content, so a retry or a reprint prints the same."""

    title: str
    lines: tuple[str, ...]
    footer: str | None = None


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failed ones: 0.5, 1, 2, 4, 8, then every 10 s.

    Short at first (a nurse closing the cover should see the ticket at once), capped so a printer switched
    back on is noticed within seconds, not minutes."""
    if attempts < 1:
        return 0.0
    return float(min(FIRST_DELAY_S * 2.0 ** (attempts - 1), MAX_DELAY_S))


def is_expired(created_at: dt.datetime, now: dt.datetime, expire_s: float) -> bool:
    return (now - created_at).total_seconds() > expire_s
