"""Loading a quiz's rules, questions and options in a fixed number of statements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from lms_reflex.models import QuizOption, QuizQuestion, QuizSettings
from lms_reflex.services.learning.quiz_grading import question_problem


@dataclass(frozen=True)
class QuizContent:
    """A quiz as stored, correct answers included: for services only, never for views."""

    settings: QuizSettings
    questions: list[QuizQuestion]
    options: dict[int, list[QuizOption]]

    def options_of(self, question: QuizQuestion) -> list[QuizOption]:
        """The question's options in the instructor's order."""
        return self.options.get(question.id or 0, [])

    @property
    def ready(self) -> bool:
        """Every question can be asked, and there is at least one."""
        return bool(self.questions) and all(
            question_problem(q, self.options_of(q)) is None for q in self.questions
        )


def quiz_settings(session: Session, lesson_id: int) -> QuizSettings:
    """The lesson's rules; a quiz lesson saved before any setting gets the defaults."""
    found = session.exec(select(QuizSettings).where(QuizSettings.lesson_id == lesson_id)).first()
    return found or QuizSettings(lesson_id=lesson_id)


def load_quiz(session: Session, lesson_id: int) -> QuizContent:
    """Settings, questions in order and their options, in three statements."""
    questions = list(
        session.exec(
            select(QuizQuestion)
            .where(QuizQuestion.lesson_id == lesson_id)
            .order_by(col(QuizQuestion.position), col(QuizQuestion.id))
        ).all()
    )
    options: dict[int, list[QuizOption]] = defaultdict(list)
    if questions:
        rows = session.exec(
            select(QuizOption)
            .where(col(QuizOption.question_id).in_([q.id for q in questions]))
            .order_by(col(QuizOption.position), col(QuizOption.id))
        ).all()
        for option in rows:
            options[option.question_id].append(option)
    return QuizContent(quiz_settings(session, lesson_id), questions, dict(options))
