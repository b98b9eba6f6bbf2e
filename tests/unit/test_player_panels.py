"""The lesson page reads its side panels in its own load (benchmarks/README.md).

Notes, captions, questions and announcements used to load in events chained after the
player's load: five more round trips and eight more transactions per lesson opened. Now
`PlayerState.load` reads them in its one transaction and hands each panel its part. These
drive the real handlers, as test_idle_clock.py does, and check that each panel shows what
its own load shows, that a panel the visitor may not see stays hidden, and that only a
quiz lesson still chains a load (the quiz's own, which may write).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import reflex as rx
from sqlmodel import Session, select

import lms_reflex.db
import lms_reflex.lms_reflex
from lms_reflex.models import Enrollment, Lesson, LessonCaption, LessonKind, Section
from lms_reflex.models.announcements import Announcement
from lms_reflex.services.accounts import sessions
from lms_reflex.services.learning import notes, questions
from lms_reflex.state.learning.announcements import CourseAnnouncementsState
from lms_reflex.state.learning.captions import CaptionsState
from lms_reflex.state.learning.notes import NotesState
from lms_reflex.state.learning.player import PlayerState
from lms_reflex.state.learning.questions import QuestionsState
from lms_reflex.state.learning.quiz import QuizState
from tests.unit.catalog_fixtures import actor, add_course, add_user
from tests.unit.player_tabs import player_tab

SLUG = "panels-course"
PANEL_LOADS = (
    NotesState.load,
    CaptionsState.load,
    QuestionsState.load,
    CourseAnnouncementsState.load,
    QuizState.load,
)


@pytest.fixture
def lessons(session: Session) -> list[Lesson]:
    """A published course: a preview video, a video, and a quiz; one track, one announcement."""
    teacher = add_user(session, "teacher@example.org", "instructor")
    course = add_course(session, teacher, SLUG, lessons=3)
    rows = list(
        session.exec(
            select(Lesson)
            .join(Section)
            .where(Section.course_id == course.id)
            .order_by(Lesson.position)  # type: ignore[arg-type]
        )
    )
    rows[2].kind = LessonKind.QUIZ
    session.add(
        LessonCaption(lesson_id=rows[1].id, language="fr", label="Français", file_key="c1.vtt")
    )
    session.add(
        Announcement(course_id=course.id, author_id=teacher.id, title="Week one", body="Hi")
    )
    session.commit()
    return rows


@pytest.fixture
def student_token(session: Session, run, lessons: list[Lesson]) -> str:
    student = add_user(session, "student@example.org")
    course_id = session.exec(
        select(Section.course_id).where(Section.id == lessons[0].section_id)
    ).one()
    session.add(Enrollment(user_id=student.id, course_id=course_id))
    session.commit()
    who = actor(student)
    run(notes.add_note, actor=who, lesson_id=lessons[1].id, position_s=3.0, text="Remember this")
    run(questions.ask_question, actor=who, lesson_id=lessons[1].id, title="Why?", body="Because.")
    return run(sessions.create_session, user_id=student.id, ip="", user_agent="test")


def tab_on(lesson: Lesson, token: str | None) -> PlayerState:
    """A tab on the lesson's page; its websocket handshake carried the cookie, if any."""
    return player_tab(SLUG, lesson.id, token)


def sibling(tab: PlayerState, state: type[rx.State]) -> Any:
    return tab.parent_state.get_substate(state.get_full_name().split(".")[1:])  # type: ignore[union-attr]


def panel_vars(tab: PlayerState) -> dict[str, Any]:
    """What the four panels beside a video show."""
    notes_ = sibling(tab, NotesState)
    news = sibling(tab, CourseAnnouncementsState)
    return {
        "notes": (notes_.enabled, [n.text for n in notes_.notes]),
        "tracks": [t.language for t in sibling(tab, CaptionsState).tracks],
        "questions": sibling(tab, QuestionsState).panel,
        "news": ([a.title for a in news.announcements], news.mail_choice_shown, news.mails_on),
    }


async def open_lesson(tab: PlayerState) -> list:
    events = await PlayerState.load.fn(tab)
    assert tab.view is not None, tab.problem
    return events


async def own_loads_show(lesson: Lesson, token: str | None) -> dict[str, Any]:
    """What the panels show in a fresh tab after their own loads, as the page used to chain
    them."""
    tab = tab_on(lesson, token)
    for state in (NotesState, CaptionsState, QuestionsState, CourseAnnouncementsState):
        await state.load.fn(sibling(tab, state))
    return panel_vars(tab)


def count_transactions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every service the state layer runs (each is one transaction)."""
    called: list[str] = []
    real: Callable[..., Any] = lms_reflex.db.run_service

    def counted(fn: Callable[..., Any], /, **kwargs: Any) -> Any:
        called.append(getattr(fn, "__name__", repr(fn)))
        return real(fn, **kwargs)

    monkeypatch.setattr(lms_reflex.db, "run_service", counted)
    return called


async def test_a_video_lesson_fills_every_panel_in_its_one_load(
    lessons: list[Lesson], student_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = tab_on(lessons[1], student_token)
    called = count_transactions(monkeypatch)
    events = await open_lesson(tab)
    assert called == ["as_session_user"]  # one transaction (the idle clock was not due)
    assert not [e for e in events if e in PANEL_LOADS]
    shown = panel_vars(tab)
    assert shown["notes"] == (True, ["Remember this"])
    assert shown["tracks"] == ["fr"]
    assert shown["questions"] is not None and [q.title for q in shown["questions"].questions] == [
        "Why?"
    ]
    assert shown["news"] == (["Week one"], True, True)
    assert await own_loads_show(lessons[1], student_token) == shown


async def test_a_visitor_on_a_preview_sees_only_public_panels(
    lessons: list[Lesson], student_token: str
) -> None:
    tab = tab_on(lessons[0], None)
    await open_lesson(tab)
    shown = panel_vars(tab)
    assert shown == {
        "notes": (False, []),
        "tracks": [],
        "questions": None,
        "news": ([], False, False),
    }
    assert await own_loads_show(lessons[0], None) == shown


async def test_only_a_quiz_lesson_chains_a_load_and_a_video_stops_its_timer(
    lessons: list[Lesson], student_token: str
) -> None:
    tab = tab_on(lessons[2], student_token)
    events = await open_lesson(tab)
    assert [e for e in events if e in PANEL_LOADS] == [QuizState.load]
    assert panel_vars(tab)["notes"] == (False, [])  # no notes on a quiz

    tab = tab_on(lessons[1], student_token)  # the video, in a tab whose quiz was timed
    quiz = sibling(tab, QuizState)
    quiz.is_quiz, quiz.seconds_left = True, 30
    run_before = quiz._timer_run
    events = await open_lesson(tab)
    assert not [e for e in events if e in PANEL_LOADS]
    assert (quiz.is_quiz, quiz.seconds_left) == (False, 0)
    assert quiz._timer_run > run_before  # the running tick sees a new run and stops
