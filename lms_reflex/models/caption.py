"""Caption tracks of video lessons (issue 21): one cleaned WebVTT file per lesson and language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from lms_reflex.models.base import UtcDateTime, utcnow


class LessonCaption(SQLModel, table=True):
    """A lesson's captions in one language; uploading that language again replaces the file."""

    __tablename__: str = "lesson_caption"
    __table_args__ = (UniqueConstraint("lesson_id", "language", name="uq_lesson_caption_language"),)

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("lesson.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    language: str = Field(max_length=16)  # a code from services/teaching/captions.py
    label: str = Field(max_length=64)  # the language's own name, shown in the player's menu
    # Indexed and unique: the media route finds the lesson of a caption file on every request.
    file_key: str = Field(max_length=64, index=True, unique=True)
    cue_count: int = 0
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
