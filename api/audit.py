"""Audit trail helpers: who touched which record, how, when and from which address.

Every read or write of a resident's record is filed under entity "resident" and the resident's id, whatever
the route (visit, household membership, summary), so "who looked at this person?" is one indexed query.
Details never hold what was searched for or changed, only its kind: the audit log is not a second copy
of the records.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from litestar import Request

from api.context import client_address
from db.audit import record_audit
from db.engine import Database
from flows.model import Staff

RESIDENT, HOUSEHOLD, VISIT, SESSION = "resident", "household", "visit", "session"

_ID18 = re.compile(r"[0-9]{17}[0-9Xx]|[0-9]{15}")
_DIGITS = re.compile(r"[0-9]+")
_LATIN = re.compile(r"[A-Za-z]+")


async def audit(
    db: Database,
    request: Request[Any, Any, Any],
    *,
    actor: Staff | None,
    action: str,
    entity: str,
    entity_id: int | None,
    now: dt.datetime,
    detail: str | None = None,
) -> None:
    await record_audit(
        db,
        actor_id=actor.id if actor else None,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=detail,
        address=client_address(request),
        now=now,
    )


def query_kind(query: str) -> str:
    """The shape of a search text, for the audit detail (the text itself may be an ID number or a name)."""
    text = query.strip().replace(" ", "")
    if _ID18.fullmatch(text):
        return "id_number"
    if _DIGITS.fullmatch(text):
        if len(text) == 17:
            return "record_number"
        if len(text) == 4:
            return "phone_last4"
        return "phone" if len(text) >= 7 else "digits"
    if _LATIN.fullmatch(text):
        return "initials"
    return "name"


def changed_fields(update: object) -> str:
    """Names (not values) of the fields a partial update sets."""
    names = [f for f in getattr(update, "__struct_fields__", ()) if getattr(update, f) is not None]
    return "fields=" + (",".join(names) or "none")
