"""Admin catalog work: categories, the list of every course, and moderating courses.

Every function is for admins only and leaves an audit event with before/after values.
Hiding reviews is `reviews.hide_review`; it is not repeated here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from lms_reflex.mail.admin_messages import course_archived_mail, course_unpublished_mail
from lms_reflex.mail.message import Mail
from lms_reflex.models import Category, Course, CourseStatus, Enrollment, User, utcnow
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import Actor, require_admin
from lms_reflex.services.admin.listing import Page, read_page, search_text
from lms_reflex.services.audit import record_event
from lms_reflex.services.errors import Conflict, InvalidInput, NotFound
from lms_reflex.services.teaching.course_moderation import set_hold
from lms_reflex.services.text import contains_pattern
from lms_reflex.services.validation import first_free_slug, make_slug
from lms_reflex.services.views import CategoryView

MAX_NAME_LEN = 80
MAX_DESCRIPTION_LEN = 2000
MAX_REASON_LEN = 1000
CATEGORY_SLUG_MAX = 70
STALE_ORDER = "The list of categories changed meanwhile. Please reload and try again."


@dataclass(frozen=True)
class AdminCourseRow:
    """A line of the admin course list, drafts and archived courses included."""

    id: int
    slug: str
    title: str
    status: str
    owner_name: str
    category_name: str
    students: int
    price_label: str
    created_label: str
    moderated: bool = False
    moderation_reason: str = ""
    review_request: str = ""


AdminCoursePage = Page[AdminCourseRow]


def _view(category: Category) -> CategoryView:
    return CategoryView(category.id or 0, category.name, category.slug, category.description)


def _audit(session: Session, admin: Actor, action: str, **detail: Any) -> None:
    record_event(session=session, action=action, actor_id=admin.id, detail=detail)


def _category(session: Session, category_id: object) -> Category:
    row = session.get(Category, category_id) if isinstance(category_id, int) else None
    if row is None:
        raise NotFound("We could not find that category.")
    return row


def _clean_name(session: Session, name: object, *, keep_id: int | None = None) -> str:
    """A trimmed, unused category name.

    Raises:
        InvalidInput: empty or longer than 80 characters.
        Conflict: another category has that name (ignoring case).
    """
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not text or len(text) > MAX_NAME_LEN:
        raise InvalidInput("Please give the category a name of 1 to 80 characters.", field="name")
    clash = session.exec(
        select(Category.id).where(func.lower(col(Category.name)) == text.lower())
    ).first()
    if clash is not None and clash != keep_id:
        raise Conflict(f"A category called \u201c{text}\u201d already exists.", field="name")
    return text


def _clean_description(description: object) -> str:
    text = description.strip() if isinstance(description, str) else None
    if text is None or len(text) > MAX_DESCRIPTION_LEN:
        raise InvalidInput(
            "Please keep the description under 2000 characters.", field="description"
        )
    return text


def _free_slug(session: Session, name: str) -> str:
    """A URL-safe slug from the name, made unique with -2, -3 ... when taken."""
    base = make_slug(name, fallback="category", max_len=CATEGORY_SLUG_MAX)
    taken = set(session.exec(select(Category.slug).where(col(Category.slug).startswith(base))))
    return first_free_slug(base, taken)


def create_category(
    *, session: Session, actor: Actor | None, name: str, description: str = ""
) -> CategoryView:
    """Add a category at the end of the list; its slug is made from the name.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        InvalidInput: an empty or too long name or description.
        Conflict: the name is taken.
    """
    admin = require_admin(actor)
    clean = _clean_name(session, name)
    text = _clean_description(description)
    last = session.exec(select(func.max(col(Category.position)))).one()
    row = Category(
        name=clean,
        slug=_free_slug(session, clean),
        description=text,
        position=0 if last is None else last + 1,
    )
    session.add(row)
    session.flush()
    _audit(session, admin, "category_created", category_id=row.id, after={"name": clean})
    return _view(row)


def rename_category(
    *, session: Session, actor: Actor | None, category_id: int, name: str
) -> CategoryView:
    """Give a category a new name. The slug stays, so links keep working.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        NotFound: unknown category.
        InvalidInput: an empty or too long name.
        Conflict: the name is taken by another category.
    """
    admin = require_admin(actor)
    row = _category(session, category_id)
    clean = _clean_name(session, name, keep_id=row.id)
    before, row.name = row.name, clean
    session.add(row)
    session.flush()
    _audit(session, admin, "category_renamed", category_id=row.id, before=before, after=clean)
    return _view(row)


def describe_category(
    *, session: Session, actor: Actor | None, category_id: int, description: str
) -> CategoryView:
    """Change a category's description (shown as text, never as HTML).

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        NotFound: unknown category.
        InvalidInput: a description over 2000 characters.
    """
    admin = require_admin(actor)
    row = _category(session, category_id)
    text = _clean_description(description)
    before, row.description = row.description, text
    session.add(row)
    session.flush()
    _audit(session, admin, "category_described", category_id=row.id, before=before, after=text)
    return _view(row)


def reorder_categories(
    *, session: Session, actor: Actor | None, category_ids: list[int]
) -> list[CategoryView]:
    """Put categories in the given order, positions 0..n-1.

    The list must name every category exactly once: a list made before someone added or
    deleted one (stale) or carrying foreign ids is refused rather than half applied.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        InvalidInput: a stale, foreign, duplicated or malformed list.
    """
    admin = require_admin(actor)
    rows = session.exec(select(Category).order_by(col(Category.id)).with_for_update()).all()
    by_id = {row.id: row for row in rows}
    ids = list(category_ids) if isinstance(category_ids, list | tuple) else None
    if ids is None or not all(type(i) is int for i in ids):
        raise InvalidInput(STALE_ORDER)
    if len(ids) != len(set(ids)) or set(ids) != set(by_id):
        raise InvalidInput(STALE_ORDER)
    before = [row.id for row in sorted(rows, key=lambda r: (r.position, r.name))]
    for position, cid in enumerate(ids):
        by_id[cid].position = position
        session.add(by_id[cid])
    session.flush()
    _audit(session, admin, "categories_reordered", before=before, after=ids)
    return [_view(by_id[cid]) for cid in ids]


def delete_category(*, session: Session, actor: Actor | None, category_id: int) -> None:
    """Delete an empty category and close the gap in the positions.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        NotFound: unknown category.
        Conflict: courses still use it; the message names them.
    """
    admin = require_admin(actor)
    row = _category(session, category_id)
    titles = session.exec(
        select(Course.title).where(col(Course.category_id) == row.id).order_by(col(Course.title))
    ).all()
    if titles:
        names = ", ".join(f"\u201c{t}\u201d" for t in titles)
        raise Conflict(f"Move these courses to another category first: {names}.")
    before = {"name": row.name, "slug": row.slug, "description": row.description}
    session.delete(row)
    session.flush()
    rest = session.exec(select(Category).order_by(col(Category.position), col(Category.name)))
    for position, other in enumerate(rest.all()):
        other.position = position
        session.add(other)
    session.flush()
    _audit(session, admin, "category_deleted", category_id=category_id, before=before)


def _course_filters(query: str, status: str | None) -> list[Any]:
    """WHERE clauses for the admin course list.

    Raises:
        InvalidInput: an unknown status or a search text that is too long.
    """
    clauses: list[Any] = []
    if status:
        if status not in set(CourseStatus):
            raise InvalidInput("Please choose draft, published or archived.")
        clauses.append(col(Course.status) == status)
    text = search_text(query)
    if text:
        clauses.append(func.lower(col(Course.title)).like(contains_pattern(text), escape="\\"))
    return clauses


def _course_row(course: Course, first: str, last: str, category: str | None, n: int) -> Any:
    return AdminCourseRow(
        id=course.id or 0,
        slug=course.slug,
        title=course.title,
        status=course.status,
        owner_name=f"{first} {last}".strip(),
        category_name=category or "",
        students=int(n),
        price_label=fmt.price_label(course.price_cents),
        created_label=fmt.day_label(course.created_at),
        moderated=course.moderated_at is not None,
        moderation_reason=course.moderation_reason,
        review_request=course.review_request,
    )


def list_all_courses(
    *,
    session: Session,
    actor: Actor | None,
    query: str = "",
    status: str | None = None,
    page: int = 1,
    page_size: int = 25,
) -> AdminCoursePage:
    """Every course whatever its status, newest first, with owner and student count.

    Two statements whatever the page size.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        InvalidInput: an unknown status or a search text over 200 characters.
    """
    require_admin(actor)
    clauses = _course_filters(query, status)
    students = (
        select(func.count(col(Enrollment.id)))
        .where(col(Enrollment.course_id) == col(Course.id))
        .scalar_subquery()
    )
    return read_page(
        session,
        id_column=col(Course.id),
        clauses=clauses,
        rows_query=select(Course, User.first_name, User.last_name, Category.name)
        .add_columns(students)
        .join(User, col(User.id) == col(Course.instructor_id))
        .outerjoin(Category, col(Category.id) == col(Course.category_id))
        .where(*clauses)
        .order_by(col(Course.created_at).desc(), col(Course.id).desc()),
        to_rows=lambda results: [_course_row(*row) for row in results],
        page=page,
        page_size=page_size,
    )


def _moderated(
    session: Session, course_id: object, reason: object, allowed: tuple[str, ...]
) -> tuple[Course, User, str]:
    """The course (locked), its instructor and the cleaned reason.

    Raises:
        NotFound: unknown course.
        InvalidInput: an empty or too long reason, or a course in the wrong status.
    """
    text = " ".join(reason.split()) if isinstance(reason, str) else ""
    if not text or len(text) > MAX_REASON_LEN:
        raise InvalidInput("Please give the instructor a reason (at most 1000 characters).")
    course = None
    if isinstance(course_id, int):
        query = select(Course).where(col(Course.id) == course_id).with_for_update()
        course = session.exec(query).first()
    if course is None:
        raise NotFound("We could not find that course.")
    if course.status not in allowed:
        raise InvalidInput(f"This course is {course.status}, so that does not apply.")
    owner = session.get(User, course.instructor_id)
    assert owner is not None  # the foreign key is ON DELETE RESTRICT
    return course, owner, text


def _set_status(session: Session, admin: Actor, course: Course, status: str, reason: str) -> None:
    """Change the status and put the course on hold until an admin lifts it."""
    before, course.status = course.status, status
    set_hold(course, reason)
    course.updated_at = utcnow()
    session.add(course)
    session.flush()
    detail = {"course_id": course.id, "before": before, "after": status, "reason": reason}
    _audit(session, admin, f"course_{status}_by_admin", **detail)


def unpublish_course_with_reason(
    *, session: Session, actor: Actor | None, course_id: int, reason: str
) -> Mail:
    """Take a published course out of the catalog (back to draft) and tell its instructor why.

    Returns:
        The mail to the instructor, for the caller to send after committing.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        NotFound: unknown course.
        InvalidInput: no reason, a reason over 1000 characters, or a course not published.
    """
    admin = require_admin(actor)
    course, owner, text = _moderated(session, course_id, reason, (CourseStatus.PUBLISHED,))
    _set_status(session, admin, course, CourseStatus.DRAFT, text)
    return course_unpublished_mail(owner.email, course.title, text)


def archive_course_with_reason(
    *, session: Session, actor: Actor | None, course_id: int, reason: str
) -> Mail:
    """Archive a draft or published course (no new students) and tell its instructor why.

    Returns and raises as `unpublish_course_with_reason` does; InvalidInput also for a
    course that is archived already.
    """
    admin = require_admin(actor)
    allowed = (CourseStatus.DRAFT, CourseStatus.PUBLISHED)
    course, owner, text = _moderated(session, course_id, reason, allowed)
    _set_status(session, admin, course, CourseStatus.ARCHIVED, text)
    return course_archived_mail(owner.email, course.title, text)
