"""Every payment rule of tests/unit/test_payments.py again on PostgreSQL: totals, coupons,
webhook idempotency and refunds must hold on both engines (issue 20). Skipped without
LMS_TEST_POSTGRES_URL; CI sets it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import SQLModel

from lms_reflex.db import make_engine
from tests.unit.test_payments import *  # noqa: F403  (collected again here, on PostgreSQL)

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(pg_url: str, settings_env) -> Iterator[Engine]:
    """The payment tests' database, on PostgreSQL instead of a SQLite file."""
    settings_env(database_url=pg_url)
    engine = make_engine(pg_url)
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()
