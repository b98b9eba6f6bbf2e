"""The publish checklist's advice on captions (issue 21): it warns, it never holds back."""

from __future__ import annotations

from sqlmodel import Session, col, select

from lms_reflex.models import Lesson, LessonCaption, LessonKind, Section

CAPTIONS_LABEL = "Captions for every video lesson"


def uncaptioned_video_lessons(session: Session, course_id: int) -> tuple[int, list[str]]:
    """(number of video lessons that have a video, titles of those without any captions)."""
    rows = session.exec(
        select(Lesson.id, Lesson.title, LessonCaption.id)
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .outerjoin(LessonCaption, col(LessonCaption.lesson_id) == col(Lesson.id))
        .where(
            Section.course_id == course_id,
            Lesson.kind == LessonKind.VIDEO,
            col(Lesson.video_key).isnot(None),
        )
        .order_by(col(Section.position), col(Lesson.position))
    ).all()
    lessons: dict[int | None, tuple[str, bool]] = {}
    for lesson_id, title, caption_id in rows:
        captioned = lessons.get(lesson_id, (title, False))[1] or caption_id is not None
        lessons[lesson_id] = (title, captioned)
    return len(lessons), [title for title, captioned in lessons.values() if not captioned]


def captions_advice(session: Session, course_id: int) -> list[tuple[str, bool, str]]:
    """(label, done, hint) for a course with videos; nothing for a course without any."""
    count, missing = uncaptioned_video_lessons(session, course_id)
    if not count:
        return []
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    hint = (
        f"Recommended, not required: add captions to {', '.join(missing[:5])}{more} "
        "(in Curriculum, Edit). Captions help deaf and hard-of-hearing students, and "
        "anyone watching without sound."
    )
    return [(CAPTIONS_LABEL, not missing, hint)]
