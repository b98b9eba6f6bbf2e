"""One named read per catalog page view: everything a page's first paint shows.

A page that needs several reads in one transaction calls one of these through
`state.session.with_top_bar` (or `as_actor`), never a closure in state/ over a database
session (docs/architecture.md). Each returns a frozen view; permissions are checked by
the services they call, as on every call.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from lms_reflex.services.actor import Actor
from lms_reflex.services.catalog import listings
from lms_reflex.services.learning import enrollment, reviews
from lms_reflex.services.learning.enrollment import EnrollmentStatus
from lms_reflex.services.learning.reviews import MyReview, ReviewPage
from lms_reflex.services.views import CourseCard, CourseDetail

HOME_LISTS: tuple[tuple[listings.Order, int], ...] = (
    ("newest", 8),
    ("top_rated", 4),
    ("popular", 4),
)


@dataclass(frozen=True)
class HomeView:
    """The home page's three lists of published courses."""

    newest: list[CourseCard]
    top_rated: list[CourseCard]
    popular: list[CourseCard]


@dataclass(frozen=True)
class ReviewsView:
    """A course's first page of reviews, the visitor's own, and who is looking."""

    found: ReviewPage
    mine: MyReview | None
    viewer_id: int | None


@dataclass(frozen=True)
class CoursePageView:
    """The course page's first paint: the course, the enroll button, the reviews."""

    course: CourseDetail
    status: EnrollmentStatus
    reviews: ReviewsView


def home_view(*, session: Session, actor: Actor | None) -> HomeView:
    """The three home lists (the same for every visitor)."""
    newest, top_rated, popular = (
        listings.list_published_courses(session=session, order=order, limit=limit)
        for order, limit in HOME_LISTS
    )
    return HomeView(newest, top_rated, popular)


def reviews_view(*, session: Session, actor: Actor | None, course_id: int) -> ReviewsView:
    """The course page's reviews block, also read again after the visitor's own changes.

    Raises:
        NotFound: unknown course, or an unpublished course the actor may not see.
    """
    found, mine = reviews.course_page_reviews(session=session, actor=actor, course_id=course_id)
    return ReviewsView(found, mine, actor.id if actor else None)


def course_view(*, session: Session, actor: Actor | None, slug: str) -> CoursePageView:
    """The course named by `slug` (drafts only for their staff and admins), in one read.

    Raises:
        NotFound: unknown slug, or a course that is not published and not the actor's.
    """
    course = listings.get_course_detail(session=session, actor=actor, slug=slug)
    status = enrollment.enrollment_status(session=session, actor=actor, course_id=course.id)
    shown = reviews_view(session=session, actor=actor, course_id=course.id)
    return CoursePageView(course, status, shown)
