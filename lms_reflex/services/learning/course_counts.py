"""How many lessons of a course a student has completed: the server's completion rule.

One statement, shared by progress writes (services/learning/progress.py) and certificate
issuing (services/certificates/issuing.py), so both count completion the same way.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from lms_reflex.models import Lesson, LessonProgress, Section
from lms_reflex.services.prebuilt import Reads, fetch_first

_TOTAL = (
    select(func.count(Lesson.id))  # type: ignore[arg-type]
    .select_from(Lesson)
    .join(Section, Section.id == Lesson.section_id)  # type: ignore[arg-type]
    .where(Section.course_id == bindparam("course_id"))  # type: ignore[arg-type]
    .scalar_subquery()
)
_DONE = (
    select(func.count(LessonProgress.id))  # type: ignore[arg-type]
    .select_from(LessonProgress)
    .join(Lesson, Lesson.id == LessonProgress.lesson_id)  # type: ignore[arg-type]
    .join(Section, Section.id == Lesson.section_id)  # type: ignore[arg-type]
    .where(
        Section.course_id == bindparam("course_id"),  # type: ignore[arg-type]
        LessonProgress.user_id == bindparam("user_id"),  # type: ignore[arg-type]
        LessonProgress.completed_at.is_not(None),  # type: ignore[union-attr]
    )
    .scalar_subquery()
)
_COUNTS = select(_DONE, _TOTAL)


def lesson_counts(session: Reads, user_id: int, course_id: int) -> tuple[int, int]:
    """(completed, total) lessons of a course for one user, in one statement."""
    params = {"course_id": course_id, "user_id": user_id}
    row = fetch_first(session, _COUNTS, params)
    assert row is not None  # two counts always make one row
    completed, lessons = row
    return int(completed), int(lessons)


def is_course_complete(session: Session, user_id: int, course_id: int) -> bool:
    """Every lesson of a course that has lessons is complete for the user."""
    done, total = lesson_counts(session, user_id, course_id)
    return total > 0 and done >= total
