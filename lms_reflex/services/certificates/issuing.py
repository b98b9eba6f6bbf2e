"""Issuing certificates: once per student and course when the course is complete.

Issuing runs inside the progress write that completed the course (services/learning/
progress.py), in a SAVEPOINT: the partial unique index uq_certificate_current turns a
second tab, a second worker or a repeated event into an IntegrityError, which means a twin
got there first (docs/security.md case 57).
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from lms_reflex.mail.certificate_messages import certificate_issued_mail
from lms_reflex.models import Certificate, Course, Enrollment, Lesson, Section, User
from lms_reflex.services.certificates.codes import new_code
from lms_reflex.services.certificates.views import Issued
from lms_reflex.services.learning.course_counts import is_course_complete

NAME_LIMIT = 161


def current_certificate(session: Session, user_id: int, course_id: int) -> Certificate | None:
    """The student's current (not replaced) certificate for a course, revoked or not."""
    return session.exec(
        select(Certificate).where(
            Certificate.user_id == user_id,
            Certificate.course_id == course_id,
            col(Certificate.replaced_by).is_(None),
        )
    ).first()


def _video_seconds(session: Session, course_id: int) -> int:
    total = session.exec(
        select(func.coalesce(func.sum(Lesson.duration_s), 0))
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .where(Section.course_id == course_id)
    ).one()
    return int(total)


def _snapshot(session: Session, user: User, course: Course, code: str) -> Certificate:
    """A new certificate row with the facts printed on it, as they are now."""
    instructor = session.get(User, course.instructor_id)
    assert user.id is not None and course.id is not None
    return Certificate(
        code=code,
        user_id=user.id,
        course_id=course.id,
        printed_name=user.full_name[:NAME_LIMIT],
        course_title=course.title,
        instructor_name=instructor.full_name[:NAME_LIMIT] if instructor else "",
        video_seconds=_video_seconds(session, course.id),
    )


def _insert_once(session: Session, row: Certificate) -> bool:
    """Insert in a SAVEPOINT; False when the unique index says a twin was first."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False  # the savepoint's rollback also dropped `row` from the session
    return True


def _is_enrolled(session: Session, user_id: int, course_id: int) -> bool:
    query = select(Enrollment.id).where(
        Enrollment.user_id == user_id, Enrollment.course_id == course_id
    )
    found = session.exec(query).first()
    return found is not None


def issue_on_completion(*, session: Session, user_id: int, course_id: int) -> Issued | None:
    """Issue the student's certificate if the course is complete and has none yet.

    Not an entry point for state: it trusts no caller and checks everything itself (an
    active, verified, enrolled student; the course's switch; every lesson complete), so
    calling it again, or from two threads at once, issues at most one certificate.

    Args:
        session: The open session of the progress write; the caller commits.
        user_id: The student whose progress just changed.
        course_id: The course of the lesson they completed.

    Returns:
        The new certificate's code and its mail, or None when nothing was issued.
    """
    if current_certificate(session, user_id, course_id) is not None:
        return None
    user, course = session.get(User, user_id), session.get(Course, course_id)
    if user is None or course is None or not course.certificate_on_completion:
        return None
    if not user.is_active or user.email_verified_at is None:
        return None
    if not _is_enrolled(session, user_id, course_id):
        return None
    if not is_course_complete(session, user_id, course_id):
        return None
    row = _snapshot(session, user, course, new_code())
    if not _insert_once(session, row):
        return None
    mail = certificate_issued_mail(user.email, user.first_name, course.title, row.code)
    return Issued(code=row.code, mail=mail)


def replace_certificate(session: Session, old: Certificate, user: User, course: Course) -> str:
    """Give `old`'s holder a new certificate with today's name; `old` points at it.

    The old row leaves the unique index first (replaced_by is set only where it is still
    NULL, so of two racing reissues one finds nothing to replace). It keeps its issue date,
    which the new one copies: the student finished the course then.

    Returns:
        The new code, or "" when another reissue got there first.
    """
    code = new_code()
    moved = session.exec(
        select(Certificate)
        .where(Certificate.id == old.id, col(Certificate.replaced_by).is_(None))
        .with_for_update()
    ).first()
    if moved is None:
        return ""
    moved.replaced_by = code
    session.add(moved)
    session.flush()
    row = _snapshot(session, user, course, code)
    row.issued_at = old.issued_at
    return code if _insert_once(session, row) else ""
