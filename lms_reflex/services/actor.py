"""Who is acting: loaded fresh from the database for every call, never cached in state."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from lms_reflex.models import Role, User
from lms_reflex.services.errors import NotSignedIn, PermissionDenied


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
    """Refuse accounts whose email is not verified yet (SECURITY-CASES 6).

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
