"""Who may open a lesson, and the rows that rule reads.

One rule (`lesson_access`) for the player page, its panels, the progress writes and the
media route, whichever way they load the facts: the ORM rows here (read once per
read-only call, services/read_once.py), or one prebuilt statement built on
`lesson_facts_query` for the busiest paths.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, bindparam
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from lms_reflex.models import Course, CourseStatus, Enrollment, Lesson, Section
from lms_reflex.services.actor import Actor, is_course_staff
from lms_reflex.services.errors import NotFound, NotSignedIn, PermissionDenied
from lms_reflex.services.read_once import read_once
from lms_reflex.services.validation import valid_id

LESSON_NOT_FOUND = "We could not find that lesson."


def lesson_facts_query(
    *columns: Any, signed_in_by: Callable[[Any], tuple[Any, Any]] | None = None
) -> Any:
    """SELECT `columns` FROM a lesson with its course and the caller's enrollment row.

    The enrollment is outer-joined for the user bound as :user_id, so one prebuilt
    statement answers "which course, may they, are they enrolled" for the busiest paths
    (progress heartbeats, media Range requests). Callers add their WHERE.

    Args:
        columns: What to select.
        signed_in_by: Joins the caller's session into the same statement (the session
            check's `join_live_session`); the enrollment is then the one of the user that
            session belongs to, instead of :user_id.
    """
    query = (
        sql_select(*columns)
        .select_from(Lesson)
        .join(Section, Section.id == Lesson.section_id)  # type: ignore[arg-type]
        .join(Course, Course.id == Section.course_id)  # type: ignore[arg-type]
    )
    user_id: Any = bindparam("user_id")
    if signed_in_by is not None:
        query, user_id = signed_in_by(query)
    return query.outerjoin(
        Enrollment,
        and_(
            Enrollment.course_id == Course.id,  # type: ignore[arg-type]
            Enrollment.user_id == user_id,  # type: ignore[arg-type]
        ),
    )


def is_enrolled(session: Session, actor: Actor | None, course_id: int) -> bool:
    """Whether the actor has an enrollment row for the course (never asks about others)."""
    if actor is None:
        return False
    params = {"user_id": actor.id, "course_id": course_id}

    def read() -> bool:
        return session.exec(_enrolled_query(), params=params).first() is not None

    return read_once(session, ("enrolled", actor.id, course_id), read)


@functools.cache
def _enrolled_query() -> Any:
    """Built once, like the other statements every player view runs."""
    return select(Enrollment.id).where(
        Enrollment.user_id == bindparam("user_id"), Enrollment.course_id == bindparam("course_id")
    )


@functools.cache
def _lesson_and_course_query() -> Any:
    return (
        select(Lesson, Course)
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .join(Course, col(Course.id) == col(Section.course_id))
        .where(Lesson.id == bindparam("lesson_id"))
    )


def lesson_and_course(session: Session, lesson_id: object) -> tuple[Lesson, Course]:
    """The lesson with its course, read once per read-only call (`read_once`).

    Raises:
        NotFound: unknown or malformed id.
    """
    if not valid_id(lesson_id):
        raise NotFound(LESSON_NOT_FOUND)

    def read() -> tuple[Lesson, Course] | None:
        row = session.exec(_lesson_and_course_query(), params={"lesson_id": lesson_id}).first()
        return None if row is None else (row[0], row[1])

    found = read_once(session, ("lesson_and_course", lesson_id), read)
    if found is None:
        raise NotFound(LESSON_NOT_FOUND)
    return found


def lesson_access(
    actor: Actor | None, *, enrolled: bool, staff: bool, published: bool, preview: bool
) -> bool:
    """Refuse callers who may not open a lesson; True when the actor is enrolled.

    Enrolled students keep their lessons when a course goes back to draft or is archived.
    One rule for the player page and the progress writes, whichever way they load facts.

    Raises:
        NotFound: a course that is not published, for anyone but staff and its students.
        NotSignedIn: an anonymous visitor on a lesson that is not a free preview.
        PermissionDenied: a signed-in user who is not enrolled, on such a lesson.
    """
    if enrolled or staff:
        return enrolled
    if not published:
        raise NotFound(LESSON_NOT_FOUND)
    if preview:
        return False
    if actor is None:
        raise NotSignedIn("Please sign in to watch this lesson.")
    raise PermissionDenied("Enroll in this course to watch this lesson.")


def check_access(session: Session, actor: Actor | None, lesson: Lesson, course: Course) -> bool:
    """`lesson_access` on the ORM rows; True when the actor is enrolled."""
    assert course.id is not None
    return lesson_access(
        actor,
        enrolled=is_enrolled(session, actor, course.id),
        staff=is_course_staff(actor, course.instructor_id),
        published=course.status == CourseStatus.PUBLISHED,
        preview=lesson.is_preview,
    )


def open_lesson(
    session: Session, actor: Actor | None, lesson_id: object
) -> tuple[Lesson, Course, bool]:
    """The lesson and its course if the actor may open it, and whether they are enrolled."""
    lesson, course = lesson_and_course(session, lesson_id)
    return lesson, course, check_access(session, actor, lesson, course)
