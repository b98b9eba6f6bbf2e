"""API tokens: short JWT access tokens, rotating opaque refresh tokens (security.md case 54).

An access token is an HS256 JWT signed with a key derived from LMS_SECRET_KEY: the
server that issues it is the only one that verifies it, so a symmetric key is enough and
there is still one secret to manage. A refresh token is 256 random bits, stored only as its
SHA-256; each use trades it for a new one in the same family, and showing a spent one again
ends the whole family (someone copied it).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, TypeVar

import jwt
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from lms_reflex.models import ApiRefreshToken, ApiSession, User, utcnow
from lms_reflex.services.accounts.sign_in import BAD_LOGIN, VerifyEmailFirst, login
from lms_reflex.services.accounts.throttles import TryLater, try_again_message
from lms_reflex.services.actor import Actor
from lms_reflex.services.audit import record_event
from lms_reflex.services.errors import InvalidInput, NotSignedIn
from lms_reflex.settings import get_settings

T = TypeVar("T")

ACCESS_LIFETIME = timedelta(minutes=10)
REFRESH_LIFETIME = timedelta(days=30)  # absolute, from the family's first sign-in
REFRESH_WINDOW = timedelta(minutes=10)
REFRESHES_PER_WINDOW = 30  # tokens issued per user, all devices: about one each is normal
LEEWAY_S = 10  # clocks of a phone and the server may differ a little
ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("iss", "aud", "sub", "role", "sid", "ver", "iat", "exp", "jti")
_REFRESH_BYTES = 32  # 256 bits
_MAX_REFRESH_LENGTH = 128
_MAX_ACCESS_LENGTH = 2048
MAX_DEVICE_NAME = 80
TOKEN_REFUSED = "Your sign-in has ended. Please sign in again."  # noqa: S105 (a message)
REFRESH_REFUSED = "This refresh token is not valid. Please sign in again."


@dataclass(frozen=True)
class TokenPair:
    """What a sign-in or a refresh hands to the client."""

    access_token: str
    refresh_token: str
    expires_in: int
    session_id: int


@dataclass(frozen=True)
class AccessClaims:
    """The checked claims of an access token that matter to the server."""

    user_id: int
    session_id: int
    version: int
    role: str


@cache
def _signing_key(secret: bytes) -> bytes:
    # A key of its own (HMAC of a fixed label): a JWT key never doubles as the key of
    # another use of LMS_SECRET_KEY, such as media signatures or code HMACs.
    return hmac.new(secret, b"lms-reflex api access token v1", hashlib.sha256).digest()


def _key() -> bytes:
    return _signing_key(get_settings().secret())


def issuer() -> str:
    """The `iss` claim: the site's own origin."""
    return get_settings().base_origin


def audience() -> str:
    """The `aud` claim: this API version, so a token for anything else never fits."""
    return f"{get_settings().base_origin}/api/v1"


def _refresh_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def mint_access_token(user: User, session_id: int, *, now: datetime | None = None) -> str:
    """An access token for `user` in refresh family `session_id`, valid ACCESS_LIFETIME."""
    now = now or utcnow()
    claims: dict[str, Any] = {
        "iss": issuer(),
        "aud": audience(),
        "sub": str(user.id),
        "role": user.role,
        "sid": session_id,
        "ver": user.token_version,
        "iat": int(now.timestamp()),
        "exp": int((now + ACCESS_LIFETIME).timestamp()),
        "jti": secrets.token_hex(16),
    }
    return jwt.encode(claims, _key(), algorithm=ALGORITHM)


def decode_access_token(token: str) -> AccessClaims:
    """Check a token's signature, algorithm, issuer, audience and times; no database.

    Only HS256 is accepted: `none`, and a token signed with another algorithm (an RS256
    public key presented as an HMAC secret), are refused before any key is used.

    Raises:
        NotSignedIn: for any token that is not one of ours, still fresh.
    """
    if not token or len(token) > _MAX_ACCESS_LENGTH:
        raise NotSignedIn(TOKEN_REFUSED)
    try:
        claims = jwt.decode(
            token,
            _key(),
            algorithms=[ALGORITHM],
            audience=audience(),
            issuer=issuer(),
            leeway=LEEWAY_S,
            options={"require": list(REQUIRED_CLAIMS)},
        )
        return AccessClaims(
            int(claims["sub"]), int(claims["sid"]), int(claims["ver"]), str(claims["role"])
        )
    except (jwt.PyJWTError, ValueError, TypeError):
        raise NotSignedIn(TOKEN_REFUSED) from None


def actor_for_claims(*, session: Session, claims: AccessClaims) -> Actor:
    """The Actor behind checked claims, read now: one query over the user and the family.

    Refused when the family was revoked or expired, the user is gone, deactivated or
    unverified, or their token_version moved on (password change, role change...).

    Raises:
        NotSignedIn: the token no longer stands for a live sign-in.
    """
    row = session.exec(
        select(User, ApiSession)
        .join(ApiSession, col(ApiSession.user_id) == col(User.id))
        .where(col(User.id) == claims.user_id, col(ApiSession.id) == claims.session_id)
    ).first()
    if row is None:
        raise NotSignedIn(TOKEN_REFUSED)
    user, family = row
    if not _family_alive(family) or not _user_may_hold_tokens(user):
        raise NotSignedIn(TOKEN_REFUSED)
    if user.token_version != claims.version:
        raise NotSignedIn(TOKEN_REFUSED)
    return Actor.of(user)


def actor_for_access_token(*, session: Session, token: str) -> Actor:
    """`decode_access_token` then `actor_for_claims`: who a bearer token speaks for now."""
    return actor_for_claims(session=session, claims=decode_access_token(token))


def _family_alive(family: ApiSession) -> bool:
    return family.revoked_at is None and utcnow() < family.expires_at


def _user_may_hold_tokens(user: User) -> bool:
    return user.is_active and user.email_verified_at is not None


def clean_device_name(name: object) -> str:
    """A device name fit for the settings page: one line, at most MAX_DEVICE_NAME characters."""
    if not isinstance(name, str):
        return ""
    return "".join(ch for ch in name if ch.isprintable()).strip()[:MAX_DEVICE_NAME]


def _new_refresh(session: Session, family_id: int) -> str:
    token = secrets.token_urlsafe(_REFRESH_BYTES)
    session.add(ApiRefreshToken(session_id=family_id, token_hash=_refresh_hash(token)))
    return token


def start_family(*, session: Session, user_id: int, device_name: str) -> TokenPair:
    """A new refresh family (one device) for a user who just proved who they are.

    Raises:
        NotSignedIn: the user is gone, deactivated or unverified.
    """
    user = session.get(User, user_id)
    if user is None or user.id is None or not _user_may_hold_tokens(user):
        raise NotSignedIn(TOKEN_REFUSED)
    now = utcnow()
    family = ApiSession(
        user_id=user.id,
        device_name=clean_device_name(device_name),
        created_at=now,
        last_used_at=now,
        expires_at=now + REFRESH_LIFETIME,
    )
    session.add(family)
    session.flush()
    assert family.id is not None
    refresh = _new_refresh(session, family.id)
    session.flush()
    access = mint_access_token(user, family.id, now=now)
    return TokenPair(access, refresh, int(ACCESS_LIFETIME.total_seconds()), family.id)


def _revoke_family(session: Session, family_id: int) -> None:
    session.exec(
        update(ApiSession)
        .where(col(ApiSession.id) == family_id, col(ApiSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def _refuse_reuse(session: Session, row: ApiRefreshToken, family: ApiSession, ip: str) -> None:
    """A spent token came back: end its family, keep the trail, refuse.

    Raises:
        NotSignedIn: always; the audit row and the revocation are committed first, because
            the caller rolls back on errors.
    """
    _revoke_family(session, row.session_id)
    record_event(
        session=session,
        action="api_refresh_reused",
        actor_id=family.user_id,
        ip=ip,
        detail={"api_session": row.session_id},
    )
    session.commit()
    raise NotSignedIn(REFRESH_REFUSED)


def _spend(session: Session, row: ApiRefreshToken) -> bool:
    """Mark a refresh token used; of two racing refreshes only one changes the row."""
    spent = session.exec(
        update(ApiRefreshToken)
        .where(col(ApiRefreshToken.id) == row.id, col(ApiRefreshToken.used_at).is_(None))
        .values(used_at=utcnow())
    )
    return spent.rowcount == 1


def _find_refresh(
    session: Session, token: object
) -> tuple[ApiRefreshToken, ApiSession, User] | None:
    if not isinstance(token, str) or not token or len(token) > _MAX_REFRESH_LENGTH:
        return None
    row = session.exec(
        select(ApiRefreshToken, ApiSession, User)
        .join(ApiSession, col(ApiSession.id) == col(ApiRefreshToken.session_id))
        .join(User, col(User.id) == col(ApiSession.user_id))
        .where(col(ApiRefreshToken.token_hash) == _refresh_hash(token))
    ).first()
    return (row[0], row[1], row[2]) if row is not None else None


def _check_refresh_rate(session: Session, user_id: int) -> None:
    """Refuse a user's refresh past REFRESHES_PER_WINDOW, counted over all their devices.

    The rows counted are the refresh tokens themselves, so the limit holds across workers
    and costs no extra write. A device refreshes about once per ACCESS_LIFETIME.

    Raises:
        TryLater: with the seconds until the oldest counted refresh leaves the window.
    """
    since = utcnow() - REFRESH_WINDOW
    count, oldest = session.exec(
        select(func.count(), func.min(ApiRefreshToken.created_at))
        .join(ApiSession, col(ApiSession.id) == col(ApiRefreshToken.session_id))
        .where(col(ApiSession.user_id) == user_id, col(ApiRefreshToken.created_at) >= since)
    ).one()
    if count >= REFRESHES_PER_WINDOW and oldest is not None:
        wait = max(1, math.ceil((oldest + REFRESH_WINDOW - utcnow()).total_seconds()))
        raise TryLater(try_again_message(wait), wait)


def refresh(*, session: Session, refresh_token: object, ip: str = "") -> TokenPair:
    """Trade a refresh token for a new pair in the same family (rotation).

    Raises:
        NotSignedIn: unknown, expired or revoked family, a user who may no longer hold
            tokens, or a token already used (which also ends its family, audited).
        TryLater: more than REFRESHES_PER_WINDOW refreshes and sign-ins for this user.
    """
    found = _find_refresh(session, refresh_token)
    if found is None:
        raise NotSignedIn(REFRESH_REFUSED)
    row, family, user = found
    if row.used_at is not None or not _spend(session, row):
        _refuse_reuse(session, row, family, ip)
    _check_refresh_rate(session, family.user_id)
    if not _family_alive(family) or not _user_may_hold_tokens(user):
        raise NotSignedIn(REFRESH_REFUSED)
    assert family.id is not None
    now = utcnow()
    family.last_used_at = now
    session.add(family)
    new_refresh = _new_refresh(session, family.id)
    session.flush()
    access = mint_access_token(user, family.id, now=now)
    return TokenPair(access, new_refresh, int(ACCESS_LIFETIME.total_seconds()), family.id)


def end_family(*, session: Session, actor: Actor, session_id: int) -> bool:
    """Sign one device out (the caller's own family, or one from the devices list).

    Returns:
        True when a live family of the actor's was ended.
    """
    ended = session.exec(
        update(ApiSession)
        .where(
            col(ApiSession.id) == session_id,
            col(ApiSession.user_id) == actor.id,
            col(ApiSession.revoked_at).is_(None),
        )
        .values(revoked_at=utcnow())
    )
    return ended.rowcount == 1


def sign_in(
    *, session: Session, email: object, password: object, ip: str, device_name: object
) -> TokenPair:
    """Email and password for a token pair: the web's sign-in check, with its throttles.

    An unverified account gets the same answer as a wrong password: the API has no code
    page to send anyone to, and the answer must not tell who has an account.

    Raises:
        InvalidInput: BAD_LOGIN for a wrong email or password, a deactivated or unverified
            account.
        TryLater: the same growing delays (same counters) as the web's sign-in.
    """
    if not isinstance(email, str) or not isinstance(password, str):
        raise InvalidInput(BAD_LOGIN)
    device = clean_device_name(device_name)
    try:
        user_id = login(
            session=session, email=email, password=password, ip=ip, user_agent=f"API: {device}"
        )
    except VerifyEmailFirst:
        raise InvalidInput(BAD_LOGIN) from None
    return start_family(session=session, user_id=user_id, device_name=device)


def as_token_user(
    *,
    session: Session,
    token: str | None,
    work: Callable[..., T],
    args: dict[str, Any] | None = None,
    optional: bool = False,
) -> T:
    """Run `work(session=, actor=, **args)` as the bearer token's user, in one transaction.

    The twin of `sessions.as_session_user` for the API: the user row is read in the same
    transaction as the work, so a revoked family or a bumped token_version counts at once.
    With `optional`, a request without a token runs as nobody (the catalog); a token that
    is present but bad is always refused, never silently ignored.

    Raises:
        NotSignedIn: no token where one is needed, or a token that no longer counts.
    """
    actor = None
    if token is not None or not optional:
        actor = actor_for_access_token(session=session, token=token or "")
    return work(session=session, actor=actor, **(args or {}))
