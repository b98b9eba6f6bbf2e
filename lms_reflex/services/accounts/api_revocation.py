"""Ending a user's API access at once: every refresh family, and every access token out there.

Kept apart from api_tokens so sessions.py can call it without an import cycle (api_tokens
signs in through sign_in, which reaches sessions). docs/security.md case 54.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from lms_reflex.models import ApiSession, User, utcnow


def end_api_access(*, session: Session, user_id: int) -> int:
    """Revoke every refresh family of a user and bump their token_version.

    Called on sign-out everywhere, a password change or reset, deactivation and a role
    change. Access tokens carry the version they were minted with, so every one issued
    before this call is refused on its next request, not only after its 10 minutes.

    Returns:
        How many API sessions (devices) were ended.
    """
    # An ORM update: SQLAlchemy also moves the version of a User row this session holds.
    session.exec(
        update(User)
        .where(col(User.id) == user_id)
        .values(token_version=col(User.token_version) + 1)
    )
    ended = session.exec(
        update(ApiSession)
        .where(col(ApiSession.user_id) == user_id, col(ApiSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    ).rowcount
    return ended
