"""API sign-ins: one row per device (a refresh family) and the refresh tokens it was given.

Only SHA-256 hashes of refresh tokens are stored. docs/security.md case 54.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from lms_reflex.models.base import UtcDateTime, utcnow


class ApiSession(SQLModel, table=True):
    """A device signed in over the API: the refresh family every rotated token belongs to.

    `id` is the `sid` claim of its access tokens, so revoking this row stops them at once.
    `expires_at` is absolute from the first sign-in: rotation never extends it.
    """

    __tablename__: str = "api_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    device_name: str = Field(default="", max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    last_used_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class ApiRefreshToken(SQLModel, table=True):
    """One refresh token of a family; `used_at` is set when it is traded for the next one."""

    __tablename__: str = "api_refresh_token"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("api_session.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    token_hash: str = Field(max_length=64, unique=True, index=True, repr=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
