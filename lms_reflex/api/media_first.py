"""/api/media ahead of the middleware stack: a playing video's Range requests go straight in.

A player asks for a few hundred KiB at a time, so the per-request work is most of what the
route costs. Through the app's stack each request also passed our upload limit, share-meta,
asset-cache and Starlette's routing and exception layers, none of which a media answer
needs (benchmarks/README.md, "Seventh session"). This lane sends GET and HEAD of
/api/media/ to the same endpoint (`api/media.py::serve_media`, with its access check on
every request) wrapped only in what every answer carries: the security headers and the
worker tag. Other methods go down the stack as before (405 from the route).
"""

from __future__ import annotations

from starlette.requests import Request

from lms_reflex.api.media import serve_media
from lms_reflex.api.security_headers import add_security_headers
from lms_reflex.api.upload_limit import ASGIApp, Receive, Scope, Send
from lms_reflex.api.worker_header import tag_worker

PREFIX = "/api/media/"


async def _media(scope: Scope, receive: Receive, send: Send) -> None:
    """What the route `/api/media/{key:path}` would call, given the same path parameter."""
    scope["path_params"] = {"key": scope["path"][len(PREFIX) :]}
    response = await serve_media(Request(scope, receive))
    await response(scope, receive, send)


def _is_media(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope.get("method") in ("GET", "HEAD")
        and scope.get("path", "").startswith(PREFIX)
    )


def serve_media_first(app: ASGIApp) -> ASGIApp:
    """Wrap the ASGI app so media requests skip the stack beneath this layer."""
    media = tag_worker(add_security_headers(_media))

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        await (media if _is_media(scope) else app)(scope, receive, send)

    return middleware
