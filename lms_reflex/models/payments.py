"""Paid courses: carts, wishlists, coupons, orders and the provider events already handled.

Every amount is an integer in the minor unit of the order's currency (cents for USD); a
float never holds money (docs/architecture.md, "Payments").
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from lms_reflex.models.base import UtcDateTime, utcnow


class OrderStatus(StrEnum):
    """Pending until the provider (or an admin, for a bank transfer) says it is paid."""

    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


class Provider(StrEnum):
    """Who takes the money. FREE: a coupon brought the total to zero."""

    STRIPE = "stripe"
    BANK = "bank"
    FREE = "free"


class CouponKind(StrEnum):
    """A percentage off each line, or a fixed amount off the eligible lines together."""

    PERCENT = "percent"
    FIXED = "fixed"


class CouponScope(StrEnum):
    """Which courses a coupon applies to: one course, one instructor's courses, or all."""

    COURSE = "course"
    INSTRUCTOR = "instructor"
    ALL = "all"


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)


class Order(SQLModel, table=True):
    """One checkout, its totals fixed when it is created.

    A later price change never alters what this order charges (docs/security.md case 55).

    user_id becomes NULL when the buyer deletes their account; the books keep the order.
    """

    __tablename__: str = "order"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'paid', 'failed', 'refunded', 'partially_refunded')",
            name="ck_order_status",
        ),
        CheckConstraint("provider IN ('stripe', 'bank', 'free')", name="ck_order_provider"),
        CheckConstraint("subtotal_minor >= 0", name="ck_order_subtotal"),
        CheckConstraint("discount_minor >= 0", name="ck_order_discount"),
        CheckConstraint("total_minor >= 0", name="ck_order_total"),
        CheckConstraint("refunded_minor >= 0", name="ck_order_refunded"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    user_id: int | None = Field(
        default=None, sa_column=_fk("user.id", nullable=True, ondelete="SET NULL")
    )
    status: str = Field(default=OrderStatus.PENDING, max_length=20, index=True)
    provider: str = Field(max_length=16)
    # Stripe: the Checkout Session id (set at checkout) and the PaymentIntent (set when the
    # signed webhook says it is paid; refunds name it). Bank: unused.
    provider_ref: str | None = Field(default=None, max_length=255, index=True)
    payment_ref: str | None = Field(default=None, max_length=255)
    currency: str = Field(max_length=3)
    subtotal_minor: int = 0
    discount_minor: int = 0
    total_minor: int = 0
    refunded_minor: int = 0
    coupon_code: str = Field(default="", max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime, index=True)
    paid_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)


class OrderLine(SQLModel, table=True):
    """One course in an order, with the price it was sold at.

    `needs_refund`: the buyer already had the course when this line was paid (two tabs
    paying twice), so the money must go back; `refunded_at` is set when it did.
    """

    __tablename__: str = "order_line"
    __table_args__ = (
        UniqueConstraint("order_id", "course_id", name="uq_order_line_course"),
        CheckConstraint("list_price_minor >= 0", name="ck_order_line_list_price"),
        CheckConstraint("discount_minor >= 0", name="ck_order_line_discount"),
        CheckConstraint("paid_minor >= 0", name="ck_order_line_paid"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(sa_column=_fk("order.id"))
    course_id: int | None = Field(
        default=None, sa_column=_fk("course.id", nullable=True, ondelete="SET NULL")
    )
    course_title: str = Field(max_length=120)
    list_price_minor: int
    discount_minor: int = 0
    paid_minor: int
    needs_refund: bool = False
    refunded_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Coupon(SQLModel, table=True):
    """A discount code, its usage limit held under concurrent checkouts.

    `used_count` only grows through a conditional UPDATE (docs/security.md case 70).
    """

    __tablename__: str = "coupon"
    __table_args__ = (
        CheckConstraint("kind IN ('percent', 'fixed')", name="ck_coupon_kind"),
        CheckConstraint("scope IN ('course', 'instructor', 'all')", name="ck_coupon_scope"),
        CheckConstraint("amount > 0", name="ck_coupon_amount"),
        CheckConstraint("kind <> 'percent' OR amount <= 100", name="ck_coupon_percent"),
        CheckConstraint("used_count >= 0", name="ck_coupon_used"),
        CheckConstraint("usage_limit IS NULL OR used_count <= usage_limit", name="ck_coupon_limit"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    kind: str = Field(max_length=10)
    # Percent (1-100) for PERCENT, minor units for FIXED.
    amount: int
    scope: str = Field(max_length=12)
    course_id: int | None = Field(default=None, sa_column=_fk("course.id", nullable=True))
    instructor_id: int | None = Field(default=None, sa_column=_fk("user.id", nullable=True))
    created_by: int | None = Field(
        default=None, sa_column=_fk("user.id", nullable=True, ondelete="SET NULL")
    )
    starts_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    ends_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    usage_limit: int | None = None
    used_count: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class CouponRedemption(SQLModel, table=True):
    """A coupon used by one user; UNIQUE(coupon, user) makes it once per user."""

    __tablename__: str = "coupon_redemption"
    __table_args__ = (UniqueConstraint("coupon_id", "user_id", name="uq_coupon_redemption_user"),)

    id: int | None = Field(default=None, primary_key=True)
    coupon_id: int = Field(sa_column=_fk("coupon.id"))
    user_id: int = Field(sa_column=_fk("user.id"))
    order_id: int = Field(sa_column=_fk("order.id"))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class CartItem(SQLModel, table=True):
    """A course in a user's cart; UNIQUE keeps double clicks to one row."""

    __tablename__: str = "cart_item"
    __table_args__ = (UniqueConstraint("user_id", "course_id", name="uq_cart_item_user_course"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("user.id"))
    course_id: int = Field(sa_column=_fk("course.id"))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class WishlistItem(SQLModel, table=True):
    """A course a user saved for later."""

    __tablename__: str = "wishlist_item"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", name="uq_wishlist_item_user_course"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("user.id"))
    course_id: int = Field(sa_column=_fk("course.id"))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class ProcessedWebhook(SQLModel, table=True):
    """A provider event already handled; UNIQUE(event_id) makes a replay do nothing."""

    __tablename__: str = "processed_webhook"

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=255, unique=True)
    event_type: str = Field(max_length=80)
    order_id: int | None = Field(
        default=None, sa_column=_fk("order.id", nullable=True, ondelete="SET NULL")
    )
    note: str = Field(default="", sa_type=Text)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
