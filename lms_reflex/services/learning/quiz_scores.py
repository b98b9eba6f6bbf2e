"""A student's quiz attempts and best score as the syllabus shows them (issue 21).

"Attempts and scores show in the student's course view": each quiz line of the player's
syllabus says so in place of a video length (`PlayerLesson.duration_label`). Only the
viewer's own submitted attempts are read, and only when they are enrolled.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import func
from sqlmodel import Session, col, select

from lms_reflex.models import QuizAttempt
from lms_reflex.services.learning.lessons import PlayerView


def _label(attempts: int, best: int | None) -> str:
    if not attempts:
        return "Quiz"
    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
    return f"Quiz \u00b7 {tries} \u00b7 best {best or 0} %"


def quiz_labels(session: Session, user_id: int | None, quiz_ids: list[int]) -> dict[int, str]:
    """Lesson id -> "Quiz", or "Quiz · 2 attempts · best 80 %", for the quiz lessons given.

    `user_id` is None for a visitor or a non-enrolled viewer: then no attempts are read, and
    a syllabus without quizzes reads nothing (the player page's statement count is pinned).
    """
    if not quiz_ids:
        return {}
    scores: dict[int, tuple[int, int | None]] = {}
    if user_id is not None:
        rows = session.exec(
            select(QuizAttempt.lesson_id, func.count(col(QuizAttempt.id)),
                   func.max(QuizAttempt.score_pct))
            .where(QuizAttempt.user_id == user_id, col(QuizAttempt.lesson_id).in_(quiz_ids),
                   col(QuizAttempt.submitted_at).is_not(None))
            .group_by(col(QuizAttempt.lesson_id))
        ).all()  # fmt: skip
        scores = {lesson_id: (count, best) for lesson_id, count, best in rows}
    return {qid: _label(*scores.get(qid, (0, None))) for qid in quiz_ids}


def with_quiz_labels(session: Session, view: PlayerView, user_id: int | None) -> PlayerView:
    """The player view with each quiz line of its syllabus labelled by `quiz_labels`."""
    ids = [le.id for section in view.syllabus for le in section.lessons if le.is_quiz]
    labels = quiz_labels(session, user_id, ids)
    if not labels:
        return view
    syllabus = [
        dataclasses.replace(section, lessons=[
            dataclasses.replace(le, duration_label=labels.get(le.id, le.duration_label))
            for le in section.lessons
        ])
        for section in view.syllabus
    ]  # fmt: skip
    return dataclasses.replace(view, syllabus=syllabus)
