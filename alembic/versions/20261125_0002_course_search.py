"""course search: FTS5 on SQLite, a tsvector table with a GIN index on PostgreSQL

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 22:00:00.000000

The index is kept in step by triggers and is not a SQLModel table; env.py keeps
autogenerate away from it. The statements live in lms_reflex/search_schema.py so the
unit tests (which build tables with create_all) get the very same index.

SQLite note for later migrations: a batch_alter_table on "course" or "user" recreates the
table, which drops its triggers. Such a migration must run drop_statements() before and
create_statements() after the batch operation.
"""

from collections.abc import Sequence

from alembic import op

from lms_reflex.search_schema import create_statements, drop_statements

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in create_statements(op.get_context().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements(op.get_context().dialect.name):
        op.execute(statement)
