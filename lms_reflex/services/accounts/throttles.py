"""Throttles that slow guessing and flooding without locking anyone out for good.

Password checks (sign-in, password change, account deletion): after a few failures each
next try must wait twice as long as the one before, up to a cap, per account and per
client address. Sign-ups: a cap per address per hour. Counts are audit rows, so they hold
across workers and restarts. See docs/security.md, "Client address behind a proxy and
sign-in throttles".
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from lms_reflex.models import AuditEvent, utcnow
from lms_reflex.services.audit import last_event_at, record_event
from lms_reflex.services.errors import Throttled, try_again_in

WINDOW = timedelta(minutes=15)
FREE_PER_ACCOUNT = 5
FREE_PER_ADDRESS = 50  # one school behind one NAT: many honest typos from one address
MAX_DELAY = timedelta(minutes=10)
# The account delay spares an address the owner signed in from lately; its own
# per-address delay still applies there.
KNOWN_ADDRESS_FOR = timedelta(days=30)
SIGNUP_WINDOW = timedelta(hours=1)
SIGNUPS_PER_ADDRESS = 50  # a class signing up together behind one school NAT still fits


class TryLater(Throttled):
    """A throttle refusal of a password check or a sign-up (always knows its wait)."""


def try_again_message(seconds: int) -> str:
    """The sentence every password throttle shows, with the time to wait."""
    return f"Too many attempts. {try_again_in(seconds)}"


def _failures(
    session: Session, action: str, since: datetime, *, subject: str = "", ip: str = ""
) -> tuple[int, datetime | None]:
    """How many `action` rows since `since` for a subject or an ip, and the newest one's time."""
    query = select(func.count(), func.max(AuditEvent.at)).where(
        AuditEvent.action == action, AuditEvent.at >= since
    )
    query = query.where(AuditEvent.subject == subject) if subject else query
    query = query.where(AuditEvent.ip == ip) if ip else query
    count, last = session.exec(query).one()
    return count, last


def delay_left(count: int, last: datetime | None, *, free: int, now: datetime) -> int:
    """Seconds still to wait after `count` failures, the newest at `last`.

    The first `free` failures cost nothing; failure number free+k asks for 2**k seconds
    before the next try, never more than MAX_DELAY.
    """
    if count < free or last is None:
        return 0
    delay = min(2.0 ** (count - free + 1), MAX_DELAY.total_seconds())
    return max(0, math.ceil(delay - (now - last).total_seconds()))


def _known_address(session: Session, *, subject: str, ip: str, now: datetime) -> bool:
    if not ip:
        return False
    query = select(func.count()).where(
        AuditEvent.action == "login_ok",
        AuditEvent.subject == subject,
        AuditEvent.ip == ip,
        AuditEvent.at >= now - KNOWN_ADDRESS_FOR,
    )
    return session.exec(query).one() > 0


def password_guess_wait(
    session: Session, *, action: str, subject: str, ip: str, fresh_after: Iterable[str] = ()
) -> int:
    """Seconds before this account may be tried again from this address (0: go ahead).

    Args:
        session: The open session.
        action: The audit action that records a failure ("login_failed"...).
        subject: The account's email as typed and normalised; counted whether or not
            an account has it, so the answer does not reveal which ones exist.
        ip: The client address; one address's failures never slow another address.
        fresh_after: Actions about `subject` (a sign-in, a password reset) after which
            older failures no longer count, so the owner gets back in with a reset.
    """
    now = utcnow()
    since = now - WINDOW
    fresh_after = tuple(fresh_after)
    fresh = None
    if fresh_after:
        fresh = last_event_at(session=session, actions=fresh_after, subject=subject)
    count, last = _failures(session, action, max(since, fresh or since), subject=subject)
    wait = delay_left(count, last, free=FREE_PER_ACCOUNT, now=now)
    if wait and _known_address(session, subject=subject, ip=ip, now=now):
        wait = 0
    if ip:
        count, last = _failures(session, action, since, ip=ip)
        wait = max(wait, delay_left(count, last, free=FREE_PER_ADDRESS, now=now))
    return wait


def check_password_guess(
    session: Session, *, action: str, subject: str, ip: str, fresh_after: Iterable[str] = ()
) -> None:
    """Refuse a password check that comes too soon after repeated failures.

    Raises:
        TryLater: "Too many attempts. Try again in N seconds." with retry_after_s.
    """
    wait = password_guess_wait(
        session, action=action, subject=subject, ip=ip, fresh_after=fresh_after
    )
    if wait:
        raise TryLater(try_again_message(wait), wait)


def throttle_address(
    session: Session, *, ip: str, action: str, limit: int, window: timedelta, what: str
) -> None:
    """Count one `action` from `ip`, refusing past `limit` in `window`.

    The counted row is written with the caller's work. An empty address (no transport
    peer) is not limited.

    Raises:
        TryLater: "Too many {what} from your network. Try again in N minutes.", with the
            time until the oldest counted event leaves the window.
    """
    if not ip:
        return
    now = utcnow()
    query = select(func.count(), func.min(AuditEvent.at)).where(
        AuditEvent.action == action, AuditEvent.ip == ip, AuditEvent.at >= now - window
    )
    count, oldest = session.exec(query).one()
    if count >= limit and oldest is not None:
        wait = max(1, math.ceil((oldest + window - now).total_seconds()))
        raise TryLater(f"Too many {what} from your network. {try_again_in(wait)}", wait)
    record_event(session=session, action=action, ip=ip)


def throttle_signups(session: Session, *, ip: str) -> None:
    """Count a sign-up from `ip`, refusing past SIGNUPS_PER_ADDRESS in SIGNUP_WINDOW.

    The counted row is written with the caller's work, so a sign-up refused for a bad
    field does not count.

    Raises:
        TryLater: as `throttle_address`.
    """
    throttle_address(
        session,
        ip=ip,
        action="signup_attempt",
        limit=SIGNUPS_PER_ADDRESS,
        window=SIGNUP_WINDOW,
        what="sign-ups",
    )
