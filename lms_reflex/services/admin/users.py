"""Admin user management: the user list, roles, instructor requests and deactivation.

Every function is for admins only and leaves an audit event with before/after values.
Roles are never cached in a session or a state var, so a demoted or deactivated user's
next event is refused (docs/security.md case 18); deactivation also revokes every session at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from lms_reflex.mail.admin_messages import instructor_approved_mail, instructor_rejected_mail
from lms_reflex.mail.message import Mail, signup_code_mail
from lms_reflex.models import Course, Enrollment, OtpPurpose, Role, User
from lms_reflex.services import formatting as fmt
from lms_reflex.services.accounts import otp
from lms_reflex.services.accounts.api_revocation import end_api_access
from lms_reflex.services.accounts.sessions import revoke_all_sessions
from lms_reflex.services.actor import Actor, require_admin
from lms_reflex.services.admin.listing import Page, read_page, search_text
from lms_reflex.services.audit import record_event
from lms_reflex.services.errors import InvalidInput, NotFound
from lms_reflex.services.text import contains_pattern

MAX_REASON_LEN = 1000
LAST_ADMIN = "This is the last active admin; make someone else an admin first."


@dataclass(frozen=True)
class AdminUserRow:
    """A line of the admin user list (emails are shown to admins only).

    `courses_count` is the courses a student is enrolled in, or the courses an
    instructor or admin teaches.
    """

    id: int
    name: str
    email: str
    role: str
    verified: bool
    active: bool
    joined_label: str
    courses_count: int
    instructor_requested: bool


UserPage = Page[AdminUserRow]


@dataclass(frozen=True)
class UserChange:
    """A user's role and status after an admin action."""

    user_id: int
    role: str
    active: bool
    sessions_revoked: int = 0


def _user(session: Session, user_id: object) -> User:
    """The user row, or NotFound (also for ids that are not integers)."""
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.id is None:
        raise NotFound("We could not find that user.")
    return user


def _audit(session: Session, admin: Actor, action: str, user: User, **detail: Any) -> None:
    record_event(
        session=session,
        action=action,
        actor_id=admin.id,
        subject=str(user.id),
        detail={"user_id": user.id, **detail},
    )


def _filters(query: str, role: str | None) -> list[Any]:
    """WHERE clauses for the search box and the role picker.

    Raises:
        InvalidInput: an unknown role or a search text that is too long.
    """
    clauses: list[Any] = []
    if role:
        if role not in set(Role):
            raise InvalidInput("Please choose student, instructor or admin.")
        clauses.append(col(User.role) == role)
    text = search_text(query)
    if text:
        pattern = contains_pattern(text)
        name = func.lower(col(User.first_name) + " " + col(User.last_name))
        clauses.append(
            or_(
                func.lower(col(User.email)).like(pattern, escape="\\"),
                name.like(pattern, escape="\\"),
            )
        )
    return clauses


def _courses_counts() -> tuple[Any, Any]:
    """Courses taught (instructors, admins) or enrolled in (students), as a scalar subquery."""
    taught = (
        select(func.count(col(Course.id)))
        .where(col(Course.instructor_id) == col(User.id))
        .scalar_subquery()
    )
    enrolled = (
        select(func.count(col(Enrollment.id)))
        .where(col(Enrollment.user_id) == col(User.id))
        .scalar_subquery()
    )
    return taught, enrolled


def _row(user: User, taught: int, enrolled: int) -> AdminUserRow:
    assert user.id is not None
    return AdminUserRow(
        id=user.id,
        name=user.full_name,
        email=user.email,
        role=user.role,
        verified=user.email_verified_at is not None,
        active=user.is_active,
        joined_label=fmt.day_label(user.created_at),
        courses_count=int(enrolled if user.role == Role.STUDENT else taught),
        instructor_requested=user.instructor_requested_at is not None,
    )


def list_users(
    *,
    session: Session,
    actor: Actor | None,
    query: str = "",
    role: str | None = None,
    page: int = 1,
    page_size: int = 25,
    asks_to_teach: bool = False,
) -> UserPage:
    """A page of users, newest first, in two statements whatever the page size.

    Args:
        session: The open session (read only).
        actor: The signed-in admin.
        query: Text found in the email or the full name (case-insensitive, literal).
        role: Only users with this role, or None for all.
        page: 1-based page number (clamped to 1..1000).
        page_size: Users per page (clamped to 1..100).
        asks_to_teach: Only users with a pending request to teach.

    Returns:
        The rows, the number of matching users and the page count.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        InvalidInput: an unknown role or a search text over 200 characters.
    """
    require_admin(actor)
    clauses = _filters(query, role)
    if asks_to_teach is True:
        clauses.append(col(User.instructor_requested_at).is_not(None))
    taught, enrolled = _courses_counts()
    return read_page(
        session,
        id_column=col(User.id),
        clauses=clauses,
        rows_query=select(User, taught, enrolled)
        .where(*clauses)
        .order_by(col(User.created_at).desc(), col(User.id).desc()),
        to_rows=lambda results: [_row(user, t, e) for user, t, e in results],
        page=page,
        page_size=page_size,
    )


def _active_admin_ids(session: Session) -> list[int]:
    """Ids of active admins, locked (PostgreSQL) so two demotions cannot race past the guard."""
    query = select(User.id).where(col(User.role) == Role.ADMIN, col(User.is_active).is_(True))
    return [uid for uid in session.exec(query.with_for_update()).all() if uid is not None]


def _keep_an_admin(session: Session, admin: Actor, user: User) -> None:
    """Refuse to take the admin role (or the account) from oneself or the last active admin.

    Raises:
        InvalidInput: for the actor's own account or the last active admin.
    """
    if user.id == admin.id:
        raise InvalidInput("You cannot remove your own admin rights or deactivate yourself.")
    if user.role == Role.ADMIN and user.is_active:
        others = [uid for uid in _active_admin_ids(session) if uid != user.id]
        if not others:
            raise InvalidInput(LAST_ADMIN)


def change_role(*, session: Session, actor: Actor | None, user_id: int, role: str) -> UserChange:
    """Make a user a student, an instructor or an admin.

    A pending instructor request is settled by any change to instructor or admin.

    Args:
        session: The open session; the caller commits.
        actor: The signed-in admin.
        user_id: The user whose role changes.
        role: "student", "instructor" or "admin".

    Returns:
        The user's new role and status.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        NotFound: unknown user.
        InvalidInput: an unknown role, demoting oneself or the last active admin, or a
            promotion to admin (that needs a password: user_changes.promote_to_admin).
    """
    admin = require_admin(actor)
    if not isinstance(role, str) or role not in set(Role):
        raise InvalidInput("Please choose student, instructor or admin.")
    user = _user(session, user_id)
    before = user.role
    if role == Role.ADMIN and before != Role.ADMIN:
        raise InvalidInput("Promoting to admin needs your password.")
    if before == Role.ADMIN and role != Role.ADMIN:
        _keep_an_admin(session, admin, user)
    user.role = role
    if role != Role.STUDENT:
        user.instructor_requested_at = None
    session.add(user)
    session.flush()
    end_api_access(session=session, user_id=user.id or 0)  # tokens carry the old role
    _audit(session, admin, "admin_role_changed", user, before=before, after=role)
    return UserChange(user.id or 0, user.role, user.is_active)


def _pending_request(session: Session, user_id: int) -> User:
    """The user, if they asked to teach and have not been answered.

    Raises:
        NotFound: unknown user.
        InvalidInput: no pending request.
    """
    user = _user(session, user_id)
    if user.instructor_requested_at is None:
        raise InvalidInput("This user has no pending request to teach.")
    return user


def approve_instructor_request(*, session: Session, actor: Actor | None, user_id: int) -> Mail:
    """Make a user who asked to teach an instructor.

    Args:
        session: The open session; the caller commits, then sends the mail.
        actor: The signed-in admin.
        user_id: The user who asked.

    Returns:
        The mail telling the user, for the caller to send after committing.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        NotFound: unknown user.
        InvalidInput: no pending request, or a deactivated account.
    """
    admin = require_admin(actor)
    user = _pending_request(session, user_id)
    if not user.is_active:
        raise InvalidInput("That account is deactivated.")
    before = user.role
    if user.role == Role.STUDENT:
        user.role = Role.INSTRUCTOR
    user.instructor_requested_at = None
    session.add(user)
    session.flush()
    end_api_access(session=session, user_id=user.id or 0)  # tokens carry the old role
    _audit(session, admin, "instructor_request_approved", user, before=before, after=user.role)
    return instructor_approved_mail(user.email, user.first_name)


def reject_instructor_request(
    *, session: Session, actor: Actor | None, user_id: int, reason: str = ""
) -> Mail:
    """Turn down a request to teach; the user stays a student and may ask again.

    Takes and returns what `approve_instructor_request` does, plus `reason`: an optional
    sentence for the user (at most 1000 characters), stripped.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: as `approve_instructor_request`.
        InvalidInput: no pending request, or a reason that is too long.
    """
    admin = require_admin(actor)
    reason = reason.strip() if isinstance(reason, str) else ""
    if len(reason) > MAX_REASON_LEN:
        raise InvalidInput("Please keep the reason under 1000 characters.")
    user = _pending_request(session, user_id)
    user.instructor_requested_at = None
    session.add(user)
    session.flush()
    _audit(session, admin, "instructor_request_rejected", user, role=user.role, reason=reason)
    return instructor_rejected_mail(user.email, user.first_name, reason)


def deactivate_user(*, session: Session, actor: Actor | None, user_id: int) -> UserChange:
    """Block an account and end every session it has, at once (docs/security.md case 18).

    Args:
        session: The open session; the caller commits.
        actor: The signed-in admin.
        user_id: The account to block.

    Returns:
        The user's status and how many sessions were ended.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        NotFound: unknown user.
        InvalidInput: the actor's own account, or the last active admin.
    """
    admin = require_admin(actor)
    user = _user(session, user_id)
    _keep_an_admin(session, admin, user)
    before = user.is_active
    user.is_active = False
    session.add(user)
    session.flush()
    revoked = revoke_all_sessions(session=session, user_id=user.id or 0)
    _audit(session, admin, "user_deactivated", user, before=before, after=False, sessions=revoked)
    return UserChange(user.id or 0, user.role, False, revoked)


def reactivate_user(*, session: Session, actor: Actor | None, user_id: int) -> UserChange:
    """Let a deactivated account sign in again (old sessions stay ended).

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        NotFound: unknown user.
    """
    admin = require_admin(actor)
    user = _user(session, user_id)
    before = user.is_active
    user.is_active = True
    session.add(user)
    session.flush()
    _audit(session, admin, "user_reactivated", user, before=before, after=True)
    return UserChange(user.id or 0, user.role, True)


def resend_verification(*, session: Session, actor: Actor | None, user_id: int) -> Mail | None:
    """A fresh sign-up code mail for a user who has not verified their email yet.

    The code is only in the returned mail; the audit event never holds it.

    Returns:
        The mail to send after committing, or None for verified or deactivated users.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        NotFound: unknown user.
        Throttled: a code was issued for this email less than a minute ago.
    """
    admin = require_admin(actor)
    user = _user(session, user_id)
    if user.email_verified_at is not None or not user.is_active:
        return None
    code = otp.issue_code(session=session, email=user.email, purpose=OtpPurpose.SIGNUP)
    _audit(session, admin, "admin_resent_verification", user)
    return signup_code_mail(user.email, code)
