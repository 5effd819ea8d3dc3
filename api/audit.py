"""Audit trail: who touched which record, how, when and from which address.

Every read or write of a resident's record is filed under entity "resident" and the resident's id, whatever
the route (visit, household membership, summary), so "who looked at this person?" is one indexed query.
Details never hold what was searched for or changed, only its kind: the audit log is not a second copy
of the records.

A write and its audit row commit together (`Auditor.atomic`): a crash between them can lose neither alone.
A read is audited after it, in its own short transaction: there is nothing to roll back if that fails.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

from db.audit import record_audit
from db.engine import Database, write_transaction
from db.errors import is_unique_violation
from flows.errors import FlowError
from flows.model import Staff

RESIDENT, HOUSEHOLD, VISIT, SESSION = "resident", "household", "visit", "session"

T = TypeVar("T")

_ID18 = re.compile(r"[0-9]{17}[0-9Xx]|[0-9]{15}")
_DIGITS = re.compile(r"[0-9]+")
_LATIN = re.compile(r"[A-Za-z]+")


@dataclasses.dataclass(frozen=True)
class Auditor:
    """One request's audit writer: the staff acting (None before login), their address, the request's `now`."""

    db: Database
    actor: Staff | None
    address: str | None
    now: dt.datetime

    def acting_as(self, actor: Staff | None) -> Auditor:
        """The same request, audited under `actor` (a login learns who acts only once the password checks)."""
        return dataclasses.replace(self, actor=actor)

    async def record(
        self, action: str, *, entity: str, entity_id: int | None, detail: str | None = None
    ) -> None:
        await record_audit(
            self.db,
            actor_id=self.actor.id if self.actor else None,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
            address=self.address,
            now=self.now,
        )

    async def resident(self, resident_id: int, action: str, *, detail: str | None = None) -> None:
        """A read or write of this resident's record, by whatever route."""
        await self.record(action, entity=RESIDENT, entity_id=resident_id, detail=detail)

    async def atomic(self, write: Callable[[], Awaitable[T]], audit: Callable[[T], Awaitable[None]]) -> T:
        """Run `write` (a store call) and then `audit(result)` in ONE writing transaction: both commit or
        neither. The store's own write_transaction joins this one (Piccolo nests a transaction opened while
        another is current on the same engine into it), so there is one commit per write request.

        A domain error (NotFound, Conflict, …) rolls everything back and propagates unchanged. One case is
        retried, once: on PostgreSQL a unique index refusing a racing insert aborts the whole outer
        transaction, so the store's follow-up check that would name the clash fails too; run afresh, the
        store's own checks see the committed winner and refuse with the usual Conflict.
        """
        try:
            return await self._atomic_once(write, audit)
        except FlowError:
            raise
        except Exception as exc:
            if not _lost_unique_race(exc):
                raise
        return await self._atomic_once(write, audit)

    async def _atomic_once(
        self, write: Callable[[], Awaitable[T]], audit: Callable[[T], Awaitable[None]]
    ) -> T:
        async with write_transaction(self.db):
            result = await write()
            await audit(result)
        return result


def _lost_unique_race(exc: BaseException) -> bool:
    """Whether a unique-index refusal is anywhere in the chain (asyncpg's "transaction is aborted" error,
    raised by the store's follow-up query, carries it as its context)."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        if is_unique_violation(link):
            return True
        seen.add(id(link))
        link = link.__cause__ or link.__context__
    return False


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
