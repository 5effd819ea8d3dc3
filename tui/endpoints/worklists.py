"""The doctor's worklists (flows.worklists): the five lists of the doctor's own team, a call's outcome, a
referral's result (the referral part's `POST /api/v1/referrals/{id}/result`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

import msgspec

from flows.referrals import ReferralResult
from flows.worklists import (
    CallOutcome,
    CallOutcomeRequest,
    CallRecord,
    ContractsPage,
    DueTodayPage,
    OverduePage,
    PrescriptionsPage,
    ReferralsPage,
    RemovalReason,
)

if TYPE_CHECKING:
    from tui.client import ApiClient

Page = DueTodayPage | OverduePage | ContractsPage | PrescriptionsPage | ReferralsPage
PAGES: Final[dict[str, type[Page]]] = {
    "due-today": DueTodayPage,
    "overdue": OverduePage,
    "contracts-expiring": ContractsPage,
    "prescriptions-expiring": PrescriptionsPage,
    "referrals-awaiting": ReferralsPage,
}
ROWS: Final = 200  # a day's work; the title says when there are more


def load_list(client: ApiClient, name: str, *, mine: bool) -> Page:
    """One list, the doctor's own team (`mine`) or the whole site."""
    params = {"scope": "mine" if mine else "site", "limit": str(ROWS)}
    return client.call("GET", f"/api/v1/worklists/{name}", PAGES[name], params=params)


def load_all(client: ApiClient, *, mine: bool) -> dict[str, Page]:
    return {name: load_list(client, name, mine=mine) for name in PAGES}


def record_call(
    client: ApiClient,
    follow_up_id: int,
    outcome: CallOutcome,
    *,
    on: dt.date | None = None,
    reason: RemovalReason | None = None,
    note: str | None = None,
) -> CallRecord:
    body = CallOutcomeRequest(outcome=outcome, on=on, reason=reason, note=note)
    return client.call("POST", f"/api/v1/followups/{follow_up_id}/call-outcome", CallRecord, body=body)


class _Answered(msgspec.Struct, frozen=True, kw_only=True):
    id: int


def record_result(client: ApiClient, referral_id: int, *, arrived: bool, result: str) -> int:
    body = ReferralResult(arrived=arrived, result=result)
    return client.call("POST", f"/api/v1/referrals/{referral_id}/result", _Answered, body=body).id
