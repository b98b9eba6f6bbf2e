"""Mailed one-time secrets (6-digit codes, reset tokens), stored only as HMACs.

Wrong tries are counted per address and purpose in the audit trail, whether or not an
account or a code exists there, so the answers never tell who has an account
(docs/security.md, "Account enumeration").
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from lms_reflex.models import AuditEvent, EmailOtp, OtpPurpose, utcnow
from lms_reflex.services.audit import count_recent, last_event_at, record_event
from lms_reflex.services.errors import InvalidInput, Throttled, try_again_in
from lms_reflex.settings import get_settings

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)
RESET_TOKEN_LIFETIME = timedelta(minutes=30)
RESEND_INTERVAL = timedelta(seconds=60)
MAX_ATTEMPTS = 5  # wrong tries per code round (since the last request for a code)
MAX_WRONG_PER_HOUR = 10  # wrong tries per address and purpose, whatever the resends
TRY_WINDOW = timedelta(hours=1)
ROUND_STARTED = "code_requested"
WRONG_TRY = "code_wrong"
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
        super().__init__(self.MESSAGES[reason], field="code")
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


def tries_key(email: str, purpose: str) -> str:
    """The audit subject that wrong tries and code requests for email + purpose are kept under."""
    return f"{purpose}:{email}"[:254]


def start_round(*, session: Session, email: str, purpose: str) -> None:
    """Note that a code was asked for, so the per-code count of wrong tries starts again.

    Callers note it for unknown addresses too (where no code is made): otherwise the count
    would start again only for addresses that have an account, and the answer after a
    resend would tell them apart.
    """
    record_event(session=session, action=ROUND_STARTED, subject=tries_key(email, purpose))


def kill_codes(*, session: Session, email: str, purpose: str) -> None:
    """Mark every unused secret for email + purpose as used (a sign-up started over)."""
    session.exec(
        update(EmailOtp)
        .where(col(EmailOtp.email) == email, col(EmailOtp.purpose) == str(OtpPurpose(purpose)))
        .where(col(EmailOtp.used_at).is_(None))
        .values(used_at=utcnow())
    )


def _store(session: Session, *, email: str, purpose: str, secret: str, lifetime: timedelta) -> None:
    """Kill older unused secrets for email + purpose and store the HMAC of the new one.

    Raises:
        Throttled: when the last one was issued less than RESEND_INTERVAL ago.
    """
    purpose = str(OtpPurpose(purpose))
    wait = seconds_until_resend(session=session, email=email, purpose=purpose)
    if wait > 0:
        raise Throttled(f"A code was sent less than a minute ago. {try_again_in(wait)}", wait)
    now = utcnow()
    kill_codes(session=session, email=email, purpose=purpose)
    start_round(session=session, email=email, purpose=purpose)
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


def _hourly_wait(session: Session, key: str) -> int:
    """Seconds until the oldest of the last MAX_WRONG_PER_HOUR wrong tries leaves the hour."""
    since = utcnow() - TRY_WINDOW
    times = session.exec(
        select(AuditEvent.at)
        .where(AuditEvent.action == WRONG_TRY, AuditEvent.subject == key, AuditEvent.at >= since)
        .order_by(col(AuditEvent.at).desc())
        .limit(MAX_WRONG_PER_HOUR)
    ).all()
    if len(times) < MAX_WRONG_PER_HOUR:
        return 0
    return max(1, math.ceil((times[-1] - since).total_seconds()))


def _tries_this_round(session: Session, key: str) -> int:
    """Wrong tries since the last request for a code (within the hour)."""
    since = utcnow() - TRY_WINDOW
    started = last_event_at(session=session, actions=(ROUND_STARTED,), subject=key)
    since = max(since, started or since)
    return count_recent(session=session, action=WRONG_TRY, subject=key, since=since)


def _check_try_limits(session: Session, key: str) -> None:
    """Refuse before looking at the code when the address has used up its tries.

    Raises:
        Throttled: MAX_WRONG_PER_HOUR wrong tries in the last hour, with the wait.
        CodeRefused: TOO_MANY after MAX_ATTEMPTS wrong tries since the last request.
    """
    wait = _hourly_wait(session, key)
    if wait > 0:
        raise Throttled(f"Too many wrong codes for this address. {try_again_in(wait)}", wait)
    if _tries_this_round(session, key) >= MAX_ATTEMPTS:
        raise CodeRefused(TOO_MANY)


def issue_decoy(*, session: Session, email: str, purpose: str) -> None:
    """Do the work of issuing a secret for an address that gets none, and mail nothing.

    Stores a 256-bit random secret that is never sent, so no typed code can match it, under
    the same minute limit as real ones: asking for a code then costs the same queries and
    writes whether or not the address has an account (docs/security.md).
    """
    try:
        _store(
            session,
            email=email,
            purpose=purpose,
            secret=secrets.token_urlsafe(32),
            lifetime=CODE_LIFETIME,
        )
    except Throttled:  # as a real request inside the minute: no secret, a new round
        start_round(session=session, email=email, purpose=purpose)


def _count_wrong_try(session: Session, key: str) -> int:
    """Record one wrong try and commit it now, so the caller's rollback cannot erase it.

    Returns:
        The wrong tries of this round, this one included.
    """
    record_event(session=session, action=WRONG_TRY, subject=key)
    session.commit()
    return _tries_this_round(session, key)


def _matches(row: EmailOtp | None, mac: str) -> bool:
    # Compared even without a row, so a known and an unknown address cost the same.
    stored = row.code_hmac if row is not None else "0" * len(mac)
    return hmac.compare_digest(stored, mac) and row is not None


def _check(row: EmailOtp) -> None:
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

    Only the newest code counts (a new code kills the old). Wrong tries are counted per
    address, account or not, and committed before raising, so the limits hold even though
    callers roll back on errors.

    Raises:
        CodeRefused: (an InvalidInput) with reason WRONG, EXPIRED, USED or TOO_MANY.
        Throttled: after MAX_WRONG_PER_HOUR wrong tries for the address in an hour.
    """
    purpose = str(OtpPurpose(purpose))
    code = "".join(code.split())
    key = tries_key(email, purpose)
    _check_try_limits(session, key)
    row = _latest(session, email, purpose)
    mac = _mac(purpose=purpose, email=email, code=code[:_MAX_INPUT_LENGTH])
    if not code or len(code) > _MAX_INPUT_LENGTH or not _matches(row, mac):
        tries = _count_wrong_try(session, key)
        raise CodeRefused(TOO_MANY if tries >= MAX_ATTEMPTS else WRONG)
    assert row is not None and row.id is not None
    _check(row)
    if not _consume(session, row.id):
        raise CodeRefused(USED)
