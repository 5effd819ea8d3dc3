"""Resident search: the shape of the query picks the branches, each branch is one indexed lookup.

Ranking (score): exact ID number 100 > exact record number 90 > whole phone 80 > phone last 4 70 >
exact name 60 > name prefix 50 > pinyin initials exact 40 > initials prefix 30. A resident found by
several branches keeps the best. Results carry masked ID numbers and phones only.

Prefix search is a range, `col > 'ab' AND col < 'ac'`, on both engines: it walks a btree index and keeps
working with parameters in generic plans (LIKE needs case_sensitive_like on SQLite and a literal pattern on
PostgreSQL). On PostgreSQL the range is taken in byte order (COLLATE "C" indexes of the second migration).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from db import convert
from db.engine import Database
from db.tables import Resident
from flows.identity import upgrade_15
from flows.model import ResidentHit

_HIT_COLUMNS = "id, name, sex, birth_date, id_number, record_number, phone"
_ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LETTERS = re.compile(r"[a-z]+")
QUERY_MAX = 32

Branch = Callable[[], Awaitable[list[ResidentHit]]]


async def search_residents(db: Database, query: str, *, limit: int = 20) -> list[ResidentHit]:
    """Residents matching the query, best first; [] when the query has no searchable shape."""
    text = "".join(query.split())[:QUERY_MAX]
    limit = max(1, min(limit, 200))
    best: dict[int, ResidentHit] = {}
    for branch in _branches(db, text, limit):
        for found in await branch():
            if found.id not in best or best[found.id].score < found.score:
                best[found.id] = found
    ranked = sorted(best.values(), key=lambda h: (-h.score, h.name, h.id))
    return ranked[:limit]


def _branches(db: Database, text: str, limit: int) -> list[Branch]:
    upper, lower = text.upper(), text.lower()
    branches: list[Branch] = []

    def exact(column: str, value: str, matched_on: str, score: int) -> Branch:
        return lambda: _fetch(f"{column} = {{}}", [value], matched_on, score, limit)

    if _ID_NUMBER.fullmatch(upper):
        number = upgrade_15(upper) if len(upper) == 15 else upper
        branches.append(exact("id_number", number, "id_number", 100))
    elif text.isdigit() and len(text) == 17:
        branches.append(exact("record_number", text, "record_number", 90))
    elif text.isdigit() and len(text) == 11:
        branches.append(exact("phone", text, "phone", 80))
    elif text.isdigit() and len(text) == 4:
        branches.append(exact("phone_last4", text, "phone_last4", 70))
    elif _HAN.search(text):
        branches.append(exact("name", text, "name", 60))
        branches.append(_prefix(db, "name", text, matched_on="name", score=50, limit=limit))
    elif _LETTERS.fullmatch(lower):
        branches.append(exact("name_initials", lower, "initials", 40))
        branches.append(_prefix(db, "name_initials", lower, matched_on="initials", score=30, limit=limit))
    return branches


def _prefix(db: Database, column: str, prefix: str, *, matched_on: str, score: int, limit: int) -> Branch:
    """Rows whose column starts with prefix but is not equal to it (the exact branch has those)."""
    # PostgreSQL compares in the database collation unless told otherwise; the prefix indexes are
    # COLLATE "C" (byte order), the order in which the range below holds exactly the prefixed strings.
    expr = f'{column} COLLATE "C"' if db.kind == "postgres" else column
    # The smallest string greater than every string with this prefix: bump the last code point.
    upper_bound = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    where = f"{expr} > {{}} AND {expr} < {{}}"
    return lambda: _fetch(where, [prefix, upper_bound], matched_on, score, limit, order=f"{expr}, id")


async def _fetch(
    where: str, args: list[Any], matched_on: str, score: int, limit: int, *, order: str = "id"
) -> list[ResidentHit]:
    rows = await Resident.raw(
        f"SELECT {_HIT_COLUMNS} FROM resident WHERE {where} ORDER BY {order} LIMIT {int(limit)}", *args
    )
    return [convert.hit(row, matched_on=matched_on, score=score) for row in rows]
