"""Pre-hijacking and enumeration rules on PostgreSQL (the audit-trail counts are SQL).

The very functions of tests/unit/test_signup_security.py, collected again with a PostgreSQL
`session`; LMS_REQUIRE_POSTGRES=1 turns a missing server into a failure.
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
from tests.unit.conftest import (  # noqa: F401  (fixtures, used here on PostgreSQL)
    _cheap_argon2,
    clock,
    make_user,
    run,
    settings_env,
)
from tests.unit.test_signup_security import (  # noqa: F401  (collected again here)
    known,
    test_a_new_sign_up_for_an_unverified_address_kills_the_earlier_password,
    test_five_wrong_codes_answer_alike_for_known_and_unknown_addresses,
    test_reset_answers_alike_and_its_wrong_links_too,
    test_sign_up_with_a_verified_address_mails_its_owner_not_a_code,
    test_the_hourly_limit_answers_alike_for_known_and_unknown,
    test_verifying_ends_every_other_session,
    test_wrong_codes_are_limited_per_hour_across_resends,
    test_wrong_codes_start_again_after_a_resend_for_known_and_unknown,
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
def session(pg_engine: Engine, request: pytest.FixtureRequest) -> Iterator[Session]:
    """A session whose commits are savepoints inside a transaction that is rolled back.

    The services read LMS_SECRET_KEY (codes are HMACs), so the settings are set up first.
    """
    request.getfixturevalue("settings_env")
    with pg_engine.connect() as conn:
        outer = conn.begin()
        with Session(
            bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint"
        ) as db:
            yield db
        outer.rollback()
