"""Staff authentication: scrypt password hashes, opaque bearer tokens stored as SHA-256, role guards."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from api.context import context_of
from db.staff import session_staff
from flows.errors import Forbidden, Unauthorized
from flows.model import Role

# scrypt cost (RFC 7914): n=2**14, r=8, p=1 takes ~16 MiB and tens of milliseconds — the OWASP minimum,
# bearable on the site's old PCs because it runs once per login, not per request (tokens do the rest).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_SALT_BYTES, _KEY_BYTES = 16, 32
# Upper bounds on parameters read back from a stored hash, so a corrupt row cannot make a login eat the RAM.
_MAX_N, _MAX_R, _MAX_P = 2**20, 32, 16

CLINICAL_ROLES = frozenset({Role.NURSE, Role.DOCTOR})
AUDIT_ROLES = frozenset({Role.ADMIN})
ANY_ROLE = frozenset(Role)

UNKNOWN_LOGIN = "wrong user name or password"  # the same text for an unknown user and a wrong password


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # maxmem must cover 128·n·r bytes plus slack, or OpenSSL refuses the larger costs.
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r + 2**20, dklen=_KEY_BYTES
    )


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """`scrypt$n$r$p$salt$key`: the parameters travel with the hash so they can be raised later."""
    salt = secrets.token_bytes(_SALT_BYTES)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(_scrypt(password, salt, n, r, p))}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check; a malformed or unknown-scheme hash never matches."""
    try:
        scheme, n_s, r_s, p_s, salt_s, key_s = stored.split("$")
        n, r, p = int(n_s), int(r_s), int(p_s)
        salt, key = _unb64(salt_s), _unb64(key_s)
    except ValueError:
        return False
    if scheme != "scrypt" or not (1 < n <= _MAX_N and 0 < r <= _MAX_R and 0 < p <= _MAX_P):
        return False
    if n & (n - 1):  # scrypt needs a power of two
        return False
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), key)


# A real hash of a random password: an unknown user name costs the same scrypt run as a wrong password,
# so response times do not reveal which user names exist.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def burn_time(password: str) -> None:
    verify_password(password, _DUMMY_HASH)


def new_token() -> tuple[str, str]:
    """(token for the client, SHA-256 hex for the database): a leaked table holds no usable tokens."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def expires_at(now: dt.datetime, session_hours: float) -> dt.datetime:
    return now + dt.timedelta(hours=session_hours)


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "missing bearer token: send `Authorization: Bearer <token>` from POST /api/v1/session",
            field="authorization",
        )
    return token.strip()


def require(roles: frozenset[Role]) -> Callable[..., Awaitable[None]]:
    """A guard: authenticate the bearer token, then check the role. The staff lands in request state."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        ctx = context_of(connection.app.state)
        digest = token_hash(bearer_token(connection))
        staff = await session_staff(ctx.db, digest, now=ctx.clock())
        if staff is None:
            raise Unauthorized("session token is unknown, expired or revoked; log in again")
        connection.state.staff = staff
        connection.state.token_hash = digest
        if staff.role not in roles:
            allowed = sorted(r.value for r in roles)
            raise Forbidden(
                f"role {staff.role.value} may not do this (allowed: {', '.join(allowed)})",
                details={"role": staff.role.value, "allowed": allowed},
            )

    return guard
