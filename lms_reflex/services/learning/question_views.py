"""Lesson Q&A read side: who may read a lesson's questions, and the panel the player draws.

Enrolled students and the course's staff (`services/actor.py: is_course_staff`) read; the
staff also see hidden posts, marked as hidden. Bodies are Markdown rendered and sanitised
by `services/text.py`, the same as course descriptions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from lms_reflex.models import (
    Course,
    Lesson,
    LessonAnswer,
    LessonQuestion,
    QuestionVote,
    User,
)
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import Actor, is_course_staff, require_actor
from lms_reflex.services.errors import NotFound, PermissionDenied
from lms_reflex.services.learning.lesson_access import is_enrolled, lesson_and_course
from lms_reflex.services.text import render_markdown
from lms_reflex.services.validation import valid_id

SORTS = ("new", "top")
MAX_LISTED = 50  # the newest or top 50 threads of a lesson; older ones wait for paging
LESSON_NOT_FOUND = "We could not find that lesson."
QUESTION_NOT_FOUND = "We could not find that question."
NOT_ENROLLED = "Enroll in this course to read and ask questions."


@dataclass(frozen=True)
class AnswerView:
    """One answer under a question."""

    id: int
    author: str
    by_instructor: bool
    date_label: str
    body_html: str
    is_accepted: bool
    is_hidden: bool


@dataclass(frozen=True)
class QuestionView:
    """One question with its answers, as the questions area shows it."""

    id: int
    title: str
    body_html: str
    author: str
    date_label: str
    votes: int
    voted: bool  # the reader upvoted it
    is_mine: bool
    is_hidden: bool
    has_accepted: bool
    answers: list[AnswerView]


@dataclass(frozen=True)
class QuestionsPanel:
    """The questions of one lesson for one reader."""

    lesson_id: int
    count: int  # questions the reader can see
    sort: str
    can_moderate: bool  # accept answers, hide and show posts
    questions: list[QuestionView]


@dataclass(frozen=True)
class Thread:
    """Who the reader is to a lesson's course (resolved once per call)."""

    lesson: Lesson
    course: Course
    staff: bool


def thread_access(session: Session, actor: Actor | None, lesson_id: object) -> Thread:
    """The lesson and its course, if the actor may read its questions.

    Raises:
        NotSignedIn: for anonymous callers.
        NotFound: unknown lesson, or a course that is not published and not theirs.
        PermissionDenied: a signed-in user who is neither enrolled nor staff.
    """
    actor = require_actor(actor)
    lesson, course = lesson_and_course(session, lesson_id)
    assert course.id is not None
    staff = is_course_staff(actor, course.instructor_id)
    if not staff and not is_enrolled(session, actor, course.id):
        if course.status != "published":
            raise NotFound(LESSON_NOT_FOUND)
        raise PermissionDenied(NOT_ENROLLED)
    return Thread(lesson=lesson, course=course, staff=staff)


def question_access(
    session: Session, actor: Actor | None, question_id: object
) -> tuple[LessonQuestion, Thread]:
    """A question the actor may read (students never reach a hidden one).

    Raises:
        NotSignedIn, NotFound, PermissionDenied: as `thread_access`; NotFound also for an
            unknown or hidden question.
    """
    question = session.get(LessonQuestion, question_id) if valid_id(question_id) else None
    if question is None:
        raise NotFound(QUESTION_NOT_FOUND)
    thread = thread_access(session, actor, question.lesson_id)
    if question.is_hidden and not thread.staff:
        raise NotFound(QUESTION_NOT_FOUND)
    return question, thread


def author_name(user: User | None) -> str:
    """First name and initial; an author who deleted their account is anonymous."""
    if user is None or not user.first_name:
        return "Former member"
    initial = user.last_name[:1]
    return f"{user.first_name} {initial}." if initial else user.first_name


def _users(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(User).where(col(User.id).in_(wanted))).all()
    return {u.id: u for u in rows if u.id is not None}


def _question_rows(session: Session, thread: Thread, sort: str) -> list[tuple[LessonQuestion, int]]:
    votes = (
        select(QuestionVote.question_id, func.count().label("n"))
        .group_by(col(QuestionVote.question_id))
        .subquery()
    )
    n = func.coalesce(votes.c.n, 0)
    query = (
        select(LessonQuestion, n)
        .outerjoin(votes, votes.c.question_id == LessonQuestion.id)
        .where(LessonQuestion.lesson_id == thread.lesson.id)
    )
    if not thread.staff:
        query = query.where(col(LessonQuestion.is_hidden).is_(False))
    newest = (col(LessonQuestion.created_at).desc(), col(LessonQuestion.id).desc())
    order = (n.desc(), *newest) if sort == "top" else newest
    rows = session.exec(query.order_by(*order).limit(MAX_LISTED)).all()
    return [(q, int(count)) for q, count in rows]


def _answers(session: Session, thread: Thread, ids: list[int]) -> dict[int, list[LessonAnswer]]:
    if not ids:
        return {}
    query = select(LessonAnswer).where(col(LessonAnswer.question_id).in_(ids))
    if not thread.staff:
        query = query.where(col(LessonAnswer.is_hidden).is_(False))
    found: dict[int, list[LessonAnswer]] = {i: [] for i in ids}
    for answer in session.exec(query.order_by(col(LessonAnswer.id))).all():
        found[answer.question_id].append(answer)
    return found


def _answer_view(
    answer: LessonAnswer, question: LessonQuestion, users: dict[int, User], thread: Thread
) -> AnswerView:
    assert answer.id is not None
    author_id = answer.author_id
    return AnswerView(
        id=answer.id,
        author=author_name(users.get(author_id) if author_id else None),
        by_instructor=author_id is not None and author_id == thread.course.instructor_id,
        date_label=fmt.day_label(answer.created_at),
        body_html=render_markdown(answer.body),
        is_accepted=question.accepted_answer_id == answer.id,
        is_hidden=answer.is_hidden,
    )


def questions_panel(
    *, session: Session, actor: Actor | None, lesson_id: int, sort: str = "new"
) -> QuestionsPanel:
    """The questions area of a lesson: threads sorted by new or top, with their answers.

    Raises:
        NotSignedIn: for anonymous callers.
        NotFound: unknown lesson, or an unpublished course the actor has no part in.
        PermissionDenied: a signed-in user who is neither enrolled nor staff.
    """
    thread = thread_access(session, actor, lesson_id)
    return build_panel(session, actor, thread, sort)


def build_panel(
    session: Session, actor: Actor | None, thread: Thread, sort: object
) -> QuestionsPanel:
    """The panel for a reader whose access was already checked (writes end with this)."""
    sort = sort if sort in SORTS else "new"
    rows = _question_rows(session, thread, str(sort))
    ids = [q.id for q, _ in rows if q.id is not None]
    answers = _answers(session, thread, ids)
    users = _users(session, [q.author_id for q, _ in rows] + [
        a.author_id for group in answers.values() for a in group
    ])  # fmt: skip
    me = actor.id if actor else 0
    mine = _my_votes(session, me, ids)
    views = [_question_view(q, votes, answers, users, thread, me, mine) for q, votes in rows]
    assert thread.lesson.id is not None
    return QuestionsPanel(
        lesson_id=thread.lesson.id, count=len(views), sort=str(sort),
        can_moderate=thread.staff, questions=views,
    )  # fmt: skip


def _my_votes(session: Session, user_id: int, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    query = select(QuestionVote.question_id).where(
        QuestionVote.user_id == user_id, col(QuestionVote.question_id).in_(ids)
    )
    return set(session.exec(query).all())


def _question_view(
    question: LessonQuestion,
    votes: int,
    answers: dict[int, list[LessonAnswer]],
    users: dict[int, User],
    thread: Thread,
    me: int,
    mine: set[int],
) -> QuestionView:
    assert question.id is not None
    own = [_answer_view(a, question, users, thread) for a in answers.get(question.id, [])]
    author = users.get(question.author_id) if question.author_id else None
    return QuestionView(
        id=question.id,
        title=question.title,
        body_html=render_markdown(question.body),
        author=author_name(author),
        date_label=fmt.day_label(question.created_at),
        votes=votes,
        voted=question.id in mine,
        is_mine=question.author_id == me,
        is_hidden=question.is_hidden,
        has_accepted=any(a.is_accepted for a in own),
        answers=own,
    )
