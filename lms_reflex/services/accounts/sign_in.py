"""Sign-in with email and password, and the throttle on failed attempts.

Unknown emails, wrong passwords and deactivated accounts get the same answer. Repeated
failures for an email or from an address slow further tries down (growing delays in
services/accounts/throttles.py) rather than lock the account (docs/security.md).
"""

from __future__ import annotations

from sqlmodel import Session

from lms_reflex.models import User
from lms_reflex.services.accounts.passwords import verify_password
from lms_reflex.services.accounts.registration import attempt_of
from lms_reflex.services.accounts.throttles import TryLater, check_password_guess
from lms_reflex.services.accounts.users import _find_user, _lookup_email
from lms_reflex.services.audit import record_event, record_failures
from lms_reflex.services.errors import InvalidInput

BAD_LOGIN = "Email or password is incorrect."
RESET_HINT = " You can also reset your password."
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
    """Refuse a try that comes too soon after repeated failures for this email or address.

    Failures before the last successful sign-in or password reset do not count for the
    email, so the owner gets back in through a reset link (docs/security.md case 5).

    Raises:
        TryLater: saying when to try again, the same for known and unknown emails.
    """
    try:
        check_password_guess(
            session,
            action="login_failed",
            subject=email,
            ip=ip,
            fresh_after=("login_ok", "password_reset"),
        )
    except TryLater as exc:
        record_event(session=session, action="login_throttled", subject=email, ip=ip)
        session.commit()  # the caller rolls back on errors; the trail must stay
        raise TryLater(exc.message + RESET_HINT, exc.retry_after_s) from None


def _check_credentials(session: Session, user: User | None, password: str) -> int:
    # Unknown emails are checked against a dummy hash, so both answers take as long.
    ok, new_hash = verify_password(password, user.password_hash if user else None)
    if not ok or user is None or user.id is None or not user.is_active:
        raise InvalidInput(BAD_LOGIN, field="password")
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
        TryLater: too soon after repeated failures for the email or from the address.
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
