"""lms_reflex.serve: the production launcher `make run`, the e2e suite and the benchmarks use.

The e2e suite starts the real server through it; these tests pin what that run cannot show:
the names Reflex reads, the port and worker rules, and that the supervisor stays small.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from reflex_base import constants
from reflex_base.environment import environment

from lms_reflex import serve


def test_worker_env_is_what_reflex_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Reflex upgrade that renames these would serve no pages, or compile in every worker."""
    for name, value in serve.WORKER_ENV.items():
        monkeypatch.setenv(name, value)
    assert environment.REFLEX_ENV_MODE.get() == constants.Env.PROD
    assert environment.REFLEX_SKIP_COMPILE.get() is True
    assert environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.get() is True


@pytest.mark.parametrize(
    ("environ", "port"),
    [
        ({}, 3000),
        ({"LMS_BASE_URL": "http://localhost:3300"}, 3300),
        ({"LMS_BASE_URL": "https://school.example"}, 3000),
        ({"LMS_BASE_URL": "https://school.example", "LMS_PORT": "8001"}, 8001),
        ({"LMS_BASE_URL": "http://localhost:3300", "LMS_PORT": "8001"}, 8001),
    ],
)
def test_listen_port(environ: dict[str, str], port: int) -> None:
    assert serve.listen_port(environ) == port


def test_one_worker_without_redis_whatever_granian_workers_says() -> None:
    assert serve.worker_count({"GRANIAN_WORKERS": "3"}) == 1


def test_granian_workers_with_redis() -> None:
    assert serve.worker_count({"GRANIAN_WORKERS": "2", "LMS_REDIS_URL": "redis://x/0"}) == 2


def test_supervisor_imports_neither_reflex_nor_the_app() -> None:
    """What the supervisor imports stays resident for the server's life (the module's why)."""
    heavy = ["reflex", "reflex_base", "sqlalchemy", "sqlmodel", "pydantic", "starlette", "granian"]
    probe = (
        "import sys, lms_reflex.serve;"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert found.strip() == "[]"


def test_a_failed_build_serves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[tuple[str, int, int]] = []
    monkeypatch.setattr(serve, "build_pages", lambda: 2)
    monkeypatch.setattr(serve, "run_server", lambda *a: started.append(a))
    assert serve.main([]) == 2
    assert started == []


def test_serves_after_the_build_with_the_worker_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in serve.WORKER_ENV:
        monkeypatch.setenv(name, "unset")  # restored after the test
    monkeypatch.setenv("LMS_BASE_URL", "http://localhost:3310")
    monkeypatch.delenv("LMS_PORT", raising=False)
    monkeypatch.delenv("LMS_REDIS_URL", raising=False)
    started: list[tuple[str, int, int]] = []
    monkeypatch.setattr(serve, "build_pages", lambda: 0)
    monkeypatch.setattr(serve, "run_server", lambda *a: started.append(a))
    assert serve.main(["--host", "127.0.0.1"]) == 0
    assert started == [("127.0.0.1", 3310, 1)]
    assert {name: os.environ[name] for name in serve.WORKER_ENV} == serve.WORKER_ENV


@pytest.mark.parametrize(("workers", "preloaded"), [(1, False), (3, True)])
def test_several_workers_share_one_import_of_the_app(workers: int, preloaded: bool) -> None:
    """In a fresh interpreter, with granian's server replaced by one that only reports."""
    probe = (
        "import gc, sys, granian.server as g; from lms_reflex import serve\n"
        "class Report:\n"
        "    def __init__(self, **kw): self.workers = kw['workers']\n"
        "    def serve(self): print(self.workers, 'lms_reflex.lms_reflex' in sys.modules,"
        " gc.get_freeze_count() > 0)\n"
        "g.Server = Report\n"
        f"serve.run_server('127.0.0.1', 3999, {workers})"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert found.split() == [str(workers), str(preloaded), str(preloaded)]
