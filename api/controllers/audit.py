"""`GET /api/v1/audit`: the audit trail, for administrators only."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from api import auth
from api.errors import error_responses
from db.audit import list_audit
from db.engine import Database
from flows.model import AuditEvent

EntityFilter = Annotated[
    str | None,
    QueryParameter(name="entity", max_length=32, description="resident | household | visit | session"),
]
EntityIdFilter = Annotated[int | None, QueryParameter(name="entity_id")]
ActorFilter = Annotated[int | None, QueryParameter(name="actor_id", description="staff id")]
Limit = Annotated[int, QueryParameter(ge=1, le=1000)]


class AuditController(Controller):
    path = "/api/v1/audit"
    tags = ("audit",)
    guards = (auth.require(auth.AUDIT_ROLES),)
    security = ({"BearerToken": []},)

    @get(
        "/",
        operation_id="listAuditEvents",
        summary="Who did what to which record, newest first",
        responses=error_responses(401, 403, 422),
    )
    async def listing(
        self,
        *,
        db: NamedDependency[Database],
        entity: EntityFilter = None,
        entity_id: EntityIdFilter = None,
        actor_id: ActorFilter = None,
        limit: Limit = 100,
    ) -> list[AuditEvent]:
        return await list_audit(db, entity=entity, entity_id=entity_id, actor_id=actor_id, limit=limit)
