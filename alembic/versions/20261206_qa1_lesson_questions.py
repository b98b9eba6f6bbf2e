"""Lesson Q&A (issue 21): questions, answers, upvotes and the instructor's digest queue.

Revision ID: qa1
Revises: quiz1
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "qa1"
down_revision: str | None = "quiz1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ref(
    name: str, target: str, *, nullable: bool = False, ondelete: str = "CASCADE"
) -> tuple[sa.Column, sa.ForeignKeyConstraint]:
    column = sa.Column(name, sa.Integer(), nullable=nullable)
    return column, sa.ForeignKeyConstraint([name], [target], ondelete=ondelete)


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(f"ix_{table}_{column}", table, [column])


def _questions() -> None:
    lesson, lesson_fk = _ref("lesson_id", "lesson.id")
    course, course_fk = _ref("course_id", "course.id")
    author, author_fk = _ref("author_id", "user.id", nullable=True, ondelete="SET NULL")
    op.create_table(
        "lesson_question",
        sa.Column("id", sa.Integer(), nullable=False),
        lesson,
        course,
        author,
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("accepted_answer_id", sa.Integer(), nullable=True),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digested_at", sa.DateTime(timezone=True), nullable=True),
        lesson_fk,
        course_fk,
        author_fk,
        sa.PrimaryKeyConstraint("id"),
    )
    _index("lesson_question", "lesson_id", "course_id", "author_id")


def _answers_and_votes() -> None:
    question, question_fk = _ref("question_id", "lesson_question.id")
    author, author_fk = _ref("author_id", "user.id", nullable=True, ondelete="SET NULL")
    op.create_table(
        "lesson_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        question,
        author,
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("is_hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        question_fk,
        author_fk,
        sa.PrimaryKeyConstraint("id"),
    )
    _index("lesson_answer", "question_id", "author_id")
    question, question_fk = _ref("question_id", "lesson_question.id")
    user, user_fk = _ref("user_id", "user.id")
    op.create_table(
        "question_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        question,
        user,
        question_fk,
        user_fk,
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("question_id", "user_id", name="uq_question_vote"),
    )
    _index("question_vote", "question_id", "user_id")


def _digests() -> None:
    course, course_fk = _ref("course_id", "course.id")
    op.create_table(
        "question_digest",
        sa.Column("id", sa.Integer(), nullable=False),
        course,
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        course_fk,
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("course_id", name="uq_question_digest_course"),
    )
    _index("question_digest", "course_id")


def upgrade() -> None:
    """Create the Q&A tables."""
    _questions()
    _answers_and_votes()
    _digests()


def downgrade() -> None:
    """Drop the Q&A tables, dependants first."""
    for table in ("question_digest", "question_vote", "lesson_answer", "lesson_question"):
        op.drop_table(table)
