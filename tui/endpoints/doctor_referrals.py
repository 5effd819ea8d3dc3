"""Referrals from the doctor's desk: the prefilled form, refer (the referral and the visit's move together),
the visit's stored referral, and printing its summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flows.appointments import Referral
from flows.printing import PrintJob
from flows.referrals import ReferralDraft, VisitReferral, VisitReferralRequest

if TYPE_CHECKING:
    from tui.client import ApiClient


def draft(client: ApiClient, visit_id: int, direction: str) -> ReferralDraft:
    params = {"direction": direction}
    return client.call("GET", f"/api/v1/visits/{visit_id}/referral-draft", ReferralDraft, params=params)


def refer(client: ApiClient, visit_id: int, request: VisitReferralRequest) -> VisitReferral:
    """Refused (409) when the flow does not allow the referral at the visit's step, or another terminal moved
    the visit first (`expected_step`)."""
    return client.call("POST", f"/api/v1/visits/{visit_id}/referrals", VisitReferral, body=request)


def of_visit(client: ApiClient, visit_id: int) -> list[Referral]:
    """The visit's referrals, newest first."""
    return client.call("GET", f"/api/v1/visits/{visit_id}/referrals", list[Referral])


def print_referral(client: ApiClient, referral_id: int) -> PrintJob:
    """Queue the referral summary (转诊单) for the site's printer."""
    return client.call("POST", f"/api/v1/referrals/{referral_id}/print", PrintJob)
