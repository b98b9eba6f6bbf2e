"""The cookie routes: flags (docs/security.md case 19), single-use tickets, safe redirects (37)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from lms_reflex import routes
from lms_reflex.api import build_api
from lms_reflex.db import dispose_engines, session_scope
from lms_reflex.services.accounts import sessions
from lms_reflex.settings import get_settings


@pytest.fixture
def ticket(make_user, engine) -> sessions.LoginTicket:
    user = make_user()
    with session_scope() as db:
        return sessions.issue_login_ticket(session=db, user_id=user.id)


@pytest.fixture(autouse=True)
def fresh_engines():
    dispose_engines()
    yield
    dispose_engines()


def complete(
    ticket: sessions.LoginTicket,
    next_path: str = "/dashboard",
    base: str = "http://testserver",
    *,
    browser_key: str | None = None,
):
    """Open the ticket link in a browser holding `browser_key` (default: the right one)."""
    client = TestClient(build_api(), base_url=base)
    key = ticket.browser_key if browser_key is None else browser_key
    if key:
        client.cookies.set(sessions.TICKET_KEY_COOKIE, key)
    return client.get(
        "/api/auth/complete",
        params={"ticket": ticket.ticket, "next": next_path},
        follow_redirects=False,
    )


def test_plain_http_cookie_is_http_only_and_lax(ticket: sessions.LoginTicket) -> None:
    resp = complete(ticket)
    assert resp.status_code == 303
    cookie = resp.headers["set-cookie"]
    assert cookie.startswith("lms_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie


def test_https_cookie_is_secure_and_host_prefixed(settings_env, make_user, engine) -> None:
    settings_env(base_url="https://learn.example.org")
    dispose_engines()
    user = make_user()
    with session_scope() as db:
        ticket = sessions.issue_login_ticket(session=db, user_id=user.id)
    cookie = complete(ticket, base="https://testserver").headers["set-cookie"]
    assert cookie.startswith("__Host-lms_session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie


def test_a_ticket_signs_in_once(ticket: sessions.LoginTicket) -> None:
    assert "lms_session=" in complete(ticket).headers.get("set-cookie", "")
    again = complete(ticket)
    assert again.headers["location"] == "/login?expired=1"
    assert "lms_session=" not in again.headers.get("set-cookie", "")


def test_the_cookie_is_a_fresh_session_not_the_ticket(ticket: sessions.LoginTicket) -> None:
    cookie = complete(ticket).headers["set-cookie"]
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    assert token not in (ticket.ticket, ticket.browser_key)
    with session_scope() as db:
        assert sessions.resolve_session(session=db, token=token) is not None
        assert sessions.resolve_session(session=db, token=ticket.ticket) is None


@pytest.mark.parametrize("browser_key", ["", "an-attackers-key"])
def test_a_ticket_link_opened_in_another_browser_signs_nobody_in(
    ticket: sessions.LoginTicket, browser_key: str
) -> None:
    """Login CSRF: a victim lured to an attacker's fresh ticket link stays signed out."""
    resp = complete(ticket, browser_key=browser_key)
    assert resp.headers["location"] == "/login?expired=1"
    assert "lms_session=" not in resp.headers.get("set-cookie", "")


def test_the_browser_key_cookie_is_cleared_after_use(ticket: sessions.LoginTicket) -> None:
    cleared = [c for c in complete(ticket).headers.get_list("set-cookie") if "lms_ticket_key" in c]
    assert cleared and "Max-Age=0" in cleared[0] and "Path=/api/auth/complete" in cleared[0]


@pytest.mark.parametrize(
    "evil",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil",
        "/ok\r\nSet-Cookie: x=1",
        "",
        "dashboard",
    ],
)
def test_next_cannot_leave_the_site(ticket: sessions.LoginTicket, evil: str) -> None:
    assert complete(ticket, evil).headers["location"] == "/dashboard"


def test_next_keeps_a_local_path_with_its_query(ticket: sessions.LoginTicket) -> None:
    assert complete(ticket, "/courses/x?tab=reviews").headers["location"] == (
        "/courses/x?tab=reviews"
    )


def test_sign_out_needs_post_and_revokes_the_session(ticket: sessions.LoginTicket) -> None:
    token = complete(ticket).headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]
    client = TestClient(build_api(), cookies={"lms_session": token})
    assert client.get("/api/auth/logout", follow_redirects=False).status_code == 405
    origin = {"Origin": get_settings().base_origin}
    resp = client.post("/api/auth/logout", headers=origin, follow_redirects=False)
    assert resp.status_code == 303
    assert (
        'lms_session=""' in resp.headers["set-cookie"] or "Max-Age=0" in resp.headers["set-cookie"]
    )
    with session_scope() as db:
        assert sessions.resolve_session(session=db, token=token) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/courses/a", "/courses/a"),
        ("//evil", "/"),
        ("https://evil", "/"),
        (None, "/"),
        ("/\\evil", "/"),
        ("javascript:x", "/"),
        ("/a\tb", "/"),
    ],
)
def test_safe_next(value, expected) -> None:
    assert routes.safe_next(value) == expected
