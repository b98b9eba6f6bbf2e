"""Partial uploads left by a crash are swept at every start (docs/security.md, "Limits")."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from lms_reflex.api.temp_cleanup import sweep_once, sweep_temp_uploads
from lms_reflex.media import storage
from tests.unit._helpers import apply_env, forget_caches, lms_env


@pytest.fixture
def media_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    apply_env(monkeypatch, lms_env(tmp_path))
    forget_caches()
    yield storage.media_root()
    forget_caches()


def leftovers() -> tuple[Path, Path]:
    """One partial upload from an hour ago (a crash) and one still arriving."""
    stale = storage.new_temp_path()
    stale.write_bytes(b"half an upload")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    live = storage.new_temp_path()
    live.write_bytes(b"still arriving")
    return stale, live


def test_a_sweep_removes_stale_temp_files_and_keeps_live_uploads(media_dir: Path) -> None:
    stale, live = leftovers()
    assert asyncio.run(sweep_once()) == 1
    assert not stale.exists()
    assert live.exists()


def test_the_app_sweeps_temp_uploads_when_it_starts(media_dir: Path) -> None:
    """Runs the app's real lifespan, as the server does at every start."""
    from lms_reflex.lms_reflex import app

    assert sweep_temp_uploads in app.get_lifespan_tasks()
    stale, live = leftovers()

    async def start_and_stop() -> None:
        async with app._run_lifespan_tasks(None):  # what Starlette's lifespan calls
            for _ in range(100):
                if not stale.exists():
                    break
                await asyncio.sleep(0.05)

    asyncio.run(start_and_stop())
    assert not stale.exists()
    assert live.exists()


def test_the_sweep_keeps_running_after_a_failure(
    media_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_kwargs: object) -> int:
        raise PermissionError("media folder not readable")

    monkeypatch.setattr(storage, "cleanup_temp_files", broken)
    assert asyncio.run(sweep_once()) == 0
