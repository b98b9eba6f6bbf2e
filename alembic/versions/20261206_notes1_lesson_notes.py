"""Private timestamped notes on video lessons (issue 21, notes): the lesson_note table.

Revision ID: notes1
Revises: qa1
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "notes1"
down_revision: str | None = "qa1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lesson_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("position_s", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["lesson_id"], ["lesson.id"], ondelete="CASCADE"),
        sa.CheckConstraint("position_s >= 0", name="ck_lesson_note_position"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lesson_note_lesson_id", "lesson_note", ["lesson_id"])
    op.create_index("ix_lesson_note_user_lesson", "lesson_note", ["user_id", "lesson_id"])


def downgrade() -> None:
    op.drop_table("lesson_note")
