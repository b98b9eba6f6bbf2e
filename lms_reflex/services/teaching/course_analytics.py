"""Numbers about one course for its own instructor and for admins.

Students appear by name and progress only: no emails. Everyone else gets NotFound, so a
course's numbers never tell a stranger anything (not even that it exists).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from lms_reflex.models import (
    Certificate,
    Course,
    Enrollment,
    Lesson,
    LessonProgress,
    Section,
    User,
    utcnow,
)
from lms_reflex.services.actor import Actor, is_course_staff, require_actor
from lms_reflex.services.admin.platform_stats import DayCount, daily_counts
from lms_reflex.services.errors import NotFound
from lms_reflex.services.learning import reviews
from lms_reflex.services.learning.dashboard import percent

DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Funnel:
    """Enrolled students, and how many started, got half-way and finished."""

    enrolled: int
    started: int
    halfway: int
    completed: int


@dataclass(frozen=True)
class LessonStat:
    """One lesson: the share of starters who reached it, and their average watch time."""

    title: str
    reached_percent: int
    avg_watch_seconds: int


@dataclass(frozen=True)
class StudentProgress:
    """A student by name with their whole-percent progress (never their email)."""

    name: str
    percent: int


@dataclass(frozen=True)
class CourseAnalytics:
    """Everything the course analytics page shows."""

    enrollments_per_day: list[DayCount]
    funnel: Funnel
    per_lesson: list[LessonStat]
    rating_distribution: list[int]
    students: list[StudentProgress]
    course_id: int = 0
    title: str = ""
    slug: str = ""
    certificates_issued: int = 0  # current certificates, revoked ones included (issue 18)


def _own_course(session: Session, actor: Actor | None, course_id: object) -> Course:
    """The course, if the actor counts as its staff (`actor.is_course_staff`, read now).

    Raises:
        NotSignedIn: for anonymous callers.
        NotFound: unknown id, or a course the actor neither teaches nor administers.
    """
    actor = require_actor(actor)
    course = session.get(Course, course_id) if isinstance(course_id, int) else None
    if course is None or not is_course_staff(actor, course.instructor_id):
        raise NotFound("We could not find that course.")
    return course


def _course_lessons(course_id: int) -> Any:
    return (
        select(Lesson.id)
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .where(col(Section.course_id) == course_id)
    )


def _enrolled_users(course_id: int) -> Any:
    return select(Enrollment.user_id).where(col(Enrollment.course_id) == course_id)


def _student_rows(session: Session, course_id: int) -> list[tuple[str, int, int]]:
    """(name, lessons touched, lessons completed) per enrolled student, in one query."""
    progress = (col(LessonProgress.user_id) == col(Enrollment.user_id)) & col(
        LessonProgress.lesson_id
    ).in_(_course_lessons(course_id))
    rows = session.exec(
        select(
            User.first_name,
            User.last_name,
            func.count(col(LessonProgress.id)),
            func.count(col(LessonProgress.completed_at)),
        )
        .select_from(Enrollment)
        .join(User, col(User.id) == col(Enrollment.user_id))
        .outerjoin(LessonProgress, progress)
        .where(col(Enrollment.course_id) == course_id)
        .group_by(col(Enrollment.user_id), col(User.first_name), col(User.last_name))
    ).all()
    return [(f"{first} {last}".strip(), int(seen), int(done)) for first, last, seen, done in rows]


def _lesson_rows(session: Session, course_id: int) -> list[tuple[str, int, float | None]]:
    """(title, enrolled students with progress, their average watched_s) per lesson."""
    progress = (col(LessonProgress.lesson_id) == col(Lesson.id)) & col(LessonProgress.user_id).in_(
        _enrolled_users(course_id)
    )
    rows = session.exec(
        select(Lesson.title, func.count(col(LessonProgress.id)), func.avg(LessonProgress.watched_s))
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .outerjoin(LessonProgress, progress)
        .where(col(Section.course_id) == course_id)
        .group_by(col(Lesson.id), col(Lesson.title), col(Section.position), col(Lesson.position))
        .order_by(col(Section.position), col(Lesson.position), col(Lesson.id))
    ).all()
    return [(title, int(n), avg) for title, n, avg in rows]


def _funnel(students: list[tuple[str, int, int]], total: int) -> Funnel:
    """Count the funnel steps; half-way is at least half the lessons completed.

    A course without lessons has nobody half-way or finished (0 %, never 100 %).
    """
    return Funnel(
        enrolled=len(students),
        started=sum(1 for _, seen, _ in students if seen > 0),
        halfway=sum(1 for _, _, done in students if total and 2 * done >= total),
        completed=sum(1 for _, _, done in students if total and done >= total),
    )


def course_analytics(
    *,
    session: Session,
    actor: Actor | None,
    course_id: int,
    start: date | None = None,
    end: date | None = None,
) -> CourseAnalytics:
    """The numbers of one course, for its instructor or an admin.

    Args:
        session: The open session (read only).
        actor: The signed-in instructor of the course, or an admin.
        course_id: The course.
        start: First day of the enrollment series (UTC); default 29 days before `end`.
        end: Last day of the enrollment series (UTC); default today.

    Returns:
        Enrollments per day, the funnel, per-lesson reach and watch time, the rating
        distribution of visible reviews (index 0 is one star) and students by progress.

    Raises:
        NotSignedIn: for anonymous callers.
        NotFound: unknown course, or one the actor neither teaches nor administers.
        InvalidInput: a bad date range (end before start, over 366 days).
    """
    course = _own_course(session, actor, course_id)
    assert course.id is not None
    end = end or utcnow().date()
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    per_day = daily_counts(
        session, col(Enrollment.created_at), start, end, col(Enrollment.course_id) == course.id
    )
    students, lessons = _student_rows(session, course.id), _lesson_rows(session, course.id)
    funnel = _funnel(students, len(lessons))
    return CourseAnalytics(
        enrollments_per_day=per_day,
        funnel=funnel,
        per_lesson=[
            LessonStat(title, percent(n, funnel.started), round(avg or 0))
            for title, n, avg in lessons
        ],
        rating_distribution=reviews.rating_distribution(
            session=session, actor=actor, course_id=course.id
        ),
        students=sorted(
            (StudentProgress(name, percent(done, len(lessons))) for name, _, done in students),
            key=lambda s: (-s.percent, s.name),
        ),
        course_id=course.id,
        title=course.title,
        slug=course.slug,
        certificates_issued=_certificates_issued(session, course.id),
    )


def _certificates_issued(session: Session, course_id: int) -> int:
    """One per student who finished: a reissue replaces a row, so replaced rows do not count."""
    return session.exec(
        select(func.count(col(Certificate.id))).where(
            Certificate.course_id == course_id, col(Certificate.replaced_by).is_(None)
        )
    ).one()
