"""The session cookie: read by HTTP routes and by Reflex state from the handshake headers."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from starlette.requests import Request

from lms_reflex.db import call_service
from lms_reflex.services.accounts import sessions
from lms_reflex.services.actor import Actor


def token_from_cookie_header(header: str) -> str | None:
    """The session token in a raw Cookie header, or None."""
    if not header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(sessions.cookie_name())
    return morsel.value if morsel and morsel.value else None


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
