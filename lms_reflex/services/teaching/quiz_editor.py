"""What the quiz editor and the quiz analytics show the instructor (issue 21).

These views hold the answer key, so only course staff get them (`quiz_builder.owned_quiz`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from lms_reflex.models import QuizAnswer, QuizAttempt
from lms_reflex.services.actor import Actor
from lms_reflex.services.learning.quiz_content import load_quiz
from lms_reflex.services.learning.quiz_grading import question_problem
from lms_reflex.services.teaching.quiz_builder import owned_quiz


@dataclass(frozen=True)
class EditorOption:
    """An answer with its correct flag."""

    id: int
    text: str
    is_correct: bool


@dataclass(frozen=True)
class EditorQuestion:
    """A question with its answer key and what still keeps it from being asked."""

    id: int
    number: int
    type: str
    prompt: str
    explanation: str
    shuffle: bool
    accepted_answers: str  # one per line
    numeric_value: str
    tolerance: str
    options: list[EditorOption]
    problem: str


@dataclass(frozen=True)
class QuizEditorView:
    """A quiz lesson as its instructor edits it."""

    lesson_id: int
    course_id: int
    title: str
    pass_mark_pct: int
    attempts_allowed: int
    time_limit_s: int
    show_answers: str
    questions: list[EditorQuestion]
    ready: bool


@dataclass(frozen=True)
class QuestionStat:
    """How often a question was answered right in submitted attempts."""

    question_id: int
    number: int
    prompt: str
    correct_pct: int


@dataclass(frozen=True)
class QuizStats:
    """Per-quiz numbers: submitted attempts, pass rate, average score, per question."""

    attempts: int
    pass_rate_pct: int
    average_score_pct: int
    questions: list[QuestionStat]


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def quiz_editor(*, session: Session, actor: Actor | None, lesson_id: int) -> QuizEditorView:
    """The quiz with its answer key, for its instructor or an admin.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `quiz_builder.owned_quiz`.
    """
    lesson, course = owned_quiz(session, actor, lesson_id)
    content = load_quiz(session, lesson.id or 0)
    questions = [
        EditorQuestion(
            id=q.id or 0,
            number=number,
            type=q.type,
            prompt=q.prompt,
            explanation=q.explanation,
            shuffle=q.shuffle,
            accepted_answers="\n".join(q.accepted_answers),
            numeric_value=_number(q.numeric_value),
            tolerance=_number(q.tolerance),
            options=[EditorOption(o.id or 0, o.text, o.is_correct) for o in content.options_of(q)],
            problem=question_problem(q, content.options_of(q)) or "",
        )
        for number, q in enumerate(content.questions, start=1)
    ]
    settings = content.settings
    return QuizEditorView(
        lesson_id=lesson.id or 0,
        course_id=course.id or 0,
        title=lesson.title,
        pass_mark_pct=settings.pass_mark_pct,
        attempts_allowed=settings.attempts_allowed,
        time_limit_s=settings.time_limit_s or 0,
        show_answers=settings.show_answers,
        questions=questions,
        ready=content.ready,
    )


def _pct(part: float, whole: float) -> int:
    return round(100 * part / whole) if whole else 0


def quiz_stats(*, session: Session, actor: Actor | None, lesson_id: int) -> QuizStats:
    """Pass rate, average score and per-question correctness over submitted attempts.

    Unanswered questions count as wrong. Two statements whatever the number of students.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `quiz_builder.owned_quiz`.
    """
    lesson, _course = owned_quiz(session, actor, lesson_id)
    submitted = (QuizAttempt.lesson_id == lesson.id, col(QuizAttempt.submitted_at).is_not(None))
    count, passed, score_sum = session.exec(
        select(
            func.count(col(QuizAttempt.id)),
            func.sum(case((col(QuizAttempt.passed), 1), else_=0)),
            func.sum(QuizAttempt.score_pct),
        ).where(*submitted)
    ).one()
    right = dict(
        session.exec(
            select(QuizAnswer.question_id, func.count(col(QuizAnswer.id)))
            .join(QuizAttempt, col(QuizAttempt.id) == col(QuizAnswer.attempt_id))
            .where(*submitted, col(QuizAnswer.is_correct).is_(True))
            .group_by(col(QuizAnswer.question_id))
        ).all()
    )
    content = load_quiz(session, lesson.id or 0)
    questions = [
        QuestionStat(q.id or 0, n, q.prompt, _pct(right.get(q.id or 0, 0), count))
        for n, q in enumerate(content.questions, start=1)
    ]
    average = round((score_sum or 0) / count) if count else 0
    return QuizStats(count, _pct(passed or 0, count), average, questions)
