"""/api/media/<key>: private media served with an access check on every request.

Access is a session cookie or a signed URL (lms_reflex.media.signing). Starlette's
FileResponse answers HTTP Range requests (206) and HEAD, and streams from a
thread pool, so large videos never block the event loop. Behind nginx, with
LMS_MEDIA_ACCEL_REDIRECT set, the route only checks access and nginx sends the file.
"""

from __future__ import annotations

import mimetypes

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from lms_reflex.api.auth_cookie import actor_from_request
from lms_reflex.db import call_service
from lms_reflex.media import storage
from lms_reflex.media.signing import verify_media_signature
from lms_reflex.services.media_access import (
    can_read_private_media,
    can_read_signed_media,
    is_public_media,
)
from lms_reflex.settings import get_settings

_TYPES = {
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mov": "video/quicktime",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


async def _refusal(request: Request, key: str) -> Response | None:
    """None when the caller may read a protected file, else the 401/403 to send.

    A signed URL (?u=&l=&exp=&sig=) is tried first, then the session cookie. A request
    that presented a signature which did not verify or no longer grants access gets 403.
    """
    signed = verify_media_signature(key, request.query_params)
    if signed is not None and await call_service(
        can_read_signed_media, readonly=True, user_id=signed[0], lesson_id=signed[1], key=key
    ):
        return None
    actor = await actor_from_request(request)
    if await call_service(can_read_private_media, readonly=True, actor=actor, key=key):
        return None
    status = 401 if actor is None and "sig" not in request.query_params else 403
    return PlainTextResponse("You may not open this file.", status_code=status)


async def serve_media(request: Request) -> Response:
    """Serve one stored file if the caller may read it."""
    key = request.path_params["key"]
    try:
        path = storage.path_for(key)
    except ValueError:
        return PlainTextResponse("Not found", status_code=404)
    public = await call_service(is_public_media, readonly=True, key=key)
    if not public:
        refusal = await _refusal(request, key)
        if refusal is not None:
            return refusal
    if not path.is_file():
        return PlainTextResponse("Not found", status_code=404)
    media_type = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    cache = "public, max-age=3600" if public else "private, max-age=0, no-store"
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": cache,
        "Content-Disposition": "inline",
    }
    accel = get_settings().media_accel_redirect
    if accel:  # access is checked; nginx sends the bytes (and answers Range) much faster
        headers["X-Accel-Redirect"] = f"{accel}{key}"
        return Response(media_type=media_type, headers=headers)
    return FileResponse(path, media_type=media_type, headers=headers)


routes = [Route("/api/media/{key:path}", serve_media, methods=["GET", "HEAD"])]
