"""`/api/v1/session`: log in (bearer token), who am I, log out. Login successes and failures are audited."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.openapi.spec import SecurityRequirement
from litestar.params import JSONBody

from api import auth
from api.audit import SESSION, Auditor
from api.bodies import Credentials
from api.context import client_address
from api.errors import error_responses
from api.throttle import LoginThrottle
from db.engine import Database
from db.staff import create_session, revoke_session, staff_credentials
from flows.errors import TooManyAttempts, Unauthorized
from flows.model import SessionToken, Staff
from onestop.config import Settings

_BEARER: list[SecurityRequirement] = [{"BearerToken": []}]


class SessionController(Controller):
    path = "/api/v1/session"
    tags = ("session",)

    @post(
        "/",
        operation_id="createSession",
        summary="Log in: trade user name and password for a bearer token",
        status_code=201,
        responses=error_responses(401, 422, 429),
    )
    async def login(
        self,
        *,
        request: Request[Any, Any, Any],
        data: JSONBody[Credentials],
        login_throttle: NamedDependency[LoginThrottle],
        db: NamedDependency[Database],
        settings: NamedDependency[Settings],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> SessionToken:
        address = client_address(request)
        try:
            login_throttle.check(data.username, address, now)
        except TooManyAttempts:
            await auditor.record(
                "login_throttled", entity=SESSION, entity_id=None, detail=f"username={data.username[:64]}"
            )
            raise
        found = await staff_credentials(db, data.username)
        # scrypt runs in a worker thread: ~50 ms of KDF must not stall every other terminal's request.
        if found is None:
            await asyncio.to_thread(auth.burn_time, data.password)
            staff, ok = None, False
        else:
            staff, password_hash = found
            ok = await asyncio.to_thread(auth.verify_password, data.password, password_hash) and staff.active
        if not ok or staff is None:
            login_throttle.failed(data.username, address, now)
            # Filed under the account when it exists, so repeated failures against one user stand out.
            await auditor.record(
                "login_failed",
                entity=SESSION,
                entity_id=staff.id if staff else None,
                detail=f"username={data.username[:64]}",
            )
            raise Unauthorized(auth.UNKNOWN_LOGIN)
        login_throttle.succeeded(data.username)
        token, digest = auth.new_token()
        expires = auth.expires_at(now, settings.api.session_hours)
        await auditor.atomic(
            lambda: create_session(db, staff_id=staff.id, token_hash=digest, expires_at=expires, now=now),
            lambda _: auditor.acting_as(staff).record("login", entity=SESSION, entity_id=staff.id),
        )
        return SessionToken(token=token, expires_at=expires, staff=staff)

    @get(
        "/",
        operation_id="getSession",
        summary="Who am I",
        guards=[auth.require(auth.ANY_ROLE)],
        security=_BEARER,
        responses=error_responses(401),
    )
    async def whoami(self, staff: NamedDependency[Staff]) -> Staff:
        return staff

    @delete(
        "/",
        operation_id="deleteSession",
        summary="Log out: revoke this bearer token",
        guards=[auth.require(auth.ANY_ROLE)],
        security=_BEARER,
        responses=error_responses(401),
    )
    async def logout(
        self,
        *,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        staff: NamedDependency[Staff],
        now: NamedDependency[dt.datetime],
        auditor: NamedDependency[Auditor],
    ) -> None:
        await auditor.atomic(
            lambda: revoke_session(db, request.state.token_hash, now=now),
            lambda _: auditor.record("logout", entity=SESSION, entity_id=staff.id),
        )
