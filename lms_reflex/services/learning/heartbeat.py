"""The player's heartbeat: where a student is in a lesson, and how much they watched.

The busiest call of the platform (every watching student, every few seconds), so its
statements are built once and executed with parameters: building a SQLAlchemy expression
per event cost more CPU than running it. The player's own reports (`record_report`) read
the session, the lesson and the enrollment in one statement and write one upsert; the
REST API's (`record_progress`) come with an actor already checked.

Progress rows belong to the actor only (docs/security.md case 24); the upsert's SET clause
merges the stored row with the new event in SQL, so two tabs saving at once both land, the
furthest position is kept and completion never reverts (docs/security.md case 40).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Float, bindparam, case, func, null

from lms_reflex.models import (
    Course,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonKind,
    LessonProgress,
    utcnow,
)
from lms_reflex.services.accounts import sessions
from lms_reflex.services.actor import Actor, is_course_staff, require_actor
from lms_reflex.services.errors import InvalidInput, NotFound
from lms_reflex.services.learning.lesson_access import (
    LESSON_NOT_FOUND,
    lesson_access,
    lesson_facts_query,
)
from lms_reflex.services.learning.progress import (
    COMPLETE_SHARE,
    QUIZ_COMPLETES_BY_PASSING,
    ProgressView,
    greatest,
    insert_for,
    least,
    progress_view,
)
from lms_reflex.services.prebuilt import Reads, dialect_name, fetch_first
from lms_reflex.services.validation import valid_id

_progress = LessonProgress.__table__.c  # type: ignore[attr-defined]

MAX_WATCHED_DELTA_S = 30.0  # one progress event can claim at most this much watching
POSITION_SLACK_S = 2.0  # players report a little past the probed duration


@dataclass(frozen=True)
class _LessonFacts:
    lesson_id: int
    duration_s: float
    course_id: int
    enrolled: bool


# What a progress write reads of the lesson, its course and the actor's enrollment.
_FACT_COLUMNS = (
    Lesson.duration_s,
    Lesson.is_preview,
    Lesson.kind,
    Course.id,
    Course.status,
    Course.instructor_id,
    Enrollment.id,
)
# Lesson, course and the actor's enrollment in one round trip.
_FACTS = lesson_facts_query(*_FACT_COLUMNS).where(Lesson.id == bindparam("lesson_id"))  # type: ignore[arg-type]
# The same, with the caller's session check in the same statement (`record_report`).
_REPORT = lesson_facts_query(*_FACT_COLUMNS, signed_in_by=sessions.join_live_session).where(
    Lesson.id == bindparam("lesson_id")  # type: ignore[arg-type]
)


def _lesson_facts(session: Reads, actor: Actor, lesson_id: object) -> _LessonFacts:
    """What a progress write needs to know, with the same access rule as the player.

    Raises:
        NotFound, NotSignedIn, PermissionDenied: as `learning.lesson_access`.
    """
    row = None
    if valid_id(lesson_id):
        params = {"user_id": actor.id, "lesson_id": lesson_id}
        row = fetch_first(session, _FACTS, params)
    return _facts_from_row(actor, lesson_id, row)


def _facts_from_row(actor: Actor, lesson_id: object, row: Sequence[Any] | None) -> _LessonFacts:
    """The access rule on a row that starts with `_FACT_COLUMNS`."""
    if row is None:
        raise NotFound(LESSON_NOT_FOUND)
    duration, preview, kind, course_id, status, instructor_id, enrollment_id = tuple(row[:7])
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


@cache
def _heartbeat_upsert(dialect: str) -> Any:
    """How a new event merges into the stored row, evaluated inside the upsert.

    Position: the furthest point reached is kept (issue 6, docs/security.md case 40), so two
    tabs or an out-of-order event never move a student back. Watched time only grows and
    is capped at the duration. completed_at, once set, is kept (COALESCE); it is set when
    the video ended or the watched time reaches `threshold` (NULL: never by watching).
    """
    when = _progress.updated_at.type
    stmt = insert_for(dialect)(LessonProgress.__table__).values(  # type: ignore[attr-defined]
        user_id=bindparam("user_id"),
        lesson_id=bindparam("lesson_id"),
        position_s=bindparam("position", type_=Float),
        watched_s=bindparam("first_watched", type_=Float),
        completed_at=bindparam("first_done_at", type_=when),
        updated_at=bindparam("now", type_=when),
    )
    old, new = _progress, stmt.excluded
    delta, duration = bindparam("delta", type_=Float), bindparam("duration", type_=Float)
    watched = greatest(old.watched_s, least(old.watched_s + delta, duration))
    completes = case(
        (bindparam("ended", type_=Boolean), new.updated_at),
        (watched >= bindparam("threshold", type_=Float), new.updated_at),
        else_=null(),
    )
    merge = {
        "position_s": greatest(old.position_s, new.position_s),
        "watched_s": watched,
        "completed_at": func.coalesce(old.completed_at, completes),
        "updated_at": greatest(old.updated_at, new.updated_at),
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
    stmt = _heartbeat_upsert(dialect_name(session))
    row = fetch_first(session, stmt, params)
    assert row is not None  # an upsert always returns its row
    position_s, watched_s, completed_at = row
    return position_s, watched_s, completed_at


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
        session: The open session (the REST API), or a `PlainConnection` in its
            transaction (`record_report`, `db.run_plain`); the caller commits.
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
    position, delta = _report_numbers(position_s, watched_delta_s, ended)
    facts = _lesson_facts(session, actor, lesson_id)
    return _store_report(session, actor, facts, position, delta, ended)


def record_report(
    *,
    session: Reads,
    token: str | None,
    lesson_id: object,
    position_s: float,
    watched_delta_s: float,
    ended: bool,
) -> ProgressView:
    """`record_progress` for the player's own reports, as the session `token` belongs to.

    The player reports every few seconds for every watching student. Here the session
    check is part of the lesson-facts statement (the same columns, conditions and rule as
    `sessions.check_session`), so a report reads once and writes once
    (benchmarks/README.md, "Tenth session"). The session is read in this transaction, like
    every other check: a revoked or expired session stops the next report.

    Raises:
        NotSignedIn, InvalidInput, NotFound, PermissionDenied: as `record_progress`.
    """
    row = None
    if valid_id(lesson_id):
        params = {"lesson_id": lesson_id, "token_hash": sessions.token_hash(token)}
        row = fetch_first(session, _REPORT, params)
    if row is None:  # no such lesson: whether anyone is signed in decides which refusal
        actor, _due = sessions.check_session(session=session, token=token)
        return record_progress(
            session=session, actor=actor, lesson_id=lesson_id,  # type: ignore[arg-type]
            position_s=position_s, watched_delta_s=watched_delta_s, ended=ended,
        )  # fmt: skip
    actor = require_actor(sessions.session_from_row(row[-sessions.SESSION_WIDTH :])[0])
    position, delta = _report_numbers(position_s, watched_delta_s, ended)
    facts = _facts_from_row(actor, lesson_id, row)
    return _store_report(session, actor, facts, position, delta, ended)


def _report_numbers(
    position_s: object, watched_delta_s: object, ended: object
) -> tuple[float, float]:
    """The playhead and the watched time (at most `MAX_WATCHED_DELTA_S`) of a report.

    Raises:
        InvalidInput: a number that is not finite or negative, or a flag that is no bool.
    """
    position = _seconds(position_s, "position")
    delta = min(_seconds(watched_delta_s, "watched time"), MAX_WATCHED_DELTA_S)
    if not isinstance(ended, bool):
        raise InvalidInput("The end-of-video flag must be true or false.")
    return position, delta


def _store_report(
    session: Reads, actor: Actor, facts: _LessonFacts, position: float, delta: float, ended: bool
) -> ProgressView:
    if position > facts.duration_s + POSITION_SLACK_S:
        raise InvalidInput("That position is past the end of the lesson.")
    if not facts.enrolled:
        return ProgressView(position, 0.0, False, None, False)
    stored = _upsert_progress(session, actor.id, facts, position, delta, ended)
    return progress_view(session, actor.id, facts.course_id, stored)
