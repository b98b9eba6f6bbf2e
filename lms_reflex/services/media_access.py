"""Who may fetch a stored media file. Checked on every request by the media route."""

from __future__ import annotations

from sqlmodel import Session, col, select

from lms_reflex.models import Course, CourseStatus, Lesson, Profile, Section
from lms_reflex.services.actor import Actor


def _course_of_lesson_media(session: Session, key: str) -> tuple[Lesson, Course] | None:
    row = session.exec(
        select(Lesson, Course)
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .join(Course, col(Course.id) == col(Section.course_id))
        .where((col(Lesson.video_key) == key) | (col(Lesson.poster_key) == key))
    ).first()
    return (row[0], row[1]) if row else None


def is_public_media(*, session: Session, key: str) -> bool:
    """Thumbnails of published courses, avatars, and preview lessons of published courses."""
    kind = key.split("/", 1)[0]
    if kind == "avatars":
        return session.exec(select(Profile.id).where(Profile.avatar_key == key)).first() is not None
    if kind == "thumbnails":
        course = session.exec(select(Course).where(Course.thumbnail_key == key)).first()
        return course is not None and course.status == CourseStatus.PUBLISHED
    found = _course_of_lesson_media(session, key)
    if found is None:
        return False
    lesson, course = found
    return course.status == CourseStatus.PUBLISHED and (lesson.is_preview or kind == "posters")


def can_read_media(*, session: Session, actor: Actor | None, key: str) -> bool:
    """Public media for everyone; otherwise the owning instructor and admins.

    Enrolled students are added by the learning service (lesson access rules).
    """
    if is_public_media(session=session, key=key):
        return True
    if actor is None:
        return False
    if actor.is_admin:
        return True
    kind = key.split("/", 1)[0]
    if kind == "thumbnails":
        course = session.exec(select(Course).where(Course.thumbnail_key == key)).first()
        return course is not None and course.instructor_id == actor.id
    found = _course_of_lesson_media(session, key)
    return found is not None and found[1].instructor_id == actor.id
