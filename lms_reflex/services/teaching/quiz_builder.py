"""Building quizzes (issue 21): quiz lessons, their rules, questions and options.

Every call checks role and ownership at call time through `curriculum.owned_lesson`
(services/actor.py), so another instructor's quiz does not exist for the caller. Texts are
checked like the rest of the builder; a question that is not complete yet (no correct
option, no accepted answer) is stored and named in the editor, and students cannot start
the quiz until every question is complete (docs/security.md case 56).
"""

from __future__ import annotations

import math

from sqlmodel import Session, col, select

from lms_reflex.models import (
    Course,
    Lesson,
    LessonKind,
    QuestionType,
    QuizOption,
    QuizQuestion,
    QuizSettings,
    ShowAnswers,
)
from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import InvalidInput, NotFound
from lms_reflex.services.learning.quiz_content import quiz_settings
from lms_reflex.services.learning.quiz_grading import parse_number
from lms_reflex.services.teaching.builder import touch
from lms_reflex.services.teaching.curriculum import LESSON_NOT_FOUND, add_lesson, owned_lesson
from lms_reflex.services.text import clean_text
from lms_reflex.services.validation import valid_id

QUESTION_NOT_FOUND = "We could not find that question."
OPTION_NOT_FOUND = "We could not find that answer."
QUIZ_CHANGED = "The quiz changed in the meantime. Please reload and try again."
PROMPT_MAX = 2_000
EXPLANATION_MAX = 5_000
OPTION_MAX = 500
ACCEPTED_MAX = 20  # accepted answers of one short-text question
OPTIONS_MAX = 10
TIME_LIMIT_MAX_S = 6 * 3600
SINGLE_CHOICE = (QuestionType.SINGLE, QuestionType.TRUE_FALSE)


def owned_quiz(session: Session, actor: Actor | None, lesson_id: object) -> tuple[Lesson, Course]:
    """A quiz lesson of a course the actor is staff of (course row locked).

    Raises:
        NotSignedIn, PermissionDenied: see `builder.owned_course`.
        NotFound: unknown id, a video lesson, or another instructor's lesson.
    """
    lesson, _section, course = owned_lesson(session, actor, lesson_id)
    if lesson.kind != LessonKind.QUIZ:
        raise NotFound(LESSON_NOT_FOUND)
    return lesson, course


def owned_question(
    session: Session, actor: Actor | None, question_id: object
) -> tuple[QuizQuestion, Course]:
    """A question of a quiz the actor may edit (NotFound otherwise)."""
    question = session.get(QuizQuestion, question_id) if valid_id(question_id) else None
    try:
        _lesson, course = owned_quiz(session, actor, question.lesson_id if question else None)
    except NotFound:
        raise NotFound(QUESTION_NOT_FOUND) from None
    assert question is not None
    return question, course


def owned_option(
    session: Session, actor: Actor | None, option_id: object
) -> tuple[QuizOption, QuizQuestion, Course]:
    """An option of a question the actor may edit (NotFound otherwise)."""
    option = session.get(QuizOption, option_id) if valid_id(option_id) else None
    try:
        question, course = owned_question(session, actor, option.question_id if option else None)
    except NotFound:
        raise NotFound(OPTION_NOT_FOUND) from None
    assert option is not None
    return option, question, course


def _questions(session: Session, lesson_id: int) -> list[QuizQuestion]:
    return list(
        session.exec(
            select(QuizQuestion)
            .where(QuizQuestion.lesson_id == lesson_id)
            .order_by(col(QuizQuestion.position), col(QuizQuestion.id))
        ).all()
    )


def question_options(session: Session, question_id: int) -> list[QuizOption]:
    """The question's answers in order (for quiz_options.py, which edits them)."""
    return list(
        session.exec(
            select(QuizOption)
            .where(QuizOption.question_id == question_id)
            .order_by(col(QuizOption.position), col(QuizOption.id))
        ).all()
    )


def renumber(rows: list[QuizQuestion] | list[QuizOption]) -> None:
    """Keep positions dense 0..n-1 after a delete or a reorder."""
    for position, row in enumerate(rows):
        row.position = position


def add_quiz_lesson(*, session: Session, actor: Actor | None, section_id: int, title: str) -> int:
    """Append a quiz lesson with default rules to a section; returns its lesson id.

    Raises:
        NotSignedIn, PermissionDenied, NotFound, InvalidInput: as `curriculum.add_lesson`.
    """
    lesson_id = add_lesson(session=session, actor=actor, section_id=section_id, title=title)
    lesson = session.get(Lesson, lesson_id)
    assert lesson is not None
    lesson.kind = LessonKind.QUIZ
    session.add(lesson)
    session.add(QuizSettings(lesson_id=lesson_id))
    session.flush()
    return lesson_id


def _whole(value: object, label: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"The {label} must be a whole number from {low} to {high:,}.")
    return value


def update_quiz_settings(
    *,
    session: Session,
    actor: Actor | None,
    lesson_id: int,
    pass_mark_pct: int,
    attempts_allowed: int,
    time_limit_s: int | None,
    show_answers: str,
) -> None:
    """Change a quiz's rules; attempts already started keep their deadline.

    Args:
        session: The open session; the caller commits.
        actor: The course's instructor or an admin.
        lesson_id: The quiz lesson.
        pass_mark_pct: 0..100, the score that passes.
        attempts_allowed: 0 for unlimited, else 1..100.
        time_limit_s: None or 0 for no limit, else 10 s .. 6 h.
        show_answers: "after_pass", "after_each" or "never".

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `owned_quiz`.
        InvalidInput: a value out of range.
    """
    lesson, course = owned_quiz(session, actor, lesson_id)
    settings = quiz_settings(session, lesson.id or 0)
    settings.pass_mark_pct = _whole(pass_mark_pct, "pass mark", 0, 100)
    settings.attempts_allowed = _whole(attempts_allowed, "number of attempts", 0, 100)
    limit = None if time_limit_s in (None, 0) else time_limit_s
    if limit is not None:
        limit = _whole(limit, "time limit in seconds", 10, TIME_LIMIT_MAX_S)
    settings.time_limit_s = limit
    if show_answers not in set(ShowAnswers):
        raise InvalidInput("Please choose when students see the answers.")
    settings.show_answers = str(show_answers)
    session.add(settings)
    touch(session, course)


def add_question(
    *, session: Session, actor: Actor | None, lesson_id: int, type: str, prompt: str
) -> int:
    """Append a question; true/false questions get their two options ("True" correct).

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `owned_quiz`.
        InvalidInput: an unknown type or an empty or oversized prompt.
    """
    lesson, course = owned_quiz(session, actor, lesson_id)
    if type not in set(QuestionType):
        raise InvalidInput("Please choose a question type.")
    question = QuizQuestion(
        lesson_id=lesson.id or 0,
        position=len(_questions(session, lesson.id or 0)),
        type=str(type),
        prompt=clean_text(prompt, "question", max_len=PROMPT_MAX, min_len=1),
    )
    session.add(question)
    session.flush()
    assert question.id is not None
    if type == QuestionType.TRUE_FALSE:
        session.add(QuizOption(question_id=question.id, position=0, text="True", is_correct=True))
        session.add(QuizOption(question_id=question.id, position=1, text="False"))
    touch(session, course)
    session.flush()
    return question.id


def _accepted(value: object) -> list[str]:
    """Accepted short answers, one per line or as a list; blank lines dropped."""
    items = value.splitlines() if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise InvalidInput("Please enter the accepted answers as text, one per line.")
    cleaned = [clean_text(item, "accepted answer", max_len=OPTION_MAX) for item in items]
    answers = [a for a in cleaned if a]
    if len(answers) > ACCEPTED_MAX:
        raise InvalidInput(f"A question can have at most {ACCEPTED_MAX} accepted answers.")
    return answers


def _optional_number(value: object, label: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return parse_number(value)
    except InvalidInput:
        raise InvalidInput(f"The {label} must be a number.") from None


def _tolerance(value: object) -> float:
    tolerance = _optional_number(value, "tolerance") or 0.0
    if tolerance < 0 or not math.isfinite(tolerance):
        raise InvalidInput("The tolerance must be zero or more.")
    return tolerance


def update_question(
    *,
    session: Session,
    actor: Actor | None,
    question_id: int,
    prompt: str,
    explanation: str = "",
    shuffle: bool = False,
    accepted_answers: object = (),
    numeric_value: object = None,
    tolerance: object = 0,
) -> None:
    """Save a question's texts and its answer key (the type stays as created).

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `owned_question`.
        InvalidInput: empty or oversized text, or a number that is not one.
    """
    question, course = owned_question(session, actor, question_id)
    question.prompt = clean_text(prompt, "question", max_len=PROMPT_MAX, min_len=1)
    question.explanation = clean_text(explanation, "explanation", max_len=EXPLANATION_MAX)
    question.shuffle = shuffle is True
    if question.type == QuestionType.SHORT_TEXT:
        question.accepted_answers = _accepted(accepted_answers)
    if question.type == QuestionType.NUMERIC:
        question.numeric_value = _optional_number(numeric_value, "correct number")
        question.tolerance = _tolerance(tolerance)
    session.add(question)
    touch(session, course)


def delete_question(*, session: Session, actor: Actor | None, question_id: int) -> None:
    """Remove a question (its options and saved answers go with it) and close the gap.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `owned_question`.
    """
    question, course = owned_question(session, actor, question_id)
    lesson_id = question.lesson_id
    session.delete(question)
    session.flush()
    renumber(_questions(session, lesson_id))
    touch(session, course)


def reorder_questions(
    *, session: Session, actor: Actor | None, lesson_id: int, question_ids: list[int]
) -> None:
    """Put the quiz's questions in the given order (a drop, or an Up / Down button).

    The list must name every question of this quiz exactly once; a stale, partial,
    duplicated or foreign list changes nothing, so a drop can never move a question
    into or out of another quiz.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `owned_quiz` (course staff only).
        InvalidInput: the ids are not ints, or not exactly the quiz's questions.
    """
    lesson, course = owned_quiz(session, actor, lesson_id)
    questions = {q.id: q for q in _questions(session, lesson.id or 0)}
    if not isinstance(question_ids, list | tuple) or not all(valid_id(i) for i in question_ids):
        raise InvalidInput("Please send the new order as a list of question ids.")
    sent = list(question_ids)
    if len(sent) != len(set(sent)) or set(sent) != set(questions):
        raise InvalidInput(QUIZ_CHANGED)
    renumber([questions[qid] for qid in sent])
    touch(session, course)
