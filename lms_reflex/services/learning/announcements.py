"""Course announcements as students see them, and the opt-out link that works without signing in.

The opt-out link carries a signed token naming one user and one course, with an expiry: an
HMAC-SHA256 keyed from LMS_SECRET_KEY with a purpose of its own, so no other signed value
of the site can be replayed as one (docs/security.md, "Course announcements"). Opening the
link changes nothing by itself (mail scanners open links); the page's button does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from lms_reflex.models import Announcement, AnnouncementOptOut, Course, User
from lms_reflex.services.actor import Actor, is_course_staff
from lms_reflex.services.errors import InvalidInput, NotFound, NotSignedIn
from lms_reflex.services.formatting import day_label
from lms_reflex.services.learning.lesson_access import is_enrolled
from lms_reflex.services.text import render_markdown
from lms_reflex.services.validation import parse_number, valid_id
from lms_reflex.settings import get_settings

TOKEN_LIFETIME_S = 365 * 24 * 3600  # a mail read months later still lets its reader opt out
_PURPOSE = b"lms-announcement-opt-out-v1"
_MAX_TOKEN = 200
NOT_ENROLLED = "Announcement mails can be chosen in courses you are enrolled in."
SHOWN_MAX = 20  # the learning page shows the newest ones; older news is rarely read
BAD_LINK = (
    "This link does not work: it was changed or it has expired. "
    "The link at the end of a newer announcement mail will work."
)


@dataclass(frozen=True)
class AnnouncementView:
    """One announcement on the learning page; `body_html` is sanitised."""

    id: int
    title: str
    body_html: str
    posted_label: str


@dataclass(frozen=True)
class CourseNews:
    """The learning page's announcements, and the reader's mail choice for the course.

    `mails` is None for readers who have no choice to make (the course's staff, and
    anyone who may not read the course's news); for an enrolled student it says whether
    new announcements are mailed to them.
    """

    items: list[AnnouncementView]
    mails: bool | None = None


@dataclass(frozen=True)
class OptOutView:
    """What the opt-out page shows: the course, and whether its mail still comes."""

    course_title: str
    course_slug: str
    opted_out: bool


def _mac(user_id: int, course_id: int, expires_at: int) -> str:
    key = hmac.new(get_settings().secret(), _PURPOSE, hashlib.sha256).digest()
    message = f"{user_id}|{course_id}|{expires_at}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def opt_out_token(user_id: int, course_id: int, *, now: float | None = None) -> str:
    """A token for the opt-out page of one user and one course, valid for a year."""
    expires_at = int(time.time() if now is None else now) + TOKEN_LIFETIME_S
    return f"{user_id}.{course_id}.{expires_at}.{_mac(user_id, course_id, expires_at)}"


def read_opt_out_token(token: object, *, now: float | None = None) -> tuple[int, int] | None:
    """(user id, course id) of a genuine, unexpired token; None for anything else."""
    if not isinstance(token, str) or len(token) > _MAX_TOKEN or not token.isascii():
        return None
    parts = token.split(".")
    if len(parts) != 4:
        return None
    user_id, course_id, expires_at = (parse_number(p) for p in parts[:3])
    if user_id is None or course_id is None or expires_at is None:
        return None
    if not (valid_id(user_id) and valid_id(course_id)):
        return None
    if expires_at <= (time.time() if now is None else now):
        return None
    if not hmac.compare_digest(_mac(user_id, course_id, expires_at).encode(), parts[3].encode()):
        return None
    return user_id, course_id


def _owner_and_course(session: Session, token: object) -> tuple[User, Course]:
    """The user and course a token names, both still there.

    Raises:
        InvalidInput: BAD_LINK for a tampered, expired or unknown token.
    """
    found = read_opt_out_token(token)
    user = session.get(User, found[0]) if found else None
    course = session.get(Course, found[1]) if found else None
    if user is None or course is None or not user.is_active:
        raise InvalidInput(BAD_LINK)
    return user, course


def _opted_out(session: Session, user_id: int, course_id: int) -> bool:
    query = select(AnnouncementOptOut.id).where(
        AnnouncementOptOut.user_id == user_id, AnnouncementOptOut.course_id == course_id
    )
    return session.exec(query).first() is not None


def _store_choice(session: Session, user_id: int, course_id: int, *, opted_out: bool) -> None:
    """Record whether the user's announcement mails of the course stop; idempotent.

    A twin insert from a second click (another tab, the mailed link) is absorbed by the
    UNIQUE constraint.
    """
    if not opted_out:
        session.exec(
            delete(AnnouncementOptOut).where(
                col(AnnouncementOptOut.user_id) == user_id,
                col(AnnouncementOptOut.course_id) == course_id,
            )
        )
    elif not _opted_out(session, user_id, course_id):
        try:
            with session.begin_nested():
                session.add(AnnouncementOptOut(user_id=user_id, course_id=course_id))
        except IntegrityError:
            pass  # the same click from another tab came first


def opt_out_status(*, session: Session, token: object) -> OptOutView:
    """What the opt-out page shows for a token; reading it changes nothing.

    Raises:
        InvalidInput: BAD_LINK for a tampered, expired or unknown token.
    """
    user, course = _owner_and_course(session, token)
    assert user.id is not None and course.id is not None
    return OptOutView(course.title, course.slug, _opted_out(session, user.id, course.id))


def set_opt_out(*, session: Session, token: object, opted_out: bool) -> OptOutView:
    """Stop (or start again) the announcement mails of the token's course for its user.

    The token is the proof (whoever holds the mail may decide); both ways are idempotent.

    Raises:
        InvalidInput: BAD_LINK for a tampered, expired or unknown token.
    """
    user, course = _owner_and_course(session, token)
    assert user.id is not None and course.id is not None
    _store_choice(session, user.id, course.id, opted_out=opted_out)
    return OptOutView(course.title, course.slug, opted_out)


def export_opt_outs(session: Session, user_id: int) -> list[dict[str, str]]:
    """The courses whose announcement mails the user stopped, for their data export."""
    query = (
        select(Course.title, Course.slug, AnnouncementOptOut.created_at)
        .join(Course, col(Course.id) == col(AnnouncementOptOut.course_id))
        .where(AnnouncementOptOut.user_id == user_id)
        .order_by(col(AnnouncementOptOut.id))
    )
    return [
        {"course": title, "course_slug": slug, "since": at.isoformat()}
        for title, slug, at in session.exec(query)
    ]


def _reader(session: Session, actor: Actor | None, course: Course) -> str:
    """How the actor reads the course: "staff", "student" (enrolled), or "" (not at all)."""
    if actor is None:
        return ""
    if is_course_staff(actor, course.instructor_id):
        return "staff"
    assert course.id is not None
    return "student" if is_enrolled(session, actor, course.id) else ""


def _course_by_slug(session: Session, course_slug: object) -> Course | None:
    if not isinstance(course_slug, str) or not course_slug or len(course_slug) > 200:
        return None
    return session.exec(select(Course).where(Course.slug == course_slug)).first()


def _newest(session: Session, course_id: int) -> list[AnnouncementView]:
    query = (
        select(Announcement)
        .where(Announcement.course_id == course_id)
        .order_by(col(Announcement.created_at).desc(), col(Announcement.id).desc())
        .limit(SHOWN_MAX)
    )
    return [
        AnnouncementView(
            id=row.id or 0,
            title=row.title,
            body_html=render_markdown(row.body),
            posted_label=day_label(row.created_at),
        )
        for row in session.exec(query)
    ]


def course_announcements(
    *, session: Session, actor: Actor | None, course_slug: object
) -> CourseNews:
    """The newest announcements of a course, for its enrolled students and its staff.

    Anyone else (a visitor on a preview lesson, another student) gets an empty list, the
    same as a course without announcements, so the answer tells nothing. An enrolled
    student also learns whether new ones are mailed to them.
    """
    course = _course_by_slug(session, course_slug)
    reader = _reader(session, actor, course) if course is not None else ""
    if course is None or course.id is None or not reader:
        return CourseNews([])
    items = _newest(session, course.id)
    if reader != "student":
        return CourseNews(items)
    assert actor is not None
    return CourseNews(items, mails=not _opted_out(session, actor.id, course.id))


def set_announcement_mails(
    *, session: Session, actor: Actor | None, course_slug: object, wanted: object
) -> CourseNews:
    """Stop or restart the announcement mails of a course the caller is enrolled in.

    The same choice as the mailed opt-out link, made from the learning page; it acts on
    the signed-in student's own enrollment only.

    Raises:
        NotSignedIn: for anonymous callers.
        NotFound: an unknown course, or one the caller is not enrolled in as a student.
        InvalidInput: `wanted` is not a true/false choice.
    """
    if actor is None:
        raise NotSignedIn()
    course = _course_by_slug(session, course_slug)
    if course is None or course.id is None or _reader(session, actor, course) != "student":
        raise NotFound(NOT_ENROLLED)
    if not isinstance(wanted, bool):
        raise InvalidInput("Please choose on or off.", field="mails")
    _store_choice(session, actor.id, course.id, opted_out=not wanted)
    return CourseNews(_newest(session, course.id), mails=wanted)
