"""Progress writes: the player's heartbeat, "mark as (not) complete", and course totals.

The heartbeat is the busiest call of the platform (every watching student, every few
seconds), so its three statements are built once and executed with parameters: building a
SQLAlchemy expression per event cost more CPU than running it.

Progress rows belong to the actor only: no function here takes another user's id
(docs/security.md case 24). Writes are single upsert statements whose SET clause merges the
stored row with the new event in SQL, so two tabs saving at once both land, the furthest
position is kept and completion never reverts (docs/security.md case 40).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Float, bindparam, case, func, null
from sqlalchemy import update as sql_update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from lms_reflex.models import (
    Course,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonKind,
    LessonProgress,
    utcnow,
)
from lms_reflex.services.actor import Actor, is_course_staff, require_actor
from lms_reflex.services.certificates.issuing import issue_on_completion
from lms_reflex.services.certificates.views import Issued
from lms_reflex.services.errors import InvalidInput, NotFound
from lms_reflex.services.learning.course_counts import lesson_counts
from lms_reflex.services.learning.dashboard import percent
from lms_reflex.services.learning.lesson_access import (
    LESSON_NOT_FOUND,
    lesson_access,
    lesson_facts_query,
    open_lesson,
)
from lms_reflex.services.learning.lessons import visible_course
from lms_reflex.services.prebuilt import Reads, fetch_first, orm_session
from lms_reflex.services.validation import valid_id

MAX_WATCHED_DELTA_S = 30.0  # one progress event can claim at most this much watching
POSITION_SLACK_S = 2.0  # players report a little past the probed duration
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


@dataclass(frozen=True)
class _LessonFacts:
    lesson_id: int
    duration_s: float
    course_id: int
    enrolled: bool


# Lesson, course and the actor's enrollment in one round trip.
_FACTS = lesson_facts_query(
    Lesson.duration_s,
    Lesson.is_preview,
    Lesson.kind,
    Course.id,
    Course.status,
    Course.instructor_id,
    Enrollment.id,
).where(Lesson.id == bindparam("lesson_id"))  # type: ignore[arg-type]


def _lesson_facts(session: Reads, actor: Actor, lesson_id: object) -> _LessonFacts:
    """What a progress write needs to know, with the same access rule as the player.

    Raises:
        NotFound, NotSignedIn, PermissionDenied: as `learning.lesson_access`.
    """
    row = None
    if valid_id(lesson_id):
        params = {"user_id": actor.id, "lesson_id": lesson_id}
        row = fetch_first(session, _FACTS, params)
    if row is None:
        raise NotFound(LESSON_NOT_FOUND)
    duration, preview, kind, course_id, status, instructor_id, enrollment_id = tuple(row)
    if kind == LessonKind.QUIZ:
        raise InvalidInput(QUIZ_COMPLETES_BY_PASSING)
    enrolled = lesson_access(
        actor,
        enrolled=enrollment_id is not None,
        staff=is_course_staff(actor, instructor_id),
        published=status == CourseStatus.PUBLISHED,
        preview=bool(preview),
    )
    return _LessonFacts(int(lesson_id), float(duration), int(course_id), enrolled)  # type: ignore[call-overload]


def _greatest(a: Any, b: Any) -> ColumnElement[Any]:
    """GREATEST(a, b) written as CASE, which SQLite and PostgreSQL both understand."""
    return case((a >= b, a), else_=b)


def _least(a: Any, b: Any) -> ColumnElement[Any]:
    return case((a <= b, a), else_=b)


def _insert_for(dialect: str) -> Any:
    upsert = {"postgresql": pg_insert, "sqlite": sqlite_insert}.get(dialect)
    if upsert is None:
        raise NotImplementedError(f"progress upserts need SQLite or PostgreSQL, not {dialect}")
    return upsert


@cache
def _heartbeat_upsert(dialect: str) -> Any:
    """How a new event merges into the stored row, evaluated inside the upsert.

    Position: the furthest point reached is kept (issue 6, docs/security.md case 40), so two
    tabs or an out-of-order event never move a student back. Watched time only grows and
    is capped at the duration. completed_at, once set, is kept (COALESCE); it is set when
    the video ended or the watched time reaches `threshold` (NULL: never by watching).
    """
    when = _progress.updated_at.type
    stmt = _insert_for(dialect)(LessonProgress.__table__).values(  # type: ignore[attr-defined]
        user_id=bindparam("user_id"),
        lesson_id=bindparam("lesson_id"),
        position_s=bindparam("position", type_=Float),
        watched_s=bindparam("first_watched", type_=Float),
        completed_at=bindparam("first_done_at", type_=when),
        updated_at=bindparam("now", type_=when),
    )
    old, new = _progress, stmt.excluded
    delta, duration = bindparam("delta", type_=Float), bindparam("duration", type_=Float)
    watched = _greatest(old.watched_s, _least(old.watched_s + delta, duration))
    completes = case(
        (bindparam("ended", type_=Boolean), new.updated_at),
        (watched >= bindparam("threshold", type_=Float), new.updated_at),
        else_=null(),
    )
    merge = {
        "position_s": _greatest(old.position_s, new.position_s),
        "watched_s": watched,
        "completed_at": func.coalesce(old.completed_at, completes),
        "updated_at": _greatest(old.updated_at, new.updated_at),
    }
    return stmt.on_conflict_do_update(
        index_elements=["user_id", "lesson_id"], set_=merge
    ).returning(old.position_s, old.watched_s, old.completed_at)


def _upsert_progress(
    session: Reads, user_id: int, facts: _LessonFacts, position: float, delta: float, ended: bool
) -> tuple[float, float, datetime | None]:
    """Insert or merge the actor's row in one statement; returns the stored values."""
    now, duration = utcnow(), facts.duration_s
    threshold = COMPLETE_SHARE * duration if duration > 0 else None
    first_watched = min(delta, duration)
    first_done = ended or (threshold is not None and first_watched >= threshold)
    params = {
        "user_id": user_id,
        "lesson_id": facts.lesson_id,
        "position": position,
        "first_watched": first_watched,
        "first_done_at": now if first_done else None,
        "now": now,
        "delta": delta,
        "duration": duration,
        "ended": ended,
        "threshold": threshold,
    }
    stmt = _heartbeat_upsert(session.connection().dialect.name)
    row = fetch_first(session, stmt, params)
    assert row is not None  # an upsert always returns its row
    position_s, watched_s, completed_at = row
    return position_s, watched_s, completed_at


def _progress_view(
    session: Reads, user_id: int, course_id: int, stored: tuple[float, float, Any]
) -> ProgressView:
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


def _certificate_if_finished(session: Reads, user_id: int, course_id: int) -> Issued | None:
    """Every lesson is complete: issue the certificate in this transaction.

    Once: a course that already has one costs one indexed read.
    """
    with orm_session(session) as orm:
        return issue_on_completion(session=orm, user_id=user_id, course_id=course_id)


def _seconds(value: object, what: str) -> float:
    """A finite, non-negative number of seconds from the browser.

    Raises:
        InvalidInput: for anything else (text, booleans, NaN, infinities, negatives).
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"The {what} must be a number of seconds.")
    try:
        seconds = float(value)
    except OverflowError:
        seconds = math.inf
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidInput(f"The {what} must be a number of seconds, zero or more.")
    return seconds


def record_progress(
    *,
    session: Reads,
    actor: Actor | None,
    lesson_id: int,
    position_s: float,
    watched_delta_s: float,
    ended: bool,
) -> ProgressView:
    """Save a player event: where the student is and how much they watched since the last.

    Args:
        session: The open session, or a `PlainConnection` in its transaction (the
            player's reports, `db.run_plain`); the caller commits.
        actor: The signed-in user. Only enrolled students' progress is stored; staff and
            preview visitors get a view back and nothing is written.
        lesson_id: The lesson playing.
        position_s: The playhead, 0 .. duration + 2 s.
        watched_delta_s: Seconds watched since the last event; more than 30 counts as 30,
            so a forged event cannot claim an hour.
        ended: The player reached the end (completes the lesson).

    Returns:
        The stored position, watched time and completion, and the course percentage
        when the lesson is complete.

    Raises:
        NotSignedIn: for anonymous callers.
        InvalidInput: a number that is not finite, negative, or past the end.
        NotFound: unknown lesson, or an unpublished course the actor has no part in.
        PermissionDenied: a lesson the actor may not open.
    """
    actor = require_actor(actor)
    position = _seconds(position_s, "position")
    delta = min(_seconds(watched_delta_s, "watched time"), MAX_WATCHED_DELTA_S)
    if not isinstance(ended, bool):
        raise InvalidInput("The end-of-video flag must be true or false.")
    facts = _lesson_facts(session, actor, lesson_id)
    if position > facts.duration_s + POSITION_SLACK_S:
        raise InvalidInput("That position is past the end of the lesson.")
    if not facts.enrolled:
        return ProgressView(position, 0.0, False, None, False)
    stored = _upsert_progress(session, actor.id, facts, position, delta, ended)
    return _progress_view(session, actor.id, facts.course_id, stored)


def _mark_complete(session: Session, user_id: int, lesson_id: int) -> tuple[float, float, Any]:
    now = utcnow()
    stmt = _insert_for(session.connection().dialect.name)(LessonProgress).values(
        user_id=user_id, lesson_id=lesson_id, completed_at=now, updated_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["user_id", "lesson_id"],
        set_={
            "completed_at": func.coalesce(_progress.completed_at, stmt.excluded.completed_at),
            "updated_at": _greatest(_progress.updated_at, stmt.excluded.updated_at),
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
    return _progress_view(session, actor.id, course.id, stored)


def complete_passed_quiz(
    session: Session, user_id: int, lesson_id: int, course_id: int
) -> ProgressView:
    """A passed quiz completes its lesson the way "mark as complete" does (issue 21).

    Callers (services/learning/quizzes.py) have checked enrollment and graded the attempt;
    course completion and the certificate follow from the same `_progress_view`.
    """
    stored = _mark_complete(session, user_id, lesson_id)
    return _progress_view(session, user_id, course_id, stored)


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
