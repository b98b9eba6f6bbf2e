"""The admin read models and query counts again, on PostgreSQL with the migrated schema.

The functions of tests/unit/test_admin_trail.py and test_admin_query_counts.py are collected
here with a PostgreSQL `session` (JSON audit details, joins and counts behave the same).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Engine
from sqlmodel import Session

from lms_reflex.db import make_engine
from tests.integration.test_services_postgres import alembic_config
from tests.pg import postgres_schema_url
from tests.unit.test_admin_query_counts import (  # noqa: F401  (collected again here)
    test_course_analytics_do_not_grow_with_students_or_lessons,
    test_course_list_and_course_stats_do_not_grow_with_courses,
)
from tests.unit.test_admin_trail import (  # noqa: F401  (collected again here)
    admin,
    learner,
    teacher,
    test_enrollable_courses_leave_drafts_out,
    test_recent_reviews_include_hidden_ones_with_full_names,
    test_recent_reviews_use_two_statements_for_5_or_50,
    test_the_trail_names_courses_and_pages,
    test_the_trail_shows_who_what_and_before_after_newest_first,
    test_the_trail_uses_the_same_number_of_statements_for_5_or_50_events,
    test_user_enrollments_show_the_source,
)

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_engine() -> Iterator[Engine]:
    """One migrated schema for the module; each test runs in a transaction rolled back."""
    with postgres_schema_url() as url:
        command.upgrade(alembic_config(url), "head")
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def session(pg_engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside a transaction that is rolled back."""
    with pg_engine.connect() as conn:
        outer = conn.begin()
        with Session(
            bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint"
        ) as db:
            yield db
        outer.rollback()
