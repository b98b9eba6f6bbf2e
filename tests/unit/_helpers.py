"""Shared helpers for the media, demo and CLI tests: point every LMS_* path at a tmp dir."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, event
from sqlmodel import Session

from lms_reflex.db import dispose_engines
from lms_reflex.settings import reset_settings_cache

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def lms_env(base: Path, **overrides: str) -> dict[str, str]:
    """The LMS_* variables for an install living entirely under `base`."""
    env = {
        "LMS_ENV": "dev",
        "LMS_DATABASE_URL": f"sqlite:///{base / 'lms.db'}",
        "LMS_DATA_DIR": str(base / "data"),
        "LMS_MEDIA_DIR": str(base / "media"),
        "LMS_MAIL_OUTBOX": str(base / "outbox"),
    }
    env.update(overrides)
    return env


def apply_env(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    """Replace every LMS_* variable with `env` and forget cached settings and engines."""
    for name in list(os.environ):
        if name.startswith("LMS_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    reset_settings_cache()
    dispose_engines()


def forget_caches() -> None:
    """Drop settings and engines so the next test starts from its own environment."""
    dispose_engines()
    reset_settings_cache()


@contextmanager
def count_selects(session: Session) -> Iterator[dict[str, int]]:
    """Count SELECT statements sent on the session's engine (for no-N+1 tests)."""
    bind = session.get_bind()
    target = bind.engine if isinstance(bind, Connection) else bind
    counter = {"n": 0}

    def on_execute(_conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            counter["n"] += 1

    event.listen(target, "before_cursor_execute", on_execute)
    try:
        yield counter
    finally:
        event.remove(target, "before_cursor_execute", on_execute)
