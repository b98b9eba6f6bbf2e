"""Starlette routes mounted in front of Reflex through api_transformer."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount

from lms_reflex.api.auth import routes as auth_routes
from lms_reflex.api.health import routes as health_routes
from lms_reflex.api.media import routes as media_routes
from lms_reflex.api.payments import routes as payment_routes
from lms_reflex.api.site import routes as site_routes
from lms_reflex.api.uploads import routes as upload_routes
from lms_reflex.api.v1 import PREFIX, build_v1


def build_api() -> Starlette:
    """Our HTTP routes: health, auth cookie, media, uploads, webhooks, logo and the REST API."""
    api = Mount(PREFIX, app=build_v1())
    return Starlette(
        routes=[
            *health_routes,
            *auth_routes,
            *media_routes,
            *upload_routes,
            *payment_routes,
            *site_routes,
            api,
        ]
    )
