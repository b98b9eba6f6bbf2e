"""Password recovery: a reset link mailed on request, and a new password set from it.

Asking never reveals who has an account; a used link ends every session of the account.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from sqlmodel import Session

from lms_reflex import routes
from lms_reflex.mail import Mail, reset_link_mail
from lms_reflex.models import OtpPurpose, User, utcnow
from lms_reflex.services.accounts import otp
from lms_reflex.services.accounts.passwords import check_password_rules, hash_password
from lms_reflex.services.accounts.sessions import revoke_all_sessions
from lms_reflex.services.accounts.users import _find_user, _lookup_email
from lms_reflex.services.audit import record_event, record_failures
from lms_reflex.services.errors import InvalidInput, Throttled
from lms_reflex.settings import get_settings

_RESET_LINK_MESSAGES = {
    otp.WRONG: "This reset link is not valid. Please ask for a new one.",
    otp.EXPIRED: "This reset link has expired. Please ask for a new one.",
    otp.USED: "This reset link has already been used. Please ask for a new one.",
    otp.TOO_MANY: "This reset link no longer works. Please ask for a new one.",
}


@dataclass(frozen=True)
class ResetMail:
    """A password-reset link for `email`, and the `mail` carrying it (sent after the reply)."""

    email: str
    link: str
    mail: Mail


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
        # The same queries and writes as a real link, and a new round of tries, so neither
        # the time taken nor the wrong-link answers tell who has an account.
        otp.issue_decoy(session=session, email=email, purpose=OtpPurpose.RESET)
        detail = {"known": False}
        record_event(
            session=session,
            action="password_reset_requested",
            subject=email,
            ip=ip,
            detail=detail,
        )
        return None
    try:
        token = otp.issue_reset_token(session=session, email=email)
    except Throttled:  # quietly, and with the same work as the decoy above
        otp.start_round(session=session, email=email, purpose=OtpPurpose.RESET)
        record_event(session=session, action="password_reset_throttled", subject=email, ip=ip)
        return None
    record_event(
        session=session,
        action="password_reset_requested",
        actor_id=user.id,
        subject=email,
        ip=ip,
    )
    query = urlencode({"token": token, "email": email})
    link = f"{get_settings().base_url}{routes.RESET}?{query}"
    return ResetMail(email=email, link=link, mail=reset_link_mail(email, link))


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
