"""API refresh tokens on PostgreSQL: racing refreshes of one token (docs/security.md case 54)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

from lms_reflex.db import session_scope
from lms_reflex.models import Role
from lms_reflex.services.accounts import api_tokens, users
from tests.pg import postgres_schema_url
from tests.unit._helpers import apply_env, forget_caches, lms_env
from tests.unit.test_api_tokens import check_one_racing_refresh_wins

ROOT = Path(__file__).resolve().parents[2]
SECRET = "postgres-test-secret-key-that-is-long-enough-0123"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def pg_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh migrated schema that LMS_DATABASE_URL (and so session_scope) points at."""
    with postgres_schema_url() as url:
        config = Config(str(ROOT / "alembic.ini"))
        config.attributes["url"] = url
        command.upgrade(config, "head")
        apply_env(monkeypatch, lms_env(tmp_path, LMS_DATABASE_URL=url, LMS_SECRET_KEY=SECRET))
        try:
            yield url
        finally:
            forget_caches()


def test_racing_refreshes_on_postgres_make_one_pair_and_end_the_family(pg_settings: str) -> None:
    with session_scope() as db:
        user_id = users.create_user(
            session=db, email="racer@example.org", password=PASSWORD, role=Role.STUDENT
        )
    with session_scope() as db:
        pair = api_tokens.start_family(session=db, user_id=user_id, device_name="racer")
    check_one_racing_refresh_wins(pair.refresh_token)
