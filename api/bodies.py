"""Request bodies: the flows structs, but refusing unknown fields, plus the few shapes only the API has.

msgspec ignores unknown fields by default, so a misspelt `phnoe` would be dropped silently and the resident
saved without a phone. Each request struct here subclasses its flows struct with `forbid_unknown_fields`
and keeps its name, so the OpenAPI schema still says `NewResident` and stores receive a flows value.
"""

from __future__ import annotations

import msgspec

from flows import clinical, model, queue


class Credentials(model.Credentials, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class NewResident(model.NewResident, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class ResidentUpdate(model.ResidentUpdate, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class NewHousehold(model.NewHousehold, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class NewVisit(model.NewVisit, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class MoveRequest(model.MoveRequest, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class VisitEntry(clinical.VisitEntry, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class EmergencyOverride(clinical.EmergencyOverride, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class DiagnosisRequest(clinical.DiagnosisRequest, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class FollowupRequest(clinical.FollowupRequest, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class PlanRequest(clinical.PlanRequest, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class NewMember(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """`POST /api/v1/households/{id}/members`: the resident who joins the household."""

    resident_id: int


class Health(msgspec.Struct, frozen=True, kw_only=True):
    status: str  # ok
    database: str  # sqlite | postgres
    version: str
    site: str  # the site's name, for the terminals' header line
    timezone: str = "Asia/Shanghai"  # the site's zone: "today" for a terminal is the site's date, not its own


class TriageRequest(queue.TriageRequest, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class TicketMoveRequest(queue.TicketMoveRequest, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass
