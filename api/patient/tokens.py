"""Issuing a patient link: the one place a token's secret is made, hashed, stored and turned into a URL.

Used by the staff API (POST /api/v1/access-tokens) and by the print worker (each printed ticket carries a
fresh visit link: its secret goes into the printer's bytes and nowhere else).
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo

from api.patient.qr import qr_matrix
from db import access_tokens
from db.engine import Database
from flows.access import (
    TOKEN_BYTES,
    AccessSettings,
    IssuedToken,
    NewAccessToken,
    expiry,
    purpose_of,
    token_hash,
)
from onestop.config import Settings


def access_settings(settings: Settings) -> AccessSettings:
    return AccessSettings(record_days=settings.access.record_days, max_days=settings.access.max_days)


def page_url(settings: Settings, secret: str) -> str:
    return f"{settings.api.public_url.rstrip('/')}/p/{secret}"


async def issue(
    db: Database,
    settings: Settings,
    request: NewAccessToken,
    *,
    now: dt.datetime,
    created_by: int | None,
    ticket_id: int | None = None,
    with_qr: bool = True,
) -> IssuedToken:
    """Make, store and return a new token (revoking the live one of the same purpose)."""
    zone = zoneinfo.ZoneInfo(settings.site.timezone)
    purpose = purpose_of(request.scope, visit_id=request.visit_id, ticket_id=ticket_id)
    until = expiry(
        request.scope, now=now, zone=zone, requested=request.expires_at, settings=access_settings(settings)
    )
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    stored = await access_tokens.issue(
        db,
        resident_id=request.resident_id,
        scope=request.scope,
        purpose=purpose,
        secret_hash=token_hash(secret),
        expires_at=until,
        now=now,
        visit_id=request.visit_id,
        # A ticket's link is for the ticket's visit whatever the hour; staff link only today's visit.
        today=now.astimezone(zone).date() if ticket_id is None else None,
        created_by=created_by,
    )
    url = page_url(settings, secret)
    return IssuedToken(token=stored, secret=secret, url=url, qr=qr_matrix(url) if with_qr else ())
