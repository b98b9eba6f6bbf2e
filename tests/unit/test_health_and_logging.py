"""/api/health says which dependency is down; prod logs are one JSON object per line."""

from __future__ import annotations

import io
import json
import logging
import os

import pytest
from starlette.testclient import TestClient

from lms_reflex.api import build_api
from lms_reflex.logging_setup import build_handler

REDIS_URL = os.environ.get("LMS_TEST_REDIS_URL")  # read before fixtures clear LMS_*
DOWN_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
DOWN_POSTGRES = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"


def health(settings_env, **env: str) -> tuple[int, dict]:
    settings_env(**env)
    response = TestClient(build_api()).get("/api/health")
    return response.status_code, response.json()


def test_health_is_ok_when_the_database_answers(engine, settings_env) -> None:
    assert health(settings_env) == (200, {"ok": True, "database": True})


def test_health_is_503_when_the_database_is_down(settings_env) -> None:
    assert health(settings_env, database_url=DOWN_POSTGRES) == (
        503,
        {"ok": False, "database": False},
    )


def test_health_is_503_when_configured_redis_is_down(engine, settings_env) -> None:
    status, body = health(settings_env, redis_url=DOWN_REDIS)
    assert (status, body) == (503, {"ok": False, "database": True, "redis": False})


def test_health_checks_a_reachable_redis(engine, settings_env) -> None:
    if not REDIS_URL:
        pytest.skip("LMS_TEST_REDIS_URL is not set")
    status, body = health(settings_env, redis_url=REDIS_URL)
    assert (status, body) == (200, {"ok": True, "database": True, "redis": True})


def _log_line(json_lines: bool, **extra: object) -> str:
    handler = build_handler(json_lines=json_lines)
    stream = io.StringIO()
    handler.setStream(stream)
    logger = logging.getLogger("lms_reflex.test_logging")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("upload refused for %s", "someone", extra=extra)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_prod_logs_are_json_lines_with_the_worker_pid_and_extras() -> None:
    line = _log_line(True, user_id=7)
    assert line.count("\n") == 1
    record = json.loads(line)
    assert record["message"] == "upload refused for someone"
    assert record["level"] == "WARNING"
    assert record["logger"] == "lms_reflex.test_logging"
    assert record["pid"] == os.getpid()
    assert record["user_id"] == 7
    assert record["time"].endswith("Z") and "T" in record["time"]


def test_dev_logs_are_plain_text() -> None:
    line = _log_line(False)
    assert line.rstrip().endswith("WARNING lms_reflex.test_logging upload refused for someone")
