"""Year-long caching for the compiled front end's content-hashed files.

The build puts every script, stylesheet and font under /assets/ with a hash of its content
in the name, so a file at one URL never changes: a browser may keep it for a year without
asking again. Without a Cache-Control header browsers guess a freshness from Last-Modified
and re-validate often, one request per chunk on a return visit. HTML pages (which name the
current hashes) are left alone, so a new release is picked up at the next page load
(docs/architecture.md, "Front-end assets").
"""

from __future__ import annotations

from lms_reflex.api.upload_limit import ASGIApp, Message, Receive, Scope, Send

IMMUTABLE = b"public, max-age=31536000, immutable"
HASHED_PREFIX = "/assets/"


def _cached(message: Message) -> Message:
    """Mark a successful answer immutable (a refusal or a 404 must not be kept a year)."""
    if message["type"] != "http.response.start" or message.get("status") not in (200, 304):
        return message
    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
    return {**message, "headers": [*headers, (b"cache-control", IMMUTABLE)]}


def cache_hashed_assets(app: ASGIApp) -> ASGIApp:
    """Wrap the ASGI app so GETs of /assets/... are cacheable for a year."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        hashed = (
            scope["type"] == "http"
            and scope.get("method") in ("GET", "HEAD")
            and scope.get("path", "").startswith(HASHED_PREFIX)
        )
        if not hashed:
            await app(scope, receive, send)
            return

        async def send_cached(message: Message) -> None:
            await send(_cached(message))

        await app(scope, receive, send_cached)

    return middleware
