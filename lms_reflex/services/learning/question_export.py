"""A user's lesson questions and answers in their JSON data export.

What someone wrote is data we hold about them, as their reviews and notes are
(services/accounts/own_account.py). On account deletion the posts stay for the other
learners with no author (the foreign keys set it to NULL), like reviews.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from lms_reflex.models import Course, Lesson, LessonAnswer, LessonQuestion


def _questions(session: Session, user_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(LessonQuestion, Lesson.title, Course.title)
        .join(Lesson, col(Lesson.id) == LessonQuestion.lesson_id)
        .join(Course, col(Course.id) == LessonQuestion.course_id)
        .where(col(LessonQuestion.author_id) == user_id)
        .order_by(col(LessonQuestion.id))
    ).all()
    return [
        {
            "course": course,
            "lesson": lesson,
            "title": question.title,
            "text": question.body,
            "hidden": question.is_hidden,
            "created_at": question.created_at.isoformat(),
        }
        for question, lesson, course in rows
    ]


def _answers(session: Session, user_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(LessonAnswer, LessonQuestion.title)
        .join(LessonQuestion, col(LessonQuestion.id) == LessonAnswer.question_id)
        .where(col(LessonAnswer.author_id) == user_id)
        .order_by(col(LessonAnswer.id))
    ).all()
    return [
        {
            "question": title,
            "text": answer.body,
            "hidden": answer.is_hidden,
            "created_at": answer.created_at.isoformat(),
        }
        for answer, title in rows
    ]


def export_posts(session: Session, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The questions the user asked and the answers they wrote, oldest first."""
    return {"questions": _questions(session, user_id), "answers": _answers(session, user_id)}
