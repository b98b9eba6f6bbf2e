"""Platform numbers for admins: signups, enrollments, completions, active learners, CSV.

Every number is counted from the rows, never stored. Days are UTC dates; each series
covers the whole range with the empty days as 0. Date bucketing differs between SQLite
(date() on the stored UTC text) and PostgreSQL (the timestamptz converted to UTC, then
cast to a date), so the expression is picked by dialect.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, cast, func
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
from lms_reflex.services.actor import Actor, require_admin
from lms_reflex.services.errors import InvalidInput
from lms_reflex.services.learning.dashboard import percent

MAX_RANGE_DAYS = 366
ACTIVE_WINDOWS = (7, 30)
MAX_TOP = 100
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class DayCount:
    """How many things happened on one UTC day."""

    day: date
    count: int


@dataclass(frozen=True)
class CourseCount:
    """A course and its number of enrollments."""

    course_id: int
    title: str
    enrollments: int


@dataclass(frozen=True)
class CourseCompletion:
    """How many enrolled students finished a course (every lesson completed)."""

    course_id: int
    title: str
    students: int
    completed: int
    percent: int


def day_bucket(session: Session, column: Any) -> Any:
    """An SQL expression for the UTC date of a UtcDateTime column, for this engine."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def check_range(start: object, end: object) -> tuple[datetime, datetime]:
    """The [start 00:00, end+1 00:00) UTC window of an inclusive date range.

    Raises:
        InvalidInput: dates that are not dates, end before start, or more than 366 days.
    """
    if not isinstance(start, date) or not isinstance(end, date):
        raise InvalidInput("Please choose a start and an end date.")
    if isinstance(start, datetime) or isinstance(end, datetime):
        raise InvalidInput("Please choose a start and an end date.")
    if end < start or (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput("Please choose a range of 1 to 366 days, the end after the start.")
    since = datetime.combine(start, time.min, tzinfo=UTC)
    return since, datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)


def daily_counts(
    session: Session, column: Any, start: date, end: date, *where: Any
) -> list[DayCount]:
    """Count rows per UTC day of `column` in [start, end], zero days included, in one query.

    No permission check: callers check the actor first.

    Raises:
        InvalidInput: a bad range (see `check_range`).
    """
    since, until = check_range(start, end)
    day = day_bucket(session, column)
    rows = session.exec(
        select(day, func.count()).where(column >= since, column < until, *where).group_by(day)
    ).all()
    counts = {_as_date(d): int(n) for d, n in rows if d is not None}
    days = (end - start).days + 1
    return [
        DayCount(start + timedelta(days=i), counts.get(start + timedelta(days=i), 0))
        for i in range(days)
    ]


def signups_per_day(
    *, session: Session, actor: Actor | None, start: date, end: date
) -> list[DayCount]:
    """New accounts per UTC day from `start` to `end` inclusive.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        InvalidInput: a bad range (end before start, over 366 days, not dates).
    """
    require_admin(actor)
    return daily_counts(session, col(User.created_at), start, end)


def enrollments_per_day(
    *, session: Session, actor: Actor | None, start: date, end: date
) -> list[DayCount]:
    """New enrollments per UTC day; the same range rules and refusals as `signups_per_day`."""
    require_admin(actor)
    return daily_counts(session, col(Enrollment.created_at), start, end)


def certificates_per_day(
    *, session: Session, actor: Actor | None, start: date, end: date
) -> list[DayCount]:
    """Certificates issued per UTC day (issue 18); the same rules as `signups_per_day`.

    A reissue keeps its first issue date and replaces the old row, so only current
    certificates count: one per student and course.
    """
    require_admin(actor)
    return daily_counts(
        session, col(Certificate.issued_at), start, end, col(Certificate.replaced_by).is_(None)
    )


def lesson_totals() -> Any:
    """Subquery (course_id, n): lessons per course; courses without lessons are absent."""
    return (
        select(col(Section.course_id).label("course_id"), func.count(col(Lesson.id)).label("n"))
        .join(Lesson, col(Lesson.section_id) == col(Section.id))
        .group_by(col(Section.course_id))
        .subquery()
    )


def finished_enrollments() -> Any:
    """Subquery (user_id, course_id, finished_at): enrolled students who finished a course.

    Finished means every lesson completed; finished_at is the last completion. A course
    without lessons is never finished (it is 0 %, not 100 %).
    """
    totals = lesson_totals()
    return (
        select(
            col(Enrollment.user_id).label("user_id"),
            col(Enrollment.course_id).label("course_id"),
            func.max(col(LessonProgress.completed_at)).label("finished_at"),
        )
        .join(Section, col(Section.course_id) == col(Enrollment.course_id))
        .join(Lesson, col(Lesson.section_id) == col(Section.id))
        .join(
            LessonProgress,
            (col(LessonProgress.lesson_id) == col(Lesson.id))
            & (col(LessonProgress.user_id) == col(Enrollment.user_id)),
        )
        .join(totals, totals.c.course_id == col(Enrollment.course_id))
        .where(col(LessonProgress.completed_at).is_not(None))
        .group_by(col(Enrollment.user_id), col(Enrollment.course_id), totals.c.n)
        .having(func.count(col(LessonProgress.id)) == totals.c.n)
        .subquery()
    )


def completions_per_day(
    *, session: Session, actor: Actor | None, start: date, end: date
) -> list[DayCount]:
    """Courses finished per UTC day, dated by a student's last lesson completion.

    The same range rules and refusals as `signups_per_day`.
    """
    require_admin(actor)
    finished = finished_enrollments()
    return daily_counts(session, finished.c.finished_at, start, end)


def active_learners(*, session: Session, actor: Actor | None, days: int = 7) -> int:
    """Distinct users who made progress in any lesson in the last 7 or 30 days.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        InvalidInput: a window other than 7 or 30 days.
    """
    require_admin(actor)
    if type(days) is not int or days not in ACTIVE_WINDOWS:
        raise InvalidInput("Please choose 7 or 30 days.")
    since = utcnow() - timedelta(days=days)
    query = select(func.count(func.distinct(col(LessonProgress.user_id)))).where(
        col(LessonProgress.updated_at) >= since
    )
    return int(session.exec(query).one())


def top_courses(*, session: Session, actor: Actor | None, limit: int = 10) -> list[CourseCount]:
    """The courses with the most enrollments (ties by title), in one query.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        InvalidInput: a limit outside 1..100.
    """
    require_admin(actor)
    if type(limit) is not int or not 1 <= limit <= MAX_TOP:
        raise InvalidInput("Please choose between 1 and 100 courses.")
    n = func.count(col(Enrollment.id))
    rows = session.exec(
        select(Course.id, Course.title, n)
        .outerjoin(Enrollment, col(Enrollment.course_id) == col(Course.id))
        .group_by(col(Course.id), col(Course.title))
        .order_by(n.desc(), col(Course.title), col(Course.id))
        .limit(limit)
    ).all()
    return [CourseCount(cid or 0, title, int(count)) for cid, title, count in rows]


def completion_rate_by_course(*, session: Session, actor: Actor | None) -> list[CourseCompletion]:
    """Per course: enrolled students, how many finished, and the percent, in two queries.

    A course nobody enrolled in is 0 %, and so is a course without lessons.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
    """
    require_admin(actor)
    students = (
        select(func.count(col(Enrollment.id)))
        .where(col(Enrollment.course_id) == col(Course.id))
        .scalar_subquery()
    )
    courses = session.exec(
        select(Course.id, Course.title, students).order_by(col(Course.title), col(Course.id))
    ).all()
    finished = finished_enrollments()
    done = dict(
        session.exec(
            select(finished.c.course_id, func.count()).group_by(finished.c.course_id)
        ).all()
    )
    return [
        CourseCompletion(
            cid or 0, title, int(n), int(done.get(cid, 0)), percent(done.get(cid, 0), n)
        )
        for cid, title, n in courses
    ]


def _safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: formula starters get a leading quote.

    Numbers are never formulas, so a negative amount (a day with more refunds than sales)
    stays a number.
    """
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def to_csv(rows: Iterable[Sequence[object]], headers: Sequence[str]) -> str:
    """CSV text for a download, safe to open in a spreadsheet (no CSV injection).

    Cells starting with = + - @, a tab or a carriage return are prefixed with a single
    quote, so a course title like "=HYPERLINK(...)" stays text.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([_safe_cell(cell) for cell in row])
    return out.getvalue()
