"""Quizzes as a lesson kind (issue 21): grading, attempts, time limits, completion, access.

docs/security.md case 56: answers are checked and refused with a sentence, attempts belong
to their student, the deadline is kept by the server, and no answer key reaches a student
before submission.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, select

from lms_reflex.db import dispose_engines, make_engine
from lms_reflex.models import (
    Certificate,
    Course,
    Enrollment,
    Lesson,
    QuizAnswer,
    QuizAttempt,
    Role,
    Section,
    User,
)
from lms_reflex.services.errors import InvalidInput, NotFound, PermissionDenied
from lms_reflex.services.learning import heartbeat, progress, quizzes
from lms_reflex.services.learning.quiz_views import QuizView
from lms_reflex.services.teaching import course_publishing, quiz_builder, quiz_editor, quiz_options
from tests.pg import postgres_schema_url
from tests.unit.catalog_fixtures import actor, add_course, add_user
from tests.unit.conftest import Clock


@pytest.fixture
def sqlite_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as db:
        yield db
        db.rollback()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def session(request: pytest.FixtureRequest) -> Iterator[Session]:
    """Every quiz rule (grading, attempts, the time limit, completion) on both engines.

    The PostgreSQL URL is read before settings_env resets the LMS_* variables.
    """
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_session")
        return
    with postgres_schema_url() as url:
        request.getfixturevalue("settings_env")(database_url=url)
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        with Session(engine, expire_on_commit=False) as db:
            yield db
            db.rollback()
        engine.dispose()
        dispose_engines()


@pytest.fixture
def teacher(session: Session) -> User:
    return add_user(session, "teacher@example.org", Role.INSTRUCTOR)


@pytest.fixture
def student(session: Session) -> User:
    return add_user(session, "ada@example.org")


@pytest.fixture
def course(session: Session, teacher: User, student: User) -> Course:
    course = add_course(session, teacher, "rust-basics", lessons=1)
    session.add(Enrollment(user_id=student.id, course_id=course.id))
    session.commit()
    return course


@dataclasses.dataclass
class Quiz:
    lesson_id: int
    single: int  # "2 + 2?" -> option "4"
    right: int
    wrong: int
    multiple: int  # primes: 2 and 3 (not 4)
    primes: tuple[int, int]
    four: int
    text: int  # accepted "Ada Lovelace"
    number: int  # 3.14 +- 0.01


def _section_id(session: Session, course: Course) -> int:
    section = session.exec(select(Section).where(Section.course_id == course.id)).one()
    assert section.id is not None
    return section.id


def _option(session: Session, who: User, question_id: int, text: str, correct: bool) -> int:
    return quiz_options.add_option(
        session=session, actor=actor(who), question_id=question_id, text=text, is_correct=correct
    )


def build_quiz(session: Session, teacher: User, course: Course, **settings: object) -> Quiz:
    me = actor(teacher)
    lesson_id = quiz_builder.add_quiz_lesson(
        session=session, actor=me, section_id=_section_id(session, course), title="Check-up"
    )

    def question(kind: str, prompt: str) -> int:
        return quiz_builder.add_question(
            session=session, actor=me, lesson_id=lesson_id, type=kind, prompt=prompt
        )

    single = question("single", "2 + 2?")
    right = _option(session, teacher, single, "4", True)
    wrong = _option(session, teacher, single, "5", False)
    multiple = question("multiple", "Which are prime?")
    primes = (_option(session, teacher, multiple, "2", True), 0)
    primes = (primes[0], _option(session, teacher, multiple, "3", True))
    four = _option(session, teacher, multiple, "4", False)
    text = question("short_text", "Who wrote the first program?")
    quiz_builder.update_question(
        session=session,
        actor=me,
        question_id=text,
        prompt="Who wrote the first program?",
        explanation="Ada Lovelace, for the Analytical Engine.",
        accepted_answers="Ada Lovelace\nLovelace",
    )
    number = question("numeric", "Pi to two decimals?")
    quiz_builder.update_question(
        session=session,
        actor=me,
        question_id=number,
        prompt="Pi to two decimals?",
        numeric_value="3.14",
        tolerance=0.01,
    )
    rules = {"pass_mark_pct": 75, "attempts_allowed": 0, "time_limit_s": None}
    rules |= {"show_answers": "after_pass"} | settings
    quiz_builder.update_quiz_settings(session=session, actor=me, lesson_id=lesson_id, **rules)  # type: ignore[arg-type]
    session.commit()
    return Quiz(lesson_id, single, right, wrong, multiple, primes, four, text, number)


@pytest.fixture
def quiz(session: Session, teacher: User, course: Course) -> Quiz:
    return build_quiz(session, teacher, course)


def start(session: Session, who: User, quiz: Quiz) -> QuizView:
    view = quizzes.start_attempt(session=session, actor=actor(who), lesson_id=quiz.lesson_id)
    session.commit()
    return view.view


def save(session: Session, who: User, view: QuizView, question_id: int, value: object) -> None:
    assert view.attempt_id is not None
    quizzes.save_answer(
        session=session,
        actor=actor(who),
        attempt_id=view.attempt_id,
        question_id=question_id,
        value=value,
    )
    session.commit()


def submit(session: Session, who: User, view: QuizView) -> QuizView:
    assert view.attempt_id is not None
    result = quizzes.submit_attempt(session=session, actor=actor(who), attempt_id=view.attempt_id)
    session.commit()
    return result.view


def answer_all(session: Session, who: User, quiz: Quiz, view: QuizView, **values: object) -> None:
    answers = {
        quiz.single: quiz.right,
        quiz.multiple: list(quiz.primes),
        quiz.text: "  ada   LOVELACE ",
        quiz.number: "3.15",
    }
    for name, value in values.items():
        answers[getattr(quiz, name)] = value
    for question_id, value in answers.items():
        save(session, who, view, question_id, value)


# ------------------------------------------------------------------ grading per type


def test_all_right_scores_100_with_tolerant_text_and_numbers(
    session: Session, student: User, quiz: Quiz
) -> None:
    view = start(session, student, quiz)
    answer_all(session, student, quiz, view)
    done = submit(session, student, view)
    assert done.last_result is not None
    assert done.last_result.score_pct == 100 and done.last_result.passed and done.passed


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("single", "wrong"),
        ("multiple", "subset"),
        ("multiple", "superset"),
        ("text", "Charles Babbage"),
        ("number", 3.2),
    ],
)
def test_one_wrong_answer_scores_75(
    session: Session, student: User, quiz: Quiz, name: str, value: object
) -> None:
    picks = {
        "wrong": quiz.wrong,
        "subset": [quiz.primes[0]],
        "superset": [*quiz.primes, quiz.four],
    }
    view = start(session, student, quiz)
    answer_all(session, student, quiz, view, **{name: picks.get(value, value)})  # type: ignore[call-overload]
    done = submit(session, student, view)
    assert done.last_result is not None and done.last_result.score_pct == 75


def test_unanswered_questions_count_as_wrong(session: Session, student: User, quiz: Quiz) -> None:
    view = start(session, student, quiz)
    save(session, student, view, quiz.single, quiz.right)
    done = submit(session, student, view)
    assert done.last_result is not None and done.last_result.score_pct == 25
    assert not done.passed


# ------------------------------------------------------------------ what the student sees


def _strings(value: object) -> str:
    return repr(dataclasses.asdict(value)) if dataclasses.is_dataclass(value) else repr(value)  # type: ignore[arg-type]


def test_the_view_before_submission_holds_no_answer_key(
    session: Session, student: User, quiz: Quiz
) -> None:
    view = start(session, student, quiz)
    wire = _strings(view)
    assert "is_correct" not in wire and "Lovelace" not in wire and "3.14" not in wire
    assert "Analytical Engine" not in wire and view.last_result is None
    assert {f.name for f in dataclasses.fields(view.questions[0].options[0])} == {"id", "text"}
    assert [q.type for q in view.questions] == ["single", "multiple", "short_text", "numeric"]


def test_after_pass_shows_answers_only_once_passed(
    session: Session, student: User, quiz: Quiz
) -> None:
    view = start(session, student, quiz)
    save(session, student, view, quiz.single, quiz.wrong)
    failed = submit(session, student, view).last_result
    assert failed is not None and not failed.passed
    assert all(q.explanation == "" and q.correct_answer == "" for q in failed.questions)
    assert [q.correct for q in failed.questions] == [False, False, False, False]
    view = start(session, student, quiz)
    answer_all(session, student, quiz, view)
    passed = submit(session, student, view).last_result
    assert passed is not None and passed.questions[2].correct_answer == "Ada Lovelace / Lovelace"
    assert "Analytical Engine" in passed.questions[2].explanation


def test_never_shows_the_score_alone(
    session: Session, student: User, teacher: User, course: Course
) -> None:
    quiz = build_quiz(session, teacher, course, show_answers="never")
    view = start(session, student, quiz)
    answer_all(session, student, quiz, view)
    result = submit(session, student, view).last_result
    assert result is not None and result.score_pct == 100 and result.questions == []


def test_after_each_explains_a_failed_attempt(
    session: Session, student: User, teacher: User, course: Course
) -> None:
    quiz = build_quiz(session, teacher, course, show_answers="after_each")
    view = start(session, student, quiz)
    result = submit(session, student, view).last_result
    assert result is not None and not result.passed
    assert result.questions[0].correct_answer == "4"
    assert result.questions[3].correct_answer == "3.14 (± 0.01)"


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("single", "4", "choose one of the answers"),
        ("single", True, "choose one of the answers"),
        ("multiple", "2", "tick the answers"),
        ("text", 42, "as text"),
        ("text", "x" * 100_000, "at most 500"),
        ("number", "a lot", "enter a number"),
        ("number", float("nan"), "enter a number"),
        ("number", "1e999", "enter a number"),
    ],
)
def test_answers_of_the_wrong_type_are_refused_and_not_stored(
    session: Session, student: User, quiz: Quiz, name: str, value: object, message: str
) -> None:
    view = start(session, student, quiz)
    with pytest.raises(InvalidInput, match=f"(?i){message}"):
        save(session, student, view, getattr(quiz, name), value)
    session.rollback()
    assert session.exec(select(QuizAnswer)).all() == []


def test_an_option_of_another_question_is_refused(
    session: Session, student: User, quiz: Quiz
) -> None:
    view = start(session, student, quiz)
    with pytest.raises(InvalidInput):
        save(session, student, view, quiz.single, quiz.four)
    with pytest.raises(InvalidInput):
        save(session, student, view, quiz.multiple, [quiz.right])


def test_a_question_of_another_quiz_is_not_found(
    session: Session, student: User, teacher: User, course: Course, quiz: Quiz
) -> None:
    other = build_quiz(session, teacher, course)
    view = start(session, student, quiz)
    with pytest.raises(NotFound):
        save(session, student, view, other.single, other.right)


def test_answers_are_saved_as_they_go_and_come_back_on_resume(
    session: Session, student: User, quiz: Quiz
) -> None:
    view = start(session, student, quiz)
    save(session, student, view, quiz.text, "first")
    save(session, student, view, quiz.text, "Lovelace")
    again = start(session, student, quiz)
    assert again.attempt_id == view.attempt_id and again.attempts_used == 1
    assert again.answers == {str(quiz.text): "Lovelace"}


# ------------------------------------------------------------------ attempts and time


def test_the_attempts_limit_holds(
    session: Session, student: User, teacher: User, course: Course
) -> None:
    quiz = build_quiz(session, teacher, course, attempts_allowed=2)
    submit(session, student, start(session, student, quiz))
    last = submit(session, student, start(session, student, quiz))
    assert last.attempts_used == 2 and not last.can_start
    with pytest.raises(InvalidInput, match="used all your attempts"):
        start(session, student, quiz)


def test_nothing_is_saved_past_the_deadline_and_the_attempt_is_graded(
    session: Session, student: User, teacher: User, course: Course, clock: Clock
) -> None:
    quiz = build_quiz(session, teacher, course, time_limit_s=60)
    view = start(session, student, quiz)
    assert view.seconds_left == 60
    save(session, student, view, quiz.single, quiz.right)
    clock.advance(seconds=61)
    with pytest.raises(InvalidInput, match="Time is up"):
        save(session, student, view, quiz.multiple, list(quiz.primes))
    later = quizzes.quiz_view(session=session, actor=actor(student), lesson_id=quiz.lesson_id).view
    assert later.attempt_id is None
    assert later.last_result is not None and later.last_result.score_pct == 25


def test_a_quiz_with_an_unfinished_question_cannot_be_started(
    session: Session, student: User, teacher: User, course: Course, quiz: Quiz
) -> None:
    quiz_builder.add_question(
        session=session, actor=actor(teacher), lesson_id=quiz.lesson_id, type="single", prompt="?"
    )
    session.commit()
    with pytest.raises(InvalidInput, match="not ready"):
        start(session, student, quiz)


# ------------------------------------------------------------------ completion


def test_the_course_completes_only_after_the_quiz_is_passed(
    session: Session, student: User, course: Course, quiz: Quiz
) -> None:
    video = session.exec(select(Lesson).where(Lesson.kind == "video")).one()
    done = progress.set_lesson_completed(
        session=session, actor=actor(student), lesson_id=video.id, completed=True
    )
    session.commit()
    assert not done.course_completed
    failed = submit(session, student, start(session, student, quiz))
    assert not failed.course_completed and session.exec(select(Certificate)).all() == []
    view = start(session, student, quiz)
    answer_all(session, student, quiz, view)
    assert view.attempt_id is not None
    passed = quizzes.submit_attempt(
        session=session, actor=actor(student), attempt_id=view.attempt_id
    )
    session.commit()
    assert passed.view.course_completed and passed.certificate is not None
    assert passed.certificate.mail is not None
    assert len(session.exec(select(Certificate)).all()) == 1


def test_a_quiz_cannot_be_marked_complete_or_watched_to_the_end(
    session: Session, student: User, quiz: Quiz
) -> None:
    me = actor(student)
    with pytest.raises(InvalidInput, match="passing"):
        progress.set_lesson_completed(
            session=session, actor=me, lesson_id=quiz.lesson_id, completed=True
        )
    with pytest.raises(InvalidInput, match="passing"):
        heartbeat.record_progress(
            session=session,
            actor=me,
            lesson_id=quiz.lesson_id,
            position_s=0.0,
            watched_delta_s=0.0,
            ended=True,
        )


# ------------------------------------------------------------------ permissions


def test_another_students_attempt_does_not_exist_for_me(
    session: Session, student: User, course: Course, quiz: Quiz
) -> None:
    mallory = add_user(session, "mallory@example.org")
    session.add(Enrollment(user_id=mallory.id, course_id=course.id))
    session.commit()
    view = start(session, student, quiz)
    with pytest.raises(NotFound):
        save(session, mallory, view, quiz.single, quiz.right)
    with pytest.raises(NotFound):
        submit(session, mallory, view)
    attempt = session.get(QuizAttempt, view.attempt_id)
    assert attempt is not None and attempt.submitted_at is None


def test_students_who_are_not_enrolled_cannot_start(session: Session, quiz: Quiz) -> None:
    stranger = add_user(session, "stranger@example.org")
    with pytest.raises(PermissionDenied):
        start(session, stranger, quiz)


def test_another_instructor_cannot_see_or_edit_the_quiz(
    session: Session, quiz: Quiz, student: User
) -> None:
    rival = actor(add_user(session, "rival@example.org", Role.INSTRUCTOR))
    with pytest.raises(NotFound):
        quiz_editor.quiz_editor(session=session, actor=rival, lesson_id=quiz.lesson_id)
    with pytest.raises(NotFound):
        quiz_builder.add_question(
            session=session, actor=rival, lesson_id=quiz.lesson_id, type="single", prompt="?"
        )
    with pytest.raises(NotFound):
        quiz_options.update_option(
            session=session, actor=rival, option_id=quiz.wrong, text="5", is_correct=True
        )
    with pytest.raises(PermissionDenied):
        quiz_editor.quiz_stats(session=session, actor=actor(student), lesson_id=quiz.lesson_id)


# ------------------------------------------------------------------ builder


def test_builder_refuses_empty_text_and_keeps_one_correct_single_answer(
    session: Session, teacher: User, quiz: Quiz
) -> None:
    me = actor(teacher)
    with pytest.raises(InvalidInput):
        quiz_builder.add_question(
            session=session, actor=me, lesson_id=quiz.lesson_id, type="single", prompt="  "
        )
    with pytest.raises(InvalidInput):
        _option(session, teacher, quiz.single, "", False)
    quiz_options.update_option(
        session=session, actor=me, option_id=quiz.wrong, text="5", is_correct=True
    )
    editor = quiz_editor.quiz_editor(session=session, actor=me, lesson_id=quiz.lesson_id)
    assert [o.is_correct for o in editor.questions[0].options] == [False, True]
    with pytest.raises(InvalidInput):
        quiz_builder.update_quiz_settings(
            session=session,
            actor=me,
            lesson_id=quiz.lesson_id,
            pass_mark_pct=101,
            attempts_allowed=0,
            time_limit_s=None,
            show_answers="never",
        )


def test_a_choice_question_without_a_correct_answer_is_named_in_the_editor(
    session: Session, teacher: User, quiz: Quiz
) -> None:
    me = actor(teacher)
    quiz_options.update_option(
        session=session, actor=me, option_id=quiz.right, text="4", is_correct=False
    )
    editor = quiz_editor.quiz_editor(session=session, actor=me, lesson_id=quiz.lesson_id)
    assert editor.questions[0].problem == "Mark at least one answer as correct."
    assert not editor.ready


def test_reorder_and_delete_keep_positions_dense(
    session: Session, teacher: User, quiz: Quiz
) -> None:
    me = actor(teacher)
    order = [quiz.number, quiz.text, quiz.multiple, quiz.single]
    quiz_builder.reorder_questions(
        session=session, actor=me, lesson_id=quiz.lesson_id, question_ids=order
    )
    with pytest.raises(InvalidInput):
        quiz_builder.reorder_questions(
            session=session, actor=me, lesson_id=quiz.lesson_id, question_ids=order[:3]
        )
    quiz_builder.delete_question(session=session, actor=me, question_id=quiz.text)
    editor = quiz_editor.quiz_editor(session=session, actor=me, lesson_id=quiz.lesson_id)
    assert [q.id for q in editor.questions] == [quiz.number, quiz.multiple, quiz.single]


def _option_order(session: Session, who: User, quiz: Quiz, question_id: int) -> list[int]:
    editor = quiz_editor.quiz_editor(session=session, actor=actor(who), lesson_id=quiz.lesson_id)
    [question] = [q for q in editor.questions if q.id == question_id]
    return [o.id for o in question.options]


def test_an_answer_moves_up_and_down_and_nobody_else_can_move_it(
    session: Session, teacher: User, student: User, quiz: Quiz
) -> None:
    me = actor(teacher)
    two, three = quiz.primes
    assert _option_order(session, teacher, quiz, quiz.multiple) == [two, three, quiz.four]
    quiz_options.move_option(session=session, actor=me, option_id=quiz.four, offset=-1)
    assert _option_order(session, teacher, quiz, quiz.multiple) == [two, quiz.four, three]
    quiz_options.move_option(session=session, actor=me, option_id=two, offset=-1)  # stays first
    quiz_options.move_option(session=session, actor=me, option_id=two, offset=1)
    session.commit()
    assert _option_order(session, teacher, quiz, quiz.multiple) == [quiz.four, two, three]
    for offset in (2, 0, "1", 1.0, None):
        with pytest.raises(InvalidInput):
            quiz_options.move_option(session=session, actor=me, option_id=two, offset=offset)  # type: ignore[arg-type]
    rival = actor(add_user(session, "rival@example.org", Role.INSTRUCTOR))
    with pytest.raises(NotFound):
        quiz_options.move_option(session=session, actor=rival, option_id=two, offset=1)
    with pytest.raises((NotFound, PermissionDenied)):
        quiz_options.move_option(session=session, actor=actor(student), option_id=two, offset=1)
    session.rollback()
    assert _option_order(session, teacher, quiz, quiz.multiple) == [quiz.four, two, three]


def test_stats_count_pass_rate_average_and_per_question(
    session: Session, teacher: User, student: User, quiz: Quiz
) -> None:
    submit(session, student, start(session, student, quiz))  # 0 %
    view = start(session, student, quiz)
    answer_all(session, student, quiz, view, number=99)  # 75 %, passes at 75
    stats = quiz_editor.quiz_stats(session=session, actor=actor(teacher), lesson_id=quiz.lesson_id)
    assert (stats.attempts, stats.pass_rate_pct, stats.average_score_pct) == (1, 0, 0)
    submit(session, student, view)
    stats = quiz_editor.quiz_stats(session=session, actor=actor(teacher), lesson_id=quiz.lesson_id)
    assert (stats.attempts, stats.pass_rate_pct, stats.average_score_pct) == (2, 50, 38)
    assert [q.correct_pct for q in stats.questions] == [50, 50, 50, 0]
    attempts = session.exec(select(QuizAttempt).order_by(col(QuizAttempt.id))).all()
    assert [a.passed for a in attempts] == [False, True]
    assert timedelta(0) <= attempts[1].submitted_at - attempts[1].started_at  # type: ignore[operator]


def test_the_player_gets_no_quiz_for_a_video_lesson(
    session: Session, student: User, quiz: Quiz
) -> None:
    video = session.exec(select(Lesson).where(Lesson.kind == "video")).one()
    me = actor(student)
    assert quizzes.player_quiz(session=session, actor=me, lesson_id=video.id or 0) is None
    shown = quizzes.player_quiz(session=session, actor=me, lesson_id=quiz.lesson_id)
    assert shown is not None and shown.view.question_count == 4 and shown.view.questions == []


# ------------------------------------------------------------------ PostgreSQL


@pytest.mark.postgres
def test_save_retry_and_pass_on_postgres(pg_session: Session) -> None:
    """The answer upsert, the row locks and the completion write, on PostgreSQL."""
    teacher = add_user(pg_session, "t@example.org", Role.INSTRUCTOR)
    student = add_user(pg_session, "s@example.org")
    course = add_course(pg_session, teacher, "pg-quiz", lessons=0)
    pg_session.add(Enrollment(user_id=student.id, course_id=course.id))
    pg_session.commit()
    quiz = build_quiz(pg_session, teacher, course)
    view = start(pg_session, student, quiz)
    save(pg_session, student, view, quiz.text, "wrong")
    answer_all(pg_session, student, quiz, view)
    done = submit(pg_session, student, view)
    assert done.passed and done.course_completed
    assert len(pg_session.exec(select(QuizAnswer)).all()) == 4


def test_an_unready_quiz_holds_publishing_back(
    session: Session, teacher: User, course: Course, quiz: Quiz
) -> None:
    me = actor(teacher)
    items = course_publishing.publish_checklist(session=session, actor=me, course_id=course.id)
    assert items[-1].label == "Every quiz is ready for students" and items[-1].done
    quiz_builder.add_question(
        session=session, actor=me, lesson_id=quiz.lesson_id, type="numeric", prompt="?"
    )
    items = course_publishing.publish_checklist(session=session, actor=me, course_id=course.id)
    assert not items[-1].done and "Check-up" in items[-1].hint
