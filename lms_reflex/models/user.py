"""People: accounts and their public profile."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, Text
from sqlmodel import Field, SQLModel

from lms_reflex.models.base import UtcDateTime, utcnow


class Role(StrEnum):
    """What a user may do; checked by services on every call."""

    STUDENT = "student"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class User(SQLModel, table=True):
    """An account. The email is stored normalised (lower-case domain, NFC)."""

    __tablename__: str = "user"
    __table_args__ = (
        CheckConstraint("role IN ('student', 'instructor', 'admin')", name="ck_user_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    password_hash: str = Field(max_length=255, repr=False)
    role: str = Field(default=Role.STUDENT, max_length=16)
    instructor_requested_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    email_verified_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    is_active: bool = True
    # Bumped whenever the user's API access must end at once (docs/security.md case 54):
    # access tokens carry it and a request whose token holds an older value is refused.
    token_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)

    @property
    def full_name(self) -> str:
        """First and last name for display."""
        return f"{self.first_name} {self.last_name}".strip()


class Profile(SQLModel, table=True):
    """What a user tells about themselves; one row per user."""

    __tablename__: str = "profile"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user.id", ondelete="CASCADE"), unique=True, nullable=False
        )
    )
    bio: str = Field(default="", sa_type=Text)
    gender: str = Field(default="", max_length=40)
    date_of_birth: date | None = None
    contact_number: str = Field(default="", max_length=32)
    avatar_key: str | None = Field(default=None, max_length=200)
