"""The cart and the wishlist: courses a student means to buy, or to remember.

Prices are never stored here: the cart shows today's price and checkout reads it again
(docs/security.md case 55). Courses the student already has, and courses no longer on
sale, leave the cart with a note instead of failing the checkout.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, delete, select

from lms_reflex.models import CartItem, Course, CourseStatus, Enrollment, WishlistItem, utcnow
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import Actor, require_verified
from lms_reflex.services.errors import InvalidInput, NotFound, PermissionDenied
from lms_reflex.services.payments.providers import available_providers
from lms_reflex.services.validation import parse_id

ALREADY_OWNED = "You already have this course."
FREE_COURSE = "This course is free: enroll from its page."
NOT_FOR_SALE = "This course is not on sale."
OWN_COURSE = "You teach this course, so you cannot buy it."


@dataclass(frozen=True)
class CartLine:
    """One course on the cart or wishlist page, at today's price."""

    course_id: int
    slug: str
    title: str
    price_minor: int
    price_label: str


@dataclass(frozen=True)
class CartView:
    """The cart page: lines, today's total, notes about removed courses, ways to pay."""

    lines: tuple[CartLine, ...]
    total_minor: int
    total_label: str
    notes: tuple[str, ...]
    providers: tuple[str, ...]


def _on_sale(session: Session, actor: Actor, course_id: object) -> Course:
    """A published, priced course the actor may buy.

    Raises:
        NotFound: unknown or unpublished course.
        InvalidInput: a free course.
        PermissionDenied: the actor's own course.
        InvalidInput: a course the actor already has.
    """
    course = session.get(Course, parse_id(course_id))
    if course is None or course.status != CourseStatus.PUBLISHED:
        raise NotFound(NOT_FOR_SALE)
    if course.price_cents <= 0:
        raise InvalidInput(FREE_COURSE)
    if course.instructor_id == actor.id:
        raise PermissionDenied(OWN_COURSE)
    if owns(session, actor.id, course.id or 0):
        raise InvalidInput(ALREADY_OWNED)
    return course


def owns(session: Session, user_id: int, course_id: int) -> bool:
    """Whether the user is enrolled in the course (by payment, an admin, or for free)."""
    found = select(Enrollment.id).where(
        Enrollment.user_id == user_id, Enrollment.course_id == course_id
    )
    return session.exec(found).first() is not None


def _insert_once(session: Session, table: type[CartItem] | type[WishlistItem], **values: object):
    dialect = session.get_bind().dialect.name
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        upsert(table)
        .values(**values, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id", "course_id"])
    )
    session.exec(statement)


def add_to_cart(*, session: Session, actor: Actor | None, course_id: object) -> str:
    """Put a course in the actor's cart (twice is harmless); returns its title.

    Raises:
        NotSignedIn, PermissionDenied, NotFound, InvalidInput: see `_on_sale`.
    """
    actor = require_verified(actor)
    course = _on_sale(session, actor, course_id)
    _insert_once(session, CartItem, user_id=actor.id, course_id=course.id)
    return course.title


def remove_from_cart(*, session: Session, actor: Actor | None, course_id: object) -> None:
    """Take a course out of the actor's cart (nothing happens when it was not there)."""
    actor = require_verified(actor)
    session.exec(
        delete(CartItem).where(
            col(CartItem.user_id) == actor.id, col(CartItem.course_id) == parse_id(course_id)
        )
    )


def toggle_wishlist(*, session: Session, actor: Actor | None, course_id: object) -> bool:
    """Save a published course for later, or forget it; True when it is now saved.

    Raises:
        NotSignedIn: for anonymous callers.
        NotFound: unknown or unpublished course.
    """
    actor = require_verified(actor)
    course = session.get(Course, parse_id(course_id))
    if course is None or course.status != CourseStatus.PUBLISHED:
        raise NotFound("We could not find that course.")
    mine = (col(WishlistItem.user_id) == actor.id, col(WishlistItem.course_id) == course.id)
    if session.exec(select(WishlistItem.id).where(*mine)).first() is not None:
        session.exec(delete(WishlistItem).where(*mine))
        return False
    _insert_once(session, WishlistItem, user_id=actor.id, course_id=course.id)
    return True


def remove_from_wishlist(*, session: Session, actor: Actor | None, course_id: object) -> None:
    """Forget a saved course (nothing happens when it was not saved)."""
    actor = require_verified(actor)
    session.exec(
        delete(WishlistItem).where(
            col(WishlistItem.user_id) == actor.id,
            col(WishlistItem.course_id) == parse_id(course_id),
        )
    )


def _lines(session: Session, table: type[CartItem] | type[WishlistItem], user_id: int):
    query = (
        select(Course)
        .join(table, col(table.course_id) == col(Course.id))
        .where(col(table.user_id) == user_id)
        .order_by(col(table.created_at), col(table.id))
    )
    return list(session.exec(query).all())


def _line(course: Course) -> CartLine:
    assert course.id is not None
    price = course.price_cents
    return CartLine(course.id, course.slug, course.title, price, fmt.price_label(price))


def sweep_cart(session: Session, user_id: int) -> tuple[list[Course], list[str]]:
    """The courses still buyable in the cart, after removing the others with a note each."""
    keep: list[Course] = []
    notes: list[str] = []
    for course in _lines(session, CartItem, user_id):
        reason = ""
        if owns(session, user_id, course.id or 0):
            reason = "you already have it"
        elif course.status != CourseStatus.PUBLISHED or course.price_cents <= 0:
            reason = "it is no longer on sale"
        if reason:
            notes.append(f"{course.title} was removed from your cart: {reason}.")
            session.exec(
                delete(CartItem).where(
                    col(CartItem.user_id) == user_id, col(CartItem.course_id) == course.id
                )
            )
        else:
            keep.append(course)
    return keep, notes


def cart_view(*, session: Session, actor: Actor | None) -> CartView:
    """The actor's cart at today's prices (owned or withdrawn courses swept out, noted)."""
    actor = require_verified(actor)
    courses, notes = sweep_cart(session, actor.id)
    lines = tuple(_line(course) for course in courses)
    total = sum(line.price_minor for line in lines)
    return CartView(lines, total, fmt.money_label(total), tuple(notes), available_providers())


def wishlist_view(*, session: Session, actor: Actor | None) -> tuple[CartLine, ...]:
    """The actor's saved courses that are still published."""
    actor = require_verified(actor)
    courses = _lines(session, WishlistItem, actor.id)
    return tuple(_line(c) for c in courses if c.status == CourseStatus.PUBLISHED)
