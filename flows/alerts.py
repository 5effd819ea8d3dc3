"""Family alerts (家属健康提示) as stored and shown, and the requests that raise and close them.

The rules that propose an alert are flows.rules.family; these are the envelopes the API and the desk share.
"""

from __future__ import annotations

import datetime as dt
import enum

import msgspec

from flows.record import HistoryCondition, Relation
from flows.rules.family import AlertCode


class FamilyAlertStatus(enum.StrEnum):
    OPEN = "open"  # raised, the relative not told yet
    ACKNOWLEDGED = "acknowledged"  # the relative was told
    DONE = "done"  # the relative was screened for it


# open → acknowledged → done; telling and screening may happen at once (open → done).
NEXT_STATUS: dict[FamilyAlertStatus, frozenset[FamilyAlertStatus]] = {
    FamilyAlertStatus.OPEN: frozenset({FamilyAlertStatus.ACKNOWLEDGED, FamilyAlertStatus.DONE}),
    FamilyAlertStatus.ACKNOWLEDGED: frozenset({FamilyAlertStatus.DONE}),
    FamilyAlertStatus.DONE: frozenset(),
}


class FamilyAlert(msgspec.Struct, frozen=True, kw_only=True):
    """An alert for `relative_id` because `source_id` has `condition`; the source is the relative's `relation`."""

    id: int
    relative_id: int
    relative_name: str
    source_id: int
    source_name: str
    code: AlertCode
    condition: HistoryCondition
    relation: Relation
    clauses: tuple[str, ...]
    summary: str
    status: FamilyAlertStatus
    created_at: dt.datetime
    created_by: int | None = None
    visit_id: int | None = None
    values: dict[str, float | int | str] = msgspec.field(default_factory=dict)
    status_at: dt.datetime | None = None
    status_by: int | None = None


class FamilyAlerts(msgspec.Struct, frozen=True, kw_only=True):
    """A resident's alerts: those about them (a relative's condition concerns them), and those raised from
    their own conditions for their relatives. Open ones first, then the newest."""

    about: tuple[FamilyAlert, ...]
    raised: tuple[FamilyAlert, ...]


class RaiseAlerts(msgspec.Struct, frozen=True, kw_only=True):
    """Raise the visit's proposed alerts (the nurse confirms them); empty filters take every proposal.

    `add_family_history` also writes the source's condition into each alerted relative's family history."""

    relative_ids: tuple[int, ...] = ()
    codes: tuple[AlertCode, ...] = ()
    add_family_history: bool = True


class AlertStatusRequest(msgspec.Struct, frozen=True, kw_only=True):
    status: FamilyAlertStatus
