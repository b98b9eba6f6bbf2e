"""Mailed one-time secrets (6-digit codes, reset tokens), stored only as HMACs."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from lms_reflex.models import EmailOtp, OtpPurpose, utcnow
from lms_reflex.services.errors import InvalidInput, Throttled
from lms_reflex.settings import get_settings

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)
RESET_TOKEN_LIFETIME = timedelta(minutes=30)
RESEND_INTERVAL = timedelta(seconds=60)
MAX_ATTEMPTS = 5
_MAX_INPUT_LENGTH = 200

WRONG = "wrong"
EXPIRED = "expired"
USED = "used"
TOO_MANY = "too_many"


class CodeRefused(InvalidInput):
    """A code or token was not accepted; `reason` is one of WRONG, EXPIRED, USED, TOO_MANY."""

    MESSAGES = {
        WRONG: "That code is not correct. Please check it and try again.",
        EXPIRED: "That code has expired. Please ask for a new one.",
        USED: "That code has already been used. Please ask for a new one.",
        TOO_MANY: "Too many wrong tries: that code no longer works. Please ask for a new one.",
    }

    def __init__(self, reason: str) -> None:
        super().__init__(self.MESSAGES[reason])
        self.reason = reason


def _mac(*, purpose: str, email: str, code: str) -> str:
    """HMAC-SHA256 bound to purpose and email, so a code only works where it was sent."""
    message = f"{purpose}:{email}:{code}".encode()
    return hmac.new(get_settings().secret(), message, hashlib.sha256).hexdigest()


def _latest(session: Session, email: str, purpose: str) -> EmailOtp | None:
    query = (
        select(EmailOtp)
        .where(EmailOtp.email == email, EmailOtp.purpose == purpose)
        .order_by(col(EmailOtp.created_at).desc(), col(EmailOtp.id).desc())
        .limit(1)
    )
    return session.exec(query).first()


def seconds_until_resend(*, session: Session, email: str, purpose: str) -> int:
    """Whole seconds until a new code may be sent for email + purpose (0 means now)."""
    row = _latest(session, email, str(OtpPurpose(purpose)))
    if row is None:
        return 0
    left = (row.created_at + RESEND_INTERVAL - utcnow()).total_seconds()
    return max(0, math.ceil(left))


def _store(session: Session, *, email: str, purpose: str, secret: str, lifetime: timedelta) -> None:
    """Kill older unused secrets for email + purpose and store the HMAC of the new one.

    Raises:
        Throttled: when the last one was issued less than RESEND_INTERVAL ago.
    """
    purpose = str(OtpPurpose(purpose))
    wait = seconds_until_resend(session=session, email=email, purpose=purpose)
    if wait > 0:
        raise Throttled(f"Please wait {wait} seconds before asking for a new code.")
    now = utcnow()
    session.exec(
        update(EmailOtp)
        .where(col(EmailOtp.email) == email, col(EmailOtp.purpose) == purpose)
        .where(col(EmailOtp.used_at).is_(None))
        .values(used_at=now)
    )
    mac = _mac(purpose=purpose, email=email, code=secret)
    session.add(
        EmailOtp(
            email=email, purpose=purpose, code_hmac=mac, created_at=now, expires_at=now + lifetime
        )
    )
    session.flush()


def issue_code(*, session: Session, email: str, purpose: str) -> str:
    """Make a 6-digit code for a normalised email and purpose; the caller mails it.

    Only its HMAC is stored. The code is returned to be mailed and must never reach a log,
    a state var or a page.

    Raises:
        Throttled: when a code for email + purpose was issued less than a minute ago.
    """
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    _store(session, email=email, purpose=purpose, secret=code, lifetime=CODE_LIFETIME)
    return code


def issue_reset_token(*, session: Session, email: str) -> str:
    """Make a 256-bit password-reset token (30 minutes, single use) for a normalised email.

    Raises:
        Throttled: when a reset token was issued less than a minute ago.
    """
    token = secrets.token_urlsafe(32)
    _store(
        session,
        email=email,
        purpose=OtpPurpose.RESET,
        secret=token,
        lifetime=RESET_TOKEN_LIFETIME,
    )
    return token


def _count_wrong_try(session: Session, row_id: int) -> int:
    """Add one wrong try and commit it now, so the caller's rollback cannot erase it."""
    session.exec(
        update(EmailOtp).where(col(EmailOtp.id) == row_id).values(attempts=EmailOtp.attempts + 1)
    )
    session.commit()
    return session.exec(select(EmailOtp.attempts).where(EmailOtp.id == row_id)).one()


def _check(session: Session, row: EmailOtp, mac: str) -> None:
    if row.attempts >= MAX_ATTEMPTS:
        raise CodeRefused(TOO_MANY)
    if not hmac.compare_digest(row.code_hmac, mac):
        assert row.id is not None
        tries = _count_wrong_try(session, row.id)
        raise CodeRefused(TOO_MANY if tries >= MAX_ATTEMPTS else WRONG)
    if row.used_at is not None:
        raise CodeRefused(USED)
    if utcnow() >= row.expires_at:
        raise CodeRefused(EXPIRED)


def _consume(session: Session, row_id: int) -> bool:
    """Mark the code used; only one of several racing callers can change the row."""
    result = session.exec(
        update(EmailOtp)
        .where(col(EmailOtp.id) == row_id, col(EmailOtp.used_at).is_(None))
        .where(col(EmailOtp.attempts) < MAX_ATTEMPTS)
        .values(used_at=utcnow())
    )
    return result.rowcount == 1


def verify_code(*, session: Session, email: str, purpose: str, code: str) -> None:
    """Accept the newest code for email + purpose once, or say plainly why not.

    Only the newest code counts (a new code kills the old). A wrong try is committed
    before raising, so MAX_ATTEMPTS holds even though callers roll back on errors.

    Raises:
        CodeRefused: (an InvalidInput) with reason WRONG, EXPIRED, USED or TOO_MANY.
    """
    purpose = str(OtpPurpose(purpose))
    code = "".join(code.split())
    row = _latest(session, email, purpose)
    if row is None or row.id is None or not code or len(code) > _MAX_INPUT_LENGTH:
        raise CodeRefused(WRONG)
    _check(session, row, _mac(purpose=purpose, email=email, code=code))
    if not _consume(session, row.id):
        raise CodeRefused(USED)
