"""POST /api/uploads/lessons/<id>/video: a lesson video streamed straight to disk.

Reflex's /_upload has no access control and buffers the body, so videos come here instead
(docs/architecture.md, "Files and uploads"; docs/security.md cases 30-32, 34). In order:
same origin only (a cross-site form or script cannot post with the victim's cookie), a
signed-in owner of the lesson (checked before a single body byte is read), the size cap
enforced while receiving (the temp file goes on refusal), then attach_lesson_video in a
thread, which checks ownership again, sniffs and decodes the file, stores it under a
server-made name and commits last.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from urllib.parse import unquote

from sqlmodel import Session
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from lms_reflex.api.auth_cookie import actor_from_request
from lms_reflex.api.client_ip import request_ip
from lms_reflex.db import call_service
from lms_reflex.media import storage
from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    NotSignedIn,
    PermissionDenied,
)
from lms_reflex.services.teaching.course_media import attach_lesson_video
from lms_reflex.services.teaching.curriculum import owned_lesson
from lms_reflex.services.validation import parse_id, parse_number
from lms_reflex.settings import get_settings

log = logging.getLogger("lms_reflex.uploads")

WRITE_BATCH = 1024 * 1024  # bytes gathered before one disk write in a worker thread
FORBIDDEN = "You may not change this lesson."


class TooLarge(Exception):
    """The body passed LMS_MAX_UPLOAD_MB while it was streaming in."""


def _text(message: str, status: int) -> Response:
    return PlainTextResponse(message, status_code=status)


def _too_large() -> Response:
    mb = get_settings().max_upload_mb
    return _text(f"This file is too large. The limit is {mb} MB.", 413)


def _ip(request: Request) -> str:
    return request_ip(request)


def _same_origin(request: Request) -> bool:
    """Only pages of this site may post: the Origin header must be LMS_BASE_URL's origin."""
    return request.headers.get("origin", "") == get_settings().base_origin


def _declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length", "")
    return parse_number(value, max_digits=30)


def check_lesson_owner(*, session: Session, actor: Actor | None, lesson_id: int) -> None:
    """Refuse early, before the body is read, when the caller may not edit the lesson.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `owned_lesson`.
    """
    owned_lesson(session, actor, lesson_id)


async def _receive_to(request: Request, path: Path, limit: int) -> None:
    """Stream the body into `path`, refusing as soon as it passes `limit` bytes.

    Raises:
        TooLarge: when the body is larger than the limit.
        ClientDisconnect: when the browser went away (Cancel, closed tab).
    """
    received, pending = 0, bytearray()
    with open(path, "xb") as fh:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise TooLarge
            pending += chunk
            if len(pending) >= WRITE_BATCH:
                await asyncio.to_thread(fh.write, bytes(pending))
                pending.clear()
        await asyncio.to_thread(fh.write, bytes(pending))


def _refusal_for(exc: DomainError) -> Response:
    """401 for nobody, 403 for the wrong person or lesson (not revealing which), else 400."""
    if isinstance(exc, NotSignedIn):
        return _text(exc.message, 401)
    if isinstance(exc, PermissionDenied | NotFound):
        return _text(FORBIDDEN, 403)
    status = 400 if isinstance(exc, InvalidInput) else 409
    return _text(exc.message, status)


async def upload_lesson_video(request: Request) -> Response:
    """Receive one lesson video; answers JSON {duration_s, video_url} or a plain sentence."""
    if not _same_origin(request):
        origin = request.headers.get("origin", "")[:100]
        log.warning("video upload refused: origin %r ip=%s", origin, _ip(request))
        return _text("Uploads are only accepted from this site.", 403)
    raw_id = request.path_params["lesson_id"]
    lesson_id = parse_id(raw_id)
    actor = await actor_from_request(request)
    try:
        await call_service(check_lesson_owner, readonly=True, actor=actor, lesson_id=lesson_id)
    except DomainError as exc:
        log.warning(
            "video upload denied: user=%s lesson=%s ip=%s", actor and actor.id, raw_id[:12],
            _ip(request),
        )  # fmt: skip
        return _refusal_for(exc)
    limit = get_settings().max_upload_bytes
    declared = _declared_length(request)
    if declared is not None and declared > limit:
        log.warning(
            "video upload refused: user=%s declared %s bytes ip=%s", actor and actor.id,
            declared, _ip(request),
        )  # fmt: skip
        return _too_large()
    return await _store(request, actor, lesson_id, limit)


async def _store(request: Request, actor: Actor | None, lesson_id: int, limit: int) -> Response:
    """Stream to a temp file, then attach it; the temp file never outlives the request."""
    temp = storage.new_temp_path()
    name = unquote(request.headers.get("x-upload-name", ""))[:200]
    try:
        await _receive_to(request, temp, limit)
        result = await call_service(
            attach_lesson_video, actor=actor, lesson_id=lesson_id, temp_path=temp,
            original_name=name,
        )  # fmt: skip
    except TooLarge:
        log.warning(
            "video upload refused: user=%s passed %s bytes ip=%s", actor and actor.id, limit,
            _ip(request),
        )  # fmt: skip
        return _too_large()
    except ClientDisconnect:
        return _text("The upload was interrupted.", 400)
    except DomainError as exc:
        return _refusal_for(exc)
    finally:
        temp.unlink(missing_ok=True)
    return JSONResponse({"duration_s": result.duration_s, "video_url": result.video_url})


routes = [
    Route("/api/uploads/lessons/{lesson_id}/video", upload_lesson_video, methods=["POST"]),
]
