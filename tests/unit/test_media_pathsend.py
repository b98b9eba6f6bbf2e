"""The media route's whole-file answers go to the server's pathsend (issue 22).

A player's first request is `Range: bytes=0-`; Starlette would stream that 206 through
Python in 1 MiB reads. `lms_reflex.api.media._MediaFile` hands it to the server instead
(granian offers `http.response.pathsend`), and keeps Starlette's own answer for every
other range, for HEAD, and for servers that do not offer the extension. (The route reads a
range of up to 1 MiB itself, with its access check: tests/unit/test_media_route.py.)
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from starlette.types import Message

from lms_reflex.api.media import _MediaFile

SIZE = 3 * 1024 * 1024 + 17  # more than one 1 MiB read


@pytest.fixture
def video(tmp_path: Path) -> Path:
    path = tmp_path / "lesson.mp4"
    path.write_bytes(bytes(range(256)) * (SIZE // 256) + b"x" * (SIZE % 256))
    return path


def answer(path: Path, range_header: str | None, *, pathsend: bool, method: str = "GET"):
    headers = [(b"range", range_header.encode())] if range_header else []
    scope = {
        "type": "http",
        "method": method,
        "headers": headers,
        "extensions": {"http.response.pathsend": {}} if pathsend else {},
        "asgi": {"spec_version": "2.4"},
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    # The route stats the file in the same thread hop as its access check.
    response = _MediaFile(path, media_type="video/mp4", stat_result=path.stat())
    asyncio.run(response(scope, receive, send))
    start, rest = sent[0], sent[1:]
    return start["status"], dict((k.decode(), v.decode()) for k, v in start["headers"]), rest


def body_of(messages: list[Message]) -> bytes:
    assert all(m["type"] == "http.response.body" for m in messages)
    return b"".join(m.get("body", b"") for m in messages)


def test_a_players_first_request_is_a_whole_file_206_sent_by_the_server(video: Path) -> None:
    status, headers, rest = answer(video, "bytes=0-", pathsend=True)
    assert status == 206
    assert headers["content-range"] == f"bytes 0-{SIZE - 1}/{SIZE}"
    assert headers["content-length"] == str(SIZE)
    assert rest == [{"type": "http.response.pathsend", "path": str(video)}]


def test_an_explicit_whole_range_is_sent_by_the_server_too(video: Path) -> None:
    _, headers, rest = answer(video, f"bytes=0-{SIZE - 1}", pathsend=True)
    assert headers["content-range"] == f"bytes 0-{SIZE - 1}/{SIZE}"
    assert [m["type"] for m in rest] == ["http.response.pathsend"]


def test_a_seek_is_read_by_python_with_exactly_its_bytes(video: Path) -> None:
    status, headers, rest = answer(video, "bytes=1048570-1048600", pathsend=True)
    assert status == 206 and headers["content-length"] == "31"
    assert body_of(rest) == video.read_bytes()[1048570:1048601]


def test_without_the_extension_the_whole_file_streams_from_python(video: Path) -> None:
    status, headers, rest = answer(video, "bytes=0-", pathsend=False)
    assert status == 206 and headers["content-range"] == f"bytes 0-{SIZE - 1}/{SIZE}"
    assert body_of(rest) == video.read_bytes()


def test_head_sends_no_file(video: Path) -> None:
    status, headers, rest = answer(video, "bytes=0-", pathsend=True, method="HEAD")
    assert status == 206 and headers["content-length"] == str(SIZE)
    assert body_of(rest) == b""


def test_a_plain_get_keeps_starlettes_pathsend(video: Path) -> None:
    status, _, rest = answer(video, None, pathsend=True)
    assert status == 200
    assert rest == [{"type": "http.response.pathsend", "path": str(video)}]
