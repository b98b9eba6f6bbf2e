"""An order becomes paid: enroll each line once, flag doubles for refund, mail the receipt.

Called from exactly three places: the signed Stripe webhook, an admin marking a bank
transfer as received, and a checkout whose total is zero. A student never reaches it
with a request of their own (docs/security.md case 55). Two orders for one course (two
tabs) both get paid: the first enrolls, the second line is flagged `needs_refund`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from lms_reflex.mail import Mail
from lms_reflex.mail.payment_messages import receipt_mail
from lms_reflex.models import (
    CartItem,
    EnrollmentSource,
    Order,
    OrderLine,
    OrderStatus,
    Provider,
    User,
    utcnow,
)
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import Actor, require_admin
from lms_reflex.services.audit import record_event
from lms_reflex.services.errors import Conflict, NotFound
from lms_reflex.services.learning.enrollment import _insert_enrollment
from lms_reflex.services.payments.coupons import release_coupon
from lms_reflex.services.payments.receipts import money, receipt_pdf
from lms_reflex.services.validation import parse_id


@dataclass(frozen=True)
class PaidOutcome:
    """What paying did: courses enrolled, lines flagged for refund, mails to send after."""

    reference: str
    enrolled: tuple[int, ...]
    flagged: tuple[int, ...]
    mails: tuple[Mail, ...]


def order_lines(session: Session, order_id: int) -> list[OrderLine]:
    """An order's lines in the order they were bought."""
    query = select(OrderLine).where(OrderLine.order_id == order_id).order_by(col(OrderLine.id))
    return list(session.exec(query).all())


def _receipt(session: Session, order: Order, lines: list[OrderLine]) -> Mail | None:
    user = session.get(User, order.user_id) if order.user_id else None
    if user is None:
        return None
    rows = [(line.course_title, money(line.paid_minor, order.currency)) for line in lines]
    total = money(order.total_minor, order.currency)
    pdf = receipt_pdf(
        reference=order.reference,
        buyer=f"{user.first_name} {user.last_name} <{user.email}>".strip(),
        paid_at=fmt.day_label(order.paid_at),
        lines=rows,
        total=total,
    )
    text_lines = [f"{title}: {amount}" for title, amount in rows]
    return receipt_mail(user.email, order.reference, text_lines, total, pdf)


def mark_paid(session: Session, order: Order, *, payment_ref: str | None = None) -> PaidOutcome:
    """Mark a pending order paid and enroll its buyer; a paid order is left alone.

    The caller has decided the money arrived (signed webhook, admin, zero total).
    """
    assert order.id is not None
    if order.status != OrderStatus.PENDING:
        return PaidOutcome(order.reference, (), (), ())
    order.status = OrderStatus.PAID
    order.paid_at = utcnow()
    order.payment_ref = payment_ref or order.payment_ref
    lines = order_lines(session, order.id)
    enrolled, flagged = [], []
    for line in lines:
        made = bool(order.user_id and line.course_id) and _insert_enrollment(
            session, order.user_id or 0, line.course_id or 0, EnrollmentSource.PAYMENT
        )
        line.needs_refund = not made
        (enrolled if made else flagged).append(line.id or 0)
    if order.user_id:
        bought = [line.course_id for line in lines if line.course_id]
        session.exec(
            delete(CartItem).where(
                col(CartItem.user_id) == order.user_id, col(CartItem.course_id).in_(bought)
            )
        )
    detail = {"order": order.reference, "enrolled": len(enrolled), "flagged": len(flagged)}
    record_event(session=session, action="order_paid", actor_id=order.user_id, detail=detail)
    mail = _receipt(session, order, lines)
    return PaidOutcome(order.reference, tuple(enrolled), tuple(flagged), (mail,) if mail else ())


def fail_order(session: Session, order: Order, reason: str) -> None:
    """An unpaid order will never be paid (expired, cancelled): give its coupon back."""
    if order.status != OrderStatus.PENDING or order.id is None:
        return
    order.status = OrderStatus.FAILED
    release_coupon(session, order.id)
    detail = {"order": order.reference, "reason": reason}
    record_event(session=session, action="order_failed", actor_id=order.user_id, detail=detail)


def admin_mark_paid(*, session: Session, actor: Actor | None, order_id: object) -> PaidOutcome:
    """An admin saw the bank transfer arrive: the order is paid and the buyer enrolled.

    Raises:
        NotSignedIn, PermissionDenied: not a verified admin.
        NotFound: unknown order.
        Conflict: not a pending bank-transfer order.
    """
    admin = require_admin(actor)
    order = session.get(Order, parse_id(order_id), with_for_update=True)
    if order is None:
        raise NotFound("We could not find that order.")
    if order.provider != Provider.BANK or order.status != OrderStatus.PENDING:
        raise Conflict("Only a pending bank-transfer order can be marked as paid.")
    outcome = mark_paid(session, order)
    record_event(
        session=session,
        action="admin_order_marked_paid",
        actor_id=admin.id,
        subject=order.reference,
        detail={"order_id": order.id, "total_minor": order.total_minor},
    )
    return outcome


def admin_cancel_order(*, session: Session, actor: Actor | None, order_id: object) -> str:
    """Cancel a pending order that will not be paid; returns the order's reference.

    No transfer came, or the buyer changed their mind: the order fails and its coupon use
    is given back.

    Raises:
        NotSignedIn, PermissionDenied: not a verified admin.
        NotFound: unknown order.
        Conflict: an order that is not pending.
    """
    admin = require_admin(actor)
    order = session.get(Order, parse_id(order_id), with_for_update=True)
    if order is None:
        raise NotFound("We could not find that order.")
    if order.status != OrderStatus.PENDING:
        raise Conflict("Only a pending order can be cancelled.")
    fail_order(session, order, "cancelled by an admin")
    record_event(
        session=session,
        action="admin_order_cancelled",
        actor_id=admin.id,
        subject=order.reference,
        detail={"order_id": order.id},
    )
    return order.reference
