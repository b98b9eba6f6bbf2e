"""Enrollment: joining free courses, the course page button, and admin enrollments.

A paid course is never joined by the student alone (docs/security.md case 26): a paid order
line (services/payments/fulfilment.py) or an admin enrolls them. Enrolling is
idempotent and safe under concurrent clicks (docs/security.md case 29): the UNIQUE(user_id,
course_id) constraint decides, and a lost race is reported as success.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Insert, Select, bindparam, exists, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select
from sqlmodel.sql.expression import SelectOfScalar

from lms_reflex.mail import Mail, enrollment_mail
from lms_reflex.models import (
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    Lesson,
    LessonProgress,
    Section,
    User,
    utcnow,
)
from lms_reflex.services.actor import Actor, require_verified
from lms_reflex.services.catalog.listings import can_see_unpublished
from lms_reflex.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lms_reflex.services.learning.dashboard import percent

NOT_ON_SALE = "This course is paid: buy it to enroll."
BUY_NOW = "Buy now"  # priced courses: bought through services/payments (docs/security.md 55)
SIGN_IN_TO_BUY = "Sign in to buy"
NOT_OPEN = "This course is not open for new students."
OWN_COURSE = "You teach this course, so you cannot enroll in it."


@dataclass(frozen=True)
class EnrollmentResult:
    """The outcome of an enroll call; `mail` (the student's confirmation) goes after the reply."""

    course_id: int
    course_slug: str
    course_title: str
    created: bool
    mail: Mail | None = None


@dataclass(frozen=True)
class RemovalResult:
    """The outcome of an unenroll call; `removed` is False when there was nothing to remove."""

    course_slug: str
    course_title: str
    removed: bool


@dataclass(frozen=True)
class EnrollmentStatus:
    """What the course page button says and does for this visitor.

    `label` is the button text ("Enroll for free", "Go to course", "Sign in to enroll",
    "Buy now"); `reason` explains a disabled button in a sentence. `opens_all`:
    every lesson of the syllabus opens for this visitor (enrolled, or teaching it).
    """

    enrolled: bool
    can_enroll: bool
    label: str
    reason: str
    next_lesson_id: int | None
    progress_percent: int
    opens_all: bool = False
    can_buy: bool = False  # a priced course this visitor may buy (Buy now, Add to cart)


def _visible_course(session: Session, actor: Actor | None, course_id: int) -> Course:
    """The course, if the actor may know it exists (drafts only for owner and admins).

    Raises:
        NotFound: unknown id, or an unpublished course that is not the actor's.
    """
    course = session.get(Course, course_id)
    if course is None or (
        course.status != CourseStatus.PUBLISHED and not can_see_unpublished(actor, course)
    ):
        raise NotFound("We could not find that course.")
    return course


def _find_enrollment(session: Session, user_id: int, course_id: int) -> Enrollment | None:
    params = {"user_id": user_id, "course_id": course_id}
    return session.exec(_enrollment_query(), params=params).first()


@functools.cache
def _enrollment_query() -> SelectOfScalar[Enrollment]:
    """Built once (course pages and the player ask on every view)."""
    return select(Enrollment).where(
        Enrollment.user_id == bindparam("user_id"), Enrollment.course_id == bindparam("course_id")
    )


def _insert_enrollment(session: Session, user_id: int, course_id: int, source: str) -> bool:
    """Insert the row unless it exists; True when this call made it.

    PostgreSQL and SQLite skip the duplicate inside the statement (ON CONFLICT DO NOTHING),
    so a concurrent twin neither errors nor aborts the transaction. Elsewhere the UNIQUE
    constraint raises and only a SAVEPOINT is rolled back.
    """
    values = {
        "user_id": user_id,
        "course_id": course_id,
        "source": str(source),
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    upsert = {"postgresql": pg_insert, "sqlite": sqlite_insert}.get(dialect)
    if upsert is None:
        return _insert_in_savepoint(session, insert(Enrollment).values(**values))
    statement = (
        upsert(Enrollment)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["user_id", "course_id"])
        .returning(col(Enrollment.id))  # rowcount is not reliable through the ORM
    )
    return session.exec(statement).first() is not None


def _insert_in_savepoint(session: Session, statement: Insert) -> bool:
    """Run `statement` in a SAVEPOINT; a UNIQUE violation means a twin got there first."""
    try:
        with session.begin_nested():
            session.exec(statement)
    except IntegrityError:
        return False
    return True


def enroll_student(*, session: Session, actor: Actor | None, course_id: int) -> EnrollmentResult:
    """Enroll the actor in a free, published course. Calling it again is harmless.

    Args:
        session: The open session; the caller commits.
        actor: The signed-in user enrolling themselves.
        course_id: The course to join.

    Returns:
        The course's slug and title, and whether this call created the enrollment
        (False when the actor was already enrolled, also when a concurrent click won).

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: unverified email, the actor's own course, or a priced course.
        NotFound: unknown course, or a draft the actor may not see.
        InvalidInput: a draft or archived course its instructor or an admin tries to join.
    """
    actor = require_verified(actor)
    course = _visible_course(session, actor, course_id)
    assert course.id is not None
    if _find_enrollment(session, actor.id, course.id) is not None:
        return EnrollmentResult(course.id, course.slug, course.title, created=False)
    if course.instructor_id == actor.id:
        raise PermissionDenied(OWN_COURSE)
    if course.status != CourseStatus.PUBLISHED:
        raise InvalidInput(NOT_OPEN)
    if course.price_cents > 0:
        raise PermissionDenied(NOT_ON_SALE)
    created = _insert_enrollment(session, actor.id, course.id, EnrollmentSource.SELF)
    email = session.exec(select(User.email).where(User.id == actor.id)).one() if created else ""
    mail = enrollment_mail(email, course.title, course.slug) if created else None
    return EnrollmentResult(course.id, course.slug, course.title, created, mail)


def _started_course(session: Session, user_id: int, course_id: int) -> bool:
    """True once the user has any progress row in any lesson of the course."""
    started = (
        select(LessonProgress.id)
        .join(Lesson, col(Lesson.id) == col(LessonProgress.lesson_id))
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .where(LessonProgress.user_id == user_id, Section.course_id == course_id)
    )
    return bool(session.exec(select(exists(started))).one())


def _delete_enrollment(session: Session, user_id: int, course_id: int) -> bool:
    result = session.exec(
        delete(Enrollment)
        .where(col(Enrollment.user_id) == user_id, col(Enrollment.course_id) == course_id)
        .returning(col(Enrollment.id))
    )
    return bool(result.all())


def unenroll_student(*, session: Session, actor: Actor | None, course_id: int) -> RemovalResult:
    """Leave a course the actor joined by themselves and has not started yet.

    Args:
        session: The open session; the caller commits.
        actor: The signed-in student.
        course_id: The course to leave.

    Returns:
        The course's slug and title, and whether an enrollment was removed.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: unverified email, or an enrollment an admin or a payment made
            (leaving would throw away what was paid for; an admin removes those).
        NotFound: unknown course, or a draft the actor may not see.
        Conflict: the actor has progress in the course, which leaving would orphan.
    """
    actor = require_verified(actor)
    course = _visible_course(session, actor, course_id)
    assert course.id is not None
    enrollment = _find_enrollment(session, actor.id, course.id)
    if enrollment is None:
        return RemovalResult(course.slug, course.title, removed=False)
    if enrollment.source != EnrollmentSource.SELF:
        raise PermissionDenied("Please ask an administrator to remove this enrollment.")
    if _started_course(session, actor.id, course.id):
        raise Conflict("You have started this course, so it stays on your list.")
    removed = _delete_enrollment(session, actor.id, course.id)
    return RemovalResult(course.slug, course.title, removed=removed)


def _lesson_progress(
    session: Session, user_id: int, course_id: int
) -> list[tuple[int, bool, datetime | None]]:
    """(lesson id, completed, last touched) for every lesson of the course, in syllabus order."""
    params = {"user_id": user_id, "course_id": course_id}
    rows = session.execute(_lesson_progress_query(), params).all()
    return [(lesson_id or 0, done is not None, touched) for lesson_id, done, touched in rows]


@functools.cache
def _lesson_progress_query() -> Select:
    return (
        select(Lesson.id, LessonProgress.completed_at, LessonProgress.updated_at)
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .outerjoin(
            LessonProgress,
            (col(LessonProgress.lesson_id) == col(Lesson.id))
            & (col(LessonProgress.user_id) == bindparam("user_id")),
        )
        .where(Section.course_id == bindparam("course_id"))
        .order_by(col(Section.position), col(Lesson.position), col(Lesson.id))
    )


def _resume_point(lessons: list[tuple[int, bool, datetime | None]]) -> int | None:
    """Where to continue: the last lesson watched but not finished, else the first unfinished.

    A finished course resumes at its first lesson; a course without lessons has none.
    """
    started = [(touched, lid) for lid, done, touched in lessons if touched and not done]
    if started:
        return max(started, key=lambda pair: pair[0])[1]
    unfinished = [lid for lid, done, _ in lessons if not done]
    if unfinished:
        return unfinished[0]
    return lessons[0][0] if lessons else None


def _enrolled_status(session: Session, actor: Actor, course_id: int) -> EnrollmentStatus:
    lessons = _lesson_progress(session, actor.id, course_id)
    done = sum(1 for _, finished, _ in lessons if finished)
    return EnrollmentStatus(
        enrolled=True,
        can_enroll=False,
        label="Go to course",
        reason="",
        next_lesson_id=_resume_point(lessons),
        progress_percent=percent(done, len(lessons)),
        opens_all=True,
    )


def _closed(label: str, reason: str) -> EnrollmentStatus:
    return EnrollmentStatus(False, False, label, reason, None, 0)


def _priced_status(actor: Actor | None) -> EnrollmentStatus:
    """A paid course is joined by paying for it (or by an admin's enrollment)."""
    if actor is None:
        return _closed(SIGN_IN_TO_BUY, "Sign in to buy this course.")
    if not actor.is_verified:
        return _closed("Verify your email to buy", "Please verify your email address first.")
    return EnrollmentStatus(False, False, BUY_NOW, "", None, 0, can_buy=True)


def enrollment_status(*, session: Session, actor: Actor | None, course_id: int) -> EnrollmentStatus:
    """The course page button for this visitor (anonymous visitors included).

    Args:
        session: The open session (read only).
        actor: The signed-in user, or None.
        course_id: The course shown.

    Returns:
        Whether the actor is enrolled (with their resume lesson and progress), or whether
        they may enroll and, if not, why.

    Raises:
        NotFound: unknown course, or a draft the actor may not see.
    """
    course = _visible_course(session, actor, course_id)
    assert course.id is not None
    if actor is not None and _find_enrollment(session, actor.id, course.id):
        return _enrolled_status(session, actor, course.id)
    if actor is not None and course.instructor_id == actor.id:
        return EnrollmentStatus(False, False, "You teach this course", OWN_COURSE, None, 0, True)
    if course.status != CourseStatus.PUBLISHED:
        return _closed("Not open for enrollment", NOT_OPEN)
    if course.price_cents > 0:
        return _priced_status(actor)
    if actor is None:
        return _closed("Sign in to enroll", "Sign in to enroll in this course.")
    if not actor.is_verified:
        return _closed("Verify your email to enroll", "Please verify your email address first.")
    return EnrollmentStatus(False, True, "Enroll for free", "", None, 0)
