"""`/api/v1/access-tokens`: staff issue, list and revoke a resident's patient links (flows.access).

The secret is in the answer to issuing and never again: staff can see that a link exists, what it opens,
until when, and how often it was used, but not reopen it. Every issue and revoke is audited under the
resident, in the same transaction as the write.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api import auth
from api.audit import Auditor
from api.errors import error_responses
from api.patient.tokens import issue
from db import access_tokens
from db.engine import Database
from flows.access import AccessToken, IssuedToken, NewAccessToken, RevokeRequest
from onestop.config import Settings

STAFF_ROLES = auth.CLINICAL_ROLES | auth.AUDIT_ROLES  # an administrator may revoke a lost card too


class AccessTokenList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[AccessToken]


class AccessTokenController(Controller):
    path = "/api/v1/access-tokens"
    tags = ("access-tokens",)
    guards = (auth.require(STAFF_ROLES),)
    security = ({"BearerToken": []},)

    @post(
        "/",
        operation_id="issueAccessToken",
        summary="Issue a patient link (QR code); the secret and URL are in this answer only",
        status_code=201,
        guards=[auth.require(auth.CLINICAL_ROLES)],
        responses=error_responses(401, 403, 404, 422),
    )
    async def issue(
        self,
        *,
        data: JSONBody[NewAccessToken],
        db: NamedDependency[Database],
        settings: NamedDependency[Settings],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> IssuedToken:
        staff_id = auditor.actor.id if auditor.actor else None
        return await auditor.atomic(
            lambda: issue(db, settings, data, now=now, created_by=staff_id),
            lambda issued: auditor.resident(
                data.resident_id, "token.issue", detail=f"access_token={issued.token.id} {data.scope.value}"
            ),
        )

    @get(
        "/",
        operation_id="listAccessTokens",
        summary="A resident's patient links, newest first (never their secrets)",
        responses=error_responses(401, 403, 422),
    )
    async def list_tokens(
        self,
        *,
        resident_id: Annotated[int, QueryParameter(ge=1)],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> AccessTokenList:
        items = await access_tokens.list_tokens(resident_id, now=now)
        await auditor.resident(resident_id, "token.list")
        return AccessTokenList(items=items)

    @post(
        "/{token_id:int}/revoke",
        operation_id="revokeAccessToken",
        summary="Revoke a patient link at once (a lost card, a wrong person)",
        status_code=200,
        responses=error_responses(401, 403, 404, 409),
    )
    async def revoke(
        self,
        *,
        token_id: FromPath[int],
        db: NamedDependency[Database],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
        data: JSONBody[RevokeRequest | None] = None,
    ) -> AccessToken:
        staff_id = auditor.actor.id if auditor.actor else None
        reason = (data.reason or "").strip()[:200] if data else ""
        return await auditor.atomic(
            lambda: access_tokens.revoke(db, token_id, by=staff_id, now=now),
            lambda token: auditor.resident(
                token.resident_id,
                "token.revoke",
                detail=f"access_token={token_id}" + (f" reason={reason}" if reason else ""),
            ),
        )
