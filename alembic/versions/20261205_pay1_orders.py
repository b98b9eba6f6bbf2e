"""Paid courses: orders and their lines, coupons and redemptions, carts, wishlists, webhooks.

Revision ID: pay1_orders
Revises: api1_tokens
Create Date: 2026-12-05 07:49:17

Read by hand after autogenerate; the integrator chains it after the other helpers' heads.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "pay1_orders"
down_revision: str | None = "api1_tokens"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("provider_ref", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("payment_ref", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("subtotal_minor", sa.Integer(), nullable=False),
        sa.Column("discount_minor", sa.Integer(), nullable=False),
        sa.Column("total_minor", sa.Integer(), nullable=False),
        sa.Column("refunded_minor", sa.Integer(), nullable=False),
        sa.Column("coupon_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("provider IN ('stripe', 'bank', 'free')", name="ck_order_provider"),
        sa.CheckConstraint(
            "status IN ('pending', 'paid', 'failed', 'refunded', 'partially_refunded')",
            name="ck_order_status",
        ),
        sa.CheckConstraint("discount_minor >= 0", name="ck_order_discount"),
        sa.CheckConstraint("refunded_minor >= 0", name="ck_order_refunded"),
        sa.CheckConstraint("subtotal_minor >= 0", name="ck_order_subtotal"),
        sa.CheckConstraint("total_minor >= 0", name="ck_order_total"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_order_paid_at"), ["paid_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_order_provider_ref"), ["provider_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_order_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_order_user_id"), ["user_id"], unique=False)

    op.create_table(
        "cart_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "course_id", name="uq_cart_item_user_course"),
    )
    with op.batch_alter_table("cart_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cart_item_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cart_item_user_id"), ["user_id"], unique=False)

    op.create_table(
        "coupon",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("instructor_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("usage_limit", sa.Integer(), nullable=True),
        sa.Column("used_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind <> 'percent' OR amount <= 100", name="ck_coupon_percent"),
        sa.CheckConstraint("kind IN ('percent', 'fixed')", name="ck_coupon_kind"),
        sa.CheckConstraint("scope IN ('course', 'instructor', 'all')", name="ck_coupon_scope"),
        sa.CheckConstraint("amount > 0", name="ck_coupon_amount"),
        sa.CheckConstraint(
            "usage_limit IS NULL OR used_count <= usage_limit", name="ck_coupon_limit"
        ),
        sa.CheckConstraint("used_count >= 0", name="ck_coupon_used"),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["instructor_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("coupon", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coupon_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coupon_created_by"), ["created_by"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_coupon_instructor_id"), ["instructor_id"], unique=False
        )

    op.create_table(
        "order_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("course_title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("list_price_minor", sa.Integer(), nullable=False),
        sa.Column("discount_minor", sa.Integer(), nullable=False),
        sa.Column("paid_minor", sa.Integer(), nullable=False),
        sa.Column("needs_refund", sa.Boolean(), nullable=False),
        sa.Column("refunded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("discount_minor >= 0", name="ck_order_line_discount"),
        sa.CheckConstraint("list_price_minor >= 0", name="ck_order_line_list_price"),
        sa.CheckConstraint("paid_minor >= 0", name="ck_order_line_paid"),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["order_id"], ["order.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "course_id", name="uq_order_line_course"),
    )
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_line_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_order_line_order_id"), ["order_id"], unique=False)

    op.create_table(
        "processed_webhook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("event_type", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["order.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("processed_webhook", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processed_webhook_order_id"), ["order_id"], unique=False
        )

    op.create_table(
        "wishlist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "course_id", name="uq_wishlist_item_user_course"),
    )
    with op.batch_alter_table("wishlist_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wishlist_item_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wishlist_item_user_id"), ["user_id"], unique=False)

    op.create_table(
        "coupon_redemption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coupon_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["coupon_id"], ["coupon.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["order_id"], ["order.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("coupon_id", "user_id", name="uq_coupon_redemption_user"),
    )
    with op.batch_alter_table("coupon_redemption", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coupon_redemption_coupon_id"), ["coupon_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_coupon_redemption_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_coupon_redemption_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("coupon_redemption", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupon_redemption_user_id"))
        batch_op.drop_index(batch_op.f("ix_coupon_redemption_order_id"))
        batch_op.drop_index(batch_op.f("ix_coupon_redemption_coupon_id"))

    op.drop_table("coupon_redemption")
    with op.batch_alter_table("wishlist_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wishlist_item_user_id"))
        batch_op.drop_index(batch_op.f("ix_wishlist_item_course_id"))

    op.drop_table("wishlist_item")
    with op.batch_alter_table("processed_webhook", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_webhook_order_id"))

    op.drop_table("processed_webhook")
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_line_order_id"))
        batch_op.drop_index(batch_op.f("ix_order_line_course_id"))

    op.drop_table("order_line")
    with op.batch_alter_table("coupon", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupon_instructor_id"))
        batch_op.drop_index(batch_op.f("ix_coupon_created_by"))
        batch_op.drop_index(batch_op.f("ix_coupon_course_id"))

    op.drop_table("coupon")
    with op.batch_alter_table("cart_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cart_item_user_id"))
        batch_op.drop_index(batch_op.f("ix_cart_item_course_id"))

    op.drop_table("cart_item")
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_user_id"))
        batch_op.drop_index(batch_op.f("ix_order_status"))
        batch_op.drop_index(batch_op.f("ix_order_provider_ref"))
        batch_op.drop_index(batch_op.f("ix_order_paid_at"))
        batch_op.drop_index(batch_op.f("ix_order_created_at"))

    op.drop_table("order")
