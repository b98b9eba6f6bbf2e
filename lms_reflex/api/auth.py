"""Cookie routes: the only places the HttpOnly session cookie is set or cleared.

Reflex event handlers cannot set HttpOnly cookies, so after a handler has checked a
password or a code it issues a one-time ticket (60 s, single use) and sends the browser
here; this route swaps the ticket for a fresh session and sets the cookie. The ticket only
works together with the browser key cookie the page set before coming here.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from lms_reflex import routes as paths
from lms_reflex.api.client_ip import request_ip
from lms_reflex.db import call_service
from lms_reflex.services.accounts import sessions
from lms_reflex.services.errors import DomainError
from lms_reflex.settings import get_settings

TICKET_PATH = "/api/auth/complete"


def _client(request: Request) -> tuple[str, str]:
    return request_ip(request), request.headers.get("user-agent", "")[:400]


def _set_cookie(response: RedirectResponse, token: str) -> None:
    response.set_cookie(
        sessions.cookie_name(),
        token,
        max_age=int(sessions.ABSOLUTE_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=get_settings().secure_cookies,
    )


async def complete_sign_in(request: Request) -> RedirectResponse:
    """Redeem a login ticket, set the session cookie, go on to ?next= (local paths only)."""
    ticket = request.query_params.get("ticket", "")
    browser_key = request.cookies.get(sessions.TICKET_KEY_COOKIE, "")
    target = paths.safe_next(request.query_params.get("next"), paths.DASHBOARD)
    ip, agent = _client(request)
    try:
        token = await call_service(
            sessions.redeem_login_ticket,
            ticket=ticket,
            browser_key=browser_key,
            ip=ip,
            user_agent=agent,
        )
    except DomainError:
        response = RedirectResponse(f"{paths.LOGIN}?expired=1", status_code=303)
    else:
        response = RedirectResponse(target, status_code=303)
        _set_cookie(response, token)
    response.delete_cookie(sessions.TICKET_KEY_COOKIE, path=TICKET_PATH)
    return response


def same_origin(request: Request) -> bool:
    """Whether a POST comes from one of our own pages (docs/security.md, "Response headers").

    Browsers send Origin with every POST; without it (old browsers, some privacy tools) the
    Referer must point into the site. A request carrying neither is refused.
    """
    ours = get_settings().base_origin
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == ours
    referer = request.headers.get("referer", "")
    return referer == ours or referer.startswith(ours + "/")


async def sign_out(request: Request) -> Response:
    """Revoke this browser's session and clear the cookie.

    POST only, from our own pages only: another site cannot sign a user out (login CSRF's
    cousin), and a forged form gets a plain 403.
    """
    if not same_origin(request):
        return PlainTextResponse("Sign out from the site's own page.", status_code=403)
    token = request.cookies.get(sessions.cookie_name())
    if token:
        await call_service(sessions.revoke_session, token=token)
    response = RedirectResponse(paths.HOME, status_code=303)
    response.delete_cookie(
        sessions.cookie_name(),
        path="/",
        httponly=True,
        samesite="lax",
        secure=get_settings().secure_cookies,
    )
    return response


routes = [
    Route(TICKET_PATH, complete_sign_in, methods=["GET"]),
    Route("/api/auth/logout", sign_out, methods=["POST"]),
]
