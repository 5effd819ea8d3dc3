"""Store errors: what the database refused, translated from driver exceptions into flows-style errors."""

from __future__ import annotations

import sqlite3

from flows.errors import FlowError


class StoreError(FlowError):
    """The database could not do what was asked (unreachable, busy, backup failed). Not the caller's fault."""

    code = "store_error"


class DatabaseBusy(StoreError):
    """SQLite's single writer lock was held longer than the busy timeout; retrying later will work."""

    code = "database_busy"


def is_busy(exc: BaseException) -> bool:
    """SQLite says "database is locked" (or "busy") when the busy timeout ran out waiting for the writer."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def is_unique_violation(exc: BaseException) -> bool:
    """A UNIQUE constraint or unique index refused a row, on either engine."""
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE constraint failed" in str(exc)
    import asyncpg  # only present when the PostgreSQL extra is installed; always is in this project

    return isinstance(exc, asyncpg.exceptions.UniqueViolationError)


def busy_error(exc: BaseException, timeout_s: float) -> DatabaseBusy:
    return DatabaseBusy(
        f"the database is busy: another writer held it for more than {timeout_s:g} s; try again "
        f"(SQLite said: {exc})",
        details={"timeout_s": timeout_s},
    )
