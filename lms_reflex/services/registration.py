"""Sign-up and email verification: a new unverified student account and its mailed code.

The answers do not reveal who has an account: a taken email is answered like a new one,
and the resend limit counts requests, not accounts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from lms_reflex.models import OtpPurpose, Profile, Role, User, utcnow
from lms_reflex.services import otp
from lms_reflex.services.audit import last_event_at, record_event, record_failures
from lms_reflex.services.errors import InvalidInput, Throttled
from lms_reflex.services.passwords import check_password_rules, hash_password
from lms_reflex.services.throttles import throttle_signups
from lms_reflex.services.users import _find_user, _lookup_email, normalize_email

NAME_MAX_LENGTH = 80


@dataclass(frozen=True)
class SignupResult:
    """What the caller needs after sign-up: the normalised email and the code to mail.

    `code` is None when the email was already registered: the caller shows the same page
    and sends nothing, so sign-up does not reveal who has an account.
    """

    email: str
    code: str | None


def _clean_name(value: str, label: str) -> str:
    name = value.strip()
    if not name:
        raise InvalidInput(f"Please enter your {label}.")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(f"Your {label} can be at most {NAME_MAX_LENGTH} characters.")
    return name


def _create_user(session: Session, user: User) -> User | None:
    """Insert a new user and profile; None when the email was taken in the meantime."""
    try:
        with session.begin_nested():  # a racing sign-up hits UNIQUE; keep the transaction
            session.add(user)
            session.flush()
    except IntegrityError:
        return None
    assert user.id is not None
    session.add(Profile(user_id=user.id))
    session.flush()
    return user


def signup(
    *,
    session: Session,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    wants_to_teach: bool,
    ip: str,
) -> SignupResult:
    """Create an unverified student account and a sign-up code to mail.

    There is no role, is_active or verified parameter on purpose: every new account is an
    unverified student; wanting to teach only records a request for an admin to review.
    Slow (argon2): run it off the event loop.

    Returns:
        The normalised email and the code, or code=None when the email is taken.

    Raises:
        InvalidInput: for a bad name, email or password (with the reason).
        TryLater: past the sign-ups allowed from one address in an hour.
    """
    first, last = _clean_name(first_name, "first name"), _clean_name(last_name, "last name")
    email = normalize_email(email)
    check_password_rules(password)
    throttle_signups(session, ip=ip)
    # Hashed before the look-up, so a taken email answers as slowly as a new one.
    now, password_hash = utcnow(), hash_password(password)
    user = None
    if _find_user(session, email) is None:
        user = _create_user(
            session,
            User(
                email=email,
                first_name=first,
                last_name=last,
                password_hash=password_hash,
                role=Role.STUDENT,
                instructor_requested_at=now if wants_to_teach else None,
                created_at=now,
            ),
        )
    if user is None:
        record_event(session=session, action="signup_existing_email", subject=email, ip=ip)
        return SignupResult(email=email, code=None)
    code = otp.issue_code(session=session, email=email, purpose=OtpPurpose.SIGNUP)
    detail = {"wants_to_teach": wants_to_teach}
    record_event(
        session=session, action="signup", actor_id=user.id, subject=email, ip=ip, detail=detail
    )
    return SignupResult(email=email, code=code)


def verify_signup(*, session: Session, email: str, code: str, ip: str) -> int:
    """Mark the email verified when the sign-up code is right.

    Returns:
        The user id (the caller may sign the user in).

    Raises:
        InvalidInput: (otp.CodeRefused) wrong, expired, used or too many tries; an unknown
            email gets the same answer as a wrong code.
    """
    email = _lookup_email(email)
    with record_failures(session=session, action="signup_verify_failed", subject=email, ip=ip):
        otp.verify_code(session=session, email=email, purpose=OtpPurpose.SIGNUP, code=code)
        user = _find_user(session, email)
        if user is None or user.id is None:
            raise otp.CodeRefused(otp.WRONG)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        session.add(user)
    record_event(session=session, action="email_verified", actor_id=user.id, subject=email, ip=ip)
    return user.id


def resend_signup_code(*, session: Session, email: str) -> str | None:
    """A new sign-up code for an unverified account (the old one stops working).

    The once-a-minute limit is counted from requests, not accounts, so unknown emails are
    throttled the same way and the answer does not reveal who has an account.

    Returns:
        The code to mail, or None (send nothing) for unknown or already verified emails.

    Raises:
        Throttled: when asked again within a minute.
    """
    email = _lookup_email(email)
    last = last_event_at(session=session, actions=("signup_code_resend",), subject=email)
    wait = 0 if last is None else (otp.RESEND_INTERVAL - (utcnow() - last)).total_seconds()
    if wait > 0:
        raise Throttled(f"Please wait {math.ceil(wait)} seconds before asking for a new code.")
    record_event(session=session, action="signup_code_resend", subject=email)
    user = _find_user(session, email)
    if user is None or user.email_verified_at is not None or not user.is_active:
        return None
    return otp.issue_code(session=session, email=email, purpose=OtpPurpose.SIGNUP)
