"""The one place where refusals become HTTP answers: every error body is a flows.model.ApiError."""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPI, OpenAPIMediaType, OpenAPIResponse, Reference
from litestar.params import ParameterKwarg
from litestar.types import ExceptionHandlersMap

from db.errors import DatabaseBusy, StoreError
from flows.errors import (
    Conflict,
    FlowError,
    Forbidden,
    InvalidInput,
    MoveNotAllowed,
    NotFound,
    TooManyAttempts,
    Unauthorized,
)
from flows.model import ApiError

log = logging.getLogger("onestop.api")

# Most specific first: IdNumberError is an InvalidInput, so the isinstance walk finds 422 for it.
_FLOW_STATUS: tuple[tuple[type[FlowError], int], ...] = (
    (InvalidInput, 422),
    (NotFound, 404),
    (Conflict, 409),
    (MoveNotAllowed, 409),
    (Unauthorized, 401),
    (Forbidden, 403),
    (TooManyAttempts, 429),
    (StoreError, 503),  # the database is unreachable or busy: not the caller's fault, retry later
)

_DESCRIPTIONS = {
    401: "no valid bearer token (missing, unknown, expired or revoked) or wrong user name/password",
    403: "the staff role may not do this",
    429: "too many failed logins; `details.retry_after_s` (and Retry-After) says when to try again",
    404: "the resident, household or visit does not exist",
    409: "clashes with what exists: duplicate, second open visit, move not allowed, stale step",
    422: "invalid input; `field` names the offending field, `details.check` the failed ID-number check",
    503: "the database is busy or unreachable; try again",
}


def status_of(exc: FlowError) -> int:
    for kind, status in _FLOW_STATUS:
        if isinstance(exc, kind):
            return status
    return 400


def _answer(error: ApiError, status: int, headers: dict[str, str] | None = None) -> Response[ApiError]:
    return Response(error, status_code=status, headers=headers, media_type="application/json")


def _unauthorized_headers(status: int) -> dict[str, str] | None:
    # RFC 6750 §3: a 401 for a bearer-protected resource says which scheme to use.
    return {"WWW-Authenticate": 'Bearer realm="onestop"'} if status == 401 else None


def flow_error_handler(_: Request[Any, Any, Any], exc: FlowError) -> Response[ApiError]:
    status = status_of(exc)
    body = ApiError(code=exc.code, message=exc.message, field=exc.field, details=dict(exc.details))
    headers = _unauthorized_headers(status)
    if isinstance(exc, DatabaseBusy):
        headers = {"Retry-After": "1"}
    elif isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.details.get("retry_after_s", 60))}
    return _answer(body, status, headers)


_BACKTICK = re.compile(r"`([^`]+)`")
_MISSING = re.compile(r"Missing required (?P<source>\w+) parameter '(?P<name>[^']+)'")


def _field_of(request: Request[Any, Any, Any], item: dict[str, Any]) -> str | None:
    """The field as the client spells it. Litestar reports whole-body problems under the key `data`
    (the field is then in the message) and query parameters under the Python name, not the alias."""
    key = item.get("key")
    message = str(item.get("message", ""))
    if key in (None, "data"):
        if "unknown field" in message or "missing required field" in message:
            found = _BACKTICK.search(message)
            return found.group(1) if found else None
        return None
    parameter = request.route_handler.parsed_fn_signature.parameters.get(str(key))
    definition = parameter.kwarg_definition if parameter else None
    if isinstance(definition, ParameterKwarg) and definition.name:
        return definition.name
    return str(key)


def validation_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[ApiError]:
    items = [i for i in exc.extra if isinstance(i, dict)] if isinstance(exc.extra, list) else []
    missing = _MISSING.search(exc.detail)
    if not items and missing:
        # A required query/path/header parameter that is absent comes without `extra`, only a sentence.
        text = f"missing required {missing['source']} parameter"
        items = [{"key": None, "message": text, "source": missing["source"], "name": missing["name"]}]
    first = items[0] if items else {}
    field = first.get("name") or _field_of(request, first)
    text = str(first.get("message", exc.detail))
    message = f"{field}: {text}" if field else text
    details: dict[str, object] = {}
    if len(items) > 1:
        details["errors"] = [{"field": _field_of(request, i), "message": i.get("message")} for i in items]
    if first.get("source"):
        details["source"] = str(first["source"])
    return _answer(ApiError(code="invalid_input", message=message, field=field, details=details), 422)


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[ApiError]:
    status = exc.status_code
    if isinstance(exc, NotFoundException):
        code, message = "not_found", f"no such resource: {request.method} {request.url.path}"
    elif isinstance(exc, MethodNotAllowedException):
        code, message = "method_not_allowed", f"{request.method} is not allowed on {request.url.path}"
    elif isinstance(exc, NotAuthorizedException):
        code, message = "unauthorized", exc.detail
    elif isinstance(exc, PermissionDeniedException):
        code, message = "forbidden", exc.detail
    elif status == 400:
        # e.g. a body that is not JSON at all: the parser's message says where it broke.
        code, message = "bad_request", exc.detail
    else:
        code, message = f"http_{status}", exc.detail
    return _answer(ApiError(code=code, message=message), status, _unauthorized_headers(status))


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[ApiError]:
    # The client gets no traceback (it could hold resident data); the log keeps it for the operator.
    log.exception("unhandled error in %s %s", request.method, request.url.path, exc_info=exc)
    body = ApiError(code="internal_error", message="internal error; the API log has the details")
    return _answer(body, 500)


def exception_handlers() -> ExceptionHandlersMap:
    return {
        FlowError: flow_error_handler,
        ValidationException: validation_handler,
        HTTPException: http_error_handler,
        Exception: internal_error_handler,
    }


def error_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI documentation of the ApiError answers an operation can give."""
    # No generated examples: `details: dict[str, object]` would get an `object()` that JSON cannot encode.
    return {
        s: ResponseSpec(data_container=ApiError, description=_DESCRIPTIONS[s], generate_examples=False)
        for s in statuses
    }


def document_validation_as_422(schema: OpenAPI) -> None:
    """Litestar documents a 400 `ValidationException` body on every operation with parameters; this API
    answers those with 422 ApiError (documented per handler). Only a body that is not JSON at all still
    gets 400, as an ApiError."""
    not_json = OpenAPIResponse(
        description="the body is not JSON",
        content={"application/json": OpenAPIMediaType(schema=Reference(ref="#/components/schemas/ApiError"))},
    )
    for item in (schema.paths or {}).values():
        for op in (item.get, item.post, item.put, item.patch, item.delete):
            if op is None or not op.responses or "400" not in op.responses:
                continue
            if op.request_body is not None:
                op.responses["400"] = not_json
            else:
                del op.responses["400"]
