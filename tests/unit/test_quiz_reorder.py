"""Reordering a quiz's questions (issue 21: by drag and drop), on SQLite and PostgreSQL.

A drop sends the whole new order; the service keeps it only when it names exactly this
quiz's questions and the caller is the course's staff. Anything else changes nothing
(docs/security.md case 23). Also: the player's syllabus shows a student's own attempts and
best score on each quiz line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, SQLModel, col, select

from lms_reflex.db import dispose_engines, make_engine
from lms_reflex.models import Course, Enrollment, QuizQuestion, Role, User
from lms_reflex.services.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    NotSignedIn,
    PermissionDenied,
)
from lms_reflex.services.learning.player_page import player_view
from lms_reflex.services.teaching import quiz_builder, quiz_editor
from tests.unit.catalog_fixtures import actor, add_course, add_user
from tests.unit.test_quizzes import Quiz, answer_all, build_quiz, start, submit


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Iterator[Session]:
    if request.param == "sqlite":
        yield request.getfixturevalue("session")
        return
    url = request.getfixturevalue("pg_url")  # before settings_env clears LMS_* variables
    request.getfixturevalue("settings_env")(database_url=url)
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as pg:
        yield pg
    engine.dispose()
    dispose_engines()


@pytest.fixture
def teacher(db: Session) -> User:
    return add_user(db, "teacher@example.org", Role.INSTRUCTOR)


@pytest.fixture
def course(db: Session, teacher: User) -> Course:
    course = add_course(db, teacher, "quiz-order", lessons=0)
    student = add_user(db, "ada@example.org")
    db.add(Enrollment(user_id=student.id, course_id=course.id))
    db.commit()
    return course


@pytest.fixture
def quiz(db: Session, teacher: User, course: Course) -> Quiz:
    return build_quiz(db, teacher, course)


def ids_of(quiz: Quiz) -> list[int]:
    return [quiz.single, quiz.multiple, quiz.text, quiz.number]


def reorder(db: Session, who: Any, quiz: Quiz, question_ids: object) -> None:
    """Call the service as `lms_reflex.db.run_service` does: commit, or roll back on error."""
    try:
        quiz_builder.reorder_questions(
            session=db, actor=who, lesson_id=quiz.lesson_id, question_ids=question_ids
        )  # type: ignore[arg-type]
    except DomainError:
        db.rollback()
        raise
    db.commit()


def rows(db: Session) -> list[tuple[int | None, int, int]]:
    db.expire_all()
    query = select(QuizQuestion).order_by(col(QuizQuestion.id))
    return [(q.id, q.lesson_id, q.position) for q in db.exec(query)]


def test_a_dropped_order_is_kept_with_dense_positions(
    db: Session, teacher: User, quiz: Quiz
) -> None:
    new = [quiz.text, quiz.single, quiz.number, quiz.multiple]
    reorder(db, actor(teacher), quiz, new)
    me = actor(teacher)
    view = quiz_editor.quiz_editor(session=db, actor=me, lesson_id=quiz.lesson_id)
    assert [q.id for q in view.questions] == new
    assert [q.number for q in view.questions] == [1, 2, 3, 4]
    mine = [position for _, lesson, position in rows(db) if lesson == quiz.lesson_id]
    assert sorted(mine) == [0, 1, 2, 3]


@pytest.mark.parametrize(
    "make_ids",
    [
        pytest.param(lambda mine, other: mine[:-1], id="missing"),
        pytest.param(lambda mine, other: [*mine[:-1], mine[0]], id="duplicate"),
        pytest.param(lambda mine, other: [*mine, mine[0]], id="extra-duplicate"),
        pytest.param(lambda mine, other: [*mine[:-1], other[0]], id="another-quiz"),
        pytest.param(lambda mine, other: [*mine, other[0]], id="one-more-foreign"),
        pytest.param(lambda mine, other: [*mine[:-1], 99_999], id="stale"),
        pytest.param(lambda mine, other: [str(i) for i in mine], id="text"),
        pytest.param(lambda mine, other: [float(i) for i in mine], id="floats"),
        pytest.param(lambda mine, other: [[i] for i in mine], id="nested"),
        pytest.param(lambda mine, other: [True, *mine[1:]], id="bool"),
        pytest.param(lambda mine, other: [], id="empty"),
        pytest.param(lambda mine, other: None, id="none"),
        pytest.param(lambda mine, other: {i: i for i in mine}, id="dict"),
    ],
)
def test_anything_but_a_permutation_of_its_own_questions_changes_nothing(
    db: Session, teacher: User, course: Course, quiz: Quiz, make_ids
) -> None:
    other = build_quiz(db, teacher, course)
    before = rows(db)
    with pytest.raises(InvalidInput):
        reorder(db, actor(teacher), quiz, make_ids(ids_of(quiz)[::-1], ids_of(other)))
    assert rows(db) == before


def test_only_the_course_staff_may_reorder(db: Session, teacher: User, quiz: Quiz) -> None:
    new = ids_of(quiz)[::-1]
    rival = add_user(db, "rival@example.org", Role.INSTRUCTOR)
    student = db.exec(select(User).where(User.email == "ada@example.org")).one()
    before = rows(db)
    for who, refusal in (
        (actor(rival), NotFound),
        (actor(student), PermissionDenied),
        (None, NotSignedIn),
    ):
        with pytest.raises(refusal):
            reorder(db, who, quiz, new)
    assert rows(db) == before
    admin = add_user(db, "admin@example.org", Role.ADMIN)
    reorder(db, actor(admin), quiz, new)
    view = quiz_editor.quiz_editor(session=db, actor=actor(admin), lesson_id=quiz.lesson_id)
    assert [q.id for q in view.questions] == new


def quiz_line(db: Session, who: User, course: Course, quiz: Quiz) -> str:
    page = player_view(
        session=db, actor=actor(who), course_slug=course.slug, lesson_id=quiz.lesson_id
    )
    lines = [le for s in page.view.syllabus for le in s.lessons if le.id == quiz.lesson_id]
    return lines[0].duration_label


def test_the_syllabus_counts_my_submitted_attempts_and_my_best_score(
    db: Session, teacher: User, course: Course, quiz: Quiz
) -> None:
    ada = db.exec(select(User).where(User.email == "ada@example.org")).one()
    assert quiz_line(db, ada, course, quiz) == "Quiz"
    view = start(db, ada, quiz)
    assert quiz_line(db, ada, course, quiz) == "Quiz"  # an open attempt is not counted
    answer_all(db, ada, quiz, view, number=99)
    submit(db, ada, view)  # 75 %
    submit(db, ada, start(db, ada, quiz))  # 0 %
    assert quiz_line(db, ada, course, quiz) == "Quiz \u00b7 2 attempts \u00b7 best 75 %"
    assert quiz_line(db, teacher, course, quiz) == "Quiz"  # staff see no one's scores
