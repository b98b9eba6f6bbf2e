"""API tokens: refresh families per device, their hashed refresh tokens, users' token_version.

Revision ID: api1_tokens
Revises: cert1
Create Date: 2026-12-05 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "api1_tokens"
down_revision: str | None = "cert1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE, not a batch (see sec2_course_moderation); existing users get 0.
    op.add_column(
        "user", sa.Column("token_version", sa.Integer(), nullable=False, server_default="0")
    )
    op.create_table(
        "api_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_api_session_user_id", "api_session", ["user_id"])
    op.create_table(
        "api_refresh_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["api_session.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_api_refresh_token_session_id", "api_refresh_token", ["session_id"])
    op.create_index(
        "ix_api_refresh_token_token_hash", "api_refresh_token", ["token_hash"], unique=True
    )


def downgrade() -> None:
    op.drop_table("api_refresh_token")
    op.drop_table("api_session")
    op.execute('ALTER TABLE "user" DROP COLUMN token_version')
