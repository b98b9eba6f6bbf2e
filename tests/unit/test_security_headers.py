"""Response headers on every answer, and sign-out only from our own pages.

docs/security.md, "Response headers". The middleware wraps the real routes here; the e2e
test tests/e2e/test_csp.py checks that the built pages run under the policy in Chromium.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from lms_reflex.api import build_api, security_headers
from lms_reflex.api.security_headers import (
    add_security_headers,
    content_security_policy,
    inline_script_hashes,
)
from lms_reflex.db import dispose_engines, session_scope
from lms_reflex.services.accounts import sessions
from lms_reflex.settings import get_settings


@pytest.fixture(autouse=True)
def fresh_engines():
    dispose_engines()
    yield
    dispose_engines()


@pytest.fixture(autouse=True)
def built_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in build with one inline script; the headers are made afresh per test."""
    pages = tmp_path / "build" / "client"
    pages.mkdir(parents=True)
    (pages / "index.html").write_text(INDEX)
    monkeypatch.setattr(security_headers, "built_pages_dir", lambda: pages)
    security_headers._headers_of_this_worker.cache_clear()
    yield pages
    security_headers._headers_of_this_worker.cache_clear()


INLINE = "window.__ctx = {};"
INDEX = (
    f'<!doctype html><script>{INLINE}</script><script type="module" src="/assets/a.js">'
    '</script><script type="module">\nimport "/assets/b.js";</script>'
)


def page(_request) -> Response:
    return HTMLResponse("<!doctype html><title>x</title>")


def own_frame_header(_request) -> Response:
    return Response("ok", headers={"X-Content-Type-Options": "nosniff"})


def wrapped() -> TestClient:
    """A stand-in for the built pages plus our real routes, behind the middleware."""
    inner = Starlette(routes=[Route("/page", page), Route("/own", own_frame_header)])
    inner.mount("/", build_api())
    return TestClient(add_security_headers(inner))


@pytest.mark.parametrize("path", ["/page", "/api/health", "/missing", "/api/media/videos/x"])
def test_every_answer_carries_the_security_headers(settings_env, path: str) -> None:
    settings_env()
    headers = wrapped().get(path).headers
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "default-src 'self'" in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in headers["permissions-policy"]
    assert "strict-transport-security" not in headers  # plain http: no HSTS


def test_a_header_a_route_sets_is_not_sent_twice(settings_env) -> None:
    settings_env()
    resp = wrapped().get("/own")
    assert resp.headers.get_list("x-content-type-options") == ["nosniff"]


def test_hsts_only_when_the_site_is_https(settings_env) -> None:
    settings_env(base_url="https://learn.example.org")
    headers = wrapped().get("/page").headers
    assert headers["strict-transport-security"].startswith("max-age=")
    assert "connect-src 'self' wss://learn.example.org" in headers["content-security-policy"]


def test_the_websocket_of_a_plain_http_site_is_allowed() -> None:
    csp = content_security_policy("http://localhost:3125")
    assert "connect-src 'self' ws://localhost:3125" in csp.split("; ")


def test_only_the_built_pages_inline_scripts_may_run(settings_env) -> None:
    """Hashes of the build's inline scripts replace 'unsafe-inline' (injected ones fail)."""
    settings_env()
    csp = wrapped().get("/page").headers["content-security-policy"]
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src "))
    digest = base64.b64encode(hashlib.sha256(INLINE.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in script_src
    assert "'unsafe-inline'" not in script_src
    assert len(inline_script_hashes(Path(security_headers.built_pages_dir()))) == 2


def test_without_a_build_inline_scripts_fall_back_to_unsafe_inline(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert inline_script_hashes(tmp_path / "empty") == []
    assert "script-src 'self' 'unsafe-inline' 'unsafe-eval'" in content_security_policy("http://x")


def test_the_policy_allows_no_foreign_scripts_or_frames() -> None:
    directives = dict(d.split(" ", 1) for d in content_security_policy("http://x").split("; "))
    for name in ("default-src", "script-src", "style-src", "connect-src", "img-src"):
        assert "*" not in directives[name] and "http:" not in directives[name], name
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"


def test_the_app_wraps_every_answer_with_the_headers() -> None:
    """The real app's transformer list includes the middleware (pages come through it)."""
    from lms_reflex.lms_reflex import app

    assert add_security_headers in app.api_transformer


# ------------------------------------------------------------------------------ sign-out


def signed_in_client(make_user) -> tuple[TestClient, str]:
    user = make_user()
    with session_scope() as db:
        token = sessions.create_session(
            session=db, user_id=user.id, ip="127.0.0.1", user_agent="pytest"
        )
    return TestClient(build_api(), cookies={"lms_session": token}), token


def still_signed_in(token: str) -> bool:
    with session_scope() as db:
        return sessions.resolve_session(session=db, token=token) is not None


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
        {},
    ],
)
def test_a_cross_site_sign_out_is_refused(make_user, engine, headers: dict) -> None:
    client, token = signed_in_client(make_user)
    resp = client.post("/api/auth/logout", headers=headers, follow_redirects=False)
    assert resp.status_code == 403
    assert "set-cookie" not in resp.headers
    assert still_signed_in(token)


@pytest.mark.parametrize("header", ["Origin", "Referer"])
def test_a_same_origin_sign_out_works(make_user, engine, header: str) -> None:
    client, token = signed_in_client(make_user)
    ours = get_settings().base_origin
    value = ours if header == "Origin" else ours + "/dashboard"
    resp = client.post("/api/auth/logout", headers={header: value}, follow_redirects=False)
    assert resp.status_code == 303
    assert not still_signed_in(token)
