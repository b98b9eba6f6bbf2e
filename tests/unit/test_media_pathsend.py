"""The media route's whole-file answers go to the server's pathsend (issue 22).

A player's first request is `Range: bytes=0-`; Starlette would stream that 206 through
Python in 1 MiB reads. `lms_reflex.api.media._MediaFile` hands it to the server instead
(granian offers `http.response.pathsend`), and keeps Starlette's own answer for every
other range, for HEAD, and for servers that do not offer the extension.
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


def test_a_range_up_to_one_mib_is_read_in_one_thread_hop(video: Path, monkeypatch) -> None:
    """Starlette's own path takes a hop each for open, seek, read and close."""
    import anyio.to_thread

    from lms_reflex.api import media

    hops: list[str] = []
    real_read, real_run_sync = media._read_range, anyio.to_thread.run_sync

    def read(*args):
        hops.append("read")
        return real_read(*args)

    async def run_sync(fn, *args, **kwargs):
        hops.append(getattr(fn, "__name__", "?"))
        return await real_run_sync(fn, *args, **kwargs)

    monkeypatch.setattr(media, "_read_range", read)
    monkeypatch.setattr(anyio.to_thread, "run_sync", run_sync)
    status, headers, rest = answer(video, "bytes=262144-524287", pathsend=True)
    assert status == 206 and headers["content-range"] == f"bytes 262144-524287/{SIZE}"
    assert body_of(rest) == video.read_bytes()[262144:524288]
    assert len(rest) == 1 and hops == ["read"], hops


def test_a_range_over_one_mib_streams_in_chunks(video: Path) -> None:
    status, headers, rest = answer(video, "bytes=100-1048677", pathsend=True)
    assert status == 206 and headers["content-length"] == str(1048578)
    assert len(rest) == 2 and body_of(rest) == video.read_bytes()[100:1048678]
