"""Lesson Q&A moderation and votes: accept an answer, hide or show a post, upvote a question.

Accepting and hiding belong to the course's staff (`services/actor.py: is_course_staff`:
its instructor while they teach, or an admin); every hide and show is written to the audit
trail with who did it and what. Upvotes are one per user per question (UNIQUE), toggled;
upvoting one's own question is refused, so a score counts other people (docs/security.md,
"Lesson Q&A").
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from lms_reflex.models import LessonAnswer, QuestionVote
from lms_reflex.services.actor import Actor, require_verified
from lms_reflex.services.audit import record_event
from lms_reflex.services.errors import InvalidInput, NotFound, PermissionDenied
from lms_reflex.services.learning.question_views import (
    QuestionsPanel,
    Thread,
    build_panel,
    question_access,
)
from lms_reflex.services.validation import valid_id

STAFF_ONLY = "Only the course's instructor can do that."
ANSWER_NOT_FOUND = "We could not find that answer."
OWN_VOTE = "You cannot upvote your own question."


def _require_staff(thread: Thread) -> None:
    if not thread.staff:
        raise PermissionDenied(STAFF_ONLY)


def _answer(session: Session, actor: Actor | None, answer_id: object):
    """An answer and its question, if the actor may read them.

    Raises:
        NotFound: unknown answer, or one the actor may not see.
    """
    answer = session.get(LessonAnswer, answer_id) if valid_id(answer_id) else None
    if answer is None:
        raise NotFound(ANSWER_NOT_FOUND)
    question, thread = question_access(session, actor, answer.question_id)
    if answer.is_hidden and not thread.staff:
        raise NotFound(ANSWER_NOT_FOUND)
    return answer, question, thread


def toggle_accepted(
    *, session: Session, actor: Actor | None, answer_id: int, sort: str = "new"
) -> QuestionsPanel:
    """Mark an answer as the accepted one of its question, or unmark it.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: unverified, or not staff of the course.
        NotFound: unknown answer, or a hidden one (a hidden answer cannot be accepted).
    """
    actor = require_verified(actor)
    answer, question, thread = _answer(session, actor, answer_id)
    _require_staff(thread)
    if answer.is_hidden:
        raise NotFound(ANSWER_NOT_FOUND)
    accepted = question.accepted_answer_id == answer.id
    question.accepted_answer_id = None if accepted else answer.id
    session.add(question)
    session.flush()
    return build_panel(session, actor, thread, sort)


def _hidden_flag(hidden: object) -> bool:
    if not isinstance(hidden, bool):
        raise InvalidInput("Please choose hide or show.")
    return hidden


def set_question_hidden(
    *, session: Session, actor: Actor | None, question_id: int, hidden: bool, sort: str = "new"
) -> QuestionsPanel:
    """Hide a question (and so its thread) from students, or show it again; audited.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: unverified, or not staff of the course.
        NotFound: unknown question, or a hidden one for a student.
        InvalidInput: `hidden` is not a boolean.
    """
    actor = require_verified(actor)
    hidden = _hidden_flag(hidden)
    question, thread = question_access(session, actor, question_id)
    _require_staff(thread)
    question.is_hidden = hidden
    session.add(question)
    session.flush()
    detail = {"question_id": question.id, "lesson_id": question.lesson_id}
    _audit(session, actor, "question_hidden" if hidden else "question_shown", thread, detail)
    return build_panel(session, actor, thread, sort)


def set_answer_hidden(
    *, session: Session, actor: Actor | None, answer_id: int, hidden: bool, sort: str = "new"
) -> QuestionsPanel:
    """Hide an answer from students, or show it again; audited.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: unverified, or not staff of the course.
        NotFound: unknown answer, or one the actor may not see.
        InvalidInput: `hidden` is not a boolean.
    """
    actor = require_verified(actor)
    hidden = _hidden_flag(hidden)
    answer, question, thread = _answer(session, actor, answer_id)
    _require_staff(thread)
    answer.is_hidden = hidden
    session.add(answer)
    session.flush()
    detail = {"answer_id": answer.id, "question_id": question.id, "lesson_id": question.lesson_id}
    _audit(session, actor, "answer_hidden" if hidden else "answer_shown", thread, detail)
    return build_panel(session, actor, thread, sort)


def _audit(session: Session, actor: Actor, action: str, thread: Thread, detail: dict) -> None:
    """The trail line: who (actor_id), what (the post's ids), where (the course)."""
    record_event(
        session=session, action=action, actor_id=actor.id,
        subject=f"course:{thread.course.id}", detail={**detail, "course_id": thread.course.id},
    )  # fmt: skip


def toggle_vote(
    *, session: Session, actor: Actor | None, question_id: int, sort: str = "new"
) -> QuestionsPanel:
    """Upvote a question once, or take the upvote back.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: unverified, neither enrolled nor staff, or one's own question.
        NotFound: unknown question, or a hidden one for a student.
    """
    actor = require_verified(actor)
    question, thread = question_access(session, actor, question_id)
    if question.author_id == actor.id:
        raise PermissionDenied(OWN_VOTE)
    mine = (col(QuestionVote.question_id) == question.id, col(QuestionVote.user_id) == actor.id)
    if session.exec(select(QuestionVote.id).where(*mine)).first() is not None:
        session.exec(delete(QuestionVote).where(*mine))  # type: ignore[call-overload]
    else:
        assert question.id is not None
        try:
            with session.begin_nested():  # a double click in another tab may insert first
                session.add(QuestionVote(question_id=question.id, user_id=actor.id))
        except IntegrityError:
            pass  # that click's vote stands: one vote per user
    session.flush()
    return build_panel(session, actor, thread, sort)
