"""The audit log: who read or wrote what, when, from which address. Append-only."""

from __future__ import annotations

import datetime as dt

from db import convert
from db.engine import Database, write_transaction
from db.tables import AuditEvent
from flows.errors import InvalidInput
from flows.model import AuditEvent as AuditEventStruct

_COLUMNS = "id, at, actor_id, action, entity, entity_id, detail, address"


async def record_audit(
    db: Database,
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: str | None = None,
    address: str | None = None,
    now: dt.datetime,
) -> None:
    if not action or not entity:
        raise InvalidInput(
            "an audit event needs an action and an entity", field="action" if not action else "entity"
        )
    async with write_transaction(db):
        await AuditEvent.insert(
            AuditEvent(
                at=convert.utc(now),
                actor_id=actor_id,
                action=action[:32],
                entity=entity[:32],
                entity_id=entity_id,
                detail=detail,
                address=address[:64] if address else None,
            )
        )


async def list_audit(
    db: Database,
    *,
    entity: str | None = None,
    entity_id: int | None = None,
    actor_id: int | None = None,
    limit: int = 100,
) -> list[AuditEventStruct]:
    """Newest first (by id: the order they were written)."""
    where: list[str] = []
    args: list[object] = []
    for column, value in (("entity", entity), ("entity_id", entity_id), ("actor_id", actor_id)):
        if value is not None:
            where.append(f"{column} = {{}}")
            args.append(value)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    limit = max(1, min(limit, 1000))
    rows = await AuditEvent.raw(
        f"SELECT {_COLUMNS} FROM audit_event {clause} ORDER BY id DESC LIMIT {limit}", *args
    )
    return [convert.audit_event(row) for row in rows]
