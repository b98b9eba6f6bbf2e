"""The session cookie: read by HTTP routes and by Reflex state from the handshake headers."""

from __future__ import annotations

import functools
from http.cookies import CookieError, SimpleCookie

from starlette.requests import Request

from lms_reflex.db import call_service
from lms_reflex.services.accounts import sessions
from lms_reflex.services.actor import Actor


def token_from_cookie_header(header: str) -> str | None:
    """The session token in a raw Cookie header, or None."""
    if not header:
        return None
    name = sessions.cookie_name()
    if len(header) > _CACHED_HEADER_MAX:
        return _parse(header, name)
    return _cached_parse(header, name)


# Every event reads the cookie of its tab's handshake, which stays the same for the tab's
# life, so each header is parsed once. Long headers are parsed each time, which bounds the
# cache's memory (1,024 x 8 KB) whatever headers a client makes up.
_CACHED_HEADER_MAX = 8192


def _parse(header: str, name: str) -> str | None:
    jar = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel and morsel.value else None


_cached_parse = functools.lru_cache(maxsize=1024)(_parse)


async def actor_from_token(token: str | None, *, touch: bool = True) -> Actor | None:
    """The signed-in user for a session token (None when absent, expired or revoked).

    Checked in a read-only transaction on every call; the idle clock is written in a
    separate short write only when it is due (at most once a minute per session).
    """
    if not token:
        return None
    actor, due = await call_service(sessions.check_session, readonly=True, token=token)
    if actor is not None and touch and due:
        await call_service(sessions.touch_session, token=token)
    return actor


async def actor_from_request(request: Request) -> Actor | None:
    """The signed-in user of an HTTP request, from its session cookie."""
    return await actor_from_token(request.cookies.get(sessions.cookie_name()))
