"""/api/site/logo: the operator's logo (LMS_SITE_LOGO), for the header, footer and mails.

The file is the operator's, not a user's, but an SVG can carry script: it is sent with a
policy that runs none and sandboxes the document, in case someone opens it on its own.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from lms_reflex.settings import LOGO_ROUTE, LOGO_TYPES, get_settings

LOGO_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


async def site_logo(_: Request) -> Response:
    """The configured logo, or 404 when the site has none."""
    path = get_settings().site_logo
    if path is None or not path.is_file():
        return PlainTextResponse("This site has no logo.", status_code=404)
    return FileResponse(
        path,
        media_type=LOGO_TYPES[path.suffix.lower()],
        headers={
            "cache-control": "public, max-age=3600",
            "content-security-policy": LOGO_POLICY,
        },
    )


routes = [Route(LOGO_ROUTE, site_logo, methods=["GET", "HEAD"])]
