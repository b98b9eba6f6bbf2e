"""Sign-in sessions and one-time login tickets; only sha256 hashes of tokens are stored."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, and_, bindparam, update
from sqlalchemy import join as sql_join
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from lms_reflex.models import AuthSession, User, utcnow
from lms_reflex.services.accounts.api_revocation import end_api_access
from lms_reflex.services.actor import Actor, load_actor
from lms_reflex.services.errors import InvalidInput
from lms_reflex.services.prebuilt import Reads, fetch_first
from lms_reflex.settings import get_settings

T = TypeVar("T")

IDLE_TIMEOUT = timedelta(hours=2)
ABSOLUTE_LIFETIME = timedelta(days=14)
TOUCH_INTERVAL = timedelta(minutes=1)
TICKET_LIFETIME = timedelta(seconds=60)
COOKIE_NAME = "lms_session"
TICKET_KEY_COOKIE = "lms_ticket_key"  # set by the page, read by /api/auth/complete only
SECURE_COOKIE_NAME = "__Host-lms_session"
TICKET_MARKER = "login-ticket"
_TOKEN_BYTES = 32  # 256 bits
_MAX_TOKEN_LENGTH = 128
_TICKET_REFUSED = "This sign-in link is no longer valid. Please sign in again."


def cookie_name() -> str:
    """The session cookie's name: `__Host-` prefixed when the site is served over https."""
    return SECURE_COOKIE_NAME if get_settings().secure_cookies else COOKIE_NAME


def _session_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _ticket_hash(ticket: str, browser_key: str) -> str:
    # A different preimage than session tokens: a ticket presented as a cookie matches nothing.
    return hashlib.sha256(f"ticket:{ticket}:{browser_key}".encode()).hexdigest()


def create_session(*, session: Session, user_id: int, ip: str, user_agent: str) -> str:
    """Start a new session for a user who just proved who they are.

    A fresh token at every sign-in means a token planted before sign-in never becomes valid.

    Returns:
        The token for the cookie (>= 256 bits); only its sha256 is stored.
    """
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    now = utcnow()
    if user_agent == TICKET_MARKER:  # a browser must not be able to pose as a ticket row
        user_agent = f"{user_agent} (browser)"
    row = AuthSession(
        user_id=user_id,
        token_hash=_session_hash(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + ABSOLUTE_LIFETIME,
        ip=ip[:64],
        user_agent=user_agent[:400],
    )
    session.add(row)
    session.flush()
    return token


def _token_row(session: Session, token: str | None) -> AuthSession | None:
    """The unrevoked session row for a cookie token (never a login-ticket row)."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    row = session.exec(
        select(AuthSession).where(AuthSession.token_hash == _session_hash(token))
    ).first()
    if row is None or row.revoked_at is not None or row.user_agent == TICKET_MARKER:
        return None
    return row


def _in_time(expires_at: datetime, last_seen_at: datetime) -> bool:
    """Neither past the absolute lifetime nor idle for too long."""
    now = utcnow()
    return now < expires_at and now - last_seen_at < IDLE_TIMEOUT


def _find_live(session: Session, token: str | None) -> AuthSession | None:
    """The session row for `token` if it is a real session, not revoked and not expired."""
    row = _token_row(session, token)
    if row is None or not _in_time(row.expires_at, row.last_seen_at):
        return None
    return row


def resolve_session(*, session: Session, token: str | None, touch: bool = True) -> Actor | None:
    """Who the cookie belongs to, loaded fresh (role and is_active are never cached).

    Args:
        session: The open session; commit afterwards when `touch` is true.
        token: The cookie value, or None.
        touch: Extend the idle timeout. Heartbeats pass False so they keep nothing alive.
            The absolute lifetime never extends. last_seen_at is written at most once a
            minute, not on every event.

    Returns:
        The Actor, or None when the token is unknown, revoked, idle or absolutely expired,
        or the user is gone, deactivated or not verified.
    """
    row = _find_live(session, token)
    if row is None:
        return None
    actor = load_actor(session, row.user_id)
    if actor is None or not actor.is_verified:
        return None
    now = utcnow()
    if touch and now - row.last_seen_at >= TOUCH_INTERVAL:
        row.last_seen_at = now
        session.add(row)
        session.flush()
    return actor


# What the session check reads: the session's clock, then the user's role and name.
_SESSION_COLUMNS = (
    AuthSession.expires_at,
    AuthSession.last_seen_at,
    User.id,
    User.role,
    User.email_verified_at,
    User.first_name,
    User.last_name,
)
SESSION_WIDTH = len(_SESSION_COLUMNS)
# A live session: the token's row, not revoked, not a login ticket, of an active user.
_LIVE_CONDITIONS = (
    AuthSession.token_hash == bindparam("token_hash"),  # type: ignore[arg-type]
    AuthSession.revoked_at.is_(None),  # type: ignore[union-attr]
    AuthSession.user_agent != TICKET_MARKER,  # type: ignore[arg-type]
    User.is_active.is_(True),  # type: ignore[attr-defined]
)

# Session and user in one round trip, built once: every websocket event runs it.
_LIVE_SESSION = (
    sql_select(*_SESSION_COLUMNS)  # type: ignore[call-overload]
    .join(User, User.id == AuthSession.user_id)  # type: ignore[arg-type]
    .where(*_LIVE_CONDITIONS)
)


def join_live_session(query: Select[Any]) -> tuple[Select[Any], Any]:
    """`query` outer-joined to the live session bound as :token_hash, its columns last.

    For the busiest writes (the player's progress report), which would otherwise run the
    session check as a statement of its own before theirs. The row's last `SESSION_WIDTH`
    columns go to `session_from_row`; they are all NULL when the token names no live
    session.

    Returns:
        (the query, the signed-in user's id column, to join the caller's own rows on).
    """
    live = sql_join(AuthSession, User, User.id == AuthSession.user_id)  # type: ignore[arg-type]
    columns = query.add_columns(*_SESSION_COLUMNS)  # type: ignore[arg-type]
    return columns.outerjoin(live, and_(*_LIVE_CONDITIONS)), User.id  # type: ignore[arg-type]


def token_hash(token: str | None) -> str | None:
    """The :token_hash a session query binds; None (matching no row) for no or bad tokens."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    return _session_hash(token)


def session_from_row(row: Sequence[Any] | None) -> tuple[Actor | None, bool]:
    """The session rule on the check's columns: (Actor or None, whether a touch is due)."""
    if row is None or row[2] is None:
        return None, False
    expires_at, last_seen_at, user_id, role, verified_at, first_name, last_name = tuple(row)
    # An unverified account gets no session (docs/security.md, "Account pre-hijacking"):
    # one made before that rule, or by any other path, is refused here, from the columns
    # this one query reads anyway.
    if verified_at is None or not _in_time(expires_at, last_seen_at):
        return None, False
    actor = Actor(user_id, role, True, first_name, last_name)
    return actor, utcnow() - last_seen_at >= TOUCH_INTERVAL


def check_session(*, session: Reads, token: str | None) -> tuple[Actor | None, bool]:
    """Read-only `resolve_session`: who it is, and whether last_seen_at is due a touch.

    Every event checks the session, but the idle clock only needs writing once a minute;
    splitting the read from the write keeps SQLite's writer lock out of almost every event.

    Returns:
        (Actor or None, True when the caller should call `touch_session`).
    """
    hashed = token_hash(token)
    if hashed is None:
        return None, False
    return session_from_row(fetch_first(session, _LIVE_SESSION, {"token_hash": hashed}))


def as_session_user(
    *,
    session: Reads,
    token: str | None,
    work: Callable[..., T],
    args: dict[str, Any] | None = None,
) -> tuple[T, bool]:
    """Run `work(session=, actor=, **args)` as the token's user, in the same transaction.

    An event that first asked who is signed in and then called a service paid for two
    transactions and two hops to a worker thread; this is one of each. `work` is a named
    service (a page view, a progress report) that gets the actor (None when signed out)
    and checks permissions as always. `session` is an ORM Session, or for a service made of
    prebuilt statements a `PlainConnection` in its transaction (`db.run_plain`).

    Returns:
        (what `work` returned, True when the caller should call `touch_session`).
    """
    actor, due = check_session(session=session, token=token)
    return work(session=session, actor=actor, **(args or {})), due


def touch_session(*, session: Session, token: str | None) -> None:
    """Record activity on a live session (extends the idle timeout, never the absolute)."""
    row = _find_live(session, token)
    if row is not None:
        row.last_seen_at = utcnow()
        session.add(row)
        session.flush()


def revoke_session(*, session: Session, token: str | None) -> int | None:
    """End one session (logout). Unknown or already revoked tokens are ignored.

    Returns:
        The id of the user whose session ended (for the audit trail), or None.
    """
    row = _token_row(session, token)
    if row is None:
        return None
    session.exec(
        update(AuthSession)
        .where(col(AuthSession.id) == row.id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    return row.user_id


def revoke_all_sessions(*, session: Session, user_id: int, except_token: str | None = None) -> int:
    """End every session (and pending ticket) of a user, optionally keeping the current one.

    Every API device of the user is signed out too, and their access tokens stop working
    at once (`api_revocation.end_api_access`): whatever ends the web sessions (sign-out
    everywhere, a password change or reset, deactivation) ends API access with them.

    Returns:
        How many sessions were ended.
    """
    query = (
        update(AuthSession)
        .where(col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    if except_token:
        query = query.where(col(AuthSession.token_hash) != _session_hash(except_token))
    end_api_access(session=session, user_id=user_id)
    return session.exec(query).rowcount


@dataclass(frozen=True)
class LoginTicket:
    """A one-time sign-in link's secret, and the key the signing-in browser keeps.

    The ticket travels in the URL; the browser key only in a short cookie the page sets
    itself right before leaving. A ticket link opened in any other browser (an attacker
    luring a victim into the attacker's account: login CSRF) lacks the key and fails.
    """

    ticket: str
    browser_key: str


def issue_login_ticket(*, session: Session, user_id: int) -> LoginTicket:
    """A one-time, 60-second ticket the browser trades for an HttpOnly session cookie.

    Reflex event handlers cannot set HttpOnly cookies, so the handler hands out a ticket and
    the browser opens the auth route that redeems it. Stored as a marked AuthSession row
    whose hash covers the ticket and the browser key together.
    """
    ticket = LoginTicket(secrets.token_urlsafe(_TOKEN_BYTES), secrets.token_urlsafe(_TOKEN_BYTES))
    now = utcnow()
    row = AuthSession(
        user_id=user_id,
        token_hash=_ticket_hash(ticket.ticket, ticket.browser_key),
        created_at=now,
        last_seen_at=now,
        expires_at=now + TICKET_LIFETIME,
        user_agent=TICKET_MARKER,
    )
    session.add(row)
    session.flush()
    return ticket


def redeem_login_ticket(
    *, session: Session, ticket: str, browser_key: str, ip: str, user_agent: str
) -> str:
    """Trade a ticket for a new session token, exactly once, in the browser it was made for.

    Raises:
        InvalidInput: when the ticket is unknown, expired, already used, its user is gone,
            or the browser key does not match.
    """
    if not ticket or len(ticket) > _MAX_TOKEN_LENGTH or len(browser_key) > _MAX_TOKEN_LENGTH:
        raise InvalidInput(_TICKET_REFUSED)
    row = session.exec(
        select(AuthSession).where(AuthSession.token_hash == _ticket_hash(ticket, browser_key))
    ).first()
    if row is None or row.user_agent != TICKET_MARKER or utcnow() >= row.expires_at:
        raise InvalidInput(_TICKET_REFUSED)
    # Atomic: of two racing redemptions only one changes the row.
    spent = session.exec(
        update(AuthSession)
        .where(col(AuthSession.id) == row.id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    if spent.rowcount != 1 or load_actor(session, row.user_id) is None:
        raise InvalidInput(_TICKET_REFUSED)
    return create_session(session=session, user_id=row.user_id, ip=ip, user_agent=user_agent)
