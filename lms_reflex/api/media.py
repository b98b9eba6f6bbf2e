"""/api/media/<key>: private media served with an access check on every request.

Access is the session cookie; a signed URL (lms_reflex.media.signing) works only together
with the session cookie it was made for, and while fresh it spares the lesson lookup. Starlette's
FileResponse answers HTTP Range requests (206) and HEAD, and streams from a
thread pool, so large videos never block the event loop. Behind nginx, with
LMS_MEDIA_ACCEL_REDIRECT set, the route only checks access and nginx sends the file.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
import stat
from pathlib import Path
from urllib.parse import quote

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from lms_reflex.db import call_service, run_service
from lms_reflex.media import storage
from lms_reflex.media.cards import is_card_key, make_card
from lms_reflex.media.signing import verify_media_signature
from lms_reflex.services.accounts.sessions import cookie_name
from lms_reflex.services.certificates.files import download_name, is_certificate_key, pdf_for_key
from lms_reflex.services.media_access import Grant, media_grant
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


def _read_range(path: str | os.PathLike[str], start: int, length: int) -> bytes:
    with open(path, "rb") as file:
        return os.pread(file.fileno(), length, start)


class _MediaFile(FileResponse):
    """A file answer with fewer trips through Python for the requests a player makes.

    Starlette hands a plain GET to the server's `http.response.pathsend` (granian sends the
    file from Rust) but streams every Range answer through Python: open, seek, read and
    close are a thread hop each. Here a player's first request, `Range: bytes=0-` (the whole
    file), also goes to pathsend, as a 206 with the full Content-Range; a range of up to
    1 MiB (a seek, or a player reading ahead) is read in one hop. Larger ranges stream in
    1 MiB chunks as before. benchmarks/media_bench.py measures both against nginx.
    """

    chunk_size = 1024 * 1024
    _pathsend = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._pathsend = "http.response.pathsend" in (scope.get("extensions") or {})
        await super().__call__(scope, receive, send)

    async def _handle_single_range(
        self, send: Send, start: int, end: int, file_size: int, send_header_only: bool
    ) -> None:
        whole = self._pathsend and (start, end) == (0, file_size)
        if send_header_only or not (whole or end - start <= self.chunk_size):
            await super()._handle_single_range(send, start, end, file_size, send_header_only)
            return
        body = b"" if whole else await asyncio.to_thread(_read_range, self.path, start, end - start)
        headers = MutableHeaders(raw=list(self.raw_headers))
        headers["content-range"] = f"bytes {start}-{end - 1}/{file_size}"
        headers["content-length"] = str(end - start)
        await send({"type": "http.response.start", "status": 206, "headers": headers.raw})
        if whole:
            await send({"type": "http.response.pathsend", "path": str(self.path)})
        else:
            await send({"type": "http.response.body", "body": body, "more_body": False})


def _refusal(grant: Grant) -> Response | None:
    if grant == Grant.SIGN_IN:
        return PlainTextResponse("You may not open this file.", status_code=401)
    if grant == Grant.DENIED:
        return PlainTextResponse("You may not open this file.", status_code=403)
    return None


def _check_and_stat(
    key: str, path: Path, *, token: str | None, signed: tuple[int, int] | None, sig: bool
) -> tuple[Grant, os.stat_result | None]:
    """The access check, then the file's size and date, in one worker thread.

    A playing video sends a Range request every few hundred KiB: one thread hop here
    instead of one for the check and one for Starlette's own stat. A refused caller gets
    no stat.
    """
    grant = run_service(media_grant, readonly=True, key=key, token=token, signed=signed, sig=sig)
    if _refusal(grant) is not None:
        return grant, None
    try:
        found = os.stat(path)
    except FileNotFoundError:
        if not (is_card_key(key) and make_card(key)):
            return grant, None
        found = os.stat(path)
    return grant, (found if stat.S_ISREG(found.st_mode) else None)


async def _serve_certificate(key: str, path: Path) -> Response:
    """A certificate's PDF: public unless revoked, made on its first download.

    Caches must ask again every time (no-cache), so a revoked certificate stops being
    served at once (docs/security.md case 59).
    """
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
    try:
        path = storage.path_for(key)
    except ValueError:
        return PlainTextResponse("Not found", status_code=404)
    if is_certificate_key(key):
        return await _serve_certificate(key, path)
    token = request.cookies.get(cookie_name())
    grant, found = await asyncio.to_thread(
        _check_and_stat,
        key,
        path,
        token=token,
        signed=verify_media_signature(key, request.query_params, token),
        sig="sig" in request.query_params,
    )
    refusal = _refusal(grant)
    if refusal is not None:
        return refusal
    if found is None:
        return PlainTextResponse("Not found", status_code=404)
    media_type = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": ("public, max-age=3600" if grant == Grant.PUBLIC else "private, no-store"),
        "Content-Disposition": "inline",
    }
    accel = get_settings().media_accel_redirect
    if accel:
        headers["X-Accel-Redirect"] = accel + quote(key)
        return Response(media_type=media_type, headers=headers)
    return _MediaFile(path, media_type=media_type, headers=headers, stat_result=found)


routes = [Route("/api/media/{key:path}", serve_media, methods=["GET", "HEAD"])]
