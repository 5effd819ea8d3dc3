"""`/api/v1/visits`: open a visit, read it, list, the moves allowed now, and move it through the flow.

Visit reads and writes are reads and writes of the resident's record, so they are audited under the
resident (see api/audit.py); the detail names the visit and the move.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import auth
from api.audit import VISIT, Auditor
from api.bodies import MoveRequest, NewVisit
from api.errors import error_responses
from db.engine import Database
from db.visits import get_visit, list_visits, move_visit, moves_now, open_visit
from flows.model import Move, Staff, Visit
from onestop.config import SiteConfig

ResidentFilter = Annotated[int | None, QueryParameter(name="resident_id", description="only this resident")]
DateFilter = Annotated[
    dt.date | None, QueryParameter(name="date", description="local visit date, YYYY-MM-DD")
]
OpenFilter = Annotated[bool, QueryParameter(name="open", description="only visits not done or cancelled")]
Limit = Annotated[int, QueryParameter(ge=1, le=500, description="at most this many visits")]


class VisitController(Controller):
    path = "/api/v1/visits"
    tags = ("visits",)
    guards = (auth.require(auth.CLINICAL_ROLES),)
    security = ({"BearerToken": []},)

    @post(
        "/",
        operation_id="openVisit",
        summary="Open today's visit for a resident",
        status_code=201,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def start(
        self,
        *,
        data: JSONBody[NewVisit],
        db: NamedDependency[Database],
        site: NamedDependency[SiteConfig],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> Visit:
        return await auditor.atomic(
            lambda: open_visit(db, data.resident_id, actor_id=staff.id, now=now, tz=site.timezone),
            lambda visit: auditor.resident(visit.resident_id, "visit.open", detail=f"visit={visit.id}"),
        )

    @get(
        "/",
        operation_id="listVisits",
        summary="Visits by resident, local date, open or not",
        responses=error_responses(401, 403, 422),
    )
    async def listing(
        self,
        *,
        db: NamedDependency[Database],
        auditor: NamedDependency[Auditor],
        resident_id: ResidentFilter = None,
        visit_date: DateFilter = None,
        open_only: OpenFilter = False,
        limit: Limit = 50,
    ) -> list[Visit]:
        visits = await list_visits(
            db, resident_id=resident_id, visit_date=visit_date, open_only=open_only, limit=limit
        )
        detail = (
            f"date={visit_date.isoformat() if visit_date else '-'} open={open_only} results={len(visits)}"
        )
        if resident_id is not None:
            await auditor.resident(resident_id, "visit.list", detail=detail)
        else:
            # A day's worklist touches many residents: one row, not one per resident, keeps SQLite's
            # single writer free for the desk.
            await auditor.record("list", entity=VISIT, entity_id=None, detail=detail)
        return visits

    @get(
        "/{visit_id:int}",
        operation_id="getVisit",
        summary="A visit with its step events",
        responses=error_responses(401, 403, 404),
    )
    async def read(
        self,
        *,
        visit_id: FromPath[int],
        db: NamedDependency[Database],
        auditor: NamedDependency[Auditor],
    ) -> Visit:
        visit = await get_visit(db, visit_id)
        await auditor.resident(visit.resident_id, "visit.read", detail=f"visit={visit_id}")
        return visit

    @get(
        "/{visit_id:int}/moves",
        operation_id="listVisitMoves",
        summary="The moves the flow allows now (only the emergency exits while an emergency is open)",
        responses=error_responses(401, 403, 404),
    )
    async def moves(
        self,
        *,
        visit_id: FromPath[int],
        db: NamedDependency[Database],
        auditor: NamedDependency[Auditor],
    ) -> list[Move]:
        visit, allowed = await moves_now(db, visit_id)
        await auditor.resident(visit.resident_id, "visit.read", detail=f"visit={visit_id} moves")
        return [*allowed]

    @post(
        "/{visit_id:int}/events",
        operation_id="moveVisit",
        summary="Move the visit to its next step",
        status_code=200,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def move(
        self,
        *,
        visit_id: FromPath[int],
        data: JSONBody[MoveRequest],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> Visit:
        return await auditor.atomic(
            lambda: move_visit(db, visit_id, data, actor_id=staff.id, now=now),
            lambda moved: auditor.resident(moved.resident_id, "visit.move", detail=_move_detail(moved, data)),
        )


def _move_detail(visit: Visit, data: MoveRequest) -> str:
    """`visit=ID move=MOVE FROM->TO`: which move, never its reason (free text about the resident)."""
    last = visit.events[-1] if visit.events else None
    path = f" {last.from_step.value}->{last.to_step.value}" if last else ""
    return f"visit={visit.id} move={data.move.value}{path}"
