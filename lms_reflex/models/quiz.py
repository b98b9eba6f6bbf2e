"""Quizzes, a lesson kind (issue 21): settings, questions, options, attempts and answers.

Correct flags, accepted answers and explanations live here and never leave the services
before an attempt is submitted (docs/security.md case 56).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from lms_reflex.models.base import UtcDateTime, utcnow


class LessonKind(StrEnum):
    """What the player shows for a lesson."""

    VIDEO = "video"
    QUIZ = "quiz"


class QuestionType(StrEnum):
    """How a question is answered and graded."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    SHORT_TEXT = "short_text"
    NUMERIC = "numeric"


class ShowAnswers(StrEnum):
    """When a student sees the correct answers and explanations."""

    AFTER_PASS = "after_pass"  # noqa: S105 (a setting, not a secret)
    AFTER_EACH = "after_each"
    NEVER = "never"


def _fk(target: str) -> Column:
    return Column(Integer, ForeignKey(target, ondelete="CASCADE"), nullable=False, index=True)


class QuizSettings(SQLModel, table=True):
    """The rules of one quiz lesson (one row per quiz lesson)."""

    __tablename__: str = "quiz_settings"
    __table_args__ = (
        UniqueConstraint("lesson_id", name="uq_quiz_settings_lesson"),
        CheckConstraint("pass_mark_pct BETWEEN 0 AND 100", name="ck_quiz_pass_mark"),
        CheckConstraint("attempts_allowed >= 0", name="ck_quiz_attempts"),
        CheckConstraint("time_limit_s IS NULL OR time_limit_s > 0", name="ck_quiz_time_limit"),
        CheckConstraint(
            "show_answers IN ('after_pass', 'after_each', 'never')", name="ck_quiz_show_answers"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(sa_column=_fk("lesson.id"))
    pass_mark_pct: int = 70
    attempts_allowed: int = 0  # 0 = unlimited
    time_limit_s: int | None = None
    show_answers: str = Field(default=ShowAnswers.AFTER_PASS, max_length=16)


class QuizQuestion(SQLModel, table=True):
    """One question of a quiz lesson; `position` is dense 0..n-1 within the quiz."""

    __tablename__: str = "quiz_question"
    __table_args__ = (
        CheckConstraint("position >= 0", name="ck_quiz_question_position"),
        CheckConstraint(
            "type IN ('single', 'multiple', 'true_false', 'short_text', 'numeric')",
            name="ck_quiz_question_type",
        ),
        CheckConstraint("tolerance >= 0", name="ck_quiz_question_tolerance"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(sa_column=_fk("lesson.id"))
    position: int = 0
    type: str = Field(max_length=16)
    prompt: str = Field(sa_type=Text)
    explanation: str = Field(default="", sa_type=Text)
    shuffle: bool = False
    accepted_answers: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    numeric_value: float | None = None
    tolerance: float = 0.0


class QuizOption(SQLModel, table=True):
    """A choice of a single, multiple or true/false question."""

    __tablename__: str = "quiz_option"
    __table_args__ = (CheckConstraint("position >= 0", name="ck_quiz_option_position"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(sa_column=_fk("quiz_question.id"))
    position: int = 0
    text: str = Field(max_length=500)
    is_correct: bool = False


class QuizAttempt(SQLModel, table=True):
    """One try at a quiz by a student; the deadline is fixed when it starts."""

    __tablename__: str = "quiz_attempt"
    __table_args__ = (
        CheckConstraint(
            "score_pct IS NULL OR score_pct BETWEEN 0 AND 100", name="ck_quiz_attempt_score"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("user.id"))
    lesson_id: int = Field(sa_column=_fk("lesson.id"))
    started_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    deadline: datetime | None = Field(default=None, sa_type=UtcDateTime)
    score_pct: int | None = None
    passed: bool = False


class QuizAnswer(SQLModel, table=True):
    """A student's answer to one question of an attempt, saved as they go."""

    __tablename__: str = "quiz_answer"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id", name="uq_quiz_answer_attempt_question"),
    )

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(sa_column=_fk("quiz_attempt.id"))
    question_id: int = Field(sa_column=_fk("quiz_question.id"))
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Set when the attempt is graded; instructor analytics count it per question.
    is_correct: bool | None = None
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
