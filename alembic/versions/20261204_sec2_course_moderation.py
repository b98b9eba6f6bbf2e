"""Course moderation that stays down: who moderated when, why, and the review request.

Revision ID: sec2_course_moderation
Revises: 0003
Create Date: 2026-12-04 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "sec2_course_moderation"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE, not a batch: rebuilding the table on SQLite would break the
    # search triggers that name it. server_default '' fills the existing rows.
    op.add_column("course", sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "course", sa.Column("moderation_reason", sa.Text(), nullable=False, server_default="")
    )
    op.add_column(
        "course", sa.Column("review_requested_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "course", sa.Column("review_request", sa.Text(), nullable=False, server_default="")
    )


def downgrade() -> None:
    # DROP COLUMN exists in SQLite since 3.35 and in PostgreSQL; no table rebuild.
    for name in ("review_request", "review_requested_at", "moderation_reason", "moderated_at"):
        op.execute(f"ALTER TABLE course DROP COLUMN {name}")
