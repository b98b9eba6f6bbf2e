"""PostgreSQL for tests: each use gets its own throwaway schema in LMS_TEST_POSTGRES_URL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def postgres_url_or_skip() -> str:
    """The base URL, or skip; CI sets LMS_REQUIRE_POSTGRES=1 so a missing server fails."""
    url = os.environ.get("LMS_TEST_POSTGRES_URL")
    if url:
        return url
    if os.environ.get("LMS_REQUIRE_POSTGRES") == "1":
        pytest.fail("LMS_REQUIRE_POSTGRES=1 but LMS_TEST_POSTGRES_URL is not set")
    pytest.skip("LMS_TEST_POSTGRES_URL is not set")


@contextmanager
def postgres_schema_url() -> Iterator[str]:
    """A URL whose search_path is a fresh schema, dropped afterwards."""
    base = postgres_url_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def postgres_database_url() -> Iterator[str]:
    """A URL to a fresh, empty database, dropped afterwards.

    pg_dump and pg_restore work on whole databases, so backup tests cannot share one.
    """
    base = postgres_url_or_skip()
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
