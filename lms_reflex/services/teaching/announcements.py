"""Course announcements for the course's staff: post (and mail), list and delete.

Only the course's staff (`services/actor.py: staff_course`: its instructor while they hold
the role, or an admin) may post or delete, read from the database on every call. A course
may post POSTS_PER_HOUR announcements an hour, counted from the audit trail, so deleting one
does not free a slot. Posting returns the mails; the state sends them after its reply
(docs/architecture.md, "Course announcements").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import exists, func
from sqlmodel import Session, col, select

from lms_reflex import routes
from lms_reflex.mail import Mail
from lms_reflex.mail.announcement_messages import announcement_mail
from lms_reflex.models import (
    Announcement,
    AnnouncementOptOut,
    AuditEvent,
    Course,
    Enrollment,
    Role,
    User,
    utcnow,
)
from lms_reflex.models.announcements import BODY_MAX, TITLE_MAX
from lms_reflex.services.actor import Actor, require_role, staff_course
from lms_reflex.services.audit import record_event
from lms_reflex.services.errors import NotFound, Throttled, try_again_in
from lms_reflex.services.formatting import day_label
from lms_reflex.services.learning.announcements import opt_out_token
from lms_reflex.services.text import clean_text, render_markdown
from lms_reflex.services.validation import valid_id
from lms_reflex.settings import get_settings

POSTS_PER_HOUR = 3
WINDOW = timedelta(hours=1)
POSTED, DELETED = "announcement_posted", "announcement_deleted"
LISTED_MAX = 100
NOT_FOUND = "We could not find that announcement."


@dataclass(frozen=True)
class SentAnnouncement:
    """A past announcement in the builder's list; `recipients` is how many it was mailed to."""

    id: int
    title: str
    body_html: str
    posted_label: str
    recipients: int


@dataclass(frozen=True)
class AnnouncementsPage:
    """The builder's announcements tab: the course, who would get a mail now, the past ones."""

    course_id: int
    course_title: str
    course_slug: str
    audience: int
    items: list[SentAnnouncement]


@dataclass(frozen=True)
class PostedAnnouncement:
    """What posting made: the row's view and one mail per recipient (sent after the reply)."""

    item: SentAnnouncement
    mails: tuple[Mail, ...]


def _view(row: Announcement) -> SentAnnouncement:
    return SentAnnouncement(
        id=row.id or 0,
        title=row.title,
        body_html=render_markdown(row.body),
        posted_label=day_label(row.created_at),
        recipients=row.recipients,
    )


def _clean(title: object, body: object) -> tuple[str, str]:
    """The title and body as stored, or a refusal naming the field ("title" or "body").

    Raises:
        InvalidInput: an empty, too long or control-character field.
    """
    return (
        clean_text(title, "title", max_len=TITLE_MAX, min_len=1, multiline=False),
        clean_text(body, "announcement", max_len=BODY_MAX, min_len=1, field="body"),
    )


def _subject(course_id: int) -> str:
    return f"course:{course_id}"


def _check_rate(session: Session, course_id: int) -> None:
    """Refuse a post past POSTS_PER_HOUR in the last hour for this course.

    Raises:
        Throttled: with the time until the oldest counted post leaves the window.
    """
    now = utcnow()
    query = select(func.count(), func.min(AuditEvent.at)).where(
        AuditEvent.action == POSTED,
        AuditEvent.subject == _subject(course_id),
        AuditEvent.at >= now - WINDOW,
    )
    count, oldest = session.exec(query).one()
    if count >= POSTS_PER_HOUR and oldest is not None:
        wait = max(1, math.ceil((oldest + WINDOW - now).total_seconds()))
        message = f"This course sent {count} announcements in the last hour. {try_again_in(wait)}"
        raise Throttled(message, wait)


def _recipients(session: Session, course_id: int) -> list[tuple[int, str, str]]:
    """(id, email, first name) of every active, verified, enrolled student not opted out."""
    opted_out = exists().where(
        col(AnnouncementOptOut.user_id) == col(User.id),
        col(AnnouncementOptOut.course_id) == course_id,
    )
    query = (
        select(User.id, User.email, User.first_name)
        .join(Enrollment, col(Enrollment.user_id) == col(User.id))
        .where(
            Enrollment.course_id == course_id,
            col(User.is_active).is_(True),
            col(User.email_verified_at).is_not(None),
            ~opted_out,
        )
        .order_by(col(User.id))
    )
    return [(int(uid or 0), email, first) for uid, email, first in session.exec(query)]


def _mails(course: Course, row: Announcement, people: list[tuple[int, str, str]]) -> list[Mail]:
    assert course.id is not None
    base = get_settings().base_url
    body_html = render_markdown(row.body)
    return [
        announcement_mail(
            to=email,
            first_name=first,
            course_title=course.title,
            title=row.title,
            body_text=row.body,
            body_html=body_html,
            course_link=f"{base}{routes.resume_url(course.slug)}",
            opt_out_link=f"{base}{routes.announcement_opt_out_url(opt_out_token(uid, course.id))}",
        )
        for uid, email, first in people
    ]


def post_announcement(
    *, session: Session, actor: Actor | None, course_id: object, title: object, body: object
) -> PostedAnnouncement:
    """Store an announcement and build its mails, one per student who still wants them.

    Args:
        session: The open session; the caller commits.
        actor: Who posts; must be the course's staff.
        course_id: The course, from the tab's loaded page.
        title: Plain text, at most TITLE_MAX characters.
        body: Markdown, at most BODY_MAX characters (sanitised when shown).

    Returns:
        The stored announcement's view and the mails to send after the reply.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: not the course's staff (`staff_course`).
        InvalidInput: a bad title or body, naming the field.
        Throttled: past POSTS_PER_HOUR posts in the last hour for this course.
    """
    course = staff_course(session, actor, course_id, lock=True)
    assert actor is not None and course.id is not None
    clean_title, clean_body = _clean(title, body)
    _check_rate(session, course.id)
    people = _recipients(session, course.id)
    row = Announcement(
        course_id=course.id,
        author_id=actor.id,
        title=clean_title,
        body=clean_body,
        recipients=len(people),
    )
    session.add(row)
    session.flush()
    record_event(
        session=session,
        action=POSTED,
        actor_id=actor.id,
        subject=_subject(course.id),
        detail={"announcement_id": row.id, "recipients": len(people)},
    )
    return PostedAnnouncement(_view(row), tuple(_mails(course, row, people)))


def announcements_page(
    *, session: Session, actor: Actor | None, course_id: object
) -> AnnouncementsPage:
    """The builder's announcements tab of one course, newest first.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: not the course's staff (`staff_course`).
    """
    course = staff_course(session, actor, course_id)
    assert course.id is not None
    query = (
        select(Announcement)
        .where(Announcement.course_id == course.id)
        .order_by(col(Announcement.created_at).desc(), col(Announcement.id).desc())
        .limit(LISTED_MAX)
    )
    items = [_view(row) for row in session.exec(query)]
    audience = len(_recipients(session, course.id))
    return AnnouncementsPage(course.id, course.title, course.slug, audience, items)


def delete_announcement(*, session: Session, actor: Actor | None, announcement_id: object) -> str:
    """Delete one announcement of a course the actor is staff of; mails already sent stay sent.

    Returns:
        The deleted announcement's title.

    Raises:
        NotSignedIn, PermissionDenied: not a verified instructor or admin.
        NotFound: an unknown announcement, or one of a course the actor is not staff of.
    """
    row = session.get(Announcement, announcement_id) if valid_id(announcement_id) else None
    if row is None:
        require_role(actor, Role.INSTRUCTOR)  # anonymous and students get their own refusal
        raise NotFound(NOT_FOUND)
    try:
        staff_course(session, actor, row.course_id)
    except NotFound:
        raise NotFound(NOT_FOUND) from None
    assert actor is not None
    session.delete(row)
    record_event(
        session=session,
        action=DELETED,
        actor_id=actor.id,
        subject=_subject(row.course_id),
        detail={"announcement_id": row.id, "title": row.title},
    )
    return row.title
