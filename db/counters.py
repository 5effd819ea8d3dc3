"""Gap-free sequences in the `counter` table, bumped inside the caller's writing transaction.

Gap-free because the bump and the row that uses the number commit or roll back together: a refused
registration (duplicate ID, unknown household) leaves the counter where it was. The UPDATE takes the row's
write lock on PostgreSQL; on SQLite the IMMEDIATE transaction already holds the database's.
"""

from __future__ import annotations

from db.tables import Counter

_BUMP = (
    'INSERT INTO counter ("name", "value") VALUES ({}, 1) '
    'ON CONFLICT ("name") DO UPDATE SET "value" = counter."value" + 1 '
    'RETURNING "value"'
)


async def next_value(name: str) -> int:
    """The next value of the named sequence (1 for a new one). Call inside db.engine.write_transaction."""
    rows = await Counter.raw(_BUMP, name)
    return int(rows[0]["value"])
