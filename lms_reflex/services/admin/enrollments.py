"""Enrollments an admin makes or removes by hand (courses paid by bank transfer, mistakes)."""

from __future__ import annotations

from sqlmodel import Session

from lms_reflex.models import (
    Course,
    CourseStatus,
    EnrollmentSource,
    User,
)
from lms_reflex.services.actor import Actor, require_admin
from lms_reflex.services.audit import record_event
from lms_reflex.services.errors import InvalidInput, NotFound
from lms_reflex.services.learning.enrollment import (
    EnrollmentResult,
    RemovalResult,
    _delete_enrollment,
    _insert_enrollment,
)


def _admin_targets(
    session: Session, actor: Actor | None, user_id: int, course_id: int
) -> tuple[Actor, User, Course]:
    """The admin, the student and the course of an admin enrollment call.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: when the actor is not an admin.
        NotFound: unknown user or course.
    """
    admin = require_admin(actor)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("We could not find that user.")
    course = session.get(Course, course_id)
    if course is None:
        raise NotFound("We could not find that course.")
    return admin, user, course


def admin_enroll(
    *, session: Session, actor: Actor | None, user_id: int, course_id: int
) -> EnrollmentResult:
    """Enroll a user on an admin's say-so, priced courses included (bank transfers).

    Args:
        session: The open session; the caller commits.
        actor: The signed-in admin.
        user_id: The student to enroll.
        course_id: The course, free or priced, published or archived.

    Returns:
        The course's slug and title, and whether this call created the enrollment.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: when the actor is not an admin.
        NotFound: unknown user or course.
        InvalidInput: a draft course, a deactivated account, or the course's own instructor.
    """
    admin, user, course = _admin_targets(session, actor, user_id, course_id)
    assert user.id is not None and course.id is not None
    if course.status == CourseStatus.DRAFT:
        raise InvalidInput("Publish the course before enrolling students.")
    if not user.is_active:
        raise InvalidInput("That account is deactivated.")
    if course.instructor_id == user.id:
        raise InvalidInput("That user teaches this course.")
    created = _insert_enrollment(session, user.id, course.id, EnrollmentSource.ADMIN)
    if created:
        detail = {"course_id": course.id, "user_id": user.id}
        record_event(session=session, action="admin_enroll", actor_id=admin.id, detail=detail)
    return EnrollmentResult(course.id, course.slug, course.title, created=created)


def admin_remove_enrollment(
    *, session: Session, actor: Actor | None, user_id: int, course_id: int
) -> RemovalResult:
    """Remove anyone's enrollment (a refund, a mistake). Progress rows are kept.

    Args:
        session: The open session; the caller commits.
        actor: The signed-in admin.
        user_id: The student to remove.
        course_id: The course.

    Returns:
        The course's slug and title, and whether an enrollment was removed.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: when the actor is not an admin.
        NotFound: unknown user or course.
    """
    admin, user, course = _admin_targets(session, actor, user_id, course_id)
    assert user.id is not None and course.id is not None
    removed = _delete_enrollment(session, user.id, course.id)
    if removed:
        detail = {"course_id": course.id, "user_id": user.id}
        record_event(session=session, action="admin_unenroll", actor_id=admin.id, detail=detail)
    return RemovalResult(course.slug, course.title, removed=removed)
