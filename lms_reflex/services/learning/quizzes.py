"""Taking quizzes (issue 21): start or resume an attempt, save answers, submit and grade.

Everything is checked on the server at call time (docs/security.md case 56): the attempt
must be the actor's own, answers must fit their question, nothing is saved past the
attempt's deadline, the attempts limit holds, and no correct answer reaches the browser
before submission. Passing completes the lesson through the progress path that videos use,
so course completion and the certificate follow (services/learning/progress.py).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from lms_reflex.models import (
    Course,
    Enrollment,
    Lesson,
    LessonKind,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    utcnow,
)
from lms_reflex.services.actor import Actor, require_actor
from lms_reflex.services.errors import InvalidInput, NotFound, PermissionDenied
from lms_reflex.services.learning import quiz_results
from lms_reflex.services.learning.lesson_access import LESSON_NOT_FOUND, open_lesson
from lms_reflex.services.learning.progress import ProgressView, complete_passed_quiz
from lms_reflex.services.learning.quiz_content import QuizContent, load_quiz
from lms_reflex.services.learning.quiz_grading import clean_answer
from lms_reflex.services.learning.quiz_views import OptionView, QuestionView, QuizOutcome, QuizView
from lms_reflex.services.validation import valid_id

ATTEMPT_NOT_FOUND = "We could not find that quiz attempt."
QUESTION_NOT_FOUND = "We could not find that question."
TIME_UP = "Time is up for this attempt, so that answer was not saved."
NOT_READY = "This quiz is not ready yet. Please try again later."
NO_ATTEMPTS_LEFT = "You have used all your attempts at this quiz."


def _quiz_lesson(session: Session, actor: Actor, lesson_id: object) -> tuple[Lesson, Course]:
    """A quiz lesson the actor is enrolled in.

    Raises:
        NotFound, PermissionDenied: as `lesson_access.open_lesson`, or for a video lesson.
    """
    lesson, course, enrolled = open_lesson(session, actor, lesson_id)
    if lesson.kind != LessonKind.QUIZ:
        raise NotFound(LESSON_NOT_FOUND)
    if not enrolled:
        raise PermissionDenied("Enroll in this course to take this quiz.")
    return lesson, course


def _own_attempt(session: Session, actor: Actor, attempt_id: object) -> QuizAttempt:
    """The actor's attempt, row-locked on PostgreSQL; other people's attempts do not exist."""
    attempt = None
    if valid_id(attempt_id):
        attempt = session.get(QuizAttempt, attempt_id, with_for_update=True)
    if attempt is None or attempt.user_id != actor.id:
        raise NotFound(ATTEMPT_NOT_FOUND)
    return attempt


def _attempts(session: Session, user_id: int, lesson_id: int) -> list[QuizAttempt]:
    return list(
        session.exec(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.lesson_id == lesson_id)
            .order_by(col(QuizAttempt.id))
        ).all()
    )


def _expired(attempt: QuizAttempt) -> bool:
    return attempt.deadline is not None and utcnow() > attempt.deadline


def _close_expired(session: Session, content: QuizContent, attempts: list[QuizAttempt]) -> bool:
    """Grade attempts whose time ran out with what was saved; True if one passed now."""
    passed = False
    for attempt in attempts:
        if attempt.submitted_at is None and _expired(attempt):
            passed = _grade(session, content, attempt) or passed
    return passed


def _grade(session: Session, content: QuizContent, attempt: QuizAttempt) -> bool:
    """Score the attempt from its saved answers; True when it passed."""
    answers = _answers(session, attempt.id or 0)
    score = quiz_results.grade_answers(content, answers)
    attempt.submitted_at = utcnow()
    attempt.score_pct = score
    attempt.passed = score >= content.settings.pass_mark_pct
    session.add(attempt)
    session.flush()
    return attempt.passed


def _answers(session: Session, attempt_id: int) -> dict[int, QuizAnswer]:
    rows = session.exec(select(QuizAnswer).where(QuizAnswer.attempt_id == attempt_id)).all()
    return {row.question_id: row for row in rows}


def _question_views(content: QuizContent, attempt_id: int) -> list[QuestionView]:
    """Prompts and option texts only; shuffled questions keep one order per attempt."""
    views = []
    for number, question in enumerate(content.questions, start=1):
        options = [OptionView(o.id or 0, o.text) for o in content.options_of(question)]
        if question.shuffle:
            random.Random(f"{attempt_id}:{question.id}").shuffle(options)  # noqa: S311
        views.append(
            QuestionView(question.id or 0, number, question.type, question.prompt, options)
        )
    return views


def _view(session: Session, actor: Actor, lesson: Lesson, content: QuizContent) -> QuizView:
    assert lesson.id is not None
    attempts = _attempts(session, actor.id, lesson.id)
    done = [a for a in attempts if a.submitted_at is not None]
    scores = [a.score_pct for a in done if a.score_pct is not None]
    settings = content.settings
    view = QuizView(
        lesson_id=lesson.id,
        question_count=len(content.questions),
        pass_mark_pct=settings.pass_mark_pct,
        attempts_allowed=settings.attempts_allowed,
        attempts_used=len(attempts),
        best_score_pct=max(scores) if scores else None,
        passed=any(a.passed for a in done),
        time_limit_s=settings.time_limit_s,
        ready=content.ready,
    )
    current = next((a for a in attempts if a.submitted_at is None), None)
    if current is not None:
        return _with_open_attempt(session, view, content, current)
    if done:
        last = done[-1]
        answers = _answers(session, last.id or 0)
        return replace(view, last_result=quiz_results.attempt_result(content, last, answers))
    return view


def _with_open_attempt(
    session: Session, view: QuizView, content: QuizContent, attempt: QuizAttempt
) -> QuizView:
    assert attempt.id is not None
    left = None
    if attempt.deadline is not None:
        left = max(0, int((attempt.deadline - utcnow()).total_seconds()))
    saved = {str(qid): row.value for qid, row in _answers(session, attempt.id).items()}
    return replace(
        view,
        attempt_id=attempt.id,
        seconds_left=left,
        questions=_question_views(content, attempt.id),
        answers=saved,
    )


def _refresh(
    session: Session, actor: Actor, lesson: Lesson, course: Course
) -> tuple[QuizContent, ProgressView | None]:
    """The quiz, after grading attempts whose time ran out (which may complete the lesson)."""
    assert lesson.id is not None and course.id is not None
    content = load_quiz(session, lesson.id)
    passed_now = _close_expired(session, content, _attempts(session, actor.id, lesson.id))
    done = complete_passed_quiz(session, actor.id, lesson.id, course.id) if passed_now else None
    return content, done


def _outcome(view_of: QuizView, done: ProgressView | None) -> QuizOutcome:
    if done is None:
        return QuizOutcome(view_of)
    return QuizOutcome(replace(view_of, course_completed=done.course_completed), done.certificate)


def quiz_view(*, session: Session, actor: Actor | None, lesson_id: int) -> QuizOutcome:
    """The quiz as the student sees it now (an attempt whose time ran out is graded).

    Raises:
        NotSignedIn: for anonymous callers.
        NotFound: unknown lesson, a video lesson, or a course hidden from the actor.
        PermissionDenied: the actor is not enrolled.
    """
    actor = require_actor(actor)
    lesson, course = _quiz_lesson(session, actor, lesson_id)
    content, done = _refresh(session, actor, lesson, course)
    return _outcome(_view(session, actor, lesson, content), done)


def _lock_enrollment(session: Session, user_id: int, course_id: int) -> None:
    """Serialize a student's attempt starts in one course (PostgreSQL row lock)."""
    session.exec(
        select(Enrollment.id)
        .where(Enrollment.user_id == user_id, Enrollment.course_id == course_id)
        .with_for_update()
    ).first()


def start_attempt(*, session: Session, actor: Actor | None, lesson_id: int) -> QuizOutcome:
    """Resume the open attempt, or start one if the quiz is ready and attempts remain.

    Raises:
        NotSignedIn, NotFound, PermissionDenied: as `quiz_view`.
        InvalidInput: the quiz is not ready, or no attempts are left.
    """
    actor = require_actor(actor)
    lesson, course = _quiz_lesson(session, actor, lesson_id)
    assert lesson.id is not None and course.id is not None
    _lock_enrollment(session, actor.id, course.id)
    content, done = _refresh(session, actor, lesson, course)
    view = _view(session, actor, lesson, content)
    if view.attempt_id is not None:
        return _outcome(view, done)
    if not view.ready:
        raise InvalidInput(NOT_READY)
    if not view.can_start:
        raise InvalidInput(NO_ATTEMPTS_LEFT)
    now, limit = utcnow(), content.settings.time_limit_s
    deadline = now + timedelta(seconds=limit) if limit else None
    session.add(
        QuizAttempt(user_id=actor.id, lesson_id=lesson.id, started_at=now, deadline=deadline)
    )
    session.flush()
    return _outcome(_view(session, actor, lesson, content), done)


def _attempt_question(session: Session, attempt: QuizAttempt, question_id: object) -> QuizQuestion:
    question = session.get(QuizQuestion, question_id) if valid_id(question_id) else None
    if question is None or question.lesson_id != attempt.lesson_id:
        raise NotFound(QUESTION_NOT_FOUND)
    return question


def _upsert_answer(session: Session, attempt_id: int, question_id: int, value: object) -> None:
    dialect = session.connection().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    stmt = insert(QuizAnswer).values(
        attempt_id=attempt_id, question_id=question_id, value=value, updated_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["attempt_id", "question_id"],
        set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
    )
    session.exec(stmt)


def save_answer(
    *, session: Session, actor: Actor | None, attempt_id: int, question_id: int, value: object
) -> None:
    """Store one answer of the actor's open attempt, replacing the previous one.

    Args:
        session: The open session; the caller commits.
        actor: The signed-in student whose attempt it is.
        attempt_id: The open attempt.
        question_id: A question of the attempt's quiz.
        value: an option id (single, true/false), a list of option ids (multiple), text
            (short text), a number or its text (numeric); None or "" clears the answer.

    Raises:
        NotSignedIn: for anonymous callers.
        NotFound: another person's attempt, or a question of another quiz.
        PermissionDenied: the actor is no longer enrolled.
        InvalidInput: a submitted attempt, past the deadline, or a value that does not fit.
    """
    actor = require_actor(actor)
    attempt = _own_attempt(session, actor, attempt_id)
    _quiz_lesson(session, actor, attempt.lesson_id)
    if attempt.submitted_at is not None:
        raise InvalidInput("This attempt was already submitted.")
    if _expired(attempt):
        raise InvalidInput(TIME_UP)
    question = _attempt_question(session, attempt, question_id)
    content = load_quiz(session, attempt.lesson_id)
    option_ids = {o.id for o in content.options.get(question.id or 0, []) if o.id is not None}
    cleaned = clean_answer(question, option_ids, value)
    _upsert_answer(session, attempt.id or 0, question.id or 0, cleaned)


def submit_attempt(*, session: Session, actor: Actor | None, attempt_id: int) -> QuizOutcome:
    """Grade the actor's attempt; passing completes the lesson (and maybe the course).

    Submitting twice returns the same result. Answers saved before the deadline count.

    Raises:
        NotSignedIn: for anonymous callers.
        NotFound: another person's attempt.
        PermissionDenied: the actor is no longer enrolled.
    """
    actor = require_actor(actor)
    attempt = _own_attempt(session, actor, attempt_id)
    lesson, course = _quiz_lesson(session, actor, attempt.lesson_id)
    assert lesson.id is not None and course.id is not None
    content = load_quiz(session, lesson.id)
    done = None
    if attempt.submitted_at is None and _grade(session, content, attempt):
        done = complete_passed_quiz(session, actor.id, lesson.id, course.id)
    return _outcome(_view(session, actor, lesson, content), done)


def player_quiz(*, session: Session, actor: Actor | None, lesson_id: int) -> QuizOutcome | None:
    """The player's quiz panel: None for a video lesson, which the player plays instead.

    Raises:
        NotSignedIn, NotFound, PermissionDenied: as `lesson_access.open_lesson` and `quiz_view`.
    """
    lesson, _course, _enrolled = open_lesson(session, actor, lesson_id)
    if lesson.kind != LessonKind.QUIZ:
        return None
    return quiz_view(session=session, actor=actor, lesson_id=lesson_id)
