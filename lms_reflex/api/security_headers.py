"""Security headers on every HTTP answer: our routes, Reflex's, and the compiled pages.

In prod the single-port server serves the built HTML from a mount inside Reflex's own
Starlette app, which our api_transformer wraps, so one ASGI middleware reaches every
response (docs/security.md, "Response headers").

What the compiled app needs from the Content-Security-Policy, and why:
- script-src hashes: the built pages carry inline scripts (the theme preload, the router's
  context and module imports). Their sha256 hashes are read from the build once per worker,
  so only those exact scripts run; 'unsafe-inline' is the fallback when no build is found
  (browsers ignore it when hashes are listed). 'unsafe-eval': Reflex runs `rx.call_script`
  and its reload helpers through eval (the player's seek and key scripts use it).
- style-src 'unsafe-inline': Emotion and Radix inject style elements and style attributes.
- img-src data: blob:: Radix icons and inline SVG data URLs; blob: for local previews.
- connect-src: the app's own origin and its websocket (ws:// or wss:// on the same host).
- media-src 'self': lesson videos come from our /api/media route only.
Everything else stays 'self' or 'none'; no page may be framed (clickjacking).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from lms_reflex.api.upload_limit import ASGIApp, Message, Receive, Scope, Send
from lms_reflex.settings import get_settings

# Features the LMS never uses; only names Chromium knows (others log a console error).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "magnetometer=(), gyroscope=(), accelerometer=()"
)
HSTS = "max-age=31536000"
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)


def inline_script_hashes(pages_dir: Path) -> list[str]:
    """CSP sources ('sha256-...') for every inline script of the built HTML pages."""
    hashes: set[str] = set()
    for page in pages_dir.rglob("*.html"):
        for body in _INLINE_SCRIPT.findall(page.read_text(encoding="utf-8", errors="replace")):
            digest = hashlib.sha256(body.encode()).digest()
            hashes.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return sorted(hashes)


def built_pages_dir() -> Path:
    """Where the prod server serves the compiled pages from (REFLEX_WEB_WORKDIR aware)."""
    from reflex.utils.prerequisites import get_web_dir
    from reflex_base.constants.base import Dirs

    return get_web_dir() / Dirs.STATIC


def websocket_origin(base_url: str) -> str:
    """The ws:// or wss:// origin of the site (the websocket lives on the same host)."""
    parts = urlsplit(base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def content_security_policy(base_url: str, script_hashes: list[str] | None = None) -> str:
    """The policy for every page; see the module docstring for each exception to 'self'."""
    inline = " ".join(script_hashes) if script_hashes else "'unsafe-inline'"
    directives = [
        "default-src 'self'",
        f"script-src 'self' {inline} 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self'",
        f"connect-src 'self' {websocket_origin(base_url)}",
        "worker-src 'self' blob:",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-src 'none'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def security_headers(
    base_url: str, script_hashes: list[str] | None = None
) -> list[tuple[bytes, bytes]]:
    """The headers every HTTP answer gets; HSTS only when the site is served over https."""
    headers = {
        "content-security-policy": content_security_policy(base_url, script_hashes),
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "permissions-policy": PERMISSIONS_POLICY,
        "cross-origin-opener-policy": "same-origin",
    }
    if base_url.startswith("https://"):
        headers["strict-transport-security"] = HSTS
    return [(name.encode(), value.encode()) for name, value in headers.items()]


def _with_headers(message: Message, extra: list[tuple[bytes, bytes]]) -> Message:
    """Add each header the answer does not already set (a route may set its own)."""
    headers = list(message.get("headers", []))
    present = {name.lower() for name, _ in headers}
    headers += [(name, value) for name, value in extra if name not in present]
    return {**message, "headers": headers}


@functools.cache
def _headers_of_this_worker() -> list[tuple[bytes, bytes]]:
    """Built on the first request: the app is imported (and wrapped) before the build exists.

    Reading the pages once takes a few milliseconds; each worker then reuses the result.
    """
    pages = built_pages_dir()
    hashes = inline_script_hashes(pages) if pages.is_dir() else None
    return security_headers(get_settings().base_url, hashes)


def add_security_headers(app: ASGIApp) -> ASGIApp:
    """Wrap the ASGI app so every HTTP response carries the security headers."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = _with_headers(message, _headers_of_this_worker())
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
