"""A small blocking client of the onestop API; httpx is imported on the first request, not at start-up.

Run its methods in thread workers: every call blocks. Errors come out as one type, `ApiClientError`
(the API's ApiError body, or `ApiUnreachable` when no answer arrived), so screens handle them in one place.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from flows.model import (
    ApiError,
    Credentials,
    ResidentHit,
    ResidentSummary,
    SessionToken,
    Staff,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import httpx

    from flows.devices import DeviceReading, DeviceStatus

T = TypeVar("T")


class Health(msgspec.Struct, frozen=True, kw_only=True):
    """`GET /api/v1/health`; `site` is read when the API sends it (the site's name for the header)."""

    status: str
    database: str | None = None
    version: str | None = None
    site: str | None = None
    timezone: str | None = None  # the site's zone (a terminal's own clock may be set to another)


class PrinterReport(msgspec.Struct, frozen=True, kw_only=True):
    """The ticket printer as the API reports it (GET /api/v1/printer); the fields the header shows."""

    state: str
    detail: str
    can_print: bool
    queued: int = 0
    offered: int = 0  # tickets that did not print for sure: waiting for staff to reprint


class AccessTokenView(msgspec.Struct, frozen=True, kw_only=True):
    """A patient link as the API lists it; its secret is never sent again after issuing."""

    id: int
    resident_id: int
    scope: str  # "record" | "visit"
    visit_id: int | None = None
    purpose: str = ""
    created_at: dt.datetime
    created_by: int | None = None
    expires_at: dt.datetime
    revoked_at: dt.datetime | None = None
    revoked_by: int | None = None
    last_used_at: dt.datetime | None = None
    uses: int = 0
    status: str  # "active" | "expired" | "revoked"


class AccessTokenList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[AccessTokenView]


class IssuedToken(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to issuing a link. The bare secret is not kept: it reaches the screen only inside `url`."""

    token: AccessTokenView
    url: str
    qr: list[str]  # the QR of `url`, rows of "1" dark / "0" light, without quiet zone


class IssueAccessToken(msgspec.Struct, frozen=True, kw_only=True):
    resident_id: int
    scope: str
    visit_id: int | None = None
    expires_at: dt.datetime | None = None  # None: the API's default for the scope


class RevokeAccessToken(msgspec.Struct, frozen=True, kw_only=True):
    reason: str | None = None


class ApiClientError(Exception):
    """The API refused a request (its ApiError body) or answered with something that is not JSON we know."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        details: dict[str, object] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.field = field
        self.details = details or {}
        self.status = status


class ApiUnreachable(ApiClientError):
    """No answer: connection refused, name not resolved, or a timeout."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__("unreachable", f"cannot reach the API at {url}: {reason}")
        self.url = url
        self.reason = reason


class ApiClient:
    """One per terminal; thread-safe (httpx.Client pools connections across worker threads)."""

    def __init__(self, base_url: str, *, timeout_s: float = 10.0, connect_timeout_s: float = 3.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.token: str | None = None
        self._http: httpx.Client | None = None
        self._lock = threading.Lock()

    # --- endpoints ----------------------------------------------------------------------------------

    def health(self) -> Health:
        return self.call("GET", "/api/v1/health", Health)

    def login(self, username: str, password: str) -> SessionToken:
        """Open a session; later calls carry its bearer token."""
        body = Credentials(username=username, password=password)
        session = self.call("POST", "/api/v1/session", SessionToken, body=body)
        self.token = session.token
        return session

    def logout(self) -> None:
        if self.token is not None:
            self.send("DELETE", "/api/v1/session")
            self.token = None

    def whoami(self) -> Staff:
        return self.call("GET", "/api/v1/session", Staff)

    def search_residents(self, query: str, *, limit: int = 20) -> list[ResidentHit]:
        params = {"q": query, "limit": str(limit)}
        return self.call("GET", "/api/v1/residents", list[ResidentHit], params=params)

    def resident_summary(self, resident_id: int) -> ResidentSummary:
        return self.call("GET", f"/api/v1/residents/{resident_id}/summary", ResidentSummary)

    def printer(self) -> PrinterReport:
        return self.call("GET", "/api/v1/printer", PrinterReport)

    def devices(self) -> list[DeviceStatus]:
        from flows.devices import DeviceStatus  # the devices screen only: not on the start-up path

        return self.call("GET", "/api/v1/devices", list[DeviceStatus])

    def station_readings(self, station: str, *, claimed: bool = True) -> list[DeviceReading]:
        from flows.devices import DeviceReading

        params = {"station": station, "claimed": "true" if claimed else "false"}
        return self.call("GET", "/api/v1/readings", list[DeviceReading], params=params)

    def access_tokens(self, resident_id: int) -> list[AccessTokenView]:
        """The resident's patient links, newest first."""
        params = {"resident_id": str(resident_id)}
        return self.call("GET", "/api/v1/access-tokens", AccessTokenList, params=params).items

    def issue_access_token(
        self,
        resident_id: int,
        scope: str,
        *,
        visit_id: int | None = None,
        expires_at: dt.datetime | None = None,
    ) -> IssuedToken:
        """A new link for the resident; the API revokes the previous link of the same kind."""
        body = IssueAccessToken(
            resident_id=resident_id, scope=scope, visit_id=visit_id, expires_at=expires_at
        )
        return self.call("POST", "/api/v1/access-tokens", IssuedToken, body=body)

    def revoke_access_token(self, token_id: int, *, reason: str | None = None) -> AccessTokenView:
        path = f"/api/v1/access-tokens/{token_id}/revoke"
        return self.call("POST", path, AccessTokenView, body=RevokeAccessToken(reason=reason))

    def reading_events(self, station: str, *, stop: Callable[[], bool]) -> Iterator[tuple[str, bytes]]:
        """The station's server-sent events as (event, data) until `stop()` says so or the stream ends.

        The API sends a keep-alive every 15 s, so `stop` is looked at least that often."""
        import httpx

        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        timeout = httpx.Timeout(30.0, connect=self.connect_timeout_s)
        event = ""
        try:
            with self._client().stream(
                "GET",
                "/api/v1/readings/events",
                params={"station": station},
                headers=headers,
                timeout=timeout,
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    raise _error_from(response, "GET", "/api/v1/readings/events")
                for line in response.iter_lines():
                    if stop():
                        return
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: "):
                        yield event, line[6:].encode()
        except httpx.TimeoutException:
            raise ApiUnreachable(self.base_url, "the reading stream went silent") from None
        except httpx.TransportError as exc:
            raise ApiUnreachable(self.base_url, _reason(exc)) from None

    def close(self) -> None:
        with self._lock:
            if self._http is not None:
                self._http.close()
                self._http = None

    # --- plumbing -----------------------------------------------------------------------------------

    def _client(self) -> httpx.Client:
        with self._lock:
            if self._http is None:
                import httpx  # here, not at module import: it costs ~0.3 s of start-up on an old PC

                timeout = httpx.Timeout(self.timeout_s, connect=self.connect_timeout_s)
                self._http = httpx.Client(
                    base_url=self.base_url,
                    timeout=timeout,
                    headers={"accept": "application/json", "user-agent": "onestop-tui"},
                )
            return self._http

    def call(
        self,
        method: str,
        path: str,
        type_: type[T],
        *,
        params: dict[str, str] | None = None,
        body: msgspec.Struct | None = None,
    ) -> T:
        """One request, its answer decoded as `type_`. Feature modules (tui/endpoints/) build on this."""
        response = self.send(method, path, params=params, body=body)
        try:
            return msgspec.json.decode(response.content, type=type_)
        except msgspec.DecodeError as exc:
            raise ApiClientError(
                "bad_response",
                f"{method} {path}: expected {getattr(type_, '__name__', type_)}, the API sent: {exc}",
                status=response.status_code,
            ) from None

    def send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: msgspec.Struct | None = None,
    ) -> httpx.Response:
        import httpx

        http = self._client()
        headers: dict[str, str] = {}
        if self.token is not None:
            headers["authorization"] = f"Bearer {self.token}"
        content: bytes | None = None
        if body is not None:
            content = msgspec.json.encode(body)
            headers["content-type"] = "application/json"
        try:
            response = http.request(method, path, params=params, content=content, headers=headers)
        except httpx.TimeoutException:
            raise ApiUnreachable(self.base_url, f"no answer within {self.timeout_s:g} s") from None
        except httpx.TransportError as exc:
            raise ApiUnreachable(self.base_url, _reason(exc)) from None
        if response.status_code >= 400:
            raise _error_from(response, method, path)
        return response


def _reason(exc: Exception) -> str:
    text = str(exc)
    if "refused" in text.lower():
        return "connection refused (is the server running?)"
    return text or type(exc).__name__


def _error_from(response: httpx.Response, method: str, path: str) -> ApiClientError:
    status = response.status_code
    try:
        err = msgspec.json.decode(response.content, type=ApiError)
    except msgspec.DecodeError:
        snippet: Any = response.text[:200]
        return ApiClientError(
            f"http_{status}",
            f"{method} {path}: the API answered {status} with a body that is not an ApiError: {snippet!r}",
            status=status,
        )
    return ApiClientError(err.code, err.message, field=err.field, details=err.details, status=status)
