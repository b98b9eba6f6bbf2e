"""Who is acting, and who may do what: the one home of the role and course-staff rules.

The Actor is loaded fresh from the database for every call, never cached in state, so a
role change or a deactivation counts from the user's next event (docs/security.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from lms_reflex.models import Course, Role, User
from lms_reflex.services.errors import NotFound, NotSignedIn, PermissionDenied

COURSE_NOT_FOUND = "We could not find that course."


@dataclass(frozen=True)
class Actor:
    """The signed-in user as services see them (no password hash, no secrets)."""

    id: int
    role: str
    is_verified: bool
    first_name: str
    last_name: str

    @property
    def is_admin(self) -> bool:
        """Admins may act on any course."""
        return self.role == Role.ADMIN

    @property
    def can_teach(self) -> bool:
        """Instructors and admins may build courses."""
        return self.role in (Role.INSTRUCTOR, Role.ADMIN)

    @classmethod
    def of(cls, user: User) -> Actor:
        """Build an Actor from a user row."""
        assert user.id is not None
        return cls(
            id=user.id,
            role=user.role,
            is_verified=user.email_verified_at is not None,
            first_name=user.first_name,
            last_name=user.last_name,
        )


def load_actor(session: Session, user_id: int | None) -> Actor | None:
    """The current Actor for `user_id`, or None when the user is gone or deactivated."""
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    return Actor.of(user)


def require_actor(actor: Actor | None) -> Actor:
    """Refuse anonymous callers.

    Raises:
        NotSignedIn: when nobody is signed in.
    """
    if actor is None:
        raise NotSignedIn()
    return actor


def require_verified(actor: Actor | None) -> Actor:
    """Refuse accounts whose email is not verified yet (docs/security.md case 6).

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the email is not verified.
    """
    actor = require_actor(actor)
    if not actor.is_verified:
        raise PermissionDenied("Please verify your email address first.")
    return actor


def require_role(actor: Actor | None, *roles: str) -> Actor:
    """Refuse callers without one of `roles` (admins pass every role check).

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the role does not fit or the email is unverified.
    """
    actor = require_verified(actor)
    if actor.role != Role.ADMIN and actor.role not in roles:
        raise PermissionDenied()
    return actor


def require_admin(actor: Actor | None) -> Actor:
    """Refuse everyone but a verified admin (every admin service starts here).

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified admin.
    """
    return require_role(actor, Role.ADMIN)


def is_course_staff(actor: Actor | None, instructor_id: int | None) -> bool:
    """Whether the actor counts as staff of a course taught by `instructor_id`.

    The one rule for drafts, analytics, the builder and private media: a verified admin,
    or the course's own instructor while they still hold the instructor role. A demoted
    instructor is a student again from their next call; a deactivated user has no Actor.
    """
    if actor is None or not actor.is_verified:
        return False
    if actor.is_admin:
        return True
    return actor.role == Role.INSTRUCTOR and actor.id == instructor_id


def staff_course(
    session: Session, actor: Actor | None, course_id: object, *, lock: bool = False
) -> Course:
    """The course if the actor counts as its staff (`is_course_staff`).

    `lock` takes a row lock on PostgreSQL (FOR UPDATE), so two edits of one course run one
    after the other.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a course the actor is not staff of (drafts of others are
            never revealed).
    """
    actor = require_role(actor, Role.INSTRUCTOR)
    course = None
    if isinstance(course_id, int) and not isinstance(course_id, bool):
        course = session.get(Course, course_id, with_for_update=True if lock else None)
    if course is None or not is_course_staff(actor, course.instructor_id):
        raise NotFound(COURSE_NOT_FOUND)
    return course
