"""The public catalog: categories, course listings, search and the course page.

Only published courses are ever listed. A draft or archived course page is visible to its
instructor and to admins only; everyone else gets NotFound, so its existence is not leaked.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, bindparam, func, literal_column, or_
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from lms_reflex.media.cards import card_key
from lms_reflex.models import Category, Course, CourseStatus, Enrollment, User
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import Actor, is_course_staff
from lms_reflex.services.catalog.course_page import build_course_detail
from lms_reflex.services.errors import InvalidInput, NotFound
from lms_reflex.services.text import contains_pattern
from lms_reflex.services.views import CategoryView, CourseCard, CourseDetail

Order = Literal["newest", "top_rated", "popular"]
CategorySort = Literal["popular", "newest"]
MAX_QUERY_LEN = 200
MAX_PAGE = 100
MAX_PAGE_NUMBER = 1000
OTHERS_ON_CATEGORY_PAGE = 4


@dataclass(frozen=True)
class CategoryPage:
    """A category with one page of its courses, and a few from elsewhere to explore."""

    category: CategoryView
    courses: list[CourseCard]
    total: int
    page: int
    pages: int
    others: list[CourseCard]


def page_window(page: int, page_size: int) -> tuple[int, int, int]:
    """(page, size, offset) with the page in 1..1000 and the size in 1..100."""
    size = min(max(page_size, 1), MAX_PAGE)
    page = min(max(page, 1), MAX_PAGE_NUMBER)
    return page, size, (page - 1) * size


def list_categories(*, session: Session) -> list[CategoryView]:
    """All categories in the admin-chosen order."""
    rows = session.execute(_categories_query())
    return [CategoryView(*row) for row in rows]


@functools.cache
def _categories_query() -> Select:
    """Built once: the top bar of every page loads the menu."""
    columns = (col(Category.id), col(Category.name), col(Category.slug), col(Category.description))
    return sql_select(*columns).order_by(col(Category.position), col(Category.name))


def get_category(*, session: Session, slug: str) -> CategoryView:
    """One category by slug.

    Raises:
        NotFound: when no category has that slug.
    """
    cat = session.exec(select(Category).where(Category.slug == slug)).first()
    if cat is None or cat.id is None:
        raise NotFound("We could not find that category.")
    return CategoryView(cat.id, cat.name, cat.slug, cat.description)


@functools.cache
def _card_query() -> Select:
    """Published courses with instructor, category and student count in one statement.

    Only the columns a card shows are selected: loading whole Course rows decoded every
    JSON column and built an ORM object per card, which with building the statement
    anew was most of a listing's cost (the home page runs three listings per visit).
    Built once per process; SQLAlchemy statements are immutable, callers extend copies.

    The count is a correlated subquery on ix_enrollment_course_id, so it reads only the
    enrollments of the courses in the result; a grouped subquery would read every
    enrollment on every listing (about twice as slow with 100,000 of them).
    """
    students = (
        sql_select(func.count())
        .select_from(Enrollment)
        .where(col(Enrollment.course_id) == col(Course.id))
        .correlate(Course)
        .scalar_subquery()
        .label("students")
    )
    return (
        sql_select(
            *(col(getattr(Course, name)) for name in _CARD_COURSE_COLUMNS),
            col(User.first_name),
            col(User.last_name),
            col(Category.name).label("category_name"),
            students,
        )
        .join(User, col(User.id) == col(Course.instructor_id))
        .outerjoin(Category, col(Category.id) == col(Course.category_id))
        .where(col(Course.status) == CourseStatus.PUBLISHED)
    )


_CARD_COURSE_COLUMNS = (
    "id", "slug", "title", "subtitle", "level", "rating_avg", "rating_count", "price_cents",
    "currency", "thumbnail_key",
)  # fmt: skip


def _to_card(row: Any) -> CourseCard:
    """A card from a `_card_query()` row (extra columns after the card's are ignored)."""
    return CourseCard(
        id=row.id,
        slug=row.slug,
        title=row.title,
        subtitle=row.subtitle,
        instructor_name=f"{row.first_name} {row.last_name}".strip(),
        category_name=row.category_name or "",
        level=row.level,
        rating_avg=round(row.rating_avg, 1),
        rating_count=row.rating_count,
        price_label=fmt.price_label(row.price_cents),
        thumbnail_url=fmt.media_url(card_key(row.thumbnail_key)),
        student_count=int(row.students),
    )


def _ordered(query: Select, order: Order) -> Select:
    if order == "top_rated":
        return query.order_by(
            col(Course.rating_avg).desc(), col(Course.rating_count).desc(), col(Course.id).desc()
        )
    if order == "popular":
        return query.order_by(literal_column("students").desc(), col(Course.id).desc())
    return query.order_by(col(Course.published_at).desc(), col(Course.id).desc())


def list_published_courses(
    *,
    session: Session,
    order: Order = "newest",
    limit: int = 12,
    offset: int = 0,
    category_slug: str | None = None,
    instructor_id: int | None = None,
) -> list[CourseCard]:
    """Published courses as cards, optionally of one category or one instructor."""
    order = order if order in ("newest", "top_rated", "popular") else "newest"
    params = {"limit": min(max(limit, 1), MAX_PAGE), "offset": max(offset, 0)}
    if category_slug is None and instructor_id is None:
        query = _whole_catalog(order)  # the home page's lists: the statement is reused
    else:
        query = _card_query()
        if category_slug is not None:
            query = query.where(col(Category.slug) == category_slug)
        if instructor_id is not None:
            query = query.where(col(Course.instructor_id) == instructor_id)
        query = _ordered(query, order).limit(bindparam("limit")).offset(bindparam("offset"))
    return [_to_card(row) for row in session.execute(query, params).all()]


@functools.cache
def _whole_catalog(order: Order) -> Select:
    """One page of all published courses in `order`, built once per order.

    A statement built once also keeps its SQLAlchemy cache key, which is otherwise
    computed again on every execution.
    """
    return _ordered(_card_query(), order).limit(bindparam("limit")).offset(bindparam("offset"))


def search_courses(*, session: Session, query: str, limit: int = 20) -> list[CourseCard]:
    """Published courses whose title, subtitle, description or instructor match `query`.

    The text is bound as a parameter and its wildcards escaped, so input such as
    `' OR 1=1 --` or `%` is matched literally.
    """
    text = " ".join(query.split())[:MAX_QUERY_LEN]
    if not text:
        return []
    pattern = contains_pattern(text)
    fields = [Course.title, Course.subtitle, Course.description, User.first_name, User.last_name]
    match = or_(*(func.lower(col(f)).like(pattern, escape="\\") for f in fields))
    rows = session.execute(_ordered(_card_query().where(match), "top_rated").limit(limit))
    return [_to_card(row) for row in rows.all()]


def can_see_unpublished(actor: Actor | None, course: Course) -> bool:
    """Drafts are visible to the course's staff only (`actor.is_course_staff`)."""
    return is_course_staff(actor, course.instructor_id)


def get_course_detail(*, session: Session, actor: Actor | None, slug: str) -> CourseDetail:
    """The full course page.

    Raises:
        NotFound: unknown slug, or a course that is not published and not the actor's.
    """
    course = session.exec(select(Course).where(Course.slug == slug)).first()
    if course is None:
        raise NotFound("We could not find that course.")
    if course.status != CourseStatus.PUBLISHED and not can_see_unpublished(actor, course):
        raise NotFound("We could not find that course.")
    return build_course_detail(session, course)


def course_id_for_slug(*, session: Session, actor: Actor | None, slug: str) -> int:
    """The id of the course at `slug`, under the course page's visibility rule.

    For callers that name a course by its slug (the API) and then call a service that takes
    an id; that service checks again.

    Raises:
        NotFound: unknown slug, or a course that is not published and not the actor's.
    """
    course = session.exec(select(Course).where(Course.slug == slug)).first()
    if course is None or course.id is None:
        raise NotFound("We could not find that course.")
    if course.status != CourseStatus.PUBLISHED and not can_see_unpublished(actor, course):
        raise NotFound("We could not find that course.")
    return course.id


def _others_query(category_id: int) -> Select:
    """The best-rated published courses of other categories, as cards.

    The few ids are picked on stored ratings first, so student counts are computed for
    those four courses only, not for the whole catalog on every category page view.
    """
    elsewhere = or_(col(Course.category_id) != category_id, col(Course.category_id).is_(None))
    best = (
        select(Course.id)
        .where(Course.status == CourseStatus.PUBLISHED, elsewhere)
        .order_by(
            col(Course.rating_avg).desc(), col(Course.rating_count).desc(), col(Course.id).desc()
        )
        .limit(OTHERS_ON_CATEGORY_PAGE)
    )
    return _ordered(_card_query().where(col(Course.id).in_(best)), "top_rated")


def list_category_page(
    *,
    session: Session,
    slug: str,
    sort: CategorySort = "popular",
    page: int = 1,
    page_size: int = 20,
) -> CategoryPage:
    """A category page: its published courses, a page at a time, and a few others.

    Four statements whatever the page size: the category, a count, the page, the others.

    Args:
        session: The open session (read only).
        slug: The category's slug.
        sort: "popular" (most students first) or "newest".
        page: 1-based page number.
        page_size: Courses per page (1..100).

    Returns:
        The category, its page of course cards, the total and page count, and up to four
        best-rated published courses from other categories.

    Raises:
        NotFound: when no category has that slug.
        InvalidInput: for an unknown sort.
    """
    if sort not in ("popular", "newest"):
        raise InvalidInput("Unknown sort order.")
    category = get_category(session=session, slug=slug)
    page, size, offset = page_window(page, page_size)
    mine = col(Course.category_id) == category.id
    count = select(func.count()).select_from(Course).where(mine)
    total = int(session.exec(count.where(Course.status == CourseStatus.PUBLISHED)).one())
    rows = session.execute(_ordered(_card_query().where(mine), sort).limit(size).offset(offset))
    others = session.execute(_others_query(category.id))
    return CategoryPage(
        category=category,
        courses=[_to_card(row) for row in rows.all()],
        total=total,
        page=page,
        pages=max(1, math.ceil(total / size)),
        others=[_to_card(row) for row in others.all()],
    )
