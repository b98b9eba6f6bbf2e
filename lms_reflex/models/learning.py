"""What students do: enrollments, per-lesson progress and reviews."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from lms_reflex.models.base import UtcDateTime, utcnow


class EnrollmentSource(StrEnum):
    """How a student got in: by themselves (free), by an admin (bank transfer), or by paying."""

    SELF = "self"
    ADMIN = "admin"
    PAYMENT = "payment"


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)


class Enrollment(SQLModel, table=True):
    """A student's place in a course; UNIQUE keeps double clicks to one row."""

    __tablename__: str = "enrollment"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", name="uq_enrollment_user_course"),
        CheckConstraint("source IN ('self', 'admin', 'payment')", name="ck_enrollment_source"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("user.id"))
    course_id: int = Field(sa_column=_fk("course.id"))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    source: str = Field(default=EnrollmentSource.SELF, max_length=16)


class LessonProgress(SQLModel, table=True):
    """How far a student got in one lesson. Course percentage is counted, never stored."""

    __tablename__: str = "lesson_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id", name="uq_lesson_progress_user_lesson"),
        CheckConstraint("position_s >= 0", name="ck_lesson_progress_position"),
        CheckConstraint("watched_s >= 0", name="ck_lesson_progress_watched"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("user.id"))
    lesson_id: int = Field(sa_column=_fk("lesson.id"))
    position_s: float = 0.0
    watched_s: float = 0.0
    completed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class Review(SQLModel, table=True):
    """One rating per student per course.

    user_id becomes NULL when the author deletes their account, so the course keeps its
    numbers without keeping the person.
    """

    __tablename__: str = "review"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", name="uq_review_user_course"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="ck_review_rating"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(
        default=None, sa_column=_fk("user.id", nullable=True, ondelete="SET NULL")
    )
    course_id: int = Field(sa_column=_fk("course.id"))
    rating: int
    body: str = Field(default="", sa_type=Text)
    is_hidden: bool = False
    instructor_reply: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
