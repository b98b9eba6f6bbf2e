"""Alembic environment: targets SQLModel.metadata, URL from LMS_DATABASE_URL (or -x url=)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

import lms_reflex.models  # noqa: F401  (registers every table)
from lms_reflex.db import make_engine
from lms_reflex.models.base import UtcDateTime
from lms_reflex.search_schema import is_search_table
from lms_reflex.settings import get_settings

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str:
    given = context.get_x_argument(as_dictionary=True).get("url")
    return given or config.attributes.get("url") or get_settings().database_url


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our UtcDateTime as a plain timezone-aware DateTime so migrations stand alone."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _include_name(name: str | None, type_: str, _parents: dict[str, Any]) -> bool:
    """Leave the search index (FTS5 and its shadow tables, course_search) to migration 0002."""
    return not (type_ == "table" and is_search_table(name))


def _options() -> dict[str, Any]:
    return {
        "target_metadata": target_metadata,
        "render_item": _render_item,
        "include_name": _include_name,
        "compare_type": True,
        "render_as_batch": True,  # SQLite cannot ALTER most things; batch mode copies tables
    }


def run_migrations_offline() -> None:
    context.configure(url=_url(), literal_binds=True, **_options())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url(), immediate=False)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, **_options())
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
