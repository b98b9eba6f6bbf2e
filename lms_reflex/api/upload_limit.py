"""A size cap in front of Reflex's /_upload route, enforced while the body streams in.

Reflex's upload route buffers the whole request before our handler runs, so a limit checked
in the handler would still let a 50 GB body fill the disk. This middleware refuses an
oversized Content-Length at once and counts the bytes of bodies that lie or are chunked,
aborting the request the moment the cap is passed (docs/architecture.md, "Files and
uploads").
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from lms_reflex.services.accounts.profiles import AVATAR_MAX_BYTES
from lms_reflex.services.teaching.course_media import THUMBNAIL_MAX_BYTES
from lms_reflex.services.validation import parse_number
from lms_reflex.settings import get_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("lms_reflex.uploads")
MULTIPART_OVERHEAD = 64 * 1024
# Upload handlers with a tighter cap than LMS_MAX_UPLOAD_MB, by method name.
HANDLER_LIMITS = {
    "handle_avatar_upload": AVATAR_MAX_BYTES + MULTIPART_OVERHEAD,
    "upload_course_thumbnail": THUMBNAIL_MAX_BYTES + MULTIPART_OVERHEAD,
}


def _limit_for(scope: Scope) -> int:
    headers = dict(scope.get("headers") or [])
    handler = headers.get(b"reflex-event-handler", b"").decode(errors="replace")
    method = handler.rsplit(".", 1)[-1]
    return HANDLER_LIMITS.get(method, get_settings().max_upload_bytes + MULTIPART_OVERHEAD)


def _declared_length(scope: Scope) -> int | None:
    value = dict(scope.get("headers") or []).get(b"content-length")
    return parse_number(value.decode("latin-1"), max_digits=30) if value is not None else None


async def _refuse(send: Send, limit: int) -> None:
    mb = max(1, limit // (1024 * 1024))
    body = f"This file is too large. The limit is {mb} MB.".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def limit_upload_size(app: ASGIApp) -> ASGIApp:
    """Wrap the ASGI app so /_upload bodies over their cap are refused while streaming."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith("/_upload"):
            await app(scope, receive, send)
            return
        limit = _limit_for(scope)
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            log.warning("upload refused: declared %s bytes > %s", declared, limit)
            await _refuse(send, limit)
            return
        await _run_counted(app, scope, receive, send, limit)

    return middleware


async def _run_counted(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, limit: int
) -> None:
    """Answer 413 as soon as the cap is passed, then tell the app the client has gone.

    Whatever the app sends after that (its own error page) is dropped, and the error it
    raises on the disconnect is expected, so it is swallowed.
    """
    seen, started, refused = 0, False, False

    async def counted_receive() -> Message:
        nonlocal seen, refused
        if refused:
            return {"type": "http.disconnect"}
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit and not started:
                refused = True
                log.warning("upload refused: body passed %s bytes while streaming", limit)
                await _refuse(send, limit)
                return {"type": "http.disconnect"}
        return message

    async def tracked_send(message: Message) -> None:
        nonlocal started
        if refused:
            return
        started = started or message["type"] == "http.response.start"
        await send(message)

    try:
        await app(scope, counted_receive, tracked_send)
    except Exception:
        if not refused:
            raise
