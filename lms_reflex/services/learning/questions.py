"""Lesson Q&A writes: asking and answering (issue 21; docs/security.md, "Lesson Q&A").

Enrolled students and the course's staff ask and answer. Text is trimmed, bounded and
refused when it holds control characters, with the sentence under its field. Each user may
post a few questions and answers per window, counted from their own rows, so the limit
holds across workers and restarts. A new question queues the instructor's digest
(`question_digests.py`); an answer builds one mail to the asker, sent after the reply.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from lms_reflex.mail import Mail
from lms_reflex.mail.question_messages import answer_mail
from lms_reflex.models import LessonAnswer, LessonQuestion, User, utcnow
from lms_reflex.services.actor import Actor, require_verified
from lms_reflex.services.errors import Throttled, try_again_in
from lms_reflex.services.learning.question_digests import queue_digest
from lms_reflex.services.learning.question_views import (
    QuestionsPanel,
    build_panel,
    question_access,
    thread_access,
)
from lms_reflex.services.text import clean_text

MAX_TITLE_CHARS = 150
MAX_BODY_CHARS = 5000
POST_WINDOW = timedelta(minutes=10)
QUESTIONS_PER_WINDOW = 5
ANSWERS_PER_WINDOW = 20


@dataclass(frozen=True)
class Posted:
    """The refreshed panel after a post, and the mail it causes (None: no mail)."""

    panel: QuestionsPanel
    mail: Mail | None = None


def _throttle(session: Session, table: Any, author_id: int, *, limit: int, field: str) -> None:
    """Refuse the post when the author made `limit` of these in the last POST_WINDOW.

    The refusal names the form's text field, so the page shows it under what was typed.

    Raises:
        Throttled: "You posted 5 questions in the last 10 minutes. Try again in 4 minutes."
    """
    now = utcnow()
    query = select(func.count(), func.min(table.created_at)).where(
        table.author_id == author_id, table.created_at >= now - POST_WINDOW
    )
    count, oldest = session.exec(query).one()
    if count >= limit and oldest is not None:
        wait = max(1, math.ceil((oldest + POST_WINDOW - now).total_seconds()))
        minutes = int(POST_WINDOW.total_seconds() // 60)
        what = "questions" if table is LessonQuestion else "answers"
        message = f"You posted {limit} {what} in the last {minutes} minutes. {try_again_in(wait)}"
        raise Throttled(message, wait, field=field)


def ask_question(
    *,
    session: Session,
    actor: Actor | None,
    lesson_id: int,
    title: str,
    body: str,
    sort: str = "new",
) -> QuestionsPanel:
    """Ask a question on a lesson; the instructor hears of it in the next digest.

    Args:
        session: The open session; the caller commits.
        actor: A verified student enrolled in the course, or its staff.
        lesson_id: The lesson the question is about.
        title: One line, 1..150 characters.
        body: Markdown, up to 5,000 characters (may be empty).
        sort: How the returned panel is sorted ("new" or "top").

    Returns:
        The lesson's questions, with the new one.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: unverified, or neither enrolled nor staff.
        NotFound: unknown lesson, or an unpublished course the actor has no part in.
        InvalidInput: a title or body that is empty, too long or holds control characters.
        Throttled: too many questions lately; the message says when to try again.
    """
    actor = require_verified(actor)
    thread = thread_access(session, actor, lesson_id)
    title = clean_text(title, "title", max_len=MAX_TITLE_CHARS, min_len=1, multiline=False)
    body = clean_text(body, "question", max_len=MAX_BODY_CHARS, field="body")
    _throttle(session, LessonQuestion, actor.id, limit=QUESTIONS_PER_WINDOW, field="body")
    assert thread.lesson.id is not None and thread.course.id is not None
    now = utcnow()
    own = actor.id == thread.course.instructor_id  # nobody is told of their own question
    question = LessonQuestion(
        lesson_id=thread.lesson.id, course_id=thread.course.id, author_id=actor.id,
        title=title, body=body, created_at=now, digested_at=now if own else None,
    )  # fmt: skip
    session.add(question)
    session.flush()
    if not own:
        queue_digest(session, thread.course.id)
    return build_panel(session, actor, thread, sort)


def answer_question(
    *, session: Session, actor: Actor | None, question_id: int, body: str, sort: str = "new"
) -> Posted:
    """Answer a question; its asker is mailed when someone else answered.

    Args:
        session: The open session; the caller commits.
        actor: A verified student enrolled in the course, or its staff.
        question_id: The question (students never reach a hidden one).
        body: Markdown, 1..5,000 characters.
        sort: How the returned panel is sorted.

    Returns:
        The refreshed panel, and the mail to the asker (None when there is none to send).

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: unverified, or neither enrolled nor staff.
        NotFound: unknown or hidden question.
        InvalidInput: an empty or too long answer, or control characters in it.
        Throttled: too many answers lately; the message says when to try again.
    """
    actor = require_verified(actor)
    question, thread = question_access(session, actor, question_id)
    text = clean_text(body, "answer", max_len=MAX_BODY_CHARS, min_len=1)
    _throttle(session, LessonAnswer, actor.id, limit=ANSWERS_PER_WINDOW, field="answer")
    assert question.id is not None
    session.add(LessonAnswer(question_id=question.id, author_id=actor.id, body=text))
    session.flush()
    return Posted(panel=build_panel(session, actor, thread, sort),
                  mail=_mail_asker(session, question, thread.course.slug, actor))  # fmt: skip


def _mail_asker(
    session: Session, question: LessonQuestion, course_slug: str, actor: Actor
) -> Mail | None:
    """The asker's mail about a new answer, unless they answered themselves or are gone."""
    if question.author_id is None or question.author_id == actor.id or question.is_hidden:
        return None
    asker = session.get(User, question.author_id)
    if asker is None or not asker.is_active:
        return None
    return answer_mail(
        asker.email, asker.first_name, question.title, course_slug, question.lesson_id
    )
