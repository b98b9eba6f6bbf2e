"""Coupons: who may make them, whether one applies, and claiming one exactly once.

Admins manage every coupon; an instructor only coupons for their own courses (scope
"course" on a course they teach, or scope "instructor" naming themselves). A claim is a
conditional UPDATE (used_count < usage_limit) plus a row in coupon_redemption, whose
UNIQUE(coupon, user) makes a coupon once per user (docs/security.md case 70).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from lms_reflex.models import (
    Coupon,
    CouponKind,
    CouponRedemption,
    CouponScope,
    Course,
    Role,
    utcnow,
)
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import Actor, require_role
from lms_reflex.services.audit import record_event
from lms_reflex.services.errors import Conflict, InvalidInput, NotFound
from lms_reflex.services.payments.pricing import CouponTerms, PriceItem, applies_to
from lms_reflex.services.teaching.course_details import parse_price
from lms_reflex.services.validation import parse_id, parse_number

INVALID = "That coupon code is not valid."
EXPIRED = "That coupon has expired."
NOT_YET = "That coupon is not valid yet."
USED_UP = "That coupon has been used up."
ALREADY_USED = "You have already used that coupon."
NOT_FOR_THESE = "That coupon does not apply to the courses in your cart."
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,39}$")
MAX_FIXED_MINOR = 1_000_000


@dataclass(frozen=True)
class CouponRow:
    """One coupon on the coupons page."""

    id: int
    coupon: str  # the code people type (not "code": the wire test keeps that name for secrets)
    label: str
    scope_label: str
    window: str
    uses: str


def normalise_code(code: object) -> str:
    """A code as stored: trimmed and upper case ('' for anything that is not text)."""
    return code.strip().upper() if isinstance(code, str) else ""


def terms_of(coupon: Coupon) -> CouponTerms:
    """The arithmetic part of a coupon."""
    return CouponTerms(
        coupon.kind, coupon.amount, coupon.scope, coupon.course_id, coupon.instructor_id
    )


def _check_window(coupon: Coupon, now: datetime) -> None:
    if coupon.starts_at is not None and now < coupon.starts_at:
        raise InvalidInput(NOT_YET)
    if coupon.ends_at is not None and now >= coupon.ends_at:
        raise InvalidInput(EXPIRED)


def find_coupon(session: Session, code: object, user_id: int, items: Sequence[PriceItem]) -> Coupon:
    """The coupon behind `code` if this user may use it on `items` now.

    Raises:
        InvalidInput: with the plain reason (invalid, expired, not yet valid, used up,
            already used, not for these courses).
    """
    coupon = session.exec(select(Coupon).where(Coupon.code == normalise_code(code))).first()
    if coupon is None:
        raise InvalidInput(INVALID)
    _check_window(coupon, utcnow())
    if coupon.usage_limit is not None and coupon.used_count >= coupon.usage_limit:
        raise InvalidInput(USED_UP)
    used = select(CouponRedemption.id).where(
        CouponRedemption.coupon_id == coupon.id, CouponRedemption.user_id == user_id
    )
    if session.exec(used).first() is not None:
        raise InvalidInput(ALREADY_USED)
    if not any(applies_to(terms_of(coupon), item) for item in items):
        raise InvalidInput(NOT_FOR_THESE)
    return coupon


def claim_coupon(session: Session, coupon_id: int, user_id: int, order_id: int) -> None:
    """Count one use, only while uses remain, and tie it to this user and order.

    The UPDATE's WHERE is checked by the database row by row, so 20 concurrent checkouts
    against a limit of 5 leave exactly 5 claims; the losers raise and roll back.

    Raises:
        InvalidInput: the coupon was used up, or this user used it, meanwhile.
    """
    table = Coupon.__table__  # type: ignore[attr-defined]
    claimed = session.execute(
        update(table)
        .where(
            table.c.id == coupon_id,
            or_(table.c.usage_limit.is_(None), table.c.used_count < table.c.usage_limit),
        )
        .values(used_count=table.c.used_count + 1)
        .returning(table.c.id)
    ).first()
    if claimed is None:
        raise InvalidInput(USED_UP)
    try:
        with session.begin_nested():
            session.add(CouponRedemption(coupon_id=coupon_id, user_id=user_id, order_id=order_id))
    except IntegrityError:
        raise InvalidInput(ALREADY_USED) from None


def release_coupon(session: Session, order_id: int) -> None:
    """Give back the use an order claimed (the order failed or expired unpaid)."""
    redemption = session.exec(
        select(CouponRedemption).where(CouponRedemption.order_id == order_id)
    ).first()
    if redemption is None:
        return
    table = Coupon.__table__  # type: ignore[attr-defined]
    session.execute(
        update(table)
        .where(table.c.id == redemption.coupon_id, table.c.used_count > 0)
        .values(used_count=table.c.used_count - 1)
    )
    session.exec(delete(CouponRedemption).where(col(CouponRedemption.id) == redemption.id))


@dataclass(frozen=True)
class CouponDraft:
    """What a person typed into the new-coupon form (checked by `create_coupon`)."""

    code: str
    kind: str
    amount: str
    scope: str
    course_id: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    usage_limit: str = ""


def _amount(kind: str, text: str) -> int:
    if kind == CouponKind.PERCENT:
        value = parse_number(text.strip().rstrip("%"), max_digits=3)
        if value is None or not 1 <= value <= 100:
            raise InvalidInput("A percentage must be a whole number from 1 to 100.")
        return value
    if kind != CouponKind.FIXED:
        raise InvalidInput("Choose a percentage or a fixed amount.")
    value = parse_price(text)
    if not 0 < value <= MAX_FIXED_MINOR:
        raise InvalidInput("A fixed amount must be more than zero.")
    return value


def _scope_target(
    session: Session, actor: Actor, scope: str, course_id: str
) -> tuple[int | None, int | None]:
    """(course_id, instructor_id) for the scope, checking the actor may cover it."""
    if scope == CouponScope.COURSE:
        course = session.get(Course, parse_id(course_id))
        if course is None or not (actor.is_admin or course.instructor_id == actor.id):
            raise NotFound("We could not find that course.")
        return course.id, None
    if scope == CouponScope.INSTRUCTOR and not actor.is_admin:
        return None, actor.id
    if scope == CouponScope.ALL and actor.is_admin:
        return None, None
    raise InvalidInput("You can make coupons for your own courses only.")


def _limit(text: str) -> int | None:
    if not text.strip():
        return None
    value = parse_number(text.strip(), max_digits=7)
    if value is None or value < 1:
        raise InvalidInput("The usage limit must be a whole number of 1 or more.")
    return value


def create_coupon(*, session: Session, actor: Actor | None, draft: CouponDraft) -> int:
    """Make a coupon; returns its id.

    Raises:
        NotSignedIn, PermissionDenied: not a verified instructor or admin.
        InvalidInput: a bad code, amount, scope, window or limit, in a plain sentence.
        NotFound: a course the actor does not teach.
        Conflict: the code is taken.
    """
    actor = require_role(actor, Role.INSTRUCTOR)
    code = normalise_code(draft.code)
    if not _CODE.match(code):
        raise InvalidInput("A code is 3 to 40 letters, digits, - or _.")
    amount = _amount(draft.kind, draft.amount)
    course_id, instructor_id = _scope_target(session, actor, draft.scope, draft.course_id)
    if draft.starts_at and draft.ends_at and draft.ends_at <= draft.starts_at:
        raise InvalidInput("The end must come after the start.")
    if session.exec(select(Coupon.id).where(Coupon.code == code)).first() is not None:
        raise Conflict("That code is already taken.")
    coupon = Coupon(
        code=code, kind=draft.kind, amount=amount, scope=draft.scope, course_id=course_id,
        instructor_id=instructor_id, created_by=actor.id, starts_at=draft.starts_at,
        ends_at=draft.ends_at, usage_limit=_limit(draft.usage_limit),
    )  # fmt: skip
    session.add(coupon)
    session.flush()
    record_event(session=session, action="coupon_created", actor_id=actor.id, subject=code)
    assert coupon.id is not None
    return coupon.id


def _visible(actor: Actor):
    """The coupons an actor manages: all for admins, their own courses' for instructors."""
    if actor.is_admin:
        return select(Coupon)
    own = select(Course.id).where(Course.instructor_id == actor.id)
    return select(Coupon).where(
        or_(col(Coupon.instructor_id) == actor.id, col(Coupon.course_id).in_(own))
    )


def _row(coupon: Coupon, titles: dict[int, str]) -> CouponRow:
    assert coupon.id is not None
    if coupon.kind == CouponKind.PERCENT:
        label = f"{coupon.amount}% off"
    else:
        label = f"{fmt.money_label(coupon.amount)} off"
    scope = {CouponScope.ALL: "Every course", CouponScope.INSTRUCTOR: "All your courses"}.get(
        CouponScope(coupon.scope), titles.get(coupon.course_id or 0, "A course")
    )
    start, end = fmt.day_label(coupon.starts_at), fmt.day_label(coupon.ends_at)
    window = f"{start or 'now'} to {end or 'no end'}"
    limit = coupon.usage_limit
    uses = f"{coupon.used_count} of {limit}" if limit else f"{coupon.used_count} used"
    return CouponRow(coupon.id, coupon.code, label, scope, window, uses)


@dataclass(frozen=True)
class CourseChoice:
    """A course the new-coupon form may name (its instructor's own; any for admins)."""

    id: int
    title: str


def coupon_courses(*, session: Session, actor: Actor | None) -> tuple[CourseChoice, ...]:
    """The priced courses the actor may make a one-course coupon for, by title."""
    actor = require_role(actor, Role.INSTRUCTOR)
    query = select(Course.id, Course.title).where(Course.price_cents > 0)
    if not actor.is_admin:
        query = query.where(Course.instructor_id == actor.id)
    rows = session.exec(query.order_by(col(Course.title)).limit(500)).all()
    return tuple(CourseChoice(cid or 0, title) for cid, title in rows)


def list_coupons(*, session: Session, actor: Actor | None) -> tuple[CouponRow, ...]:
    """The coupons the actor manages, newest first."""
    actor = require_role(actor, Role.INSTRUCTOR)
    coupons = session.exec(_visible(actor).order_by(col(Coupon.id).desc()).limit(200)).all()
    ids = {c.course_id for c in coupons if c.course_id}
    titles = dict(
        session.exec(select(Course.id, Course.title).where(col(Course.id).in_(ids))).all()
    )
    return tuple(_row(c, {k: v for k, v in titles.items() if k is not None}) for c in coupons)


def end_coupon(*, session: Session, actor: Actor | None, coupon_id: object) -> str:
    """Stop a coupon from now on (past orders keep their discount); returns its code.

    Raises:
        NotFound: unknown coupon, or one the actor does not manage.
    """
    actor = require_role(actor, Role.INSTRUCTOR)
    coupon = session.exec(_visible(actor).where(Coupon.id == parse_id(coupon_id))).first()
    if coupon is None:
        raise NotFound("We could not find that coupon.")
    now = utcnow()
    coupon.ends_at = min(coupon.ends_at, now) if coupon.ends_at else now
    record_event(session=session, action="coupon_ended", actor_id=actor.id, subject=coupon.code)
    return coupon.code
