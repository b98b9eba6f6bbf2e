"""Which worker answered: an X-LMS-Worker header on responses, a log line per websocket.

With several backend workers behind one port, operators (and the e2e tests) need to see
which worker answered a request or holds a browser's websocket. The value is a random
token made once per process, so it names the worker without revealing its pid. Granian
drops headers from a websocket handshake, so each websocket that opens is also logged
with its worker and the browser's user agent.
"""

from __future__ import annotations

import logging
import os
import secrets

from lms_reflex.api.upload_limit import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-lms-worker"
log = logging.getLogger("lms_reflex.workers")
_token: tuple[int, str] = (0, "")  # (pid, token): a forked worker must not keep its parent's


def worker_token() -> str:
    """This process's token, made afresh after a fork (workers are forked from one parent)."""
    global _token
    if _token[0] != os.getpid():
        _token = (os.getpid(), secrets.token_hex(4))
    return _token[1]


def _with_header(message: Message) -> Message:
    if message["type"] in ("http.response.start", "websocket.accept"):
        headers = [*message.get("headers", []), (HEADER, worker_token().encode())]
        return {**message, "headers": headers}
    return message


def _agent(scope: Scope) -> str:
    agent = dict(scope.get("headers") or []).get(b"user-agent", b"")
    return agent.decode(errors="replace")[:200]


def tag_worker(app: ASGIApp) -> ASGIApp:
    """Wrap the ASGI app so each response and websocket accept names its worker."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await app(scope, receive, send)
            return

        async def tagged_send(message: Message) -> None:
            if message["type"] == "websocket.accept":
                log.info("websocket opened on worker %s for %s", worker_token(), _agent(scope))
            await send(_with_header(message))

        await app(scope, receive, tagged_send)

    return middleware
