"""Patient access tokens in the database (flows.access): issue, list, revoke, resolve, count a use.

Only the SHA-256 of a token is stored; the secret exists in the issuing request's answer (and on the
printed ticket) and nowhere else. The page's lookup is one indexed equality on the hash.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from db import convert
from db.engine import Database, write_transaction
from db.tables import AccessToken as Row
from db.tables import Resident
from db.visits import visit_of
from flows.access import AccessScope, AccessToken, TokenStatus, status_of
from flows.errors import Conflict, InvalidInput, NotFound

_COLUMNS = (
    "id, resident, token_hash, scope, purpose, visit, expires_at, revoked_at, revoked_by, created_at, "
    "created_by, last_used_at, uses"
)


def _token(row: dict[str, Any], now: dt.datetime) -> AccessToken:
    def opt(value: Any) -> dt.datetime | None:
        return convert.aware(value) if value is not None else None

    expires_at, revoked_at = convert.aware(row["expires_at"]), opt(row["revoked_at"])
    return AccessToken(
        id=row["id"],
        resident_id=row["resident"],
        scope=AccessScope(row["scope"]),
        purpose=row["purpose"],
        visit_id=row["visit"],
        created_at=convert.aware(row["created_at"]),
        created_by=row["created_by"],
        expires_at=expires_at,
        revoked_at=revoked_at,
        revoked_by=row["revoked_by"],
        last_used_at=opt(row["last_used_at"]),
        uses=int(row["uses"] or 0),
        status=status_of(expires_at=expires_at, revoked_at=revoked_at, now=now),
    )


async def issue(
    db: Database,
    *,
    resident_id: int,
    scope: AccessScope,
    purpose: str,
    secret_hash: str,
    expires_at: dt.datetime,
    now: dt.datetime,
    visit_id: int | None = None,
    today: dt.date | None = None,
    created_by: int | None = None,
) -> AccessToken:
    """Store a new token and revoke the resident's live tokens of the same purpose, in one transaction.

    A visit token needs a visit of this resident on `today` (a link to a past visit would show nothing).
    """
    async with write_transaction(db):
        if not await Resident.exists().where(Resident.id == resident_id):
            raise NotFound(f"no resident with id {resident_id}", field="resident_id")
        if scope is AccessScope.VISIT:
            if visit_id is None:
                raise InvalidInput("a visit link needs the visit's id", field="visit_id")
            visit = await visit_of(
                visit_id, resident_id
            )  # another resident's visit: NotFound, as a missing one
            if today is not None and visit.visit_date != today:
                raise InvalidInput("a visit link is for today's visit only", field="visit_id")
        elif visit_id is not None:
            raise InvalidInput("a record link is not tied to a visit: leave visit_id empty", field="visit_id")
        at = convert.utc(now)
        await Row.update({Row.revoked_at: at, Row.revoked_by: created_by}).where(
            (Row.resident == resident_id) & (Row.purpose == purpose) & Row.revoked_at.is_null()
        )
        inserted = await Row.insert(
            Row(
                resident=resident_id,
                token_hash=secret_hash,
                scope=scope.value,
                purpose=purpose,
                visit=visit_id,
                expires_at=convert.utc(expires_at),
                created_at=at,
                created_by=created_by,
                uses=0,
            )
        )
    return await get_token(inserted[0]["id"], now=now)


async def get_token(token_id: int, *, now: dt.datetime) -> AccessToken:
    rows = await Row.raw(f"SELECT {_COLUMNS} FROM access_token WHERE id = {{}}", token_id)
    if not rows:
        raise NotFound(f"no access token with id {token_id}", field="token_id")
    return _token(rows[0], now)


async def list_tokens(resident_id: int, *, now: dt.datetime, limit: int = 50) -> list[AccessToken]:
    """A resident's tokens, newest first."""
    rows = await Row.raw(
        f"SELECT {_COLUMNS} FROM access_token WHERE resident = {{}} ORDER BY id DESC LIMIT {{}}",
        resident_id,
        limit,
    )
    return [_token(r, now) for r in rows]


async def revoke(db: Database, token_id: int, *, by: int | None, now: dt.datetime) -> AccessToken:
    async with write_transaction(db):
        token = await get_token(token_id, now=now)
        if token.status is TokenStatus.REVOKED:
            raise Conflict(f"access token {token_id} is already revoked", field="token_id")
        await Row.update({Row.revoked_at: convert.utc(now), Row.revoked_by: by}).where(Row.id == token_id)
    return await get_token(token_id, now=now)


async def resolve(secret_hash: str, *, now: dt.datetime) -> AccessToken | None:
    """The token with this hash, whatever its status (the caller shows one page for every refusal)."""
    rows = await Row.raw(f"SELECT {_COLUMNS} FROM access_token WHERE token_hash = {{}}", secret_hash)
    # The index found the row by equality; compare again in constant time, so no code path of ours
    # branches on how much of a guessed hash matched.
    if not rows or not hmac.compare_digest(str(rows[0]["token_hash"]), secret_hash):
        return None
    return _token(rows[0], now)


async def count_use(token_id: int, *, now: dt.datetime) -> None:
    """One more use (inside the caller's transaction, with its audit row)."""
    await Row.update({Row.uses: Row.uses + 1, Row.last_used_at: convert.utc(now)}).where(Row.id == token_id)
