"""Course announcements (issue 21): the announcement table and the per-course opt-outs.

Revision ID: announce1
Revises: captions1
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "announce1"
down_revision: str | None = "captions1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _announcements() -> None:
    op.create_table(
        "announcement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], ondelete="SET NULL"),
        sa.CheckConstraint("recipients >= 0", name="ck_announcement_recipients"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_announcement_course_id", "announcement", ["course_id"])
    op.create_index("ix_announcement_author_id", "announcement", ["author_id"])


def _opt_outs() -> None:
    op.create_table(
        "announcement_opt_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "course_id", name="uq_announcement_opt_out_user_course"),
    )
    op.create_index("ix_announcement_opt_out_user_id", "announcement_opt_out", ["user_id"])
    op.create_index("ix_announcement_opt_out_course_id", "announcement_opt_out", ["course_id"])


def upgrade() -> None:
    _announcements()
    _opt_outs()


def downgrade() -> None:
    op.drop_table("announcement_opt_out")
    op.drop_table("announcement")
