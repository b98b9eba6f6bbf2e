"""The player's progress report: one transaction without an ORM session, one read, one write.

A Session's begin, commit and close cost about half as much again as the report's own
statements (benchmarks/README.md, "Ninth session"), and SQLAlchemy's Connection and
transaction about as much again ("Tenth session"), so the report runs on the pool's DBAPI
connection (`db.run_plain`), and its session check is part of its lesson-facts statement
(`heartbeat.record_report`). These tests hold what that must not change: the report is
stored, a report that completes the course issues its certificate in the same
transaction (run again on a Connection, counting once), a failure after the write leaves
nothing behind, and every session the check refuses on its own is refused here too. The
handler test proves the report path opens no ORM session at all; with `call_service` it
opened one per report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

import lms_reflex.lms_reflex  # noqa: F401  (registers every page and state)
from lms_reflex.db import get_engine, run_plain
from lms_reflex.models import (
    AuthSession,
    Certificate,
    Enrollment,
    Lesson,
    LessonProgress,
    Role,
    Section,
    User,
    utcnow,
)
from lms_reflex.services.accounts import sessions
from lms_reflex.services.errors import InvalidInput, NotFound, NotSignedIn, PermissionDenied
from lms_reflex.services.learning import heartbeat, progress
from lms_reflex.state.learning.player import PlayerState
from tests.unit.catalog_fixtures import add_course, add_user
from tests.unit.player_tabs import player_tab

SLUG = "plain-course"


def _lessons(db: Session, course_id: int) -> list[Lesson]:
    query = select(Lesson).join(Section).where(Section.course_id == course_id)
    return list(db.exec(query.order_by(Section.position, Lesson.position)).all())


def _student(db: Session, email: str, course_id: int) -> str:
    student = add_user(db, email)
    db.add(Enrollment(user_id=student.id, course_id=course_id))
    db.commit()
    token = sessions.create_session(session=db, user_id=student.id, ip="", user_agent="test")
    db.commit()
    return token


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Iterator[Session]:
    """The app's database on SQLite, then on PostgreSQL (skipped without a server)."""
    name = "session" if request.param == "sqlite" else "pg_session"
    yield request.getfixturevalue(name)


def _make_course(db: Session) -> list[Lesson]:
    """A published course of two lessons, the first a free preview."""
    teacher = add_user(db, "teacher@example.org", Role.INSTRUCTOR)
    course = add_course(db, teacher, SLUG, lessons=2)
    db.commit()
    lessons = _lessons(db, course.id)  # type: ignore[arg-type]
    for lesson in lessons:  # read after the tests' rollbacks without a new (locking) read
        db.expunge(lesson)
    return lessons


@pytest.fixture
def lessons(db: Session) -> list[Lesson]:
    return _make_course(db)


def _course_id(db: Session, lesson: Lesson) -> int:
    return db.exec(select(Section.course_id).where(Section.id == lesson.section_id)).one()


def _report(
    token: str | None, lesson: Lesson | int, position: float, *, ended: bool = False
) -> Any:
    lesson_id = lesson if isinstance(lesson, int) else lesson.id
    args = {"lesson_id": lesson_id, "position_s": position, "watched_delta_s": 5.0, "ended": ended}
    return run_plain(heartbeat.record_report, token=token, **args)


def _stored(db: Session, lesson: Lesson) -> list[LessonProgress]:
    """The lesson's rows, read in a transaction that ends at once (SQLite has one writer)."""
    db.expire_all()
    rows = db.exec(select(LessonProgress).where(LessonProgress.lesson_id == lesson.id)).all()
    db.rollback()
    return list(rows)


def _certificates(db: Session) -> list[str]:
    codes = db.exec(select(Certificate.code)).all()
    db.rollback()
    return list(codes)


def test_a_plain_report_is_stored_and_never_moves_back(db: Session, lessons: list[Lesson]) -> None:
    token = _student(db, "student@example.org", _course_id(db, lessons[0]))
    first = _report(token, lessons[0], 4.0)
    assert (first.position_s, first.completed) == (4.0, False)
    assert _report(token, lessons[0], 2.0).position_s == 4.0  # furthest point kept
    (row,) = _stored(db, lessons[0])
    assert row.position_s == 4.0 and row.watched_s == 10.0


def test_the_report_that_completes_the_course_issues_its_certificate(
    db: Session, lessons: list[Lesson]
) -> None:
    token = _student(db, "student@example.org", _course_id(db, lessons[0]))
    first = _report(token, lessons[0], lessons[0].duration_s, ended=True)
    assert first.completed and not first.course_completed and first.certificate is None
    last = _report(token, lessons[1], lessons[1].duration_s, ended=True)
    assert last.course_completed and last.certificate is not None
    assert _certificates(db) == [last.certificate.code]
    again = _report(token, lessons[1], lessons[1].duration_s, ended=True)
    assert again.course_completed and again.certificate is None  # issued once


def test_a_failure_after_the_certificate_leaves_neither_row(
    db: Session, lessons: list[Lesson], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ORM session that issues the certificate writes into the report's transaction."""
    token = _student(db, "student@example.org", _course_id(db, lessons[0]))
    _report(token, lessons[0], lessons[0].duration_s, ended=True)
    issue = progress.issue_on_completion

    def issue_then_fail(**kwargs: Any) -> Any:
        assert issue(**kwargs) is not None
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(progress, "issue_on_completion", issue_then_fail)
    with pytest.raises(RuntimeError):
        _report(token, lessons[1], lessons[1].duration_s, ended=True)
    assert _stored(db, lessons[1]) == []
    assert _certificates(db) == []


def test_a_forged_report_on_a_plain_connection_writes_nothing(
    db: Session, lessons: list[Lesson]
) -> None:
    """The same checks as on an ORM session: a stranger, a signed-out tab, bad numbers."""
    stranger = sessions.create_session(
        session=db, user_id=add_user(db, "x@example.org").id, ip="", user_agent="t"
    )
    db.commit()
    with pytest.raises(PermissionDenied):  # not enrolled; the second lesson is no preview
        _report(stranger, lessons[1], 3.0)
    with pytest.raises(NotSignedIn):
        _report("not-a-token", lessons[0], 3.0)
    owner = _student(db, "student@example.org", _course_id(db, lessons[0]))
    for position in (float("nan"), -1.0, lessons[0].duration_s + 60):
        with pytest.raises(InvalidInput):
            _report(owner, lessons[0], position)
    assert _stored(db, lessons[0]) == []


def _made_since_last(monkeypatch: pytest.MonkeyPatch, cls: type) -> Callable[[], int]:
    """How many `cls` objects were made since the last call."""
    made = [0]
    init = cls.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        made[0] += 1
        init(self, *args, **kwargs)

    monkeypatch.setattr(cls, "__init__", counting)

    def since_last() -> int:
        count, made[0] = made[0], 0
        return count

    return since_last


@pytest.fixture
def sessions_opened(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """How many ORM sessions were made since the last call."""
    return _made_since_last(monkeypatch, OrmSession)


async def test_the_players_reports_open_no_orm_session(
    session: Session, sessions_opened: Callable[[], int]
) -> None:
    lessons = _make_course(session)
    token = _student(session, "student@example.org", _course_id(session, lessons[0]))
    tab = player_tab(SLUG, lessons[0].id, token)
    await PlayerState.load.fn(tab)
    assert tab.view is not None and tab.view.tracks_progress, tab.problem
    sessions_opened()
    for position in (1.0, 2.0, 3.0):
        assert await PlayerState.report.fn(tab, position) is None
    await PlayerState.seeked.fn(tab, 4.0)
    assert sessions_opened() == 0
    assert [row.position_s for row in _stored(session, lessons[0])] == [4.0]


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every statement sent on the app's engine while the test runs."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement.split(None, 1)[0].upper())

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def test_a_report_reads_once_and_writes_once(
    db: Session, lessons: list[Lesson], statements: list[str]
) -> None:
    """The session check rides in the facts statement: (SELECT, SELECT, INSERT) before."""
    token = _student(db, "student@example.org", _course_id(db, lessons[0]))
    statements.clear()
    assert _report(token, lessons[0], 3.0).position_s == 3.0
    assert statements == ["SELECT", "INSERT"]


def _end_session(db: Session, token: str, how: str) -> None:
    query = select(AuthSession).where(AuthSession.token_hash == sessions.token_hash(token))
    mine = db.exec(query).one()
    user = db.get(User, mine.user_id)
    assert user is not None
    if how == "revoked":
        mine.revoked_at = utcnow()
    elif how == "expired":
        mine.expires_at = utcnow()
    elif how == "idle":
        mine.last_seen_at = utcnow() - sessions.IDLE_TIMEOUT
    elif how == "deactivated":
        user.is_active = False
    elif how == "unverified":
        user.email_verified_at = None
    elif how == "ticket":
        mine.user_agent = sessions.TICKET_MARKER
    db.add_all([mine, user])
    db.commit()


@pytest.mark.parametrize(
    "how", ["revoked", "expired", "idle", "deactivated", "unverified", "ticket"]
)
def test_a_session_the_check_refuses_stores_no_report(
    db: Session, lessons: list[Lesson], how: str
) -> None:
    """Every rule of `sessions.check_session` holds inside the report's one statement."""
    token = _student(db, "student@example.org", _course_id(db, lessons[0]))
    _report(token, lessons[0], 2.0)
    _end_session(db, token, how)
    assert sessions.check_session(session=db, token=token) == (None, False)
    db.rollback()
    with pytest.raises(NotSignedIn):
        _report(token, lessons[0], 6.0)
    assert [row.position_s for row in _stored(db, lessons[0])] == [2.0]


def test_an_unknown_lesson_is_refused_by_who_asks(db: Session, lessons: list[Lesson]) -> None:
    """Signed in: not found. Signed out: sign in first, as before (no row tells either)."""
    token = _student(db, "student@example.org", _course_id(db, lessons[0]))
    for lesson_id in (999_999, -1, 0):
        with pytest.raises(NotFound):
            _report(token, lesson_id, 1.0)
        for anonymous in (None, "", "x" * 500, "not-a-token"):
            with pytest.raises(NotSignedIn):
                _report(anonymous, lesson_id, 1.0)


def test_the_instructor_previewing_stores_nothing(db: Session, lessons: list[Lesson]) -> None:
    """Staff may play every lesson; only enrolled students' progress is stored."""
    teacher = db.exec(select(User).where(User.email == "teacher@example.org")).one()
    token = sessions.create_session(session=db, user_id=teacher.id, ip="", user_agent="t")  # type: ignore[arg-type]
    db.commit()
    view = _report(token, lessons[1], 3.0)
    assert (view.position_s, view.watched_s, view.completed) == (3.0, 0.0, False)
    assert _stored(db, lessons[1]) == []


@pytest.fixture
def connections_made(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """How many SQLAlchemy Connections were made since the last call."""
    return _made_since_last(monkeypatch, Connection)


def test_a_report_runs_on_the_pools_driver_connection(
    db: Session, lessons: list[Lesson], connections_made: Callable[[], int]
) -> None:
    """No SQLAlchemy Connection, and so no Core transaction object, for a plain report."""
    token = _student(db, "student@example.org", _course_id(db, lessons[0]))
    _report(token, lessons[0], 1.0)  # a new engine's first connect makes one, to look around
    connections_made()
    for position in (2.0, 3.0):
        _report(token, lessons[0], position)
    assert connections_made() == 0
    (row,) = _stored(db, lessons[0])
    assert (row.position_s, row.watched_s) == (3.0, 15.0)


def test_the_completing_report_runs_again_on_a_connection_and_counts_once(
    db: Session, lessons: list[Lesson], connections_made: Callable[[], int]
) -> None:
    """Its first run needs an ORM session, rolls back, and runs whole on a Connection."""
    token = _student(db, "student@example.org", _course_id(db, lessons[0]))
    _report(token, lessons[0], lessons[0].duration_s, ended=True)
    _report(token, lessons[1], 1.0)
    connections_made()
    last = _report(token, lessons[1], lessons[1].duration_s, ended=True)
    assert last.certificate is not None and connections_made() == 1
    (row,) = _stored(db, lessons[1])
    assert row.watched_s == 10.0  # 5 s from each report: the rolled-back run added nothing
    assert _certificates(db) == [last.certificate.code]
    connections_made()
    again = _report(token, lessons[1], 2.0)  # watching again after the certificate
    assert again.course_completed and again.certificate is None
    assert connections_made() == 0  # "has one already" is a prebuilt read
