"""The API on PostgreSQL: racing refreshes of one token, ids past INTEGER (security.md case 54)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from starlette.testclient import TestClient

from lms_reflex.api import build_api
from lms_reflex.db import session_scope
from lms_reflex.models import Role
from lms_reflex.services.accounts import api_devices, api_tokens, users
from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import InvalidInput
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


def test_ids_past_integer_are_422_not_500_on_postgres(pg_settings: str) -> None:
    with session_scope() as db:
        user_id = users.create_user(
            session=db, email="big@example.org", password=PASSWORD, role=Role.INSTRUCTOR
        )
    with session_scope() as db:
        pair = api_tokens.start_family(session=db, user_id=user_id, device_name="big")
    client = TestClient(build_api(), raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {pair.access_token}"}
    for big in (2**31, 2**63 - 1):
        answers = [
            client.put(f"/api/v1/lessons/{big}/progress", json={"position_s": 1}, headers=headers),
            client.post(f"/api/v1/lessons/{big}/completion", headers=headers),
            client.get(f"/api/v1/teach/courses/{big}/analytics", headers=headers),
            client.delete(f"/api/v1/me/devices/{big}", headers=headers),
        ]
        assert [a.status_code for a in answers] == [422] * 4
    last = client.post(f"/api/v1/lessons/{2**31 - 1}/completion", headers=headers)
    assert last.status_code == 404  # the largest INTEGER is a plain miss
    with session_scope() as db, pytest.raises(InvalidInput):
        who = Actor(user_id, Role.INSTRUCTOR, True, "", "")
        api_devices.revoke_device(session=db, actor=who, device_id=2**40)
