"""The audit log: written and listed newest first, filtered by entity and actor."""

from __future__ import annotations

import datetime as dt

from db.audit import list_audit, record_audit
from db.engine import Database
from flows.model import Staff


async def test_audit_written_and_listed(database: Database, nurse: Staff, now: dt.datetime) -> None:
    await record_audit(
        database,
        actor_id=nurse.id,
        action="read",
        entity="resident",
        entity_id=7,
        now=now,
        address="127.0.0.1",
    )
    await record_audit(
        database,
        actor_id=nurse.id,
        action="search",
        entity="resident",
        entity_id=None,
        detail="q=zs",
        now=now + dt.timedelta(seconds=1),
    )
    await record_audit(
        database,
        actor_id=None,
        action="login_failed",
        entity="session",
        entity_id=None,
        detail="user=ghost",
        now=now + dt.timedelta(seconds=2),
    )

    everything = await list_audit(database)
    assert [e.action for e in everything] == ["login_failed", "search", "read"]
    first = everything[-1]
    assert (first.actor_id, first.entity, first.entity_id, first.address, first.at) == (
        nurse.id,
        "resident",
        7,
        "127.0.0.1",
        now,
    )
    assert [e.action for e in await list_audit(database, entity="resident", entity_id=7)] == ["read"]
    assert [e.action for e in await list_audit(database, actor_id=nurse.id)] == ["search", "read"]
    assert len(await list_audit(database, limit=1)) == 1
