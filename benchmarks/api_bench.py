"""The REST API's costs on SQLite: GET /courses over 10,000 courses, token checks, refresh.

Seeds a temporary database (built by the migrations, filled by catalog_bench.seed) and
prints, with p50/p95 in ms:
- `search.search_courses` alone (a fresh read session per call, as `call_service` does),
  then GET /api/v1/courses with the same arguments through the API in-process
  (Starlette's TestClient: routing, validation, the worker-thread hop, JSON);
- decoding an access token (signature and claims, no database), and the full check a
  request makes (decode, then the user and family row);
- POST /auth/refresh against POST /auth/token (which hashes with production argon2).
The API's refresh limit is lifted for the run (it allows 30 a user per 10 minutes).

    python -m benchmarks.api_bench [--courses 10000] [--enrollments 20000] [--runs 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from starlette.testclient import TestClient

from benchmarks.catalog_bench import seed
from lms_reflex.db import dispose_engines, get_engine, run_service
from lms_reflex.settings import reset_settings_cache

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "benchmark password 12345"
QUERIES = ["python", "machine learning", "design figma", "", "guitar"]


def timed(fn: Callable[[int], Any], runs: int) -> list[float]:
    """Milliseconds per call of fn(i), after a few warm-up calls."""
    for i in range(5):
        fn(i)
    out = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(label: str, ms: list[float]) -> float:
    """Print p50/p95 and return p95."""
    p95 = statistics.quantiles(ms, n=20)[18]
    print(f"{label:<44} p50 {statistics.median(ms):8.3f} ms   p95 {p95:8.3f} ms")
    return p95


def _install(tmp: str) -> None:
    os.environ.update(
        LMS_ENV="dev",
        LMS_DATABASE_URL=f"sqlite:///{tmp}/bench.db",
        LMS_DATA_DIR=f"{tmp}/data",
        LMS_MEDIA_DIR=f"{tmp}/media",
        LMS_SECRET_KEY="benchmark-secret-key-0123456789-abcdefghijklmnop",
        LMS_BASE_URL="http://testserver",
    )
    reset_settings_cache()
    dispose_engines()


def _student() -> None:
    from lms_reflex.services.accounts.users import create_user

    run_service(
        create_user, email="bench@example.org", password=PASSWORD, role="student", verified=True
    )


def bench_courses(client: TestClient, runs: int) -> None:
    from lms_reflex.services.catalog import search

    def service(i: int) -> object:
        q = QUERIES[i % len(QUERIES)]
        return run_service(
            search.search_courses, readonly=True, query=q, page_size=20, browse_all=True
        )

    def api(i: int) -> object:
        resp = client.get("/api/v1/courses", params={"q": QUERIES[i % len(QUERIES)]})
        assert resp.status_code == 200, resp.text
        return resp

    alone = report("search service alone", timed(service, runs))
    through = report("GET /api/v1/courses (in-process)", timed(api, runs))
    print(f"{'API p95 / service p95':<44} {through / alone:8.2f} x (target <= 1.5)")


def bench_tokens(client: TestClient, runs: int) -> None:
    from lms_reflex.services.accounts import api_tokens

    body = {"email": "bench@example.org", "password": PASSWORD, "device_name": "bench"}
    pair = client.post("/api/v1/auth/token", json=body).json()
    token = pair["access_token"]
    decode = timed(lambda _: api_tokens.decode_access_token(token), runs * 50)
    print(f"{'token decode (signature + claims)':<44} mean {statistics.fmean(decode):8.4f} ms")
    full = timed(
        lambda _: run_service(api_tokens.actor_for_access_token, readonly=True, token=token),
        runs,
    )
    report("token check with the user/family read", full)
    api_tokens.REFRESHES_PER_WINDOW = 10**9  # measuring, not limiting
    state = {"refresh": pair["refresh_token"]}

    def refresh(_: int) -> None:
        resp = client.post("/api/v1/auth/refresh", json={"refresh_token": state["refresh"]})
        assert resp.status_code == 200, resp.text
        state["refresh"] = resp.json()["refresh_token"]

    refreshed = report("POST /auth/refresh", timed(refresh, runs))
    signed = report("POST /auth/token (argon2)", timed(lambda _: client.post(
        "/api/v1/auth/token", json=body
    ), max(20, runs // 10)))  # fmt: skip
    print(f"{'refresh p95 / sign-in p95':<44} {refreshed / signed:8.2f} x (target < 1)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=10_000)
    parser.add_argument("--enrollments", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _install(tmp)
        config = Config(str(ROOT / "alembic.ini"))
        config.attributes["url"] = os.environ["LMS_DATABASE_URL"]
        command.upgrade(config, "head")
        seed(get_engine(), courses=args.courses, enrollments=args.enrollments)
        print(f"seeded {args.courses} courses, {args.enrollments} enrollments")
        _student()
        from lms_reflex.api import build_api

        with TestClient(build_api(), base_url="http://testserver") as client:
            bench_courses(client, args.runs)
            bench_tokens(client, args.runs)
        dispose_engines()


if __name__ == "__main__":
    main()
