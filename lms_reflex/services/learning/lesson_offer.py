"""What a locked lesson page offers instead of a dead end: the course's enroll button.

A signed-in visitor who opens a lesson of a course they have not joined gets the same
choice the course page gives them (enroll, or "Buy now" for a priced course).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import NotFound
from lms_reflex.services.learning.enrollment import EnrollmentStatus, enrollment_status
from lms_reflex.services.learning.lesson_access import LESSON_NOT_FOUND, lesson_and_course


@dataclass(frozen=True)
class LessonOffer:
    """The course of a locked lesson and what its enroll button says for this visitor."""

    course_id: int
    course_slug: str
    course_title: str
    status: EnrollmentStatus


def lesson_offer(
    *, session: Session, actor: Actor | None, course_slug: str, lesson_id: object
) -> LessonOffer:
    """The enroll choice for the course a lesson belongs to.

    Args:
        session: The open session (read only).
        actor: The signed-in user, or None.
        course_slug: The course in the URL; the lesson must belong to it.
        lesson_id: The lesson that could not be opened.

    Returns:
        The course's id, slug and title with the course page's enrollment status.

    Raises:
        NotFound: unknown lesson, a lesson of another course, or a course the actor may
            not see (the same answer the player gives).
    """
    _, course = lesson_and_course(session, lesson_id)
    if course.slug != course_slug or course.id is None:
        raise NotFound(LESSON_NOT_FOUND)
    status = enrollment_status(session=session, actor=actor, course_id=course.id)
    return LessonOffer(course.id, course.slug, course.title, status)
