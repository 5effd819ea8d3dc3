"""Patient access tokens: the secret in the QR code that lets a resident read their own record on a phone.

The token is the only credential a patient has, so it carries the whole weight of the design:
- 128 random bits (`TOKEN_BYTES`), written as 22 URL-safe base64 characters: far beyond guessing, short
  enough for a small QR code (version 3–4 for a LAN URL).
- Only its SHA-256 is stored. A plain, unsalted hash is enough for a random 128-bit secret (there is no
  dictionary to precompute); a slow password hash would only make every page view slower.
- A scope: `visit` shows today's visit and queue position; `record` shows the personal record.
- A purpose: issuing a new token for the same purpose (the same ticket, the same visit link, the record
  card) revokes the old one, so a reprinted ticket or a replaced card leaves exactly one working link.
- An expiry: a ticket's or a visit's token lives to the end of the local day; a record card 30 days
  (`AccessSettings`, `[access]` of the configuration).

Pure: the caller passes the random token, `now` and the site's time zone.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
import zoneinfo
from typing import Final

import msgspec

from flows.errors import InvalidInput

TOKEN_BYTES: Final = 16  # 128 bits (issue 6: "at least 128 random bits")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")  # base64url of TOKEN_BYTES, no padding
RECORD_PURPOSE: Final = "record"


class AccessScope(enum.StrEnum):
    VISIT = "visit"  # today's visit and its queue position (a ticket's QR)
    RECORD = "record"  # the resident's own record (a record card's QR)


class TokenStatus(enum.StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class AccessSettings(msgspec.Struct, frozen=True, kw_only=True):
    """How long a token lives unless staff choose otherwise. Site policy, not a clinical rule."""

    record_days: int = 30  # a record card (issue 6 default)
    max_days: int = 365  # the longest staff may choose: a lost card must die within a year at worst


class AccessToken(msgspec.Struct, frozen=True, kw_only=True):
    """What staff see of a token. Never the secret: only its hash is stored, and it is shown once."""

    id: int
    resident_id: int
    scope: AccessScope
    purpose: str  # "record", "visit:<id>" or "ticket:<id>": a new token for the same purpose revokes the old
    created_at: dt.datetime
    expires_at: dt.datetime
    visit_id: int | None = None
    created_by: int | None = None
    revoked_at: dt.datetime | None = None
    revoked_by: int | None = None
    last_used_at: dt.datetime | None = None
    uses: int = 0
    status: TokenStatus = TokenStatus.ACTIVE  # as of the moment it was read


class NewAccessToken(msgspec.Struct, frozen=True, kw_only=True):
    """A staff request: a record card for a resident, or a link to one of their visits."""

    resident_id: int
    scope: AccessScope
    visit_id: int | None = None  # required for scope "visit"
    expires_at: dt.datetime | None = None  # default from AccessSettings


class IssuedToken(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to issuing: the secret and its URL, shown this once, and the QR matrix to draw."""

    token: AccessToken
    secret: str
    url: str
    qr: tuple[
        str, ...
    ] = ()  # rows of "1"/"0" (1 = dark), no quiet zone: a terminal draws it with half blocks


class RevokeRequest(msgspec.Struct, frozen=True, kw_only=True):
    reason: str | None = None


def token_hash(secret: str) -> str:
    """The stored form of a token: hex SHA-256."""
    return hashlib.sha256(secret.encode("ascii", "replace")).hexdigest()


def well_formed(secret: str) -> bool:
    """Whether a string could be one of our tokens. Anything else is refused without a database lookup."""
    return _TOKEN.fullmatch(secret) is not None


def status_of(*, expires_at: dt.datetime, revoked_at: dt.datetime | None, now: dt.datetime) -> TokenStatus:
    if revoked_at is not None:
        return TokenStatus.REVOKED
    return TokenStatus.ACTIVE if now < expires_at else TokenStatus.EXPIRED


def purpose_of(scope: AccessScope, *, visit_id: int | None = None, ticket_id: int | None = None) -> str:
    if ticket_id is not None:
        return f"ticket:{ticket_id}"
    if scope is AccessScope.VISIT:
        if visit_id is None:
            raise InvalidInput("a visit link needs the visit's id", field="visit_id")
        return f"visit:{visit_id}"
    return RECORD_PURPOSE


def end_of_local_day(now: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The next local midnight: a ticket is the day's, like its number."""
    local = now.astimezone(zone)
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return midnight.astimezone(dt.UTC)


def expiry(
    scope: AccessScope,
    *,
    now: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    requested: dt.datetime | None = None,
    settings: AccessSettings | None = None,
) -> dt.datetime:
    """When a new token stops working: staff's choice within bounds, else the scope's default."""
    s = settings or AccessSettings()
    if requested is None:
        if scope is AccessScope.VISIT:
            return end_of_local_day(now, zone)
        return now + dt.timedelta(days=s.record_days)
    if requested.tzinfo is None:
        raise InvalidInput("expires_at needs a time zone (e.g. +08:00 or Z)", field="expires_at")
    if requested <= now:
        raise InvalidInput("expires_at must be in the future", field="expires_at")
    if scope is AccessScope.VISIT and requested > end_of_local_day(now, zone):
        raise InvalidInput("a visit link ends with the day at the latest", field="expires_at")
    if requested > now + dt.timedelta(days=s.max_days):
        raise InvalidInput(f"a link may last at most {s.max_days} days", field="expires_at")
    return requested
