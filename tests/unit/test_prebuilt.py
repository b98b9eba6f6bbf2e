"""The hot checks run on the DBAPI cursor and must answer exactly as SQLAlchemy would.

Each prebuilt statement (lms_reflex/services/prebuilt.py) is run both ways, on SQLite and on
PostgreSQL, and the rows are compared value by value and type by type (aware datetimes,
enums, booleans, NULLs). Statement counters must still see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from sqlmodel import select as sql_select

from lms_reflex.models import Enrollment, Lesson, Role
from lms_reflex.models.base import utcnow
from lms_reflex.services import media_access, prebuilt
from lms_reflex.services.accounts import sessions
from lms_reflex.services.learning import course_counts, heartbeat
from lms_reflex.services.learning.captions import caption_media_query
from lms_reflex.services.prebuilt import fetch_all, fetch_first
from tests.unit._helpers import count_selects
from tests.unit.catalog_fixtures import add_course, add_user


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Session:
    return request.getfixturevalue("session" if request.param == "sqlite" else "pg_session")


@dataclass
class World:
    student_id: int
    outsider_id: int
    token: str
    course_id: int
    lessons: list[Lesson]


@pytest.fixture
def world(db: Session) -> World:
    teacher = add_user(db, "teacher@example.org", Role.INSTRUCTOR)
    student = add_user(db, "student@example.org")
    outsider = add_user(db, "outsider@example.org")
    course = add_course(db, teacher, "prebuilt-course", lessons=3)
    assert student.id is not None and outsider.id is not None and course.id is not None
    db.add(Enrollment(user_id=student.id, course_id=course.id))
    lessons = list(db.exec(sql_select(Lesson).order_by(Lesson.id)).all())  # type: ignore[arg-type]
    for lesson in lessons:
        lesson.video_key = f"videos/{lesson.id}.mp4"
        db.add(lesson)
    db.flush()
    token = sessions.create_session(session=db, user_id=student.id, ip="", user_agent="test")
    db.commit()
    return World(student.id, outsider.id, token, course.id, lessons)


def both_ways(db: Session, statement: Any, params: dict[str, Any]) -> tuple[Any, Any]:
    """(SQLAlchemy's rows, the prebuilt rows), each read in its own rolled-back transaction."""
    expected = [tuple(row) for row in db.connection().execute(statement, params).all()]
    db.rollback()
    got = fetch_all(db, statement, params)
    db.rollback()
    return expected, got


def same(expected: list[tuple[Any, ...]], got: list[tuple[Any, ...]]) -> None:
    assert got == expected
    assert [[type(v) for v in row] for row in got] == [[type(v) for v in row] for row in expected]


def test_the_session_check_reads_what_sqlalchemy_reads(db: Session, world: World) -> None:
    params = {"token_hash": sessions._session_hash(world.token)}
    expected, got = both_ways(db, sessions._LIVE_SESSION, params)
    same(expected, got)
    assert len(got) == 1 and got[0][0].tzinfo is not None  # expires_at, aware UTC
    assert fetch_first(db, sessions._LIVE_SESSION, {"token_hash": "nope"}) is None


@pytest.mark.parametrize("who", ["student", "outsider"])
def test_lesson_facts_and_media_grants_read_what_sqlalchemy_reads(
    db: Session, world: World, who: str
) -> None:
    user_id = world.student_id if who == "student" else world.outsider_id
    for lesson in world.lessons:
        same(*both_ways(db, heartbeat._FACTS, {"user_id": user_id, "lesson_id": lesson.id}))
        key = {"key": lesson.video_key, "user_id": user_id}
        same(*both_ways(db, media_access._LESSON_MEDIA, key))
        same(*both_ways(db, caption_media_query(), {**key, "key": f"captions/{lesson.id}.vtt"}))
    same(*both_ways(db, course_counts._COUNTS, {"user_id": user_id, "course_id": world.course_id}))


def test_the_progress_upsert_returns_what_sqlalchemy_returns(db: Session, world: World) -> None:
    """The same report written both ways, from the same starting row, returns the same row."""
    lesson = world.lessons[1]
    statement = heartbeat._heartbeat_upsert(db.connection().dialect.name)
    now = utcnow()
    for ended, delta in ((False, 5.0), (True, 0.0)):
        params = {
            "user_id": world.student_id,
            "lesson_id": lesson.id,
            "position": 12.5,
            "first_watched": delta,
            "first_done_at": now if ended else None,
            "now": now,
            "delta": delta,
            "duration": 65.0,
            "ended": ended,
            "threshold": 58.5,
        }
        expected, got = both_ways(db, statement, params)
        same(expected, got)
        assert (got[0][2] is not None) is ended  # completed_at: set only by the end


def test_a_driver_error_is_raised_as_sqlalchemy_raises_it(db: Session, world: World) -> None:
    """Callers catch SQLAlchemy's errors (IntegrityError here), never a driver's own."""
    statement = heartbeat._heartbeat_upsert(db.connection().dialect.name)
    now = utcnow()
    params = {
        "user_id": world.student_id,
        "lesson_id": 987654,  # no such lesson: the foreign key refuses the row
        "position": 1.0,
        "first_watched": 1.0,
        "first_done_at": None,
        "now": now,
        "delta": 1.0,
        "duration": 65.0,
        "ended": False,
        "threshold": 58.5,
    }
    with pytest.raises(IntegrityError):
        fetch_first(db, statement, params)
    db.rollback()


def test_statement_counters_still_see_prebuilt_statements(db: Session, world: World) -> None:
    with count_selects(db) as counter:
        fetch_first(db, sessions._LIVE_SESSION, {"token_hash": "nope"})
    assert counter["n"] == 1


def test_a_statement_with_a_list_parameter_is_refused(session: Session) -> None:
    in_list = select(Lesson.id).where(Lesson.id.in_([1, 2, 3]))  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="expanding"):
        fetch_all(session, in_list, {})


def test_statements_built_at_every_call_are_refused(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each new statement takes a cache entry for good, so a per-call one would leak."""
    monkeypatch.setattr(prebuilt, "_prepared", {})
    monkeypatch.setattr(prebuilt, "_MAX_PREPARED", 3)
    kept = [select(Lesson.id).where(Lesson.id == n) for n in range(3)]
    for statement in kept:
        assert fetch_all(session, statement, {}) == []
    assert fetch_all(session, kept[0], {}) == []  # known ones still run
    with pytest.raises(RuntimeError, match="built once"):
        fetch_all(session, select(Lesson.id).where(Lesson.id == 99), {})
