"""Migrations go up from empty to head and back down, and agree with the models."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import lms_reflex.models  # noqa: F401
from lms_reflex.db import make_engine
from lms_reflex.search_schema import is_search_table
from tests.pg import postgres_schema_url

ROOT = Path(__file__).resolve().parents[2]
TABLES = {
    "user",
    "email_otp",
    "auth_session",
    "profile",
    "category",
    "course",
    "section",
    "lesson",
    "enrollment",
    "lesson_progress",
    "review",
    "audit_event",
    "order",
    "order_line",
    "coupon",
    "coupon_redemption",
    "cart_item",
    "wishlist_item",
    "processed_webhook",
    "certificate",
    "api_session",
    "api_refresh_token",
    "quiz_settings",
    "quiz_question",
    "quiz_option",
    "quiz_attempt",
    "quiz_answer",
    "lesson_question",
    "lesson_answer",
    "question_vote",
    "question_digest",
    "lesson_note",
    "lesson_caption",
    "announcement",
    "announcement_opt_out",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/migrations.db"
    else:
        with postgres_schema_url() as url:
            yield url


def alembic_config(url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.attributes["url"] = url
    return cfg


def table_names(url: str) -> set[str]:
    engine = make_engine(url, immediate=False)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_to_head_creates_every_table_and_downgrade_removes_them(db_url: str) -> None:
    cfg = alembic_config(db_url)
    command.upgrade(cfg, "head")
    assert table_names(db_url) >= TABLES
    command.downgrade(cfg, "base")
    assert table_names(db_url) == set()
    command.upgrade(cfg, "head")  # and up again: downgrade left nothing behind
    assert table_names(db_url) >= TABLES


def skip_search_index(name: str | None, type_: str, _parents: dict) -> bool:
    """The search index is maintained by triggers, not by a SQLModel table."""
    return not (type_ == "table" and is_search_table(name))


def test_models_and_migrations_agree(db_url: str) -> None:
    command.upgrade(alembic_config(db_url), "head")
    engine = make_engine(db_url, immediate=False)
    try:
        with engine.connect() as conn:
            opts = {"compare_type": True, "include_name": skip_search_index}
            ctx = MigrationContext.configure(conn, opts=opts)
            diff = compare_metadata(ctx, SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == []
