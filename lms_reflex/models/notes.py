"""Private notes a student takes at a second of a video lesson (issue 21, notes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from lms_reflex.models.base import UtcDateTime, utcnow


def _fk(target: str, *, index: bool) -> Column:
    return Column(Integer, ForeignKey(target, ondelete="CASCADE"), nullable=False, index=index)


class LessonNote(SQLModel, table=True):
    """One note: its owner alone reads, edits, searches, exports or deletes it.

    `updated_at` moves on every write, so the posting limit counts notes written or changed
    lately without a table of its own (services/learning/notes.py).
    """

    __tablename__: str = "lesson_note"
    __table_args__ = (
        CheckConstraint("position_s >= 0", name="ck_lesson_note_position"),
        Index("ix_lesson_note_user_lesson", "user_id", "lesson_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The (user, lesson) index serves the player and the user's own queries.
    user_id: int = Field(sa_column=_fk("user.id", index=False))
    lesson_id: int = Field(sa_column=_fk("lesson.id", index=True))
    position_s: int = 0  # the whole second of the video the note was taken at
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
