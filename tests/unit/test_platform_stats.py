"""Platform numbers, checked against hand-counted fixtures on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, select

from lms_reflex.db import dispose_engines, make_engine
from lms_reflex.models import Enrollment, Lesson, LessonProgress, Role, Section, User
from lms_reflex.services.admin import platform_stats as ps
from lms_reflex.services.errors import InvalidInput, NotSignedIn, PermissionDenied
from tests.unit.catalog_fixtures import actor, add_course, add_user

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
START, END = date(2026, 3, 1), date(2026, 3, 4)


def at(day: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Iterator[Session]:
    if request.param == "sqlite":
        yield request.getfixturevalue("session")
        return
    url = request.getfixturevalue("pg_url")  # before settings_env clears LMS_* variables
    request.getfixturevalue("settings_env")(database_url=url)
    engine: Engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as pg:
        yield pg
    engine.dispose()
    dispose_engines()


def person(session: Session, email: str, joined: datetime) -> User:
    user = add_user(session, email)
    user.created_at = joined
    session.add(user)
    return user


def lessons_of(session: Session, course) -> list[Lesson]:
    return list(
        session.exec(
            select(Lesson)
            .join(Section)
            .where(Section.course_id == course.id)
            .order_by(Lesson.position)
        ).all()
    )


def done(session: Session, user: User, lesson: Lesson, when: datetime | None) -> None:
    session.add(
        LessonProgress(
            user_id=user.id,
            lesson_id=lesson.id,
            position_s=10,
            watched_s=10,
            completed_at=when,
            updated_at=when or at(2),
        )
    )


def enroll(session: Session, user: User, course, when: datetime) -> None:
    session.add(Enrollment(user_id=user.id, course_id=course.id, created_at=when))


@pytest.fixture
def world(db: Session, clock) -> dict:
    """Signups 03-01: 3 (one given in +02:00), 03-03: 1; one the day before the range.

    Enrollments [1, 2, 1, 1]; finished courses: u1 Python on 03-03, u1 Rust on 03-04,
    u3 Python on 03-04; u2 half-way; u4 finished Rust without an enrollment (not counted).
    """
    clock.now = NOW
    admin = add_user(db, "admin@example.org", Role.ADMIN)
    teacher = add_user(db, "teacher@example.org", Role.INSTRUCTOR)
    u1 = person(db, "u1@example.org", at(1, 10))
    u2 = person(db, "u2@example.org", at(1, 23, 59, 59))
    person(db, "tz@example.org", datetime(2026, 3, 2, 1, 0, tzinfo=timezone(timedelta(hours=2))))
    u3 = person(db, "u3@example.org", at(3, 0))
    u4 = person(db, "u4@example.org", datetime(2026, 2, 28, 23, 59, 59, tzinfo=UTC))
    python = add_course(db, teacher, "python", lessons=2)
    rust = add_course(db, teacher, "rust", lessons=1)
    empty = add_course(db, teacher, "empty", lessons=0)
    add_course(db, teacher, "zero", lessons=3)
    enroll(db, u1, python, at(1))
    enroll(db, u2, python, at(2, 8))
    enroll(db, u3, python, at(2, 9))
    enroll(db, u1, rust, at(4, 10))
    enroll(db, u2, empty, at(3))
    py, (ru,) = lessons_of(db, python), lessons_of(db, rust)
    done(db, u1, py[0], at(2, 10))
    done(db, u1, py[1], at(3, 11))
    done(db, u2, py[0], at(2, 8))
    done(db, u1, ru, at(4, 10))
    done(db, u3, py[0], at(2))
    done(db, u3, py[1], at(4, 0, 30))
    done(db, u4, ru, datetime(2026, 2, 1, tzinfo=UTC))
    db.commit()
    return {"admin": actor(admin), "teacher": actor(teacher), "student": actor(u1), "db": db}


def counts(series: list[ps.DayCount]) -> list[int]:
    assert [d.day for d in series] == [START + timedelta(days=i) for i in range(len(series))]
    return [d.count for d in series]


def test_signups_per_day_use_utc_dates_and_include_empty_days(world) -> None:
    got = ps.signups_per_day(session=world["db"], actor=world["admin"], start=START, end=END)
    assert counts(got) == [3, 0, 1, 0]


def test_enrollments_per_day(world) -> None:
    got = ps.enrollments_per_day(session=world["db"], actor=world["admin"], start=START, end=END)
    assert counts(got) == [1, 2, 1, 1]


def test_completions_per_day_count_finished_enrolled_courses(world) -> None:
    got = ps.completions_per_day(session=world["db"], actor=world["admin"], start=START, end=END)
    assert counts(got) == [0, 0, 1, 2]


def test_a_single_day_range(world) -> None:
    got = ps.signups_per_day(session=world["db"], actor=world["admin"], start=END, end=END)
    assert [(d.day, d.count) for d in got] == [(END, 0)]


def test_active_learners_in_7_and_30_days(world) -> None:
    db, admin = world["db"], world["admin"]
    assert ps.active_learners(session=db, actor=admin, days=7) == 2
    assert ps.active_learners(session=db, actor=admin, days=30) == 3
    with pytest.raises(InvalidInput):
        ps.active_learners(session=db, actor=admin, days=365)


def test_top_courses_by_enrollments(world) -> None:
    got = ps.top_courses(session=world["db"], actor=world["admin"], limit=2)
    assert [(c.title, c.enrollments) for c in got] == [("Python", 3), ("Empty", 1)]


def test_completion_rate_by_course(world) -> None:
    got = ps.completion_rate_by_course(session=world["db"], actor=world["admin"])
    rows = {c.title: (c.students, c.completed, c.percent) for c in got}
    assert rows == {
        "Python": (3, 2, 66),
        "Rust": (1, 1, 100),
        "Empty": (1, 0, 0),  # no lessons: 0 %, never 100 %
        "Zero": (0, 0, 0),
    }


def test_bad_ranges_are_refused(world) -> None:
    db, admin = world["db"], world["admin"]
    for start, end in (
        (END, START),
        (START, START + timedelta(days=366)),
        ("2026-03-01", END),
        (START, None),
        (NOW, NOW),
    ):
        with pytest.raises(InvalidInput):
            ps.signups_per_day(session=db, actor=admin, start=start, end=end)
    assert (
        len(
            ps.signups_per_day(
                session=db, actor=admin, start=START, end=START + timedelta(days=365)
            )
        )
        == 366
    )


CALLS = [
    (ps.signups_per_day, {"start": START, "end": END}),
    (ps.enrollments_per_day, {"start": START, "end": END}),
    (ps.completions_per_day, {"start": START, "end": END}),
    (ps.active_learners, {"days": 7}),
    (ps.top_courses, {"limit": 5}),
    (ps.completion_rate_by_course, {}),
]


@pytest.mark.parametrize(("fn", "args"), CALLS, ids=lambda v: getattr(v, "__name__", ""))
def test_stats_refuse_students_instructors_and_anonymous(session: Session, fn, args) -> None:
    student = actor(add_user(session, "s@example.org"))
    teacher = actor(add_user(session, "t@example.org", Role.INSTRUCTOR))
    for who in (student, teacher):
        with pytest.raises(PermissionDenied):
            fn(session=session, actor=who, **args)
    with pytest.raises(NotSignedIn):
        fn(session=session, actor=None, **args)


def test_to_csv_neutralises_formula_cells() -> None:
    evil = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCR", "ok", 5, None]
    text = ps.to_csv([evil], headers=["=head", "b"])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["'=head", "b"]
    assert rows[1] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tTab",
        "'\rCR",
        "ok",
        "5",
        "",
    ]


def test_to_csv_quotes_commas_and_newlines() -> None:
    text = ps.to_csv([["a,b", 'say "hi"', "two\nlines"]], headers=["x", "y", "z"])
    assert list(csv.reader(io.StringIO(text)))[1] == ["a,b", 'say "hi"', "two\nlines"]
