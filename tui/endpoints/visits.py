"""Visits: open today's (or the one already open), read one, and move it (GUIDE-2025 one-stop flow)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flows.model import Move, MoveRequest, NewVisit, Visit

if TYPE_CHECKING:
    from tui.client import ApiClient


def open_visit(client: ApiClient, resident_id: int) -> Visit:
    """Today's visit of the resident: the open one if another terminal (or an earlier try) opened it."""
    from tui.client import ApiClientError

    try:
        return client.call("POST", "/api/v1/visits", Visit, body=NewVisit(resident_id=resident_id))
    except ApiClientError as error:
        if error.code != "conflict":
            raise
        today = todays_open(client, resident_id)
        if today is None:
            raise
        return today


def todays_open(client: ApiClient, resident_id: int) -> Visit | None:
    """The resident's newest open visit: today's, since opening one refused a second for today."""
    params = {"resident_id": str(resident_id), "open": "true", "limit": "5"}
    visits = client.call("GET", "/api/v1/visits", list[Visit], params=params)
    return max(visits, key=lambda v: (v.visit_date, v.id), default=None)


def get_visit(client: ApiClient, visit_id: int) -> Visit:
    return client.call("GET", f"/api/v1/visits/{visit_id}", Visit)


def move_visit(
    client: ApiClient,
    visit: Visit,
    move: Move,
    *,
    reason: str | None = None,
    team_id: int | None = None,
) -> Visit:
    """One move, refused by the API (409) if another terminal moved the visit from `visit.step` first."""
    request = MoveRequest(move=move, expected_step=visit.step, reason=reason, team_id=team_id)
    return client.call("POST", f"/api/v1/visits/{visit.id}/events", Visit, body=request)
