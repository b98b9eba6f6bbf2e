"""Oversized uploads are refused while streaming, before the app sees all (case 30)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from lms_reflex.api.upload_limit import AVATAR_MAX_BYTES, limit_upload_size

MB = 1024 * 1024


class Recorder:
    def __init__(self) -> None:
        self.bytes_read = 0

    async def upload(self, request: Request) -> PlainTextResponse:
        async for chunk in request.stream():
            self.bytes_read += len(chunk)
        return PlainTextResponse("stored")


@pytest.fixture
def recorder(settings_env) -> Recorder:
    settings_env(max_upload_mb="1")
    return Recorder()


@pytest.fixture
def client(recorder: Recorder) -> TestClient:
    inner = Starlette(routes=[Route("/_upload", recorder.upload, methods=["POST"])])
    return TestClient(limit_upload_size(inner))


def chunks(total: int, size: int = 64 * 1024):
    sent = 0
    while sent < total:
        yield b"x" * min(size, total - sent)
        sent += size


def test_a_body_under_the_cap_reaches_the_handler(client, recorder) -> None:
    resp = client.post("/_upload", content=b"x" * 1000)
    assert resp.status_code == 200 and recorder.bytes_read == 1000


def test_an_oversized_declared_length_is_refused_before_reading(client, recorder) -> None:
    resp = client.post("/_upload", content=b"x" * (2 * MB))
    assert resp.status_code == 413
    assert "too large" in resp.text
    assert recorder.bytes_read == 0


def test_a_chunked_body_is_cut_off_once_it_passes_the_cap(client, recorder) -> None:
    resp = client.post("/_upload", content=chunks(5 * MB))
    assert resp.status_code == 413
    assert recorder.bytes_read <= 1 * MB + 64 * 1024 + 64 * 1024


def test_avatar_uploads_have_their_own_smaller_cap(settings_env, recorder) -> None:
    settings_env(max_upload_mb="100")
    inner = Starlette(routes=[Route("/_upload", recorder.upload, methods=["POST"])])
    client = TestClient(limit_upload_size(inner))
    headers = {"reflex-event-handler": "state.profile_state.handle_avatar_upload"}
    too_big = client.post("/_upload", content=b"x" * (AVATAR_MAX_BYTES + MB), headers=headers)
    assert too_big.status_code == 413
    other = client.post(
        "/_upload",
        content=b"x" * (AVATAR_MAX_BYTES + MB),
        headers={"reflex-event-handler": "state.x.handle_video_upload"},
    )
    assert other.status_code == 200


def test_other_paths_are_not_limited(client, recorder) -> None:
    inner_client = client
    resp = inner_client.post("/api/other", content=b"x" * (2 * MB))
    assert resp.status_code == 404  # reached the app's router, not refused with 413


def test_course_thumbnail_uploads_are_capped_at_5_mb(settings_env, recorder) -> None:
    settings_env(max_upload_mb="100")
    inner = Starlette(routes=[Route("/_upload", recorder.upload, methods=["POST"])])
    client = TestClient(limit_upload_size(inner))
    headers = {"reflex-event-handler": "state.course_editor_state.upload_course_thumbnail"}
    assert client.post("/_upload", content=b"x" * (6 * MB), headers=headers).status_code == 413
    assert client.post("/_upload", content=b"x" * (4 * MB), headers=headers).status_code == 200
