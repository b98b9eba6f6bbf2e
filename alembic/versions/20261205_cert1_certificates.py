"""Certificates of completion (issue 18), and the course's "certificate on completion" switch.

Revision ID: cert1
Revises: sec2_course_moderation
Create Date: 2026-12-05 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "cert1"
down_revision: str | None = "sec2_course_moderation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CURRENT = sa.text("replaced_by IS NULL")


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", _text(32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("printed_name", _text(161), nullable=False),
        sa.Column("course_title", _text(120), nullable=False),
        sa.Column("instructor_name", _text(161), nullable=False),
        sa.Column("video_seconds", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=False),
        sa.Column("replaced_by", _text(32), nullable=True),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_certificate_course_id", "certificate", ["course_id"])
    op.create_index("ix_certificate_user_id", "certificate", ["user_id"])
    op.create_index("ix_certificate_issued_at", "certificate", ["issued_at"])
    # One current certificate per student and course: issuing races end in one row.
    op.create_index(
        "uq_certificate_current",
        "certificate",
        ["user_id", "course_id"],
        unique=True,
        sqlite_where=_CURRENT,
        postgresql_where=_CURRENT,
    )
    # Plain ALTER TABLE, not a batch: rebuilding the course table on SQLite would break the
    # search triggers that name it (as in sec2_course_moderation).
    op.add_column(
        "course",
        sa.Column(
            "certificate_on_completion", sa.Boolean(), nullable=False, server_default=sa.true()
        ),
    )


def downgrade() -> None:
    op.execute("ALTER TABLE course DROP COLUMN certificate_on_completion")
    op.drop_index("uq_certificate_current", table_name="certificate")
    op.drop_index("ix_certificate_issued_at", table_name="certificate")
    op.drop_index("ix_certificate_user_id", table_name="certificate")
    op.drop_index("ix_certificate_course_id", table_name="certificate")
    op.drop_table("certificate")
