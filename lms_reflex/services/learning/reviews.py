"""Ratings and reviews: one per enrolled student per course, moderated, counted atomically.

Every write locks the course row first and recomputes course.rating_avg/rating_count from
the visible reviews in the same transaction, so the numbers on a course card never drift
from the reviews, also when two students review at once (docs/security.md case 28).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from lms_reflex.models import Course, CourseStatus, Review, Role, User, utcnow
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import (
    Actor,
    is_course_staff,
    require_admin,
    require_role,
    require_verified,
)
from lms_reflex.services.audit import record_event
from lms_reflex.services.catalog.listings import can_see_unpublished, page_window
from lms_reflex.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lms_reflex.services.learning.lesson_access import is_enrolled
from lms_reflex.services.validation import valid_id
from lms_reflex.services.views import ReviewView

MAX_BODY_CHARS = 2000
RATING_REFUSED = "Please choose a rating from 1 to 5 stars."
ALREADY_REVIEWED = "You have already reviewed this course; edit your review instead."
NOT_ENROLLED = "Only students enrolled in this course can review it."
REVIEW_NOT_FOUND = "We could not find that review."
COURSE_NOT_FOUND = "We could not find that course."


@dataclass(frozen=True)
class MyReview:
    """The actor's own review, as the edit form shows it."""

    id: int
    course_id: int
    rating: int
    body: str
    date_label: str
    is_hidden: bool
    instructor_reply: str


@dataclass(frozen=True)
class ReviewPage:
    """One page of a course's visible reviews, newest first."""

    reviews: list[ReviewView]
    total: int
    page: int
    pages: int


# ------------------------------------------------------------------------------ checks


def _rating(value: object) -> int:
    """A whole number of stars 1..5; True, 5.0, "5" and None are refused, not coerced.

    Raises:
        InvalidInput: for anything else.
    """
    if type(value) is not int or not 1 <= value <= 5:
        raise InvalidInput(RATING_REFUSED)
    return value


def _text(value: object, *, what: str, field: str, required: bool = False) -> str:
    """Stripped user text of at most MAX_BODY_CHARS characters.

    Raises:
        InvalidInput: not text, too long, empty when required, or holding a NUL
            (PostgreSQL cannot store one, and no keyboard types it).
    """
    value = "" if value is None else value
    refuse = lambda message: InvalidInput(message, field=field)  # noqa: E731
    if not isinstance(value, str):
        raise refuse(f"Your {what} must be text.")
    text = value.strip()
    if len(text) > MAX_BODY_CHARS:
        raise refuse(f"Please keep your {what} under {MAX_BODY_CHARS:,} characters.")
    if "\x00" in text:
        raise refuse(f"Your {what} contains a character we cannot store.")
    if required and not text:
        raise refuse(f"Please write your {what}.")
    return text


def _locked_course(session: Session, course_id: object) -> Course:
    """The course, with its row locked until commit on PostgreSQL.

    The lock makes concurrent review writes on one course take turns, so each recount
    sees the reviews committed before it. SQLite writers already take turns (BEGIN
    IMMEDIATE) and ignore FOR UPDATE.

    Raises:
        NotFound: unknown or malformed id.
    """
    course = None
    if valid_id(course_id):
        course = session.exec(
            select(Course).where(Course.id == course_id).with_for_update()
        ).first()
    if course is None or course.id is None:
        raise NotFound(COURSE_NOT_FOUND)
    return course


def _recount(session: Session, course_id: int) -> None:
    """Recompute the course's rating from its visible reviews, in the caller's transaction."""
    visible = (col(Review.course_id) == course_id) & col(Review.is_hidden).is_(False)
    average = select(func.avg(col(Review.rating))).where(visible).scalar_subquery()
    count = select(func.count(col(Review.id))).where(visible).scalar_subquery()
    session.exec(
        update(Course)
        .where(col(Course.id) == course_id)
        .values(rating_avg=func.coalesce(average, 0.0), rating_count=count)
        .execution_options(synchronize_session=False)
    )
    cached = session.get(Course, course_id)  # the identity map copy is now stale
    if cached is not None:
        session.refresh(cached, ["rating_avg", "rating_count"])


def _review(session: Session, review_id: object) -> Review:
    review = session.get(Review, review_id) if valid_id(review_id) else None
    if review is None:
        raise NotFound(REVIEW_NOT_FOUND)
    return review


def _own_review(session: Session, actor: Actor, review_id: object) -> Review:
    """The actor's review, with its course locked for the recount.

    Raises:
        NotFound: unknown id.
        PermissionDenied: someone else's review.
    """
    review = _review(session, review_id)
    if review.user_id != actor.id:
        raise PermissionDenied("You can only change your own review.")
    _locked_course(session, review.course_id)
    return review


def _mine(review: Review) -> MyReview:
    assert review.id is not None
    return MyReview(
        id=review.id,
        course_id=review.course_id,
        rating=review.rating,
        body=review.body,
        date_label=fmt.day_label(review.created_at),
        is_hidden=review.is_hidden,
        instructor_reply=review.instructor_reply,
    )


# ------------------------------------------------------------------------------ authors


def _insert_review(session: Session, review: Review) -> None:
    """Add the row; a concurrent twin caught by UNIQUE(user_id, course_id) is a Conflict."""
    try:
        with session.begin_nested():
            session.add(review)
            session.flush()
    except IntegrityError:
        raise Conflict(ALREADY_REVIEWED) from None


def write_review(
    *, session: Session, actor: Actor | None, course_id: int, rating: int, body: str
) -> MyReview:
    """Review a course the actor is enrolled in; one review per student per course.

    Args:
        session: The open session; the caller commits.
        actor: The signed-in, verified student.
        course_id: The course.
        rating: Whole stars, 1..5.
        body: Up to 2,000 characters of text (may be empty).

    Returns:
        The stored review.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: unverified email, or not enrolled in the course.
        InvalidInput: a rating that is not a whole number 1..5, or a body too long.
        NotFound: unknown course, or an unpublished one the actor has no part in.
        Conflict: the actor already reviewed this course.
    """
    actor = require_verified(actor)
    stars, text = _rating(rating), _text(body, what="review", field="body")
    course = _locked_course(session, course_id)
    assert course.id is not None
    if not is_enrolled(session, actor, course.id):
        if course.status != CourseStatus.PUBLISHED and not can_see_unpublished(actor, course):
            raise NotFound(COURSE_NOT_FOUND)
        raise PermissionDenied(NOT_ENROLLED)
    mine = select(Review.id).where(Review.user_id == actor.id, Review.course_id == course.id)
    if session.exec(mine).first() is not None:
        raise Conflict(ALREADY_REVIEWED)
    now = utcnow()
    review = Review(user_id=actor.id, course_id=course.id, rating=stars, body=text, created_at=now)
    review.updated_at = now
    _insert_review(session, review)
    _recount(session, course.id)
    return _mine(review)


def edit_review(
    *, session: Session, actor: Actor | None, review_id: int, rating: int, body: str
) -> MyReview:
    """Change the actor's own review.

    Args:
        session: The open session; the caller commits.
        actor: The review's author.
        review_id: The review.
        rating: Whole stars, 1..5.
        body: Up to 2,000 characters of text.

    Returns:
        The stored review.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: unverified email, or someone else's review.
        InvalidInput: a bad rating or a body too long.
        NotFound: unknown review.
    """
    actor = require_verified(actor)
    stars, text = _rating(rating), _text(body, what="review", field="body")
    review = _own_review(session, actor, review_id)
    review.rating, review.body, review.updated_at = stars, text, utcnow()
    session.add(review)
    session.flush()
    _recount(session, review.course_id)
    return _mine(review)


def delete_review(*, session: Session, actor: Actor | None, review_id: int) -> None:
    """Delete the actor's own review.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: unverified email, or someone else's review.
        NotFound: unknown review.
    """
    actor = require_verified(actor)
    review = _own_review(session, actor, review_id)
    course_id = review.course_id
    session.delete(review)
    session.flush()
    _recount(session, course_id)


def find_my_review(*, session: Session, actor: Actor | None, course_id: int) -> MyReview | None:
    """The actor's own review of a course, hidden or not; None when they wrote none.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: unverified email.
    """
    actor = require_verified(actor)
    if not valid_id(course_id):
        return None
    params = {"user_id": actor.id, "course_id": course_id}
    review = session.exec(_my_review_query(), params=params).first()
    return _mine(review) if review else None


@functools.cache
def _my_review_query() -> SelectOfScalar[Review]:
    """Built once: every course page and every lesson opened by a student asks."""
    return select(Review).where(
        Review.user_id == bindparam("user_id"), Review.course_id == bindparam("course_id")
    )


# ------------------------------------------------------------------------------ staff


def reply_to_review(
    *, session: Session, actor: Actor | None, review_id: int, body: str
) -> ReviewView:
    """The course's instructor answers a review, once.

    Args:
        session: The open session; the caller commits.
        actor: The instructor of the reviewed course.
        review_id: The review.
        body: 1..2,000 characters.

    Returns:
        The review as the course page shows it, with the reply.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but the course's instructor.
        InvalidInput: an empty or too long reply.
        NotFound: unknown review.
        Conflict: the review already has a reply.
    """
    actor = require_role(actor, Role.INSTRUCTOR)
    text = _text(body, what="reply", field="reply", required=True)
    review = _review(session, review_id)
    course = session.get(Course, review.course_id)
    if (
        course is None
        or course.instructor_id != actor.id
        or not is_course_staff(actor, course.instructor_id)
    ):
        raise PermissionDenied("Only the course's instructor can reply to its reviews.")
    answered = session.exec(  # WHERE reply = '' makes "once" hold under concurrent clicks
        update(Review)
        .where(col(Review.id) == review.id, col(Review.instructor_reply) == "")
        .values(instructor_reply=text)
        .returning(col(Review.id))
    ).first()
    if answered is None:
        raise Conflict("You have already replied to this review.")
    session.refresh(review)
    author = session.get(User, review.user_id) if review.user_id else None
    return _public_view(
        review, author.first_name if author else None, author.last_name if author else None
    )


def hide_review(
    *, session: Session, actor: Actor | None, review_id: int, hidden: bool = True
) -> None:
    """An admin hides an abusive review from the course page (or shows it again).

    Hidden reviews do not count in the course rating.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        InvalidInput: when `hidden` is not a boolean.
        NotFound: unknown review.
    """
    admin = require_admin(actor)
    if not isinstance(hidden, bool):
        raise InvalidInput("Please choose hide or show.")
    review = _review(session, review_id)
    _locked_course(session, review.course_id)
    review.is_hidden = hidden
    session.add(review)
    session.flush()
    _recount(session, review.course_id)
    detail = {"review_id": review.id, "course_id": review.course_id}
    action = "review_hidden" if hidden else "review_shown"
    record_event(session=session, action=action, actor_id=admin.id, detail=detail)


# ------------------------------------------------------------------------------ readers


def _author(first: str | None, last: str | None) -> str:
    """First name and initial only; an author who deleted their account is anonymous."""
    if not first:
        return "Former student"
    initial = (last or "")[:1]
    return f"{first} {initial}." if initial else first


def _public_view(review: Review, first: str | None, last: str | None) -> ReviewView:
    return ReviewView(
        id=review.id or 0,
        author=_author(first, last),
        rating=review.rating,
        body=review.body,
        date_label=fmt.day_label(review.created_at),
        instructor_reply=review.instructor_reply,
    )


def _readable_course(session: Session, actor: Actor | None, course_id: object) -> int:
    """Reviews are read on published courses, and by the staff of unpublished ones.

    Raises:
        NotFound: unknown id, or an unpublished course the actor may not see.
    """
    course = session.get(Course, course_id) if valid_id(course_id) else None
    if course is None or course.id is None:
        raise NotFound(COURSE_NOT_FOUND)
    if course.status != CourseStatus.PUBLISHED and not can_see_unpublished(actor, course):
        raise NotFound(COURSE_NOT_FOUND)
    return course.id


@functools.cache
def _review_page_queries() -> tuple[SelectOfScalar[int], Select]:
    """(count, page) of a course's visible reviews, built once."""
    visible = (col(Review.course_id) == bindparam("course_id")) & col(Review.is_hidden).is_(False)
    count = select(func.count(col(Review.id))).where(visible)
    page = (
        select(Review, User.first_name, User.last_name)
        .outerjoin(User, col(User.id) == col(Review.user_id))
        .where(visible)
        .order_by(col(Review.created_at).desc(), col(Review.id).desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    return count, page


def list_reviews(
    *,
    session: Session,
    actor: Actor | None = None,
    course_id: int,
    page: int = 1,
    page_size: int = 10,
) -> ReviewPage:
    """A page of a course's visible reviews, newest first, in two statements.

    Args:
        session: The open session (read only).
        actor: The signed-in user or None; only matters for unpublished courses.
        course_id: The course.
        page: 1-based page number (clamped to 1..1000).
        page_size: Reviews per page (clamped to 1..100).

    Returns:
        The page of reviews, the total number of visible reviews and the page count.

    Raises:
        NotFound: unknown course, or an unpublished course the actor may not see.
    """
    cid = _readable_course(session, actor, course_id)
    page, size, offset = page_window(page, page_size)
    count_query, page_query = _review_page_queries()
    total = int(session.exec(count_query, params={"course_id": cid}).one())
    params = {"course_id": cid, "limit": size, "offset": offset}
    rows = session.execute(page_query, params).all()
    return ReviewPage(
        reviews=[_public_view(review, first, last) for review, first, last in rows],
        total=total,
        page=page,
        pages=max(1, math.ceil(total / size)),
    )


def course_page_reviews(
    *, session: Session, actor: Actor | None, course_id: int
) -> tuple[ReviewPage, MyReview | None]:
    """The course page's reviews: the first page, and the visitor's own review if any.

    Visitors who are signed out or not verified have no review of their own to show.

    Raises:
        NotFound: unknown course, or an unpublished course the actor may not see.
    """
    found = list_reviews(session=session, actor=actor, course_id=course_id, page=1)
    if actor is None or not actor.is_verified:
        return found, None
    return found, find_my_review(session=session, actor=actor, course_id=course_id)


def rating_distribution(
    *, session: Session, actor: Actor | None = None, course_id: int
) -> list[int]:
    """How many visible reviews gave 1..5 stars; index 0 is one star.

    Raises:
        NotFound: unknown course, or an unpublished course the actor may not see.
    """
    cid = _readable_course(session, actor, course_id)
    rows = session.exec(
        select(Review.rating, func.count())
        .where(col(Review.course_id) == cid, col(Review.is_hidden).is_(False))
        .group_by(col(Review.rating))
    ).all()
    counts = dict(rows)
    return [int(counts.get(stars, 0)) for stars in range(1, 6)]
