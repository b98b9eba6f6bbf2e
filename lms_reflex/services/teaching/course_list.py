"""The /teach list: the actor's own courses with students, rating and completion rate."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from lms_reflex.models import Course, Enrollment, Lesson, LessonProgress, Role, Section
from lms_reflex.services.actor import Actor, require_role
from lms_reflex.services.learning.dashboard import percent


@dataclass(frozen=True)
class TeachingCourse:
    """A row of the /teach list."""

    id: int
    title: str
    status: str
    students: int
    rating_avg: float
    rating_count: int
    completion_rate: int
    slug: str = ""


def _completed_counts(session: Session, course_ids: list[int]) -> dict[int, int]:
    """Enrolled students who completed every lesson, per course (one query)."""
    totals = (
        select(Section.course_id, func.count(col(Lesson.id)).label("total"))
        .join(Lesson, col(Lesson.section_id) == col(Section.id))
        .where(col(Section.course_id).in_(course_ids))
        .group_by(col(Section.course_id))
        .subquery()
    )
    done = (
        select(Section.course_id, LessonProgress.user_id, func.count().label("done"))
        .join(Lesson, col(Lesson.id) == col(LessonProgress.lesson_id))
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .where(col(Section.course_id).in_(course_ids), col(LessonProgress.completed_at).isnot(None))
        .group_by(col(Section.course_id), col(LessonProgress.user_id))
        .subquery()
    )
    on_enrollment = and_(
        col(Enrollment.course_id) == done.c.course_id, col(Enrollment.user_id) == done.c.user_id
    )
    rows = session.exec(
        select(done.c.course_id, func.count())
        .join(totals, totals.c.course_id == done.c.course_id)
        .join(Enrollment, on_enrollment)
        .where(done.c.done >= totals.c.total, totals.c.total > 0)
        .group_by(done.c.course_id)
    ).all()
    return {int(course_id): int(n) for course_id, n in rows}


def list_my_teaching(*, session: Session, actor: Actor | None) -> list[TeachingCourse]:
    """The actor's own courses with their numbers, newest first, in two queries.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
    """
    actor = require_role(actor, Role.INSTRUCTOR)
    students = (
        select(func.count())
        .select_from(Enrollment)
        .where(col(Enrollment.course_id) == col(Course.id))
        .correlate(Course)
        .scalar_subquery()
    )
    rows = session.exec(
        select(Course, students)
        .where(Course.instructor_id == actor.id)
        .order_by(col(Course.created_at).desc(), col(Course.id).desc())
    ).all()
    ids = [c.id for c, _ in rows if c.id is not None]
    completed = _completed_counts(session, ids) if rows else {}
    return [
        TeachingCourse(
            id=c.id or 0,
            title=c.title,
            status=c.status,
            students=int(n),
            rating_avg=round(c.rating_avg, 1),
            rating_count=c.rating_count,
            completion_rate=percent(completed.get(c.id or 0, 0), int(n)),
            slug=c.slug,
        )
        for c, n in rows
    ]
