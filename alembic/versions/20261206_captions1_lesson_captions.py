"""Caption tracks of video lessons (issue 21): the lesson_caption table.

Revision ID: captions1
Revises: notes1
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "captions1"
down_revision: str | None = "notes1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lesson_caption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("file_key", sa.String(length=64), nullable=False),
        sa.Column("cue_count", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lesson_id"], ["lesson.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lesson_id", "language", name="uq_lesson_caption_language"),
    )
    op.create_index("ix_lesson_caption_lesson_id", "lesson_caption", ["lesson_id"])
    op.create_index("ix_lesson_caption_file_key", "lesson_caption", ["file_key"], unique=True)


def downgrade() -> None:
    op.drop_table("lesson_caption")
