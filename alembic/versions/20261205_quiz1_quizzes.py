"""Quizzes as a lesson kind (issue 21): lesson.kind and the quiz tables.

Revision ID: quiz1
Revises: pay1_orders
Create Date: 2026-12-05 08:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "quiz1"
down_revision: str | None = "pay1_orders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sa.String:
    return sa.String(length=length)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _ref(name: str, target: str) -> tuple[sa.Column, sa.ForeignKeyConstraint]:
    column = sa.Column(name, sa.Integer(), nullable=False)
    return column, sa.ForeignKeyConstraint([name], [target], ondelete="CASCADE")


def _settings() -> None:
    lesson, lesson_fk = _ref("lesson_id", "lesson.id")
    op.create_table(
        "quiz_settings",
        _id(),
        lesson,
        sa.Column("pass_mark_pct", sa.Integer(), nullable=False),
        sa.Column("attempts_allowed", sa.Integer(), nullable=False),
        sa.Column("time_limit_s", sa.Integer(), nullable=True),
        sa.Column("show_answers", _text(16), nullable=False),
        lesson_fk,
        sa.CheckConstraint("pass_mark_pct BETWEEN 0 AND 100", name="ck_quiz_pass_mark"),
        sa.CheckConstraint("attempts_allowed >= 0", name="ck_quiz_attempts"),
        sa.CheckConstraint("time_limit_s IS NULL OR time_limit_s > 0", name="ck_quiz_time_limit"),
        sa.CheckConstraint(
            "show_answers IN ('after_pass', 'after_each', 'never')", name="ck_quiz_show_answers"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lesson_id", name="uq_quiz_settings_lesson"),
    )
    op.create_index("ix_quiz_settings_lesson_id", "quiz_settings", ["lesson_id"])


def _questions() -> None:
    lesson, lesson_fk = _ref("lesson_id", "lesson.id")
    op.create_table(
        "quiz_question",
        _id(),
        lesson,
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", _text(16), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("shuffle", sa.Boolean(), nullable=False),
        sa.Column("accepted_answers", sa.JSON(), nullable=False),
        sa.Column("numeric_value", sa.Float(), nullable=True),
        sa.Column("tolerance", sa.Float(), nullable=False),
        lesson_fk,
        sa.CheckConstraint("position >= 0", name="ck_quiz_question_position"),
        sa.CheckConstraint(
            "type IN ('single', 'multiple', 'true_false', 'short_text', 'numeric')",
            name="ck_quiz_question_type",
        ),
        sa.CheckConstraint("tolerance >= 0", name="ck_quiz_question_tolerance"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_quiz_question_lesson_id", "quiz_question", ["lesson_id"])
    question, question_fk = _ref("question_id", "quiz_question.id")
    op.create_table(
        "quiz_option",
        _id(),
        question,
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", _text(500), nullable=False),
        sa.Column("is_correct", sa.Boolean(), nullable=False),
        question_fk,
        sa.CheckConstraint("position >= 0", name="ck_quiz_option_position"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_quiz_option_question_id", "quiz_option", ["question_id"])


def _attempts() -> None:
    user, user_fk = _ref("user_id", "user.id")
    lesson, lesson_fk = _ref("lesson_id", "lesson.id")
    op.create_table(
        "quiz_attempt",
        _id(),
        user,
        lesson,
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score_pct", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        user_fk,
        lesson_fk,
        sa.CheckConstraint(
            "score_pct IS NULL OR score_pct BETWEEN 0 AND 100", name="ck_quiz_attempt_score"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_quiz_attempt_user_id", "quiz_attempt", ["user_id"])
    op.create_index("ix_quiz_attempt_lesson_id", "quiz_attempt", ["lesson_id"])
    attempt, attempt_fk = _ref("attempt_id", "quiz_attempt.id")
    question, question_fk = _ref("question_id", "quiz_question.id")
    op.create_table(
        "quiz_answer",
        _id(),
        attempt,
        question,
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("is_correct", sa.Boolean(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        attempt_fk,
        question_fk,
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("attempt_id", "question_id", name="uq_quiz_answer_attempt_question"),
    )
    op.create_index("ix_quiz_answer_attempt_id", "quiz_answer", ["attempt_id"])
    op.create_index("ix_quiz_answer_question_id", "quiz_answer", ["question_id"])


def upgrade() -> None:
    # Plain ALTER TABLE, not a batch (see sec2_course_moderation); existing lessons are videos.
    op.add_column("lesson", sa.Column("kind", _text(8), nullable=False, server_default="video"))
    _settings()
    _questions()
    _attempts()


def downgrade() -> None:
    op.drop_table("quiz_answer")
    op.drop_table("quiz_attempt")
    op.drop_table("quiz_option")
    op.drop_table("quiz_question")
    op.drop_table("quiz_settings")
    op.execute("ALTER TABLE lesson DROP COLUMN kind")
