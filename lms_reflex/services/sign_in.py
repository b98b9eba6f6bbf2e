"""Sign-in with email and password, and the throttle on failed attempts.

Unknown emails, wrong passwords and deactivated accounts get the same answer; too many
failures for an email or from an IP within LOGIN_WINDOW are refused (SECURITY-CASES 5).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from lms_reflex.models import User, utcnow
from lms_reflex.services.audit import count_recent, last_event_at, record_event, record_failures
from lms_reflex.services.errors import InvalidInput, Throttled
from lms_reflex.services.passwords import verify_password
from lms_reflex.services.registration import attempt_of
from lms_reflex.services.users import _find_user, _lookup_email

LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 10
MAX_FAILURES_PER_IP = 50
BAD_LOGIN = "Email or password is incorrect."
LOGIN_THROTTLED = "Too many attempts. Try again in a few minutes or reset your password."
VERIFY_FIRST = "Please confirm your email address first: enter the code we mail you."


class VerifyEmailFirst(InvalidInput):
    """The password is right but the email is not verified: no session until it is.

    An unverified account is only a claim on an address (docs/security.md, "Account
    pre-hijacking"); the caller sends a code and opens the code page instead. Only someone
    who knows the password gets this answer, so it reveals nothing to others. `email` is
    the normalised address; `attempt` names the password that was checked (see
    registration.attempt_of).
    """

    def __init__(self, email: str, attempt: str) -> None:
        super().__init__(VERIFY_FIRST)
        self.email, self.attempt = email, attempt


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
    if user.email_verified_at is None:
        raise VerifyEmailFirst(user.email, attempt_of(user.password_hash))
    if new_hash:  # parameters went up since this hash was made
        user.password_hash = new_hash
        session.add(user)
    return user.id


def login(*, session: Session, email: str, password: str, ip: str, user_agent: str) -> int:
    """Check an email and password. Unverified accounts get no session (VerifyEmailFirst).

    Commits once before the slow hash check, so SQLite's write lock is not held meanwhile.

    Returns:
        The user id; the caller then issues a login ticket or session.

    Raises:
        InvalidInput: BAD_LOGIN for an unknown email, a wrong password or a deactivated
            account alike; VerifyEmailFirst for the right password of an unverified one.
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
