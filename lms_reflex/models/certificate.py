"""Certificates of completion (issue 18): what was printed, and whether it still holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, text
from sqlmodel import Field, SQLModel

from lms_reflex.models.base import UtcDateTime, utcnow

# Only one certificate per student and course is current; a reissued one points at its
# successor through replaced_by and leaves the index. The WHERE clause is written once and
# given to both dialects, so SQLite and PostgreSQL enforce the same rule.
_CURRENT = text("replaced_by IS NULL")


class Certificate(SQLModel, table=True):
    """One issued certificate. The printed facts are snapshots taken at issue time.

    user_id becomes NULL when the holder deletes their account; the row stays, revoked and
    without the name, so its code still answers "revoked" (docs/security.md case 59).
    """

    __tablename__: str = "certificate"
    __table_args__ = (
        Index(
            "uq_certificate_current",
            "user_id",
            "course_id",
            unique=True,
            sqlite_where=_CURRENT,
            postgresql_where=_CURRENT,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("user.id", ondelete="SET NULL"), index=True),
    )
    course_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("course.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    printed_name: str = Field(max_length=161)
    course_title: str = Field(max_length=120)
    instructor_name: str = Field(max_length=161)
    video_seconds: int = 0
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime, index=True)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    revoke_reason: str = Field(default="", sa_type=Text)
    replaced_by: str | None = Field(default=None, max_length=32)
