"""The signed-in user's own dashboard: their courses and how far they got."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Select, func
from sqlmodel import Session, col, select

from lms_reflex.media.cards import card_key
from lms_reflex.models import Course, Enrollment, Lesson, LessonProgress, Section, User
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import Actor, require_actor
from lms_reflex.services.certificates.mine import valid_certificates
from lms_reflex.services.certificates.status import page_url


@dataclass(frozen=True)
class MyCourse:
    """A course the user is enrolled in, with progress counted from lesson_progress."""

    slug: str
    title: str
    instructor_name: str
    thumbnail_url: str
    completed_lessons: int
    total_lessons: int
    percent: int
    last_activity_label: str
    course_id: int = 0
    certificate_url: str = ""  # the verify page of a valid certificate, if one was issued
    certificate_outdated: bool = False  # printed under a name the account no longer has


def _lesson_totals(course_ids: list[int]) -> Select:
    return (
        select(Section.course_id, func.count(col(Lesson.id)))
        .join(Lesson, col(Lesson.section_id) == col(Section.id))
        .where(col(Section.course_id).in_(course_ids))
        .group_by(col(Section.course_id))
    )


def _completed(user_id: int, course_ids: list[int]) -> Select:
    return (
        select(Section.course_id, func.count(), func.max(LessonProgress.updated_at))
        .join(Lesson, col(Lesson.section_id) == col(Section.id))
        .join(LessonProgress, col(LessonProgress.lesson_id) == col(Lesson.id))
        .where(LessonProgress.user_id == user_id, col(Section.course_id).in_(course_ids))
        .where(col(LessonProgress.completed_at).is_not(None))
        .group_by(col(Section.course_id))
    )


def percent(done: int, total: int) -> int:
    """Whole percent complete; a course without lessons is 0 %, not 100 %."""
    return 0 if total <= 0 else min(100, (100 * done) // total)


def list_my_courses(*, session: Session, actor: Actor | None) -> list[MyCourse]:
    """The actor's enrollments, newest first, in three queries whatever their number.

    Raises:
        NotSignedIn: for anonymous callers.
    """
    actor = require_actor(actor)
    rows = session.exec(
        select(Course, User.first_name, User.last_name, Enrollment.created_at)
        .join(Enrollment, col(Enrollment.course_id) == col(Course.id))
        .join(User, col(User.id) == col(Course.instructor_id))
        .where(Enrollment.user_id == actor.id)
        .order_by(col(Enrollment.created_at).desc())
    ).all()
    ids = [course.id for course, *_ in rows if course.id is not None]
    if not ids:
        return []
    totals = dict(session.execute(_lesson_totals(ids)).all())
    done = {cid: (n, at) for cid, n, at in session.execute(_completed(actor.id, ids)).all()}
    issued = valid_certificates(session, actor.id, ids)
    name = f"{actor.first_name} {actor.last_name}".strip()
    return [
        _with_certificate(
            _my_course(c, f"{first} {last}", enrolled, totals.get(c.id, 0), done.get(c.id)),
            issued.get(c.id or 0),
            name,
        )
        for c, first, last, enrolled in rows
    ]


def _with_certificate(card: MyCourse, issued: tuple[str, str] | None, name: str) -> MyCourse:
    if issued is None:
        return card
    code, printed = issued
    return replace(card, certificate_url=page_url(code), certificate_outdated=printed != name)


def _my_course(
    course: Course,
    teacher: str,
    enrolled: datetime,
    total: int,
    done: tuple[int, datetime | None] | None,
) -> MyCourse:
    completed, last = done if done else (0, None)
    return MyCourse(
        slug=course.slug,
        title=course.title,
        instructor_name=teacher,
        thumbnail_url=fmt.media_url(card_key(course.thumbnail_key)),
        completed_lessons=completed,
        total_lessons=total,
        percent=percent(completed, total),
        last_activity_label=fmt.day_label(last or enrolled),
        course_id=course.id or 0,
    )
