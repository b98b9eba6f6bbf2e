"""Every HTTP answer and websocket handshake names the worker that gave it."""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket

from lms_reflex.api import worker_header
from lms_reflex.api.worker_header import tag_worker, worker_token


async def hello(_request) -> PlainTextResponse:
    return PlainTextResponse("hi", headers={"x-own": "kept"})


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())
    await websocket.close()


def client() -> TestClient:
    app = Starlette(routes=[Route("/", hello), WebSocketRoute("/_event", echo)])
    return TestClient(tag_worker(app))


def test_http_answers_carry_the_worker_token_and_keep_their_headers() -> None:
    response = client().get("/")
    assert response.text == "hi"
    assert response.headers["x-lms-worker"] == worker_token()
    assert response.headers["x-own"] == "kept"


def test_the_websocket_handshake_carries_the_worker_token() -> None:
    with client().websocket_connect("/_event") as ws:
        ws.send_text("ping")
        assert ws.receive_text() == "ping"
    # Starlette's test client hides handshake headers; check the accept message directly.
    tagged = worker_header._with_header({"type": "websocket.accept", "headers": []})
    assert tagged["headers"] == [(b"x-lms-worker", worker_token().encode())]


def test_a_forked_worker_gets_its_own_token(monkeypatch) -> None:
    parent = worker_token()
    monkeypatch.setattr(os, "getpid", lambda: -12345)
    child = worker_token()
    assert child != parent and len(child) == 8
    assert worker_token() == child  # stable within the process
