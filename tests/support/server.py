"""A real API on loopback for tests: uvicorn in a background thread with its own event loop.

Why a thread with its own loop: the TUI's Pilot tests and the API tests drive the server over real HTTP
from the test's loop, as a front-desk PC would. The server's lifespan connects the database inside the
server thread, so on PostgreSQL the asyncpg pool belongs to the server's loop, and Piccolo tables are bound
globally to the server's engine.

Rule (chosen over a second connection): while a server runs, never `connect()` a database or call a store
from the test's own loop; it would rebind every table to another engine, or touch a pool from the wrong
loop. To reach the database directly, hand a coroutine to `LiveServer.run` (blocking, from sync code) or
`await LiveServer.call(...)` (from async code): both run it on the server's loop with the server's
`Database` (`server.database`).

    with live_server(settings) as server:              # migrates the database on start-up
        token = staff_token(server, "nurse1", Role.NURSE)
        httpx.get(f"{server.base_url}/api/v1/session", headers=bearer(token))
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import secrets
import threading
import time
import zoneinfo
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import uvicorn
from litestar import Litestar

from api.app import create_app
from api.auth import expires_at, hash_password, new_token
from api.context import context_of
from api.users import check_new_user
from db.engine import Database
from db.staff import create_session, create_staff
from flows.model import Role, Staff
from onestop.config import Settings

T = TypeVar("T")


class ManualClock:
    """The site's real time plus an offset a test can push forward (token expiry, tomorrow's visit).

    Thread-safe enough for its use: the test thread writes the offset, the server thread reads it.
    """

    def __init__(self, timezone: str = "Asia/Shanghai", *, offset: dt.timedelta = dt.timedelta()) -> None:
        self.zone = zoneinfo.ZoneInfo(timezone)
        self.offset = offset

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(self.zone) + self.offset

    def advance(self, delta: dt.timedelta) -> None:
        self.offset += delta


@dataclass
class LiveServer:
    base_url: str  # e.g. http://127.0.0.1:43121 (no trailing slash)
    settings: Settings
    clock: ManualClock
    app: Litestar
    loop: asyncio.AbstractEventLoop  # the server thread's loop

    @property
    def database(self) -> Database:
        return context_of(self.app.state).db

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        """Run a coroutine on the server's loop and wait for its result (from synchronous code)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the server's loop and await its result from another loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def live_server(
    settings: Settings, *, clock: ManualClock | None = None, migrate: bool = True, timeout: float = 30.0
) -> Iterator[LiveServer]:
    """Start the real app on 127.0.0.1 (a free port), wait until /api/v1/health answers, stop it after.

    `migrate=True` applies the committed migrations on start-up, on the server's loop. Raises RuntimeError
    with uvicorn's error log if the app does not start.
    """
    clock = clock or ManualClock(settings.site.timezone)
    app = create_app(settings, clock=clock, migrate=migrate)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        lifespan="on",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,  # an open board stream must not hold the test's teardown
    )
    server = uvicorn.Server(config)
    loop = asyncio.new_event_loop()
    failure: list[BaseException] = []
    errors = _Collect()
    uvicorn_log = logging.getLogger("uvicorn.error")
    uvicorn_log.addHandler(errors)

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(server.serve())
        except BaseException as exc:  # uvicorn raises SystemExit when the lifespan fails
            failure.append(exc)
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    thread = threading.Thread(target=serve, name="onestop-test-api", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                thread.join(timeout)
                detail = "\n".join(errors.messages) or repr(failure)
                raise RuntimeError(f"the test API did not start:\n{detail}")
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        base_url = f"http://127.0.0.1:{port}"
        _wait_healthy(base_url, deadline)
        yield LiveServer(base_url=base_url, settings=settings, clock=clock, app=app, loop=loop)
    finally:
        uvicorn_log.removeHandler(errors)
        server.should_exit = True
        thread.join(timeout)


def _wait_healthy(base_url: str, deadline: float) -> None:
    while True:
        try:
            if httpx.get(f"{base_url}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the test API at {base_url} did not answer /api/v1/health")
        time.sleep(0.02)


# --- staff --------------------------------------------------------------------------------------------


def add_staff(
    server: LiveServer,
    username: str,
    role: Role | str,
    password: str,
    *,
    display_name: str | None = None,
    team_id: int | None = None,
) -> Staff:
    """Create a staff account on the server's database (the same checks as `onestop user add`)."""
    display = display_name or username
    checked = check_new_user(username, display, role, password)
    coro = create_staff(
        server.database,
        username=username,
        display_name=display,
        role=checked,
        password_hash=_hash(password),
        team_id=team_id,
        now=server.clock(),
    )
    return server.run(coro)


@functools.cache
def _hash(password: str) -> str:
    # One real scrypt hash per test password per test session: logins still verify with scrypt, but the
    # fixtures do not pay ~50 ms per account per test. (Accounts sharing a password share a salt: test-only.)
    return hash_password(password)


def login(base_url: str, username: str, password: str) -> str:
    """POST /api/v1/session and return the bearer token (raises httpx.HTTPStatusError on refusal)."""
    answer = httpx.post(
        f"{base_url}/api/v1/session", json={"username": username, "password": password}, timeout=10
    )
    answer.raise_for_status()
    token: str = answer.json()["token"]
    return token


def issue_token(server: LiveServer, staff: Staff) -> str:
    """A bearer token for an existing account, written straight to the server's database (no scrypt, no
    HTTP round trip): for fixtures that need many logged-in clients. Tests of login itself use `login`."""
    token, digest = new_token()
    now = server.clock()
    until = expires_at(now, server.settings.api.session_hours)
    server.run(
        create_session(server.database, staff_id=staff.id, token_hash=digest, expires_at=until, now=now)
    )
    return token


def staff_token(server: LiveServer, username: str, role: Role | str, *, password: str | None = None) -> str:
    """Create a staff account and log it in; returns its bearer token."""
    password = password or f"pw-{secrets.token_urlsafe(12)}"
    add_staff(server, username, role, password)
    return login(server.base_url, username, password)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
