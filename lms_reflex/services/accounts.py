"""Accounts: sign-up, email verification, sign-in, password recovery and the user's own data."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from lms_reflex import routes
from lms_reflex.models import (
    AuthSession,
    Course,
    EmailOtp,
    Enrollment,
    Lesson,
    LessonProgress,
    OtpPurpose,
    Profile,
    Review,
    Role,
    User,
    utcnow,
)
from lms_reflex.services import otp
from lms_reflex.services.audit import count_recent, last_event_at, record_event, record_failures
from lms_reflex.services.errors import Conflict, InvalidInput, NotSignedIn, Throttled
from lms_reflex.services.passwords import check_password_rules, hash_password, verify_password
from lms_reflex.services.sessions import revoke_all_sessions
from lms_reflex.services.users import normalize_email
from lms_reflex.settings import get_settings

NAME_MAX_LENGTH = 80
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 10
MAX_FAILURES_PER_IP = 50
BAD_LOGIN = "Email or password is incorrect."
LOGIN_THROTTLED = "Too many attempts. Try again in a few minutes or reset your password."
_RESET_LINK_MESSAGES = {
    otp.WRONG: "This reset link is not valid. Please ask for a new one.",
    otp.EXPIRED: "This reset link has expired. Please ask for a new one.",
    otp.USED: "This reset link has already been used. Please ask for a new one.",
    otp.TOO_MANY: "This reset link no longer works. Please ask for a new one.",
}


@dataclass(frozen=True)
class SignupResult:
    """What the caller needs after sign-up: the normalised email and the code to mail.

    `code` is None when the email was already registered: the caller shows the same page
    and sends nothing, so sign-up does not reveal who has an account.
    """

    email: str
    code: str | None


@dataclass(frozen=True)
class ResetMail:
    """A password-reset link to mail to `email`."""

    email: str
    link: str


def _lookup_email(email: str) -> str:
    """The normalised form for look-ups; malformed input becomes a key matching no account."""
    try:
        return normalize_email(email)
    except InvalidInput:
        return email.strip().lower()[:254]


def _find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def _active_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.id is None or not user.is_active:
        raise NotSignedIn()
    return user


def _clean_name(value: str, label: str) -> str:
    name = value.strip()
    if not name:
        raise InvalidInput(f"Please enter your {label}.")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(f"Your {label} can be at most {NAME_MAX_LENGTH} characters.")
    return name


def _require_password(user: User, password: str, message: str) -> None:
    ok, _ = verify_password(password, user.password_hash)
    if not ok:
        raise InvalidInput(message)


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
    """
    first, last = _clean_name(first_name, "first name"), _clean_name(last_name, "last name")
    email = normalize_email(email)
    check_password_rules(password)
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


def _check_login_throttle(session: Session, *, email: str, ip: str) -> None:
    """Refuse when this email or this IP failed too often in the last LOGIN_WINDOW.

    Failures before the last successful sign-in or password reset do not count, so the
    owner gets back in through a reset link (SECURITY-CASES 5).

    Raises:
        Throttled: with a message pointing to the password reset.
    """
    now = utcnow()
    since = now - LOGIN_WINDOW
    fresh = last_event_at(session=session, actions=("login_ok", "password_reset"), subject=email)
    by_email = count_recent(
        session=session, action="login_failed", subject=email, since=max(since, fresh or since)
    )
    by_ip = count_recent(session=session, action="login_failed", ip=ip, since=since) if ip else 0
    if by_email >= MAX_FAILURES_PER_EMAIL or by_ip >= MAX_FAILURES_PER_IP:
        record_event(session=session, action="login_throttled", subject=email, ip=ip)
        session.commit()  # the caller rolls back on errors; the trail must stay
        raise Throttled(LOGIN_THROTTLED)


def _check_credentials(session: Session, user: User | None, password: str) -> int:
    # Unknown emails are checked against a dummy hash, so both answers take as long.
    ok, new_hash = verify_password(password, user.password_hash if user else None)
    if not ok or user is None or user.id is None or not user.is_active:
        raise InvalidInput(BAD_LOGIN)
    if new_hash:  # parameters went up since this hash was made
        user.password_hash = new_hash
        session.add(user)
    return user.id


def login(*, session: Session, email: str, password: str, ip: str, user_agent: str) -> int:
    """Check an email and password. Unverified users may sign in; services limit them.

    Commits once before the slow hash check, so SQLite's write lock is not held meanwhile.

    Returns:
        The user id; the caller then issues a login ticket or session.

    Raises:
        InvalidInput: BAD_LOGIN for an unknown email, a wrong password or a deactivated
            account alike.
        Throttled: after too many failures for the email or from the IP.
    """
    email = _lookup_email(email)
    _check_login_throttle(session, email=email, ip=ip)
    user = _find_user(session, email)
    actor_id = user.id if user else None
    session.commit()
    with record_failures(
        session=session, action="login_failed", subject=email, ip=ip, actor_id=actor_id
    ):
        user_id = _check_credentials(session, user, password)
    detail = {"user_agent": user_agent[:200]}
    record_event(
        session=session, action="login_ok", actor_id=user_id, subject=email, ip=ip, detail=detail
    )
    return user_id


def request_password_reset(*, session: Session, email: str, ip: str) -> ResetMail | None:
    """A reset link to mail, built on LMS_BASE_URL (never the request's Host header).

    Never raises for unknown, deactivated or too-recent requests: it returns None and the
    caller shows the same message as when a mail goes out, so nobody learns who has an
    account.

    Returns:
        The link and address to mail, or None to send nothing.
    """
    email = _lookup_email(email)
    user = _find_user(session, email)
    if user is None or not user.is_active:
        detail = {"known": False}
        record_event(
            session=session,
            action="password_reset_requested",
            subject=email,
            ip=ip,
            detail=detail,
        )
        return None
    wait = otp.seconds_until_resend(session=session, email=email, purpose=OtpPurpose.RESET)
    if wait > 0:
        record_event(session=session, action="password_reset_throttled", subject=email, ip=ip)
        return None
    token = otp.issue_reset_token(session=session, email=email)
    record_event(
        session=session,
        action="password_reset_requested",
        actor_id=user.id,
        subject=email,
        ip=ip,
    )
    query = urlencode({"token": token, "email": email})
    return ResetMail(email=email, link=f"{get_settings().base_url}{routes.RESET}?{query}")


def _redeem_reset_token(session: Session, email: str, token: str) -> User:
    try:
        otp.verify_code(session=session, email=email, purpose=OtpPurpose.RESET, code=token)
    except otp.CodeRefused as exc:
        raise InvalidInput(_RESET_LINK_MESSAGES[exc.reason]) from None
    user = _find_user(session, email)
    if user is None or user.id is None or not user.is_active:
        raise InvalidInput(_RESET_LINK_MESSAGES[otp.WRONG])
    return user


def reset_password(*, session: Session, email: str, token: str, new_password: str, ip: str) -> int:
    """Set a new password from a reset link and end every session of the account.

    The link proves the mailbox, so an unverified email becomes verified too.

    Returns:
        The user id.

    Raises:
        InvalidInput: for a password that breaks the rules (the link stays usable), or a
            link that is not valid, expired or already used.
    """
    email = _lookup_email(email)
    check_password_rules(new_password)
    password_hash = hash_password(new_password)  # before any query: no lock held meanwhile
    with record_failures(session=session, action="password_reset_failed", subject=email, ip=ip):
        user = _redeem_reset_token(session, email, token)
    assert user.id is not None
    user.password_hash = password_hash
    user.email_verified_at = user.email_verified_at or utcnow()
    session.add(user)
    ended = revoke_all_sessions(session=session, user_id=user.id)
    record_event(
        session=session,
        action="password_reset",
        actor_id=user.id,
        subject=email,
        ip=ip,
        detail={"sessions_ended": ended},
    )
    return user.id


def change_password(
    *,
    session: Session,
    actor_id: int,
    current_password: str,
    new_password: str,
    keep_token: str | None,
    ip: str = "",
) -> None:
    """Change a password, proving the current one, and end the other sessions.

    Raises:
        NotSignedIn: when the account is gone or deactivated.
        InvalidInput: for a wrong current password or a new one that breaks the rules.
        Throttled: after MAX_FAILURES_PER_EMAIL wrong current passwords in LOGIN_WINDOW.
    """
    user = _active_user(session, actor_id)
    check_password_rules(new_password)
    since = utcnow() - LOGIN_WINDOW
    failed = count_recent(
        session=session, action="password_change_failed", subject=user.email, since=since
    )
    if failed >= MAX_FAILURES_PER_EMAIL:
        raise Throttled(LOGIN_THROTTLED)
    with record_failures(
        session=session,
        action="password_change_failed",
        subject=user.email,
        actor_id=actor_id,
        ip=ip,
    ):
        _require_password(user, current_password, "Your current password is not correct.")
    user.password_hash = hash_password(new_password)
    session.add(user)
    ended = revoke_all_sessions(session=session, user_id=actor_id, except_token=keep_token)
    record_event(
        session=session,
        action="password_changed",
        actor_id=actor_id,
        subject=user.email,
        ip=ip,
        detail={"sessions_ended": ended},
    )


def email_of(*, session: Session, actor_id: int) -> str:
    """The signed-in user's own email address (to mail them a notice).

    Raises:
        NotSignedIn: when the account is gone or deactivated.
    """
    return _active_user(session, actor_id).email


def _plain(row: Any, *fields: str, **renamed: str) -> dict[str, Any]:
    """Chosen attributes of a row as JSON-able values (dates as ISO strings)."""
    pairs = [(name, name) for name in fields] + list(renamed.items())
    out: dict[str, Any] = {}
    for key, attr in pairs:
        value = getattr(row, attr)
        out[key] = value.isoformat() if isinstance(value, datetime | date) else value
    return out


def _account_data(session: Session, user: User) -> dict[str, Any]:
    profile = session.exec(select(Profile).where(Profile.user_id == user.id)).first()
    account = _plain(user, "email", "first_name", "last_name", "role", "created_at")
    account |= _plain(user, "email_verified_at", "instructor_requested_at")
    account["profile"] = profile and _plain(
        profile, "bio", "gender", "date_of_birth", "contact_number", "avatar_key"
    )
    return account


def _learning_data(session: Session, user_id: int) -> dict[str, list[dict[str, Any]]]:
    enrollments = session.exec(
        select(Enrollment, Course)
        .join(Course, col(Course.id) == Enrollment.course_id)
        .where(Enrollment.user_id == user_id)
    ).all()
    progress = session.exec(
        select(LessonProgress, Lesson)
        .join(Lesson, col(Lesson.id) == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user_id)
    ).all()
    reviews = session.exec(
        select(Review, Course)
        .join(Course, col(Course.id) == Review.course_id)
        .where(Review.user_id == user_id)
    ).all()
    watched = ("position_s", "watched_s", "completed_at", "updated_at")
    return {
        "enrollments": [
            _plain(c, course="title", course_slug="slug")
            | _plain(e, "source", enrolled_at="created_at")
            for e, c in enrollments
        ],
        "progress": [
            _plain(le, lesson="title", lesson_id="id") | _plain(p, *watched) for p, le in progress
        ],
        "reviews": [
            _plain(c, course="title", course_slug="slug")
            | _plain(r, "rating", "body", "created_at", "updated_at")
            for r, c in reviews
        ],
    }


def export_my_data(*, session: Session, actor_id: int, ip: str = "") -> dict[str, Any]:
    """Everything the platform holds about the signed-in user, as JSON-able data.

    Raises:
        NotSignedIn: when the account is gone or deactivated.
    """
    user = _active_user(session, actor_id)
    data = {"account": _account_data(session, user), **_learning_data(session, actor_id)}
    record_event(
        session=session, action="data_exported", actor_id=actor_id, subject=user.email, ip=ip
    )
    return data


def _erase_user(session: Session, user: User) -> None:
    """Delete the user's rows; reviews stay, anonymised, so course ratings do not change."""
    uid = user.id
    session.exec(delete(AuthSession).where(col(AuthSession.user_id) == uid))
    session.exec(delete(LessonProgress).where(col(LessonProgress.user_id) == uid))
    session.exec(delete(Enrollment).where(col(Enrollment.user_id) == uid))
    session.exec(delete(Profile).where(col(Profile.user_id) == uid))
    session.exec(delete(EmailOtp).where(EmailOtp.email == user.email))
    session.exec(update(Review).where(col(Review.user_id) == uid).values(user_id=None))
    session.delete(user)
    session.flush()


def delete_account(*, session: Session, actor_id: int, password: str, ip: str = "") -> None:
    """Delete the signed-in user's account after they confirm their password.

    Raises:
        NotSignedIn: when the account is gone or deactivated.
        InvalidInput: for a wrong password.
        Conflict: while the user is the instructor of any course.
    """
    user = _active_user(session, actor_id)
    email = user.email
    with record_failures(
        session=session, action="account_delete_failed", subject=email, actor_id=actor_id, ip=ip
    ):
        _require_password(user, password, "Your password is not correct.")
        taught = session.exec(
            select(func.count()).select_from(Course).where(Course.instructor_id == actor_id)
        ).one()
        if taught:
            raise Conflict("Transfer or delete your courses first.")
    _erase_user(session, user)
    # actor_id would dangle once the row is gone; the id goes into subject and detail.
    record_event(
        session=session,
        action="account_deleted",
        subject=f"user:{actor_id}",
        ip=ip,
        detail={"user_id": actor_id},
    )
