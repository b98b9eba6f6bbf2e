"""Grading a whole attempt and deciding what its result may show (issue 21).

The show-answers setting decides when explanations and correct answers are revealed:
after every submitted attempt, only once this attempt passed, or never (then the student
sees the score alone). Nothing here is called before an attempt is submitted.
"""

from __future__ import annotations

from lms_reflex.models import QuestionType, QuizAnswer, QuizAttempt, QuizQuestion, ShowAnswers
from lms_reflex.services.learning.quiz_content import QuizContent
from lms_reflex.services.learning.quiz_grading import is_correct, score_percent
from lms_reflex.services.learning.quiz_views import AttemptResult, QuestionResult


def grade_answers(content: QuizContent, answers: dict[int, QuizAnswer]) -> int:
    """Mark every saved answer right or wrong and return the whole percent scored."""
    results = []
    for question in content.questions:
        row = answers.get(question.id or 0)
        right = row is not None and is_correct(question, content.options_of(question), row.value)
        if row is not None:
            row.is_correct = right
        results.append(right)
    return score_percent(results, len(content.questions))


def correct_answer_label(content: QuizContent, question: QuizQuestion) -> str:
    """The right answer in words, for results that may show it."""
    if question.type == QuestionType.SHORT_TEXT:
        return " / ".join(question.accepted_answers)
    if question.type == QuestionType.NUMERIC:
        value = f"{question.numeric_value:g}"
        return f"{value} (± {question.tolerance:g})" if question.tolerance else value
    return ", ".join(o.text for o in content.options_of(question) if o.is_correct)


def _reveals(content: QuizContent, attempt: QuizAttempt) -> bool:
    show = content.settings.show_answers
    return show == ShowAnswers.AFTER_EACH or (show == ShowAnswers.AFTER_PASS and attempt.passed)


def attempt_result(
    content: QuizContent, attempt: QuizAttempt, answers: dict[int, QuizAnswer]
) -> AttemptResult:
    """The submitted attempt's result as the student may see it."""
    assert attempt.submitted_at is not None and attempt.id is not None
    questions: list[QuestionResult] = []
    if content.settings.show_answers != ShowAnswers.NEVER:
        reveal = _reveals(content, attempt)
        for number, question in enumerate(content.questions, start=1):
            row = answers.get(question.id or 0)
            questions.append(
                QuestionResult(
                    question_id=question.id or 0,
                    number=number,
                    prompt=question.prompt,
                    correct=bool(row and row.is_correct),
                    explanation=question.explanation if reveal else "",
                    correct_answer=correct_answer_label(content, question) if reveal else "",
                )
            )
    return AttemptResult(attempt.id, attempt.score_pct or 0, attempt.passed, questions)
