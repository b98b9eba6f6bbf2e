"""A small cap on API request bodies: JSON requests are a few hundred bytes.

The body is read (at most the cap plus one byte) before the app sees it, and replayed; a
larger one, or a Content-Length over the cap, is answered 413 without reading further.
"""

from __future__ import annotations

import json

from lms_reflex.api.upload_limit import ASGIApp, Message, Receive, Scope, Send
from lms_reflex.api.v1.problems import MEDIA_TYPE, TYPE_BASE
from lms_reflex.services.validation import parse_number

MAX_BODY_BYTES = 64 * 1024
TOO_LARGE = f"The request body is larger than {MAX_BODY_BYTES // 1024} KiB."


async def _refuse(send: Send) -> None:
    body = {"type": TYPE_BASE + "too-large", "title": "Request body too large", "status": 413}
    payload = json.dumps(body | {"detail": TOO_LARGE}).encode()
    headers = [(b"content-type", MEDIA_TYPE.encode()), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or []:
        if name == b"content-length":
            number = parse_number(value.decode("latin-1"), max_digits=18)
            return number if number is not None else MAX_BODY_BYTES + 1
    return None


async def _read_capped(receive: Receive) -> tuple[bytes, bool]:
    """The whole body, or (partial, True) as soon as it passes the cap."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False


def limit_body(app: ASGIApp) -> ASGIApp:
    """Wrap the API app with the body cap."""

    async def capped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > MAX_BODY_BYTES:
            await _refuse(send)
            return
        body, too_large = await _read_capped(receive)
        if too_large:
            await _refuse(send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await app(scope, replay, send)

    return capped
