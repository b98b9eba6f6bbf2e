"""/api/media/<key>: private media served with an access check on every request.

Access is the session cookie; a signed URL (lms_reflex.media.signing) works only together
with the session cookie it was made for, and while fresh it spares the lesson lookup. A
range of up to 1 MiB (what a player asks while it plays or seeks) is read in the same
worker thread as the access check and sent as one answer. Anything else goes to
Starlette's FileResponse, which answers the other Range forms (206, 416) and HEAD, and
streams from a thread pool, so large videos never block the event loop. Behind nginx, with
LMS_MEDIA_ACCEL_REDIRECT set, the route only checks access and nginx sends the file.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import hashlib
import mimetypes
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from lms_reflex.db import call_service, run_reads, run_service
from lms_reflex.media import storage
from lms_reflex.media.cards import is_card_key, make_card
from lms_reflex.media.signing import verify_media_signature
from lms_reflex.services.accounts.sessions import cookie_name
from lms_reflex.services.certificates.files import download_name, is_certificate_key, pdf_for_key
from lms_reflex.services.media_access import Grant, lesson_media_grant, media_grant
from lms_reflex.settings import get_settings

PDF = "application/pdf"
_TYPES = {
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mov": "video/quicktime",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".vtt": "text/vtt; charset=utf-8",
}


T = TypeVar("T")
ONE_READ = 1024 * 1024  # the largest range read in one go, with the access check
# Media checks and reads run on threads of their own, one per core: 50 players' Range
# requests on the shared pool's six threads contended for the GIL (about 18 % more
# throughput on two; benchmarks/README.md, "Seventh session"), and kept event handlers
# waiting for a thread behind them.
_MEDIA_THREADS = ThreadPoolExecutor(max(2, os.cpu_count() or 2), thread_name_prefix="media")
_SINGLE_RANGE = re.compile(r"bytes=(\d{1,18})-(\d{0,18})")  # longer numbers: FileResponse


def _read_range(path: str | os.PathLike[str], start: int, length: int) -> bytes:
    """Read without following a link (the file was checked not to be one just before)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        return os.pread(fd, length, start)
    finally:
        os.close(fd)


def small_range(headers: Headers, size: int) -> tuple[int, int] | None:
    """The [start, end) of a plain `bytes=a-b` or `bytes=a-` request of up to 1 MiB.

    None for every other request (no range, If-Range, several ranges, a suffix, one past
    the end, or a longer range): FileResponse answers those as before.
    """
    found = _SINGLE_RANGE.fullmatch(headers.get("range", "").strip())
    if found is None or "if-range" in headers:
        return None
    start = int(found[1])
    end = min(int(found[2]) + 1, size) if found[2] else size
    if not start < end or end - start > ONE_READ:
        return None
    return start, end


def stat_headers(found: os.stat_result) -> dict[str, str]:
    """Last-Modified and ETag as Starlette's FileResponse makes them (so If-Range agrees)."""
    etag = hashlib.md5(f"{found.st_mtime}-{found.st_size}".encode(), usedforsecurity=False)
    return {
        "accept-ranges": "bytes",
        "last-modified": formatdate(found.st_mtime, usegmt=True),
        "etag": f'"{etag.hexdigest()}"',
    }


class _MediaFile(FileResponse):
    """A whole-file range sent by the server itself.

    Starlette hands a plain GET to the server's `http.response.pathsend` (granian sends the
    file from Rust) but streams every Range answer through Python. Here a player's first
    request, `Range: bytes=0-` (the whole file), also goes to pathsend, as a 206 with the
    full Content-Range. Other ranges above 1 MiB stream in 1 MiB chunks.
    benchmarks/media_bench.py measures both against nginx.
    """

    chunk_size = ONE_READ
    _pathsend = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._pathsend = "http.response.pathsend" in (scope.get("extensions") or {})
        await super().__call__(scope, receive, send)

    async def _handle_single_range(
        self, send: Send, start: int, end: int, file_size: int, send_header_only: bool
    ) -> None:
        if send_header_only or not (self._pathsend and (start, end) == (0, file_size)):
            await super()._handle_single_range(send, start, end, file_size, send_header_only)
            return
        headers = MutableHeaders(raw=list(self.raw_headers))
        headers["content-range"] = f"bytes {start}-{end - 1}/{file_size}"
        headers["content-length"] = str(end - start)
        await send({"type": "http.response.start", "status": 206, "headers": headers.raw})
        await send({"type": "http.response.pathsend", "path": str(self.path)})


def _refusal(grant: Grant) -> Response | None:
    if grant == Grant.SIGN_IN:
        return PlainTextResponse("You may not open this file.", status_code=401)
    if grant == Grant.DENIED:
        return PlainTextResponse("You may not open this file.", status_code=403)
    return None


@dataclass(frozen=True, slots=True)
class _Checked:
    """What one worker thread found for a media request."""

    grant: Grant
    file: tuple[Path, os.stat_result] | None = None  # None: refused, or no such file
    part: tuple[int, int, bytes] | None = None  # a small range, already read


def _check_and_read(
    *, key: str, token: str | None, signed: tuple[int, int] | None, sig: bool, headers: Headers
) -> _Checked:
    """The access check, the file's stat and, for a small range, its bytes: one thread hop.

    A playing video sends a Range request every few hundred KiB; each thread hop wakes the
    event loop again. A refused caller gets no stat and no bytes. The lesson rule, which
    admits a student's player, runs on a plain connection; the rest in a full session.
    """
    grant = run_reads(lesson_media_grant, key=key, token=token)
    if grant is None:
        grant = run_service(
            media_grant, readonly=True, key=key, token=token, signed=signed, sig=sig
        )
    if _refusal(grant) is not None:
        return _Checked(grant)
    stored = storage.file_to_serve(key)
    if stored is None and is_card_key(key) and make_card(key):
        stored = storage.file_to_serve(key)
    if stored is None:
        return _Checked(grant)
    path, found = stored
    wanted = small_range(headers, found.st_size)
    if wanted is None:
        return _Checked(grant, stored)
    start, end = wanted
    return _Checked(grant, stored, (start, end, _read_range(path, start, end - start)))


async def in_media_thread(fn: Callable[..., T], /, **kwargs: Any) -> T:
    """`asyncio.to_thread` on the media threads."""
    call = functools.partial(contextvars.copy_context().run, fn, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_MEDIA_THREADS, call)


async def _serve_certificate(key: str) -> Response:
    """A certificate's PDF: public unless revoked, made on its first download.

    Caches must ask again every time (no-cache), so a revoked certificate stops being
    served at once (docs/security.md case 59).
    """
    try:
        path = storage.path_for(key)
    except ValueError:
        return PlainTextResponse("Not found", status_code=404)
    if not await call_service(pdf_for_key, readonly=True, key=key):
        return PlainTextResponse("Not found", status_code=404)
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-cache",
        "Content-Disposition": f'attachment; filename="{download_name(key)}"',
    }
    accel = get_settings().media_accel_redirect
    if accel:
        headers["X-Accel-Redirect"] = accel + quote(key)
        return Response(media_type=PDF, headers=headers)
    return FileResponse(path, media_type=PDF, headers=headers)


async def serve_media(request: Request) -> Response:
    """Serve one stored file if the caller may read it.

    A signed URL (?u=&l=&exp=&sig=) verifies only with the session cookie it was made for;
    otherwise the cookie's user must be allowed the file. A request that presented a
    signature and is not allowed gets 403. Private files are never cached. With
    LMS_MEDIA_ACCEL_REDIRECT set, nginx sends the bytes (X-Accel-Redirect) after this check.
    """
    key = request.path_params["key"]
    if not storage.is_valid_key(key):
        return PlainTextResponse("Not found", status_code=404)
    if is_certificate_key(key):
        return await _serve_certificate(key)
    token = request.cookies.get(cookie_name())
    # Behind nginx the bytes are nginx's to send; a HEAD reads none either.
    reads = request.method == "GET" and not get_settings().media_accel_redirect
    checked = await in_media_thread(
        _check_and_read,
        key=key,
        token=token,
        signed=verify_media_signature(key, request.query_params, token),
        sig="sig" in request.query_params,
        headers=request.headers if reads else Headers(),
    )
    refusal = _refusal(checked.grant)
    if refusal is not None:
        return refusal
    if checked.file is None:
        return PlainTextResponse("Not found", status_code=404)
    return _answer(key, checked, *checked.file)


def _answer(key: str, checked: _Checked, path: Path, found: os.stat_result) -> Response:
    """The file, a range of it already read, or (behind nginx) only the headers."""
    media_type = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": (
            "public, max-age=3600" if checked.grant == Grant.PUBLIC else "private, no-store"
        ),
        "Content-Disposition": "inline",
    }
    accel = get_settings().media_accel_redirect
    if accel:
        headers["X-Accel-Redirect"] = accel + quote(key)
        return Response(media_type=media_type, headers=headers)
    if checked.part is not None:
        start, end, body = checked.part
        headers |= stat_headers(found)
        headers["content-range"] = f"bytes {start}-{end - 1}/{found.st_size}"
        return Response(body, status_code=206, media_type=media_type, headers=headers)
    return _MediaFile(path, media_type=media_type, headers=headers, stat_result=found)


routes = [Route("/api/media/{key:path}", serve_media, methods=["GET", "HEAD"])]
