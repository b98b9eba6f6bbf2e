"""What an admin's change to a user will do, said before it happens, and promotion to admin.

The admin users page asks before a role change or a deactivation (issue 17): the dialog
names the user and the effect ("Ends 2 active sessions"), counted here. Promotion to admin
gives full control of the site, so it needs the acting admin's password, checked here on
every call (change_role refuses it), throttled like every other password check.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from lms_reflex.models import AuthSession, Role, User, utcnow
from lms_reflex.services.accounts.api_revocation import end_api_access
from lms_reflex.services.accounts.passwords import verify_password
from lms_reflex.services.accounts.throttles import check_password_guess
from lms_reflex.services.actor import Actor, require_admin
from lms_reflex.services.admin.users import UserChange, _audit, _user
from lms_reflex.services.audit import record_failures
from lms_reflex.services.errors import InvalidInput

PROMOTE_FAILED = "admin_promote_failed"
SELF_CHANGE = "You cannot remove your own admin rights or deactivate yourself."


@dataclass(frozen=True)
class PendingChange:
    """The user an admin is about to change, and the change's effect in one sentence."""

    user_id: int
    name: str
    role: str
    effect: str
    needs_password: bool = False


def active_sessions(session: Session, user_id: int) -> int:
    """Sessions of a user that still let them in (not revoked, not expired)."""
    query = select(func.count(col(AuthSession.id))).where(
        col(AuthSession.user_id) == user_id,
        col(AuthSession.revoked_at).is_(None),
        col(AuthSession.expires_at) > utcnow(),
    )
    return int(session.exec(query).one())


def _sessions_text(count: int) -> str:
    if count == 0:
        return "No session is open."
    return f"Ends {count} active session{'' if count == 1 else 's'}."


def _role_effect(user: User, role: str) -> str:
    if role == Role.ADMIN:
        return "Gives full control of every user, course and setting."
    if role == Role.INSTRUCTOR:
        if user.role == Role.ADMIN:
            return "Takes away the admin rights; they can still teach."
        return "Lets them create and publish courses."
    return f"Takes away the {user.role} rights at their next click."


def role_change_preview(
    *, session: Session, actor: Actor | None, user_id: int, role: str
) -> PendingChange:
    """Who is about to get `role`, and what it changes.

    Raises:
        NotSignedIn, PermissionDenied: anyone but an admin.
        NotFound: unknown user.
        InvalidInput: an unknown role, or the role the user already has.
    """
    actor = require_admin(actor)
    if not isinstance(role, str) or role not in set(Role):
        raise InvalidInput("Please choose student, instructor or admin.")
    user = _user(session, user_id)
    if user.role == role:
        raise InvalidInput(f"{user.full_name} is already a {role}.")
    if user.id == actor.id:
        raise InvalidInput(SELF_CHANGE)
    return PendingChange(
        user.id or 0, user.full_name, role, _role_effect(user, role), role == Role.ADMIN
    )


def deactivation_preview(*, session: Session, actor: Actor | None, user_id: int) -> PendingChange:
    """Who is about to be deactivated, and how many open sessions that ends.

    Raises:
        NotSignedIn, PermissionDenied: anyone but an admin.
        NotFound: unknown user.
        InvalidInput: the account is already deactivated.
    """
    actor = require_admin(actor)
    user = _user(session, user_id)
    if not user.is_active:
        raise InvalidInput(f"{user.full_name} is already deactivated.")
    if user.id == actor.id:
        raise InvalidInput(SELF_CHANGE)
    count = active_sessions(session, user.id or 0)
    effect = f"They cannot sign in until reactivated. {_sessions_text(count)}"
    return PendingChange(user.id or 0, user.full_name, user.role, effect)


def promote_to_admin(
    *, session: Session, actor: Actor | None, user_id: int, password: str, ip: str = ""
) -> UserChange:
    """Make a user an admin once the acting admin proves their password.

    The check runs in the caller's hashing pool (db.call_hashing_service); failures are
    recorded and throttled with a growing delay, like sign-in.

    Raises:
        NotSignedIn, PermissionDenied: anyone but an admin.
        NotFound: unknown user.
        InvalidInput: a wrong password, or a deactivated account.
        TryLater: too soon after repeated wrong passwords.
    """
    admin = require_admin(actor)
    me = _user(session, admin.id)
    check_password_guess(session, action=PROMOTE_FAILED, subject=me.email, ip=ip)
    with record_failures(
        session=session, action=PROMOTE_FAILED, subject=me.email, actor_id=admin.id, ip=ip
    ):
        ok, _ = verify_password(password if isinstance(password, str) else "", me.password_hash)
        if not ok:
            raise InvalidInput("Your password is not correct.")
    user = _user(session, user_id)
    if not user.is_active:
        raise InvalidInput("That account is deactivated; reactivate it first.")
    before = user.role
    user.role, user.instructor_requested_at = Role.ADMIN, None
    session.add(user)
    session.flush()
    end_api_access(session=session, user_id=user.id or 0)  # tokens carry the old role
    _audit(session, admin, "admin_role_changed", user, before=before, after=Role.ADMIN)
    return UserChange(user.id or 0, user.role, user.is_active)
