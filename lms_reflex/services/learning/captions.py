"""Caption tracks in the player, and which lesson a caption file belongs to (issue 21).

Captions follow their lesson's video exactly: whoever may open the lesson may read its
caption files, through the same media route and the same single lesson-facts statement
(docs/security.md, "Captions").
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from lms_reflex.models import Course, Enrollment, Lesson, LessonCaption
from lms_reflex.services.actor import Actor
from lms_reflex.services.formatting import media_url
from lms_reflex.services.learning.lesson_access import lesson_facts_query, open_lesson


@dataclass(frozen=True)
class CaptionTrack:
    """One <track> of the player: language code, its name, and the file's URL."""

    language: str
    label: str
    url: str


def lesson_tracks(session: Session, lesson_id: int) -> list[CaptionTrack]:
    """The lesson's caption tracks, by language name (no access check: callers do it)."""
    rows = session.exec(
        select(LessonCaption)
        .where(LessonCaption.lesson_id == lesson_id)
        .order_by(col(LessonCaption.label), col(LessonCaption.language))
    ).all()
    return [CaptionTrack(r.language, r.label, media_url(r.file_key)) for r in rows]


def player_captions(*, session: Session, actor: Actor | None, lesson_id: int) -> list[CaptionTrack]:
    """The caption tracks of a lesson the actor may watch.

    Raises:
        NotSignedIn, NotFound, PermissionDenied: as `lesson_access.open_lesson`.
    """
    lesson, _course, _enrolled = open_lesson(session, actor, lesson_id)
    return lesson_tracks(session, lesson.id or 0)


@functools.cache
def caption_media_query() -> Any:
    """The media route's one statement for a caption file: its lesson's facts, like a video's.

    Columns: lesson is_preview, course status, course instructor, the caller's enrollment.
    """
    return (
        lesson_facts_query(Lesson.is_preview, Course.status, Course.instructor_id, Enrollment.id)
        .join(LessonCaption, LessonCaption.lesson_id == Lesson.id)  # type: ignore[arg-type]
        .where(LessonCaption.file_key == bindparam("key"))  # type: ignore[arg-type]
        .limit(1)
    )


def caption_keys(session: Session, lesson_ids: Iterable[int]) -> list[str]:
    """The caption files of lessons about to be deleted (their rows go by ON DELETE CASCADE)."""
    ids = list(lesson_ids)
    if not ids:
        return []
    query = select(LessonCaption.file_key).where(col(LessonCaption.lesson_id).in_(ids))
    return list(session.exec(query).all())
