"""RFC 9457 problem documents: every API error, with a stable `type` per kind of error.

A client branches on `type` (and the status); `detail` is the same sentence a person sees
on the web page. Nothing else leaves the server: no traceback, no exception text of an
unexpected error (docs/security.md case 54).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from lms_reflex.services.accounts.throttles import TryLater
from lms_reflex.services.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    NotSignedIn,
    PermissionDenied,
    Throttled,
)

log = logging.getLogger("lms_reflex.api")
MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"

# Most specific first: NotSignedIn is a PermissionDenied, TryLater a Throttled.
_DOMAIN: tuple[tuple[type[DomainError], int, str, str], ...] = (
    (NotSignedIn, 401, "not-signed-in", "Not signed in"),
    (PermissionDenied, 403, "forbidden", "Not allowed"),
    (NotFound, 404, "not-found", "Not found"),
    (Conflict, 409, "conflict", "Conflict"),
    (Throttled, 429, "too-many-requests", "Too many requests"),
    (InvalidInput, 422, "invalid-input", "Invalid input"),
)
_HTTP: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("not-signed-in", "Not signed in"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
}


class ApiProblem(Exception):
    """An error the API answers itself, outside any service (bad credentials, too large)."""

    def __init__(self, status: int, kind: str, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.kind, self.title, self.detail = status, kind, title, detail


def problem(
    status: int,
    kind: str,
    title: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json answer."""
    body = {"type": TYPE_BASE + kind, "title": title, "status": status, "detail": detail}
    return JSONResponse(body | extra, status_code=status, headers=headers, media_type=MEDIA_TYPE)


def domain_problem(exc: DomainError) -> JSONResponse:
    """The answer for a service's refusal; 401 says how to sign in, 429 when to retry."""
    for kind, status, slug, title in _DOMAIN:
        if isinstance(exc, kind):
            headers = {}
            if status == 401:
                headers["WWW-Authenticate"] = 'Bearer realm="api"'
            if isinstance(exc, TryLater):
                headers["Retry-After"] = str(max(1, exc.retry_after_s))
            return problem(status, slug, title, exc.message, headers=headers)
    return problem(400, "bad-request", "Bad request", exc.message)


def _field(error: dict[str, Any]) -> str:
    return ".".join(str(part) for part in error.get("loc", ()) if part != "body") or "body"


def _validation_problem(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _field(e), "message": str(e.get("msg", ""))} for e in exc.errors()]
    first = errors[0] if errors else {"field": "body", "message": "is not valid"}
    detail = f"{first['field']}: {first['message']}"
    return problem(422, "validation", "Invalid request", detail, errors=errors)


def _http_problem(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug, title = _HTTP.get(exc.status_code, ("error", "Error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    headers = dict(exc.headers) if exc.headers else None
    return problem(exc.status_code, slug, title, detail, headers=headers)


def _api_problem(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    headers = {"WWW-Authenticate": 'Bearer realm="api"'} if exc.status == 401 else None
    return problem(exc.status, exc.kind, exc.title, exc.detail, headers=headers)


def _domain(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return domain_problem(exc)


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("API error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "internal", "Internal error", "Something went wrong on our side.")


def install(app: FastAPI) -> None:
    """Route every error kind to its problem document."""
    app.add_exception_handler(RequestValidationError, _validation_problem)
    app.add_exception_handler(StarletteHTTPException, _http_problem)
    app.add_exception_handler(ApiProblem, _api_problem)
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(Exception, _unexpected)
