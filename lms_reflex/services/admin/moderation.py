"""Admin read models for moderation: recent reviews (hidden ones too) and a user's enrollments.

The writes live elsewhere (`reviews.hide_review`, `admin.enrollments.admin_enroll`,
`admin.enrollments.admin_remove_enrollment`); these lists feed the admin pages that call them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from lms_reflex.models import Course, CourseStatus, Enrollment, Review, User
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import Actor, require_admin
from lms_reflex.services.catalog.listings import list_categories, page_window
from lms_reflex.services.errors import NotFound
from lms_reflex.services.views import CategoryView

MAX_ENROLLABLE = 500


@dataclass(frozen=True)
class ModeratedReview:
    """A review as admins see it: course, author's full name, text, and whether it is hidden."""

    id: int
    course_title: str
    course_slug: str
    author: str
    rating: int
    body: str
    date_label: str
    hidden: bool


@dataclass(frozen=True)
class ModeratedReviewPage:
    """One page of recent reviews, newest first."""

    rows: list[ModeratedReview]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class UserEnrollment:
    """A course a user is enrolled in, and how they got in (self, admin, payment)."""

    course_id: int
    course_title: str
    source: str
    date_label: str


@dataclass(frozen=True)
class CourseChoice:
    """A course an admin may enroll someone in."""

    id: int
    title: str


def list_recent_reviews(
    *, session: Session, actor: Actor | None, page: int = 1, page_size: int = 20
) -> ModeratedReviewPage:
    """Every course's reviews, hidden ones included, newest first, in two statements.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
    """
    require_admin(actor)
    page, size, offset = page_window(page, page_size)
    total = int(session.exec(select(func.count(col(Review.id)))).one())
    rows = session.execute(
        select(Review, Course.title, Course.slug, User.first_name)
        .add_columns(col(User.last_name))
        .join(Course, col(Course.id) == col(Review.course_id))
        .outerjoin(User, col(User.id) == col(Review.user_id))
        .order_by(col(Review.created_at).desc(), col(Review.id).desc())
        .limit(size)
        .offset(offset)
    ).all()
    return ModeratedReviewPage(
        rows=[
            ModeratedReview(
                id=review.id or 0,
                course_title=title,
                course_slug=slug,
                author=f"{first or ''} {last or ''}".strip() or "Former student",
                rating=review.rating,
                body=review.body,
                date_label=fmt.day_label(review.created_at),
                hidden=review.is_hidden,
            )
            for review, title, slug, first, last in rows
        ],
        total=total,
        page=page,
        pages=max(1, math.ceil(total / size)),
    )


def list_user_enrollments(
    *, session: Session, actor: Actor | None, user_id: int
) -> list[UserEnrollment]:
    """A user's enrollments, newest first, in two statements whatever their number.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        NotFound: unknown user.
    """
    require_admin(actor)
    user = session.get(User, user_id) if type(user_id) is int else None
    if user is None:
        raise NotFound("We could not find that user.")
    rows = session.exec(
        select(Enrollment, Course.title)
        .join(Course, col(Course.id) == col(Enrollment.course_id))
        .where(col(Enrollment.user_id) == user_id)
        .order_by(col(Enrollment.created_at).desc(), col(Enrollment.id).desc())
    ).all()
    return [
        UserEnrollment(e.course_id, title, e.source, fmt.day_label(e.created_at))
        for e, title in rows
    ]


def enrollable_courses(*, session: Session, actor: Actor | None) -> list[CourseChoice]:
    """Published and archived courses by title, for the admin's enroll picker (one statement).

    Drafts are left out because `admin_enroll` refuses them.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
    """
    require_admin(actor)
    rows = session.exec(
        select(Course.id, Course.title)
        .where(col(Course.status).in_([CourseStatus.PUBLISHED, CourseStatus.ARCHIVED]))
        .order_by(col(Course.title), col(Course.id))
        .limit(MAX_ENROLLABLE)
    ).all()
    return [CourseChoice(cid or 0, title) for cid, title in rows]


def categories_for_admin(*, session: Session, actor: Actor | None) -> list[CategoryView]:
    """Every category in catalog order, for the admin editor (one statement).

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
    """
    require_admin(actor)
    return list_categories(session=session)
