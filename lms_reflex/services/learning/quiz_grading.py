"""Checking and grading one answer of a quiz (issue 21), without touching the database.

Answers arrive from the browser and are checked here before anything is stored: the wrong
type, an option of another question or an oversized text are refused with a sentence
(docs/security.md case 56).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Sequence
from typing import Any

from lms_reflex.models import QuestionType, QuizOption, QuizQuestion
from lms_reflex.services.errors import InvalidInput

SHORT_TEXT_MAX = 500  # characters of a short-text answer
CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE})
NOT_AN_OPTION = "Please choose one of the answers shown."


def normalize_text(value: str) -> str:
    """Case and spacing do not matter in short-text answers."""
    return " ".join(value.split()).casefold()


def _option_id(value: object, option_ids: set[int]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in option_ids:
        raise InvalidInput(NOT_AN_OPTION)
    return value


def _option_list(value: object, option_ids: set[int]) -> list[int]:
    if not isinstance(value, list | tuple) or len(value) > len(option_ids):
        raise InvalidInput("Please tick the answers shown.")
    return sorted({_option_id(item, option_ids) for item in value})


def _short_text(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInput("Please type your answer as text.")
    if len(value) > SHORT_TEXT_MAX:
        raise InvalidInput(f"Your answer can be at most {SHORT_TEXT_MAX} characters.")
    return value.strip()


def parse_number(value: object) -> float:
    """A finite number, from a number or the text of a number input.

    Raises:
        InvalidInput: anything else (booleans, NaN, infinities, words, huge texts).
    """
    if isinstance(value, str) and len(value) <= 64:
        with contextlib.suppress(ValueError):
            value = float(value.strip().replace(",", "."))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput("Please enter a number.")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise InvalidInput("Please enter a number.")
    return number


def clean_answer(question: QuizQuestion, option_ids: set[int], value: object) -> Any:
    """The answer as it will be stored, or None for "no answer yet".

    Raises:
        InvalidInput: a value that does not fit the question's type.
    """
    if value is None or value == "" or value == []:
        return None
    kind = question.type
    if kind == QuestionType.MULTIPLE:
        return _option_list(value, option_ids)
    if kind in CHOICE_TYPES:
        return _option_id(value, option_ids)
    if kind == QuestionType.SHORT_TEXT:
        return _short_text(value) or None
    return parse_number(value)


def is_correct(question: QuizQuestion, options: Sequence[QuizOption], value: Any) -> bool:
    """Whether a stored answer is right: exact set for multiple, tolerant text and numbers."""
    if value is None:
        return False
    correct = {o.id for o in options if o.is_correct}
    kind = question.type
    if kind == QuestionType.MULTIPLE:
        return isinstance(value, list) and set(value) == correct
    if kind in CHOICE_TYPES:
        return value in correct
    if kind == QuestionType.SHORT_TEXT:
        accepted = {normalize_text(a) for a in question.accepted_answers}
        return isinstance(value, str) and normalize_text(value) in accepted
    if question.numeric_value is None or not isinstance(value, int | float):
        return False
    return abs(float(value) - question.numeric_value) <= question.tolerance + 1e-9


def score_percent(results: Iterable[bool], total: int) -> int:
    """Whole percent of right answers (0 for an empty quiz)."""
    right = sum(1 for r in results if r)
    return (right * 100) // total if total else 0


def question_problem(question: QuizQuestion, options: Sequence[QuizOption]) -> str | None:
    """What keeps a question from being asked, in a sentence for the instructor, or None."""
    kind = question.type
    if not question.prompt.strip():
        return "The question needs a prompt."
    if kind in CHOICE_TYPES:
        right = sum(1 for o in options if o.is_correct)
        if len(options) < 2:
            return "Add at least two answers."
        if right == 0:
            return "Mark at least one answer as correct."
        if kind != QuestionType.MULTIPLE and right > 1:
            return "Mark exactly one answer as correct."
    elif kind == QuestionType.SHORT_TEXT and not question.accepted_answers:
        return "Add at least one accepted answer."
    elif kind == QuestionType.NUMERIC and question.numeric_value is None:
        return "Enter the correct number."
    return None
