"""The instructor's digest of new lesson questions: one mail per course, never one per question.

The first question after a digest sets the course's `question_digest.due_at` to now +
LMS_QUESTION_DIGEST_DELAY_S; later questions leave it alone. When it is due, a worker
claims the digest with one UPDATE that clears `due_at` only where it is still set, and
then claims the course's unsent questions with one UPDATE ... WHERE digested_at IS NULL.
Whichever worker's UPDATE matches sends the mail; the others match nothing, so several
workers (or a worker and the periodic sweep) never send twice. A question committed
after the claim finds `due_at` cleared and queues the next digest itself.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from lms_reflex.mail import Mail
from lms_reflex.mail.question_messages import DigestItem, digest_mail
from lms_reflex.models import Course, Lesson, LessonQuestion, QuestionDigest, User, utcnow
from lms_reflex.settings import get_settings

MAX_DIGESTS_PER_SWEEP = 100


def queue_digest(session: Session, course_id: int) -> None:
    """Make sure a digest for `course_id` is due within the configured delay.

    A pending digest keeps its time: a steady stream of questions cannot postpone it.
    """
    due = utcnow() + timedelta(seconds=get_settings().question_digest_delay_s)
    pending = update(QuestionDigest).where(
        col(QuestionDigest.course_id) == course_id, col(QuestionDigest.due_at).is_(None)
    )
    session.exec(pending.values(due_at=due))  # type: ignore[call-overload]
    if session.exec(select(QuestionDigest.id).where(QuestionDigest.course_id == course_id)).first():
        return
    try:
        with session.begin_nested():  # a twin question in another worker may insert first
            session.add(QuestionDigest(course_id=course_id, due_at=due))
    except IntegrityError:
        pass  # the twin's row is due already


def _claim_digest(session: Session, digest_id: int) -> bool:
    """Clear a due digest's time; True only for the one caller whose UPDATE matched."""
    claimed = session.exec(  # type: ignore[call-overload]
        update(QuestionDigest)
        .where(
            col(QuestionDigest.id) == digest_id,
            col(QuestionDigest.due_at).is_not(None),
            col(QuestionDigest.due_at) <= utcnow(),
        )
        .values(due_at=None)
        .returning(col(QuestionDigest.id))
    ).first()
    return claimed is not None


def _claim_questions(session: Session, course_id: int) -> list[int]:
    """Mark the course's undigested questions as digested; the ids this call claimed."""
    rows = session.exec(  # type: ignore[call-overload]
        update(LessonQuestion)
        .where(
            col(LessonQuestion.course_id) == course_id,
            col(LessonQuestion.digested_at).is_(None),
        )
        .values(digested_at=utcnow())
        .returning(col(LessonQuestion.id))
    ).all()
    return [row[0] for row in rows]


def _items(session: Session, ids: list[int]) -> list[DigestItem]:
    """The visible claimed questions, oldest first, with their lesson titles."""
    query = (
        select(LessonQuestion.title, LessonQuestion.lesson_id, Lesson.title)
        .join(Lesson, col(Lesson.id) == LessonQuestion.lesson_id)
        .where(col(LessonQuestion.id).in_(ids), col(LessonQuestion.is_hidden).is_(False))
        .order_by(col(LessonQuestion.created_at), col(LessonQuestion.id))
    )
    return [
        DigestItem(title=title, lesson_id=lesson_id, lesson_title=lesson_title)
        for title, lesson_id, lesson_title in session.exec(query).all()
    ]


def _digest_for(session: Session, digest: QuestionDigest) -> Mail | None:
    """Claim one due digest and build its mail (None: another worker had it, or nothing new)."""
    assert digest.id is not None
    if not _claim_digest(session, digest.id):
        return None
    ids = _claim_questions(session, digest.course_id)
    course = session.get(Course, digest.course_id)
    teacher = session.get(User, course.instructor_id) if course else None
    items = _items(session, ids) if ids else []
    if course is None or teacher is None or not teacher.is_active or not items:
        return None
    return digest_mail(teacher.email, teacher.first_name, course.title, course.slug, items)


def send_due_digests(*, session: Session) -> list[Mail]:
    """Claim every digest that is due and build its mail; the caller sends after commit.

    A system job (the state after a question, and the periodic sweep), not a user's call:
    it takes no actor and reveals nothing to anyone but each course's instructor.

    Returns:
        One mail per course whose digest this call claimed and that had new questions.
    """
    due = session.exec(
        select(QuestionDigest)
        .where(col(QuestionDigest.due_at).is_not(None), col(QuestionDigest.due_at) <= utcnow())
        .order_by(col(QuestionDigest.due_at))
        .limit(MAX_DIGESTS_PER_SWEEP)
    ).all()
    mails = [_digest_for(session, digest) for digest in due]
    return [mail for mail in mails if mail is not None]
