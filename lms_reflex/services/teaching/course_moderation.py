"""Moderation that stays down: a course an admin took down waits for an admin to lift it.

`admin_catalog` sets the hold when an admin unpublishes or archives a course with a
reason. While it holds, `course_publishing` refuses every status change by the instructor;
the instructor sees the reason on the Publish step and may ask for a review (audited,
mailed to every admin). Lifting the hold is an admin's decision (audited, mailed to the
instructor); it does not publish the course: the instructor publishes when ready, through
the same checklist as always (docs/security.md, moderation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from lms_reflex.mail.admin_messages import moderation_lifted_mail, review_requested_mail
from lms_reflex.mail.message import Mail
from lms_reflex.models import Course, Role, User, utcnow
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import Actor, require_admin, staff_course
from lms_reflex.services.audit import record_event
from lms_reflex.services.errors import InvalidInput, NotFound, Throttled, try_again_in

MAX_MESSAGE_LEN = 1000
REVIEW_REQUEST_INTERVAL = timedelta(hours=12)  # every request mails every admin


@dataclass(frozen=True)
class ModerationView:
    """What the Publish step tells the instructor about an admin's hold on the course."""

    moderated: bool
    reason: str = ""
    review_requested_label: str = ""


def held_message(course: Course) -> str:
    """The sentence that refuses a status change while an admin's hold lasts."""
    return (
        "An administrator took this course down, so it stays as they left it until they"
        f" lift that decision. The reason given: {course.moderation_reason}"
    )


def set_hold(course: Course, reason: str) -> None:
    """Put the course on hold with the admin's reason (the caller audits and commits)."""
    course.moderated_at = utcnow()
    course.moderation_reason = reason
    course.review_requested_at, course.review_request = None, ""


def _when(moment: datetime | None) -> str:
    return f"{fmt.day_label(moment)} at {moment:%H:%M} UTC" if moment else ""


def get_moderation(*, session: Session, actor: Actor | None, course_id: int) -> ModerationView:
    """The hold on a course, as its staff see it on the Publish step.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `actor.staff_course`.
    """
    course = staff_course(session, actor, course_id)
    if course.moderated_at is None:
        return ModerationView(moderated=False)
    return ModerationView(True, course.moderation_reason, _when(course.review_requested_at))


def _clean_message(message: object) -> str:
    text = message.strip() if isinstance(message, str) else ""
    if not text or len(text) > MAX_MESSAGE_LEN:
        raise InvalidInput("Please tell the administrators what changed (1 to 1000 characters).")
    return text


def request_review(
    *, session: Session, actor: Actor | None, course_id: int, message: str
) -> list[Mail]:
    """Ask the admins to review a course they took down.

    Returns:
        One mail per active admin, for the caller to send after replying.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see `actor.staff_course`.
        InvalidInput: the course is not on hold, or the message is empty or too long.
        Throttled: a request was sent less than 12 hours ago (the message says when).
    """
    course = staff_course(session, actor, course_id, lock=True)
    assert actor is not None and course.id is not None
    if course.moderated_at is None:
        raise InvalidInput("This course is not on hold: you can publish it yourself.")
    text = _clean_message(message)
    last = course.review_requested_at
    if last is not None and utcnow() < last + REVIEW_REQUEST_INTERVAL:
        next_at = last + REVIEW_REQUEST_INTERVAL
        wait = math.ceil((next_at - utcnow()).total_seconds())
        raise Throttled(
            f"You already asked for a review. You can ask again after {_when(next_at)}. "
            + try_again_in(wait),
            wait,
        )
    course.review_requested_at, course.review_request = utcnow(), text
    session.add(course)
    session.flush()
    record_event(
        session=session,
        action="course_review_requested",
        actor_id=actor.id,
        detail={"course_id": course.id, "message": text},
    )
    name = f"{actor.first_name} {actor.last_name}".strip()
    admins = session.exec(
        select(User.email).where(col(User.role) == Role.ADMIN, col(User.is_active).is_(True))
    ).all()
    return [review_requested_mail(a, course.title, name, text, course.id) for a in admins]


def lift_moderation(*, session: Session, actor: Actor | None, course_id: int) -> Mail:
    """End an admin's hold on a course, so its instructor may publish it again.

    The course keeps its status (draft or archived): publishing stays the instructor's
    step, with the checklist.

    Returns:
        The mail to the instructor, for the caller to send after replying.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        NotFound: unknown course.
        InvalidInput: the course is not on hold.
    """
    admin = require_admin(actor)
    course = None
    if isinstance(course_id, int) and not isinstance(course_id, bool):
        course = session.get(Course, course_id, with_for_update=True)
    if course is None:
        raise NotFound("We could not find that course.")
    if course.moderated_at is None:
        raise InvalidInput("This course is not on hold.")
    reason, request = course.moderation_reason, course.review_request
    course.moderated_at, course.moderation_reason = None, ""
    course.review_requested_at, course.review_request = None, ""
    course.updated_at = utcnow()
    session.add(course)
    session.flush()
    detail = {"course_id": course.id, "reason": reason, "review_request": request}
    record_event(
        session=session, action="course_moderation_lifted", actor_id=admin.id, detail=detail
    )
    owner = session.get(User, course.instructor_id)
    assert owner is not None and course.id is not None  # ON DELETE RESTRICT
    return moderation_lifted_mail(owner.email, course.title, course.id)
