"""Who is signed in, read from the session cookie of the websocket handshake.

The user is looked up again on every call, so a deactivation, a demotion or a sign-out
elsewhere takes effect on the very next event (docs/security.md case 18). Nothing about the
session is stored in state except display data for menus.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx
from reflex.state import BaseState

from lms_reflex import routes
from lms_reflex.api.auth_cookie import actor_from_token, token_from_cookie_header
from lms_reflex.db import call_service
from lms_reflex.net import client_address
from lms_reflex.services.accounts import sessions, top_bar
from lms_reflex.services.actor import Actor
from lms_reflex.services.views import CategoryView
from lms_reflex.settings import get_settings

T = TypeVar("T")

CATEGORIES_REFRESH_S = 60.0


def session_token(state: BaseState) -> str | None:
    """The raw session token from the handshake's Cookie header (never put in a var).

    Read from the router data's plain dict: `state.router` assembles a new RouterData on
    every access, and every event reads the token at least twice (the tab-owner check and
    the service call).
    """
    headers = state.router_data.get("headers") or {}
    return token_from_cookie_header(str(headers.get("cookie") or ""))


async def current_actor(state: rx.State, *, touch: bool = True) -> Actor | None:
    """The signed-in user, freshly checked against the database."""
    return await actor_from_token(session_token(state), touch=touch)


async def as_actor(
    state: rx.State,
    service: Callable[..., T],
    /,
    *,
    readonly: bool = True,
    touch: bool = True,
    **args: Any,
) -> T:
    """Run `service(session=, actor=, **args)` in one thread hop and one transaction.

    The busiest handlers (page loads, the player's panels) use this instead of `current_actor`
    followed by `call_service`; `service` is a named service, never a closure that reads
    the database here (docs/architecture.md). The idle clock is touched in a separate
    write when due, and only for what a person did: events the browser sends by itself
    (a panel that follows a report or a counted click) pass `touch=False`, so they keep no
    idle session alive; the player's progress reports only read the session
    (`heartbeat.record_report`).
    """
    token = session_token(state)
    kwargs: dict[str, Any] = {"token": token, "work": service, "args": args}
    result, due = await call_service(sessions.as_session_user, readonly=readonly, **kwargs)
    if due and touch:
        await call_service(sessions.touch_session, token=token)
    return result


async def actor_or_login(state: rx.State, here: str) -> tuple[Actor | None, Any]:
    """The signed-in user, or a redirect to the sign-in page that comes back `here`."""
    actor = await current_actor(state)
    return actor, (None if actor else rx.redirect(routes.login_url(here)))


def client_ip(state: rx.State) -> str:
    """The browser's address: the handshake's peer, or what a trusted proxy says it is.

    Reflex puts the ASGI peer in `session.client_ip` (Reflex's own trusted_proxy_hops is
    left unset: it believes X-Forwarded-For from any peer) and the handshake's headers in
    `raw_headers`; the rule is the HTTP routes' one, lms_reflex.net.client_address.
    """
    peer = state.router.session.client_ip or ""
    headers = state.router.headers.raw_headers
    return client_address(peer, headers, get_settings().trusted_networks)


def user_agent(state: rx.State) -> str:
    """The browser's User-Agent, for the session list and the audit log."""
    return (state.router.headers.user_agent or "")[:400]


def full_navigation(url: str) -> rx.event.EventSpec:
    """Leave the single-page app: a real page load, so the next websocket carries new cookies."""
    return rx.call_script(f"window.location.assign({json.dumps(url)})")


def sign_in_redirect(ticket: sessions.LoginTicket, next_path: str) -> rx.event.EventSpec:
    """Keep the ticket's browser key in a 60 s cookie, then open the route that redeems it.

    Only this page gets the key (over its own websocket), so the ticket URL alone signs
    nobody in (login CSRF).
    """
    from urllib.parse import urlencode

    query = urlencode(
        {"ticket": ticket.ticket, "next": routes.safe_next(next_path, routes.DASHBOARD)}
    )
    secure = "; secure" if get_settings().secure_cookies else ""
    cookie = (
        f"{sessions.TICKET_KEY_COOKIE}={ticket.browser_key}; path=/api/auth/complete; "
        f"max-age=60; samesite=strict{secure}"
    )
    url = f"/api/auth/complete?{query}"
    return rx.call_script(
        f"document.cookie = {json.dumps(cookie)}; window.location.assign({json.dumps(url)})"
    )


class SessionState(rx.State):
    """The top bar: who is signed in (display only, never access control), the categories."""

    signed_in: bool = False
    first_name: str = ""
    role: str = ""
    avatar_url: str = ""
    categories: list[CategoryView] = []
    _categories_at: float = 0.0

    @rx.var
    def can_teach(self) -> bool:
        """Whether to show links to /teach (the pages themselves ask the services)."""
        return self.role in ("instructor", "admin")

    @rx.var
    def is_admin(self) -> bool:
        """Whether to show the Admin link (display only: every admin service checks again)."""
        return self.role == "admin"

    def _menu_stale(self) -> bool:
        """Whether to read the menu again (at most once a minute per tab).

        The menu changes only when an admin edits the categories; other tabs show the
        change within a minute, the admin's own tab at once.
        """
        return time.time() - self._categories_at >= CATEGORIES_REFRESH_S

    def _show(self, bar: top_bar.TopBar) -> None:
        self.signed_in = bar.actor is not None
        self.first_name = bar.actor.first_name if bar.actor else ""
        self.role = bar.actor.role if bar.actor else ""
        self.avatar_url = bar.avatar_url
        if bar.categories is not None:
            self.categories, self._categories_at = bar.categories, time.time()

    @rx.event
    async def load(self) -> None:
        """Refresh the top bar on pages whose own load does not (see `with_top_bar`)."""
        stale = self._menu_stale()
        self._show(await as_actor(self, top_bar.read_top_bar, with_menu=stale))


async def with_top_bar(state: rx.State, service: Callable[..., T], /, **args: Any) -> T:
    """`as_actor` for a page's own load that also refreshes the top bar, in the same event.

    The busiest pages (home, search, course, player) register without SessionState.load:
    a page's on_load events run one after another, each a round trip and a pass through
    Reflex's event machinery, so folding the top bar into the page's load saves one of
    each per page view. The top bar is shown even when `service` refuses (NotFound,
    NotSignedIn...), whose error is then raised to the handler as before.
    """
    top = await state.get_state(SessionState)
    stale = top._menu_stale()
    bar, result, error = await as_actor(
        state, top_bar.page_with_top_bar, with_menu=stale, read=service, args=args
    )
    top._show(bar)
    if error is not None:
        raise error
    return result  # type: ignore[return-value]
