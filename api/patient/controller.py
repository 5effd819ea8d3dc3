"""The patient's own page, no login: `/p/{token}` (HTML for a phone) and `/p/{token}/qr.svg` (the same link
as a QR code to save).

What a request can choose is the token and `?lang=en`; every read is keyed by the token's own resident (and
visit), so no path or parameter reaches anyone else. Unknown, malformed, expired and revoked tokens get one
and the same page, status and headers. Every try is audited with the client's address: a use under the
resident (`token.use`, in the same transaction as the token's use count), a refusal under the token if it
exists (`token.refused`, with why). An address that keeps trying links that open nothing is throttled.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from typing import Any, Final

from litestar import MediaType, Request, Response, Router, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery

from api.audit import Auditor
from api.context import context_of
from api.patient import page
from api.patient.qr import qr_svg
from api.patient.text import lang_of
from api.patient.tokens import page_url
from db import access_tokens
from db.engine import Database, write_transaction
from db.errors import DatabaseBusy
from db.patient_record import patient_record
from flows.access import AccessScope, AccessToken, TokenStatus, token_hash, well_formed
from flows.patient import PatientRecord
from flows.rules.advice import Advice, AdviceInput, PatientTargets, patient_advice, patient_targets
from flows.rules.base import ADULT_AGE, RuleError
from onestop.config import Settings

log = logging.getLogger("onestop.patient")
ACCESS_TOKEN: Final = "access_token"
SVG_HEADERS: Final = {
    **{k: v for k, v in page.HEADERS.items() if k != "Content-Security-Policy"},
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Content-Disposition": 'attachment; filename="onestop-qr.svg"',
}
_HTML_404: Final = ResponseSpec(
    data_container=str,
    media_type=MediaType.HTML,
    description="the link opens nothing: one page for unknown, expired and revoked links alike",
    generate_examples=False,
)


async def _open(
    request: Request[Any, Any, Any], token: str, auditor: Auditor, now: dt.datetime
) -> AccessToken | Response[str]:
    """The token's row if it may be used now; else the refusal page (and the try is counted and audited)."""
    ctx = context_of(request.app.state)
    settings, throttle = ctx.settings, ctx.page_throttle
    lang = lang_of(request.query_params.get("lang"))
    wait = throttle.blocked(auditor.address, now)
    if wait is not None:
        html = page.render_refusal(
            site_name=settings.site.name, phone=settings.site.phone, lang=lang, throttled=True
        )
        headers = {**page.HEADERS, "Retry-After": str(wait)}
        return Response(html, status_code=429, media_type=MediaType.HTML, headers=headers)
    found = await access_tokens.resolve(token_hash(token), now=now) if well_formed(token) else None
    if found is not None and found.status is TokenStatus.ACTIVE:
        return found
    throttle.failed(auditor.address, now)
    why = "unknown" if found is None else found.status.value
    await auditor.record(
        "token.refused", entity=ACCESS_TOKEN, entity_id=found.id if found else None, detail=why
    )
    html = page.render_refusal(site_name=settings.site.name, phone=settings.site.phone, lang=lang)
    return Response(html, status_code=404, media_type=MediaType.HTML, headers=page.HEADERS)


async def _count_use(
    request: Request[Any, Any, Any], db: Database, auditor: Auditor, token: AccessToken, what: str
) -> Response[str] | None:
    """Count and audit the view, or (the database too busy to write) a page asking to reload: a record is
    never shown without its audit row."""
    try:
        async with write_transaction(db):
            await access_tokens.count_use(token.id, now=auditor.now)
            await auditor.resident(
                token.resident_id, what, detail=f"access_token={token.id} {token.scope.value}"
            )
    except DatabaseBusy:
        settings = context_of(request.app.state).settings
        html = page.render_busy(site_name=settings.site.name, lang=lang_of(request.query_params.get("lang")))
        headers = {**page.HEADERS, "Retry-After": "5"}
        return Response(html, status_code=503, media_type=MediaType.HTML, headers=headers)
    return None


def _guidance(record: PatientRecord) -> tuple[tuple[Advice, ...], PatientTargets | None]:
    """Advice and targets from the record. The rules are for adults and refuse implausible values; a
    child's card or a bad stored value must still open the page, with the record and without the advice."""
    if record.age < ADULT_AGE:
        return (), None
    latest = {v.code: v.value for v in record.latest}
    try:
        targets = patient_targets(
            record.conditions, age=record.age, height_cm=latest.get("height"), plan=record.plan
        )
        advice = patient_advice(
            AdviceInput(
                conditions=record.conditions,
                age=record.age,
                sex=record.sex,
                latest=latest,
                plan=record.plan,
                smoker=record.smoker,
                salt_intake=record.salt_intake,
                on_medicines=bool(record.medicines),
            )
        )
    except RuleError as exc:
        log.warning("patient page without advice: %s", exc)
        return (), None
    return advice, targets


@get(
    "/p/{token:str}",
    operation_id="patientPage",
    summary="The resident's own page, opened from the QR code (HTML for a phone, no login)",
    media_type=MediaType.HTML,
    responses={404: _HTML_404},
)
async def patient_page(
    *,
    request: Request[Any, Any, Any],
    token: FromPath[str],
    db: NamedDependency[Database],
    now: NamedDependency[dt.datetime],
    zone: NamedDependency[zoneinfo.ZoneInfo],
    settings: NamedDependency[Settings],
    auditor: NamedDependency[Auditor],
    lang: FromQuery[str | None] = None,
) -> Response[str]:
    opened = await _open(request, token, auditor, now)
    if isinstance(opened, Response):
        return opened
    busy = await _count_use(request, db, auditor, opened, "token.use")
    if busy is not None:
        return busy
    ctx = context_of(request.app.state)
    record = await patient_record(db, opened, now=now, zone=zone, queues=await ctx.queues())
    advice, targets = _guidance(record) if record.scope is AccessScope.RECORD else ((), None)
    html = page.render_record(
        record,
        advice=advice,
        targets=targets,
        lang=lang_of(lang),
        zone=zone,
        site_name=settings.site.name,
        expires_at=opened.expires_at,
        qr_href=f"{token}/qr.svg" if record.scope is AccessScope.RECORD else None,
    )
    return Response(html, media_type=MediaType.HTML, headers=page.HEADERS)


@get(
    "/p/{token:str}/qr.svg",
    operation_id="patientQrCode",
    summary="The patient link as a QR code (SVG file to save or print)",
    media_type="image/svg+xml",
    responses={404: _HTML_404},
)
async def patient_qr(
    *,
    request: Request[Any, Any, Any],
    token: FromPath[str],
    db: NamedDependency[Database],
    now: NamedDependency[dt.datetime],
    settings: NamedDependency[Settings],
    auditor: NamedDependency[Auditor],
) -> Response[str]:
    opened = await _open(request, token, auditor, now)
    if isinstance(opened, Response):
        return opened
    busy = await _count_use(request, db, auditor, opened, "token.qr")
    if busy is not None:
        return busy
    return Response(qr_svg(page_url(settings, token)), media_type="image/svg+xml", headers=SVG_HEADERS)


ROUTES: Final = [Router(path="/", route_handlers=[patient_page, patient_qr], tags=["patient"])]
