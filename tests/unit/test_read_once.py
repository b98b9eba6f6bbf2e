"""Facts read once per read-only transaction (services/read_once.py).

The player's load composes five services, each checking its own rule; they used to read
the same lesson, course and enrollment rows four and five times in one transaction. These
tests hold the three sides of reading them once: the load reads each fact once, a write
transaction still reads again after it changed a row, and nothing is remembered from one
call to the next (a new enrollment is seen by the very next load).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from lms_reflex.db import get_engine, run_service, session_scope
from lms_reflex.models import Enrollment, Lesson, Role, Section
from lms_reflex.services.accounts import sessions
from lms_reflex.services.actor import load_actor
from lms_reflex.services.errors import PermissionDenied
from lms_reflex.services.learning.lesson_access import is_enrolled
from lms_reflex.services.learning.player_page import player_view_with_panels
from tests.unit.catalog_fixtures import add_course, add_user

SLUG = "once-course"


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every statement the app's engines run from here on, flattened to one line."""
    seen: list[str] = []

    def record(_conn, _cursor, statement: str, *_args: object) -> None:
        seen.append(" ".join(statement.split()))

    targets = {get_engine(), get_engine(readonly=True)}
    for target in targets:
        event.listen(target, "before_cursor_execute", record)
    yield seen
    for target in targets:
        event.remove(target, "before_cursor_execute", record)


def _course(session: Session) -> tuple[int, int]:
    """A published course of two lessons; (course id, the second lesson's id, no preview)."""
    teacher = add_user(session, "teacher@example.org", Role.INSTRUCTOR)
    course = add_course(session, teacher, SLUG, lessons=2)
    session.commit()
    query = select(Lesson.id).join(Section).where(Section.course_id == course.id)
    ids = session.exec(query.order_by(Lesson.position)).all()
    session.rollback()
    assert course.id is not None and ids[1] is not None
    return course.id, ids[1]


def _student(session: Session, *, enrolled_in: int | None) -> tuple[int, str]:
    student = add_user(session, "student@example.org")
    if enrolled_in is not None:
        session.add(Enrollment(user_id=student.id, course_id=enrolled_in))
    session.commit()
    assert student.id is not None
    token = sessions.create_session(session=session, user_id=student.id, ip="", user_agent="t")
    session.commit()
    return student.id, token


def _load(token: str, lesson_id: int) -> object:
    """The player's load as the page runs it: one read-only call as the token's user."""
    args = {"course_slug": SLUG, "lesson_id": lesson_id, "sort": "top"}
    page, _due = run_service(
        sessions.as_session_user,
        readonly=True,
        token=token,
        work=player_view_with_panels,
        args=args,
    )
    return page


def test_the_players_load_reads_each_fact_once(session: Session, statements: list[str]) -> None:
    course_id, lesson_id = _course(session)
    _user, token = _student(session, enrolled_in=course_id)
    statements.clear()
    page, panels = _load(token, lesson_id)  # type: ignore[misc]
    assert page.view.tracks_progress and panels.notes is not None and panels.questions
    lesson_reads = [s for s in statements if "FROM lesson JOIN section" in s]
    enrollment_reads = [s for s in statements if s.startswith("SELECT enrollment.id FROM")]
    assert (len(lesson_reads), len(enrollment_reads)) == (1, 1)
    assert not [s for s in statements if "1!=1" in s]  # no IN () of an empty question list


def test_a_write_transaction_reads_again(session: Session) -> None:
    course_id, _lesson = _course(session)
    user_id, _token = _student(session, enrolled_in=None)
    actor = load_actor(session, user_id)
    session.rollback()
    with session_scope() as writing:
        assert not is_enrolled(writing, actor, course_id)
        writing.add(Enrollment(user_id=user_id, course_id=course_id))
        writing.flush()
        assert is_enrolled(writing, actor, course_id)


def test_the_next_call_reads_afresh(session: Session) -> None:
    course_id, lesson_id = _course(session)
    user_id, token = _student(session, enrolled_in=None)
    with pytest.raises(PermissionDenied):
        _load(token, lesson_id)
    session.add(Enrollment(user_id=user_id, course_id=course_id))
    session.commit()
    page, _panels = _load(token, lesson_id)  # type: ignore[misc]
    assert page.view.tracks_progress
    session.exec(Enrollment.__table__.delete())  # type: ignore[attr-defined]
    session.commit()
    with pytest.raises(PermissionDenied):  # unenrolled: refused at the next load again
        _load(token, lesson_id)
