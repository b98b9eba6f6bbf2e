"""Issue 15 item 7 (docs/security.md case 17): only what a person does keeps a session alive.

Drives the lesson player's real handlers (`PlayerState.load`, `report`, `seeked`,
`ended`) with the session cookie in the handshake headers, as the app calls them, on a
fake clock. Progress reports arrive by themselves (and are cheap to forge), so they must
not move the idle clock; a page load does; nothing passes the absolute lifetime.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

import lms_reflex.lms_reflex  # noqa: F401  (registers every page and state)
from lms_reflex.models import Enrollment, Lesson, LessonProgress, Role, Section
from lms_reflex.services.accounts import sessions
from lms_reflex.state.learning.player import PlayerState
from tests.unit.catalog_fixtures import add_course, add_user
from tests.unit.player_tabs import player_tab

IDLE_MINUTES = int(sessions.IDLE_TIMEOUT.total_seconds() // 60)


@pytest.fixture
def lesson(session: Session) -> Lesson:
    teacher = add_user(session, "teacher@example.org", Role.INSTRUCTOR)
    course = add_course(session, teacher, "idle-course", lessons=1)
    first = session.exec(select(Lesson).join(Section).where(Section.course_id == course.id)).one()
    session.commit()
    return first


@pytest.fixture
def token(session: Session, run, lesson: Lesson) -> str:
    student = add_user(session, "student@example.org")
    course_id = session.exec(select(Section.course_id).where(Section.id == lesson.section_id)).one()
    session.add(Enrollment(user_id=student.id, course_id=course_id))
    session.commit()
    return run(sessions.create_session, user_id=student.id, ip="", user_agent="test")


def idle_tab(token: str, lesson: Lesson) -> PlayerState:
    """A tab on the lesson's page whose websocket handshake carried the session cookie."""
    return player_tab("idle-course", lesson.id, token)


async def open_lesson(tab: PlayerState) -> None:
    """The page load (on_load), a user-initiated event."""
    await PlayerState.load.fn(tab)
    assert tab.view is not None and tab.view.tracks_progress, tab.problem


def alive(run, token: str) -> bool:
    actor, _due = run(sessions.check_session, token=token)
    return actor is not None


def stored_position(session: Session, lesson: Lesson) -> float:
    session.expire_all()
    row = session.exec(select(LessonProgress).where(LessonProgress.lesson_id == lesson.id)).first()
    return row.position_s if row else 0.0


async def test_progress_reports_do_not_keep_an_idle_session_alive(
    run, session: Session, clock, token: str, lesson: Lesson
) -> None:
    tab = idle_tab(token, lesson)
    await open_lesson(tab)
    position = 0.0
    for _ in range(IDLE_MINUTES // 5 - 1):  # a report every 5 minutes, for under 2 hours
        clock.advance(minutes=5)
        position += 1
        await PlayerState.report.fn(tab, position)
        await PlayerState.seeked.fn(tab, position)
    assert stored_position(session, lesson) == position  # the reports were really stored
    assert alive(run, token)

    clock.advance(minutes=5, seconds=1)  # two hours since the page load
    assert not alive(run, token)
    told = await PlayerState.report.fn(tab, position + 1)
    assert told is not None  # one plain message...
    assert await PlayerState.report.fn(tab, position + 2) is None  # ...not one every 5 s
    await PlayerState.ended.fn(tab)
    assert stored_position(session, lesson) == position  # refused once expired


async def test_a_page_load_moves_the_idle_clock(run, clock, token: str, lesson: Lesson) -> None:
    tab = idle_tab(token, lesson)
    for _ in range(4):  # seven and a half hours of page loads every 1 h 50
        clock.advance(minutes=IDLE_MINUTES - 10)
        await open_lesson(tab)
    clock.advance(minutes=IDLE_MINUTES - 1)
    assert alive(run, token)


async def test_nothing_extends_the_absolute_lifetime(
    run, clock, token: str, lesson: Lesson
) -> None:
    tab = idle_tab(token, lesson)
    step = sessions.IDLE_TIMEOUT - timedelta(minutes=5)
    spent = timedelta()
    while spent + step < sessions.ABSOLUTE_LIFETIME:
        clock.advance(seconds=step.total_seconds())
        spent += step
        await open_lesson(tab)
        await PlayerState.report.fn(tab, 1.0)
    assert alive(run, token)
    clock.advance(seconds=(sessions.ABSOLUTE_LIFETIME - spent).total_seconds())
    assert not alive(run, token)
    await PlayerState.load.fn(tab)
    assert tab.view is None or not tab.view.tracks_progress
