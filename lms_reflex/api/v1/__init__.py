"""The REST API, version 1: a FastAPI app mounted at /api/v1 (docs/architecture.md, "The API").

Routers by domain call the same services as the pages, so every rule and permission is
the web's (docs/security.md case 54).
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse

from lms_reflex.api.upload_limit import ASGIApp
from lms_reflex.api.v1 import (
    admin,
    auth,
    catalog,
    learning,
    me,
    problems,
    records,
    reviews,
    teach,
)
from lms_reflex.api.v1.body_limit import limit_body
from lms_reflex.api.v1.docs_page import render_docs

PREFIX = "/api/v1"


def create_app() -> FastAPI:
    """The API app itself (tests call it in-process, without Reflex)."""
    app = FastAPI(
        title="lms_reflex API",
        version="1",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        description="JSON over HTTPS; bearer access tokens (10 minutes) and rotating "
        "refresh tokens. Errors are RFC 9457 problem documents.",
    )
    problems.install(app)
    for module in (auth, me, catalog, learning, reviews, records, teach, admin):
        app.include_router(module.router)

    @app.get("/docs", include_in_schema=False)
    async def docs(_: Request) -> HTMLResponse:
        return render_docs(app.openapi())

    return app


def build_v1() -> ASGIApp:
    """The API app behind its body-size cap, ready to mount at PREFIX."""
    return limit_body(create_app())
