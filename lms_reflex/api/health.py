"""/api/health: is the database (and Redis, when configured) reachable."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from lms_reflex.db import get_engine
from lms_reflex.settings import get_settings


def _database_ok() -> bool:
    try:
        with get_engine(readonly=True).connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


def _redis_ok(url: str) -> bool:
    import redis

    try:  # a client per check, closed at once: health is polled, not hot
        with redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2) as client:
            return bool(client.ping())
    except Exception:
        return False


async def health(_: Request) -> JSONResponse:
    """200 when every configured dependency answers, 503 otherwise."""
    checks = {"database": await asyncio.to_thread(_database_ok)}
    redis_url = get_settings().redis_url
    if redis_url:
        checks["redis"] = await asyncio.to_thread(_redis_ok, redis_url)
    ok = all(checks.values())
    return JSONResponse({"ok": ok, **checks}, status_code=200 if ok else 503)


routes = [Route("/api/health", health, methods=["GET"])]
