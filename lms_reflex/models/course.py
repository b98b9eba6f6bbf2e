"""The catalog: categories, and courses with their sections and lessons."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, Text, true
from sqlmodel import Field, SQLModel

from lms_reflex.models.base import UtcDateTime, utcnow


class CourseStatus(StrEnum):
    """Only published courses appear in listings and search."""

    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Level(StrEnum):
    """Who a course is pitched at."""

    ALL = "all"
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Category(SQLModel, table=True):
    """A shelf in the catalog; admins order them with `position`."""

    __tablename__: str = "category"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    slug: str = Field(max_length=80, unique=True, index=True)
    description: str = Field(default="", sa_type=Text)
    position: int = 0


class Course(SQLModel, table=True):
    """A course. rating_avg/rating_count are written in the same transaction as reviews."""

    __tablename__: str = "course"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'archived')", name="ck_course_status"),
        CheckConstraint(
            "level IN ('all', 'beginner', 'intermediate', 'advanced')", name="ck_course_level"
        ),
        CheckConstraint("price_cents >= 0", name="ck_course_price"),
        CheckConstraint("rating_count >= 0", name="ck_course_rating_count"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=140, unique=True, index=True)
    title: str = Field(max_length=120)
    subtitle: str = Field(default="", max_length=200)
    description: str = Field(default="", sa_type=Text)
    instructor_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user.id", ondelete="RESTRICT"), nullable=False, index=True
        )
    )
    category_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("category.id", ondelete="RESTRICT"), index=True),
    )
    price_cents: int = 0
    currency: str = Field(default="USD", max_length=3)
    status: str = Field(default=CourseStatus.DRAFT, max_length=16, index=True)
    thumbnail_key: str | None = Field(default=None, max_length=200)
    what_you_will_learn: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    requirements: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    level: str = Field(default=Level.ALL, max_length=16)
    language: str = Field(default="English", max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)
    rating_avg: float = 0.0
    rating_count: int = 0
    # Set when an admin unpublishes or archives the course. While set, its instructor
    # cannot publish it; only an admin clears it (docs/security.md, moderation).
    moderated_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    moderation_reason: str = Field(default="", sa_type=Text)
    # The instructor's latest "ask for review" while moderated (cleared with the hold).
    review_requested_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    review_request: str = Field(default="", sa_type=Text)
    # Whether finishing the course issues a certificate (issue 18); the instructor's switch.
    certificate_on_completion: bool = Field(
        default=True, sa_column_kwargs={"server_default": true()}
    )


class Section(SQLModel, table=True):
    """A chapter of a course; `position` is dense 0..n-1 within the course."""

    __tablename__: str = "section"
    __table_args__ = (CheckConstraint("position >= 0", name="ck_section_position"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("course.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    title: str = Field(max_length=120)
    position: int = 0


class Lesson(SQLModel, table=True):
    """A video or quiz lesson; `position` is dense 0..n-1 within its section."""

    __tablename__: str = "lesson"
    __table_args__ = (
        CheckConstraint("position >= 0", name="ck_lesson_position"),
        CheckConstraint("duration_s >= 0", name="ck_lesson_duration"),
    )

    id: int | None = Field(default=None, primary_key=True)
    section_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("section.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    title: str = Field(max_length=120)
    description: str = Field(default="", sa_type=Text)
    # Indexed: the media route finds the lesson of a requested file on every request.
    video_key: str | None = Field(default=None, max_length=200, index=True)
    poster_key: str | None = Field(default=None, max_length=200, index=True)
    duration_s: int = 0
    position: int = 0
    is_preview: bool = False
    # "video" or "quiz" (issue 21; models/quiz.py). Checked by services: SQLite cannot add
    # a CHECK constraint to an existing table in place.
    kind: str = Field(default="video", max_length=8, sa_column_kwargs={"server_default": "video"})
