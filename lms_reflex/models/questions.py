"""Lesson Q&A (issue 21): questions on a lesson, their answers, upvotes and the digest queue.

Authors become NULL when they delete their account, so a thread keeps its answers without
keeping the person (like reviews). Hidden posts stay in the table for the course's staff.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from lms_reflex.models.base import UtcDateTime, utcnow


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)


class LessonQuestion(SQLModel, table=True):
    """A question asked on one lesson.

    `course_id` repeats the lesson's course so permission checks and the instructor's
    digest need no join. `digested_at` is NULL until a digest mail claimed the question
    (an atomic UPDATE ... WHERE digested_at IS NULL, so two workers never both list it).
    """

    __tablename__: str = "lesson_question"

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(sa_column=_fk("lesson.id"))
    course_id: int = Field(sa_column=_fk("course.id"))
    author_id: int | None = Field(
        default=None, sa_column=_fk("user.id", nullable=True, ondelete="SET NULL")
    )
    title: str = Field(max_length=150)
    body: str = Field(default="", sa_type=Text)
    accepted_answer_id: int | None = None  # no FK: answers point here, a cycle helps nobody
    is_hidden: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    digested_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class LessonAnswer(SQLModel, table=True):
    """An answer to a lesson question, by the course's staff or an enrolled student."""

    __tablename__: str = "lesson_answer"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(sa_column=_fk("lesson_question.id"))
    author_id: int | None = Field(
        default=None, sa_column=_fk("user.id", nullable=True, ondelete="SET NULL")
    )
    body: str = Field(sa_type=Text)
    is_hidden: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class QuestionVote(SQLModel, table=True):
    """One upvote of one user on one question; UNIQUE keeps double clicks to one row."""

    __tablename__: str = "question_vote"
    __table_args__ = (UniqueConstraint("question_id", "user_id", name="uq_question_vote"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(sa_column=_fk("lesson_question.id"))
    user_id: int = Field(sa_column=_fk("user.id"))


class QuestionDigest(SQLModel, table=True):
    """The instructor's pending digest of new questions, one row per course.

    `due_at` is set by the first new question after a digest and cleared by the worker
    that claims the digest (UPDATE ... WHERE due_at IS NOT NULL), so exactly one sends it.
    """

    __tablename__: str = "question_digest"
    __table_args__ = (UniqueConstraint("course_id", name="uq_question_digest_course"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(sa_column=_fk("course.id"))
    due_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
