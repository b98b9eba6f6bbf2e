"""Accounts made by an operator (CLI create-user, demo data); shared email rules and look-ups."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_reflex.models import Profile, Role, User, utcnow
from lms_reflex.services.accounts.passwords import check_password_rules, hash_password
from lms_reflex.services.errors import Conflict, InvalidInput

NAME_MAX_LENGTH = 80


def normalize_email(email: str) -> str:
    """The one stored form of an email, so "Ada@Example.COM " and "ada@example.com" match.

    Lower-casing the local part too is a choice: almost no mail server treats case there
    as meaningful, and two accounts differing only in case would confuse people.

    Raises:
        InvalidInput: when the address is not a valid email address.
    """
    try:
        info = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(f"Please enter a valid email address. {exc}", field="email") from None
    return info.normalized.lower()


def find_user_by_email(*, session: Session, email: str) -> User | None:
    """The user row for an email, or None (also for text that is not an email at all).

    Returns an ORM row for other services; it must not be handed to state as is.
    """
    try:
        normalized = normalize_email(email)
    except InvalidInput:
        return None
    return session.exec(select(User).where(User.email == normalized)).first()


def _lookup_email(email: str) -> str:
    """The normalised form for look-ups; malformed input becomes a key matching no account."""
    try:
        return normalize_email(email)
    except InvalidInput:
        return email.strip().lower()[:254]


def _find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def _check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InvalidInput(f"Role must be one of: {allowed}.") from None


def _check_name(value: str, label: str) -> str:
    value = value.strip()
    if len(value) > NAME_MAX_LENGTH:
        raise InvalidInput(f"The {label} can have at most {NAME_MAX_LENGTH} characters.")
    return value


def create_user(
    *,
    session: Session,
    email: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    verified: bool = True,
) -> int:
    """Create an account with its profile, for operators (not the public sign-up flow).

    Hashing is slow on purpose: call this off the event loop.

    Args:
        session: the open session; the caller commits.
        email: any spelling of the address; it is stored normalised.
        password: checked against the password rules, stored only as an argon2id hash.
        role: student, instructor or admin.
        first_name: optional given name.
        last_name: optional family name.
        verified: mark the email as verified now (operators vouch for it).

    Returns:
        The new user's id.

    Raises:
        InvalidInput: for a bad email, role, name or password.
        Conflict: when an account with this email exists.
    """
    normalized = normalize_email(email)
    checked_role = _check_role(role)
    first, last = _check_name(first_name, "first name"), _check_name(last_name, "last name")
    check_password_rules(password)
    if find_user_by_email(session=session, email=normalized) is not None:
        raise Conflict("An account with this email already exists.")
    user = User(
        email=normalized,
        first_name=first,
        last_name=last,
        password_hash=hash_password(password),
        role=checked_role.value,
        email_verified_at=utcnow() if verified else None,
    )
    try:
        with session.begin_nested():  # a concurrent insert loses only this savepoint
            session.add(user)
            session.flush()
            assert user.id is not None  # the flush gave it one
            session.add(Profile(user_id=user.id))
            session.flush()
    except IntegrityError:
        raise Conflict("An account with this email already exists.") from None
    assert user.id is not None
    return user.id
