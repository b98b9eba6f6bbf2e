"""Progress writes: "mark as (not) complete", what a completion leads to, course totals.

The player's heartbeat, the busiest write, is in services/learning/heartbeat.py; both store
what they wrote through `progress_view` here, so a completion reached either way counts the
course and issues its certificate the same way.

Progress rows belong to the actor only: no function here takes another user's id
(docs/security.md case 24). Writes are single upsert statements whose SET clause merges the
stored row with the new event in SQL, so two tabs saving at once both land, the furthest
position is kept and completion never reverts (docs/security.md case 40).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, bindparam, case, exists, func
from sqlalchemy import select as sql_select
from sqlalchemy import update as sql_update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from lms_reflex.models import (
    Certificate,
    Course,
    LessonKind,
    LessonProgress,
    utcnow,
)
from lms_reflex.services.actor import Actor, require_actor
from lms_reflex.services.certificates.issuing import issue_on_completion
from lms_reflex.services.certificates.views import Issued
from lms_reflex.services.errors import InvalidInput
from lms_reflex.services.learning.course_counts import lesson_counts
from lms_reflex.services.learning.dashboard import percent
from lms_reflex.services.learning.lesson_access import (
    open_lesson,
)
from lms_reflex.services.learning.lessons import visible_course
from lms_reflex.services.prebuilt import Reads, fetch_first, orm_session

COMPLETE_SHARE = 0.9  # watched this share of a lesson -> complete
QUIZ_COMPLETES_BY_PASSING = "A quiz is completed by passing it."

_progress = LessonProgress.__table__.c  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ProgressView:
    """The stored state of one lesson after a progress write.

    course_percent and course_completed are counted only when the lesson is complete,
    because only a completion can change them; otherwise they are None and False.
    """

    position_s: float
    watched_s: float
    completed: bool
    course_percent: int | None
    course_completed: bool
    certificate: Issued | None = None  # issued by this very write (issue 18)


@dataclass(frozen=True)
class CourseProgress:
    """Completed lessons out of all lessons, counted (never stored)."""

    completed: int
    total: int
    percent: int


def greatest(a: Any, b: Any) -> ColumnElement[Any]:
    """GREATEST(a, b) written as CASE, which SQLite and PostgreSQL both understand."""
    return case((a >= b, a), else_=b)


def least(a: Any, b: Any) -> ColumnElement[Any]:
    """LEAST(a, b), written as CASE for the same reason as `greatest`."""
    return case((a <= b, a), else_=b)


def insert_for(dialect: str) -> Any:
    """The INSERT with ON CONFLICT of the database in use (progress writes are upserts)."""
    upsert = {"postgresql": pg_insert, "sqlite": sqlite_insert}.get(dialect)
    if upsert is None:
        raise NotImplementedError(f"progress upserts need SQLite or PostgreSQL, not {dialect}")
    return upsert


def progress_view(
    session: Reads, user_id: int, course_id: int, stored: tuple[float, float, Any]
) -> ProgressView:
    """What a progress write stored, with the course's count and certificate when complete.

    Only a completion can change the course's numbers, so only then are they counted.
    """
    position, watched, completed_at = stored
    if completed_at is None:
        return ProgressView(float(position), float(watched), False, None, False)
    done, total = lesson_counts(session, user_id, course_id)
    finished = total > 0 and done >= total
    issued = _certificate_if_finished(session, user_id, course_id) if finished else None
    return ProgressView(
        position_s=float(position),
        watched_s=float(watched),
        completed=True,
        course_percent=percent(done, total),
        course_completed=finished,
        certificate=issued,
    )


# Whether a finished course may still issue the student a certificate: its switch is on
# and they have no current one. A prebuilt read, so the reports of a student who finished
# long ago never need an ORM session (nor, on a `DriverConnection`, a second run).
_MAY_ISSUE = sql_select(
    Course.certificate_on_completion,  # type: ignore[arg-type]
    exists().where(
        Certificate.user_id == bindparam("user_id"),  # type: ignore[arg-type]
        Certificate.course_id == Course.id,  # type: ignore[arg-type]
        Certificate.replaced_by.is_(None),  # type: ignore[union-attr]
    ),
).where(Course.id == bindparam("course_id"))  # type: ignore[arg-type]


def _certificate_if_finished(session: Reads, user_id: int, course_id: int) -> Issued | None:
    """Every lesson is complete: issue the certificate in this transaction.

    Once: a course that already has one costs one indexed read. That read is a shortcut;
    `issue_on_completion` checks everything again.
    """
    row = fetch_first(session, _MAY_ISSUE, {"user_id": user_id, "course_id": course_id})
    if row is None or not row[0] or row[1]:
        return None
    with orm_session(session) as orm:
        return issue_on_completion(session=orm, user_id=user_id, course_id=course_id)


def _mark_complete(session: Session, user_id: int, lesson_id: int) -> tuple[float, float, Any]:
    now = utcnow()
    stmt = insert_for(session.connection().dialect.name)(LessonProgress).values(
        user_id=user_id, lesson_id=lesson_id, completed_at=now, updated_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["user_id", "lesson_id"],
        set_={
            "completed_at": func.coalesce(_progress.completed_at, stmt.excluded.completed_at),
            "updated_at": greatest(_progress.updated_at, stmt.excluded.updated_at),
        },
    ).returning(_progress.position_s, _progress.watched_s, _progress.completed_at)
    position_s, watched_s, completed_at = session.exec(stmt).one()
    return position_s, watched_s, completed_at


def _mark_incomplete(session: Session, user_id: int, lesson_id: int) -> tuple[float, float, Any]:
    """Clear completion and watched time, so the next heartbeat does not complete it again."""
    row = session.exec(
        sql_update(LessonProgress)
        .where(
            LessonProgress.user_id == user_id,  # type: ignore[arg-type]
            LessonProgress.lesson_id == lesson_id,  # type: ignore[arg-type]
        )
        .values(completed_at=None, watched_s=0.0, updated_at=utcnow())
        .returning(_progress.position_s, _progress.watched_s, _progress.completed_at)
    ).first()
    return (row[0], row[1], row[2]) if row else (0.0, 0.0, None)


def set_lesson_completed(
    *, session: Session, actor: Actor | None, lesson_id: int, completed: bool
) -> ProgressView:
    """The student's own "mark as complete / not complete" choice, which may clear it.

    Args:
        session: The open session; the caller commits.
        actor: The signed-in user; only enrolled students' choices are stored.
        lesson_id: The lesson.
        completed: True to mark complete, False to mark not complete (which also resets
            the watched time, so the lesson counts again from the next viewing).

    Returns:
        The stored state of the lesson (and the course percentage when it is complete).

    Raises:
        NotSignedIn: for anonymous callers.
        InvalidInput: when `completed` is not a boolean.
        NotFound: unknown lesson, or an unpublished course the actor has no part in.
        PermissionDenied: a lesson the actor may not open.
    """
    actor = require_actor(actor)
    if not isinstance(completed, bool):
        raise InvalidInput("Please choose complete or not complete.")
    lesson, course, enrolled = open_lesson(session, actor, lesson_id)
    if lesson.kind == LessonKind.QUIZ:
        raise InvalidInput(QUIZ_COMPLETES_BY_PASSING)
    if not enrolled:
        return ProgressView(0.0, 0.0, False, None, False)
    assert course.id is not None and lesson.id is not None
    mark = _mark_complete if completed else _mark_incomplete
    stored = mark(session, actor.id, lesson.id)
    return progress_view(session, actor.id, course.id, stored)


def complete_passed_quiz(
    session: Session, user_id: int, lesson_id: int, course_id: int
) -> ProgressView:
    """A passed quiz completes its lesson the way "mark as complete" does (issue 21).

    Callers (services/learning/quizzes.py) have checked enrollment and graded the attempt;
    course completion and the certificate follow from the same `progress_view`.
    """
    stored = _mark_complete(session, user_id, lesson_id)
    return progress_view(session, user_id, course_id, stored)


def course_progress(*, session: Session, actor: Actor | None, course_id: int) -> CourseProgress:
    """How much of a course the actor has completed.

    Args:
        session: The open session (read only).
        actor: The signed-in user; the numbers are always their own.
        course_id: The course.

    Returns:
        Completed and total lesson counts and the whole percent (0 for an empty course).

    Raises:
        NotSignedIn: for anonymous callers.
        NotFound: unknown course, or an unpublished course the actor has no part in.
    """
    actor = require_actor(actor)
    course = visible_course(session, actor, course_id)
    assert course.id is not None
    done, total = lesson_counts(session, actor.id, course.id)
    return CourseProgress(completed=done, total=total, percent=percent(done, total))
