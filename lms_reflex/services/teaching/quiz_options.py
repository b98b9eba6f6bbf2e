"""The answers of choice questions in the quiz builder (issue 21).

Single-choice and true/false questions keep one correct answer: marking another one
correct unmarks the previous, so the editor behaves like the radio buttons students see.
"""

from __future__ import annotations

from sqlmodel import Session

from lms_reflex.models import QuestionType, QuizOption
from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import InvalidInput
from lms_reflex.services.learning.quiz_grading import CHOICE_TYPES
from lms_reflex.services.teaching.builder import touch
from lms_reflex.services.teaching.quiz_builder import (
    OPTION_MAX,
    OPTIONS_MAX,
    SINGLE_CHOICE,
    owned_option,
    owned_question,
    question_options,
    renumber,
)
from lms_reflex.services.text import clean_text


def _option_text(text: object) -> str:
    cleaned = clean_text(text, "answer", max_len=OPTION_MAX, min_len=1)
    if "\n" in cleaned:
        raise InvalidInput("An answer must be a single line.")
    return cleaned


def _single_correct(session: Session, option: QuizOption, question_type: str) -> None:
    if option.is_correct and question_type in SINGLE_CHOICE:
        for other in question_options(session, option.question_id):
            if other.id != option.id and other.is_correct:
                other.is_correct = False
                session.add(other)


def add_option(
    *, session: Session, actor: Actor | None, question_id: int, text: str, is_correct: bool = False
) -> int:
    """Append an answer to a choice question; returns its id.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `quiz_builder.owned_question`.
        InvalidInput: not a choice question, true/false, too many answers, or bad text.
    """
    question, course = owned_question(session, actor, question_id)
    if question.type not in CHOICE_TYPES or question.type == QuestionType.TRUE_FALSE:
        raise InvalidInput("Only single and multiple choice questions take new answers.")
    existing = question_options(session, question.id or 0)
    if len(existing) >= OPTIONS_MAX:
        raise InvalidInput(f"A question can have at most {OPTIONS_MAX} answers.")
    option = QuizOption(
        question_id=question.id or 0,
        position=len(existing),
        text=_option_text(text),
        is_correct=is_correct is True,
    )
    session.add(option)
    session.flush()
    _single_correct(session, option, question.type)
    touch(session, course)
    assert option.id is not None
    return option.id


def update_option(
    *, session: Session, actor: Actor | None, option_id: int, text: str, is_correct: bool
) -> None:
    """Change an answer's text and whether it is correct.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `quiz_builder.owned_option`.
        InvalidInput: empty or oversized text, or a flag that is not true or false.
    """
    option, question, course = owned_option(session, actor, option_id)
    if not isinstance(is_correct, bool):
        raise InvalidInput("Please tick or untick the correct answer box.")
    option.text = _option_text(text)
    option.is_correct = is_correct
    session.add(option)
    _single_correct(session, option, question.type)
    touch(session, course)


def delete_option(*, session: Session, actor: Actor | None, option_id: int) -> None:
    """Remove an answer of a single or multiple choice question.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `quiz_builder.owned_option`.
        InvalidInput: the answers of true/false questions are fixed.
    """
    option, question, course = owned_option(session, actor, option_id)
    if question.type == QuestionType.TRUE_FALSE:
        raise InvalidInput("True/false questions keep both answers.")
    session.delete(option)
    session.flush()
    renumber(question_options(session, question.id or 0))
    touch(session, course)


def move_option(*, session: Session, actor: Actor | None, option_id: int, offset: int) -> None:
    """Move an answer one place up (-1) or down (+1) within its question.

    The order is what students see when the question is not shuffled, so an instructor who
    adds "None of the above" first must be able to put it last without retyping the rest.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `quiz_builder.owned_option`.
        InvalidInput: an offset other than -1 or +1.
    """
    option, question, course = owned_option(session, actor, option_id)
    if type(offset) is not int or offset not in (-1, 1):
        raise InvalidInput("An answer moves one place up or down.")
    options = question_options(session, question.id or 0)
    at = next(i for i, row in enumerate(options) if row.id == option.id)
    to = min(max(at + offset, 0), len(options) - 1)
    options[at], options[to] = options[to], options[at]
    renumber(options)
    touch(session, course)
