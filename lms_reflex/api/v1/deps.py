"""What every API route shares: the bearer token, running a service as its user, limits.

A route reads the request, then makes one service call through `as_user` (or
`as_visitor` where signing in is optional): one worker thread, one transaction, the
token checked against the database inside it (docs/security.md case 54).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Path, Query, Security
from fastapi.security import HTTPBearer
from starlette.requests import Request

from lms_reflex.api.client_ip import request_ip
from lms_reflex.db import call_service
from lms_reflex.services.accounts.api_tokens import as_token_user
from lms_reflex.services.accounts.throttles import TryLater, try_again_message
from lms_reflex.services.actor import Actor
from lms_reflex.services.validation import MAX_ID, MAX_PAGE

T = TypeVar("T")

# Declares the bearer scheme in the OpenAPI document; `as_user` does the checking, so a
# missing or malformed header still gets our 401 problem rather than FastAPI's own answer.
BEARER = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description="The access_token from POST /auth/token or /auth/refresh (10 minutes).",
)
SIGNED_IN = [Security(BEARER)]

# Ids in paths stop where the services' ids stop (INTEGER columns; see services/validation.py).
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
Slug = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[a-z0-9-]+$")]
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Limit = Annotated[int, Query(ge=1, le=100)]

WRITES_PER_MINUTE = 120  # per user and worker: a script's bulk run, not a flood
_WINDOW_S = 60.0
_writes: defaultdict[int, deque[float]] = defaultdict(deque)
_writes_lock = threading.Lock()  # services (and so this count) run in worker threads


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer ...` header; None without one.

    Another scheme (Basic, from a password-protected staging proxy) is not ours: it counts
    as no token, so public routes still answer and signed-in ones ask for a bearer token.
    """
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def client_ip(request: Request) -> str:
    """The caller's address (LMS_TRUSTED_PROXIES aware), for throttles and the trail."""
    return request_ip(request)


async def as_user(
    request: Request, work: Callable[..., T], *, readonly: bool = False, **args: Any
) -> T:
    """Run `work(session=, actor=, **args)` as the bearer's user; no token is a 401."""
    token = bearer_token(request)
    return await call_service(as_token_user, readonly=readonly, token=token, work=work, args=args)


async def as_visitor(request: Request, work: Callable[..., T], **args: Any) -> T:
    """Like `as_user`, read-only, but a request without a token runs as nobody."""
    token = bearer_token(request)
    return await call_service(
        as_token_user, readonly=True, token=token, work=work, args=args, optional=True
    )


def count_write(actor: Actor, *, now: float | None = None) -> None:
    """Count one write by `actor`; refuse past WRITES_PER_MINUTE in a sliding minute.

    Kept in this worker's memory: a limit against a runaway script, not a security
    boundary (every write is still checked by its service), so N workers allow N times as
    many. Sign-in and refresh limits live in the database and hold across workers.

    Raises:
        TryLater: with the seconds until the oldest counted write leaves the window.
    """
    now = time.monotonic() if now is None else now
    with _writes_lock:
        recent = _writes[actor.id]
        while recent and now - recent[0] >= _WINDOW_S:
            recent.popleft()
        if len(recent) >= WRITES_PER_MINUTE:
            wait = max(1, int(_WINDOW_S - (now - recent[0])) + 1)
            raise TryLater(try_again_message(wait), wait)
        recent.append(now)


def counted(work: Callable[..., T]) -> Callable[..., T]:
    """`work` as a write: the actor's write is counted (`count_write`) before it runs."""

    def run(*, session: Any, actor: Actor | None, **args: Any) -> T:
        if actor is not None:
            count_write(actor)
        return work(session=session, actor=actor, **args)

    return run
