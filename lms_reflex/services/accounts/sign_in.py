"""Sign-in with email and password, and the throttle on failed attempts.

Unknown emails, wrong passwords and deactivated accounts get the same answer. Repeated
failures for an email or from an address slow further tries down (growing delays in
services/accounts/throttles.py) rather than lock the account (docs/security.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

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


@dataclass(frozen=True)
class LoginAttempt:
    """The account as read before the slow hash check; `finish_login` reads it again.

    Carries the stored hash from the reads to the hashing thread and back; the state only
    passes it along, and its repr leaves the hash out.
    """

    email: str
    user_id: int | None
    password_hash: str | None = field(repr=False)


def start_login(*, session: Session, email: str, ip: str) -> LoginAttempt:
    """The throttle and the account, read before the hash check.

    Raises:
        TryLater: too soon after repeated failures for the email or from the address.
    """
    email = _lookup_email(email)
    _check_login_throttle(session, email=email, ip=ip)
    user = _find_user(session, email)
    if user is None:
        return LoginAttempt(email, None, None)
    return LoginAttempt(email, user.id, user.password_hash)


def check_password(attempt: LoginAttempt, password: str) -> tuple[bool, str | None]:
    """The argon2 check alone, without the database: all the hashing thread has to do.

    Unknown emails are checked against a dummy hash, so both answers take as long.
    Returns (ok, a new hash when the parameters went up since this one was made).
    """
    return verify_password(password, attempt.password_hash)


def finish_login(
    *,
    session: Session,
    attempt: LoginAttempt,
    verdict: tuple[bool, str | None],
    ip: str,
    user_agent: str,
) -> int:
    """Record the check's outcome; the account is read again, so a change meanwhile counts.

    A password changed or an account deactivated while the hash was checked refuses the
    sign-in. One read for known and unknown emails alike (docs/security.md, enumeration).

    Returns:
        The user id; the caller then issues a login ticket or session.

    Raises:
        InvalidInput: BAD_LOGIN; VerifyEmailFirst for the right password of an unverified
            account.
    """
    now = select(User).where(User.id == (attempt.user_id or 0))
    user = session.exec(now.execution_options(populate_existing=True)).first()
    with record_failures(
        session=session, action="login_failed", subject=attempt.email, ip=ip,
        actor_id=attempt.user_id,
    ):  # fmt: skip
        user_id = _judge(session, user, attempt, verdict)
    detail = {"user_agent": user_agent[:200]}
    record_event(
        session=session, action="login_ok", actor_id=user_id, subject=attempt.email, ip=ip,
        detail=detail,
    )  # fmt: skip
    return user_id


def _judge(
    session: Session, user: User | None, attempt: LoginAttempt, verdict: tuple[bool, str | None]
) -> int:
    ok, new_hash = verdict
    if not ok or user is None or user.id is None or not user.is_active:
        raise InvalidInput(BAD_LOGIN, field="password")
    if user.password_hash != attempt.password_hash:  # changed during the check
        raise InvalidInput(BAD_LOGIN, field="password")
    if user.email_verified_at is None:
        raise VerifyEmailFirst(user.email, attempt_of(user.password_hash))
    if new_hash:  # parameters went up since this hash was made
        user.password_hash = new_hash
        session.add(user)
    return user.id


def login(*, session: Session, email: str, password: str, ip: str, user_agent: str) -> int:
    """Check an email and password in one call. Unverified accounts get no session.

    The three steps on one thread, for the API's token endpoint and scripts; the sign-in
    page runs them apart, so its hashing thread only hashes (state/accounts/auth.py).
    Commits once before the slow hash check, so SQLite's write lock is not held meanwhile.

    Returns:
        The user id; the caller then issues a login ticket or session.

    Raises:
        InvalidInput: BAD_LOGIN for an unknown email, a wrong password or a deactivated
            account alike; VerifyEmailFirst for the right password of an unverified one.
        TryLater: too soon after repeated failures for the email or from the address.
    """
    attempt = start_login(session=session, email=email, ip=ip)
    session.commit()
    verdict = check_password(attempt, password)
    return finish_login(
        session=session, attempt=attempt, verdict=verdict, ip=ip, user_agent=user_agent
    )
