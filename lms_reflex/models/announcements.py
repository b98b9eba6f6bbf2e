"""Course announcements (issue 21): what a course's staff tells its students, and who opted out.

An announcement is shown on the course's learning page and mailed once, after it is posted,
to every enrolled student who has not opted out of that course's announcements.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from lms_reflex.models.base import UtcDateTime, utcnow

TITLE_MAX = 150
BODY_MAX = 5000


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)


class Announcement(SQLModel, table=True):
    """One message to a course's students; `recipients` is how many it was mailed to."""

    __tablename__: str = "announcement"
    __table_args__ = (CheckConstraint("recipients >= 0", name="ck_announcement_recipients"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(sa_column=_fk("course.id"))
    # The author's account may be deleted; the announcement stays with the course.
    author_id: int | None = Field(
        default=None, sa_column=_fk("user.id", nullable=True, ondelete="SET NULL")
    )
    title: str = Field(max_length=TITLE_MAX)
    body: str = Field(sa_type=Text)  # Markdown, rendered and sanitised when shown
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    recipients: int = 0


class AnnouncementOptOut(SQLModel, table=True):
    """A student who asked not to be mailed this course's announcements (still shown in the app)."""

    __tablename__: str = "announcement_opt_out"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", name="uq_announcement_opt_out_user_course"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("user.id"))
    course_id: int = Field(sa_column=_fk("course.id"))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
