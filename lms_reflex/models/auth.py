"""Credentials in flight: one-time codes, sign-in sessions and the security audit trail."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from lms_reflex.models.base import UtcDateTime, utcnow


class OtpPurpose(StrEnum):
    """What a code may be used for; a code for one purpose never works for another."""

    SIGNUP = "signup"
    RESET = "reset"
    EMAIL_CHANGE = "email_change"


class EmailOtp(SQLModel, table=True):
    """A mailed one-time code. Only its HMAC is stored, never the code."""

    __tablename__: str = "email_otp"
    __table_args__ = (
        CheckConstraint(
            "purpose IN ('signup', 'reset', 'email_change')", name="ck_email_otp_purpose"
        ),
        CheckConstraint("attempts >= 0", name="ck_email_otp_attempts"),
        Index("ix_email_otp_email_purpose", "email", "purpose"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    purpose: str = Field(max_length=16)
    code_hmac: str = Field(max_length=128, repr=False)
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class AuthSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds the token; only its sha256 is stored."""

    __tablename__: str = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    token_hash: str = Field(max_length=64, unique=True, index=True, repr=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=400)


class AuditEvent(SQLModel, table=True):
    """Who did what, when and from where: sign-ins, failures, denials, admin actions.

    `subject` is what the event is about (an email for failed sign-ins), so throttles can
    count recent failures with an indexed query that survives restarts and several workers.
    Never holds a password, code or token.
    """

    __tablename__: str = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_action_subject_at", "action", "subject", "at"),
        Index("ix_audit_event_action_ip_at", "action", "ip", "at"),  # per-IP sign-in throttle
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime, index=True)
    action: str = Field(max_length=64)
    actor_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("user.id", ondelete="SET NULL"), index=True),
    )
    subject: str = Field(default="", max_length=254)
    ip: str = Field(default="", max_length=64)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
