"""Refunds: an admin gives back a whole order or some of its lines.

A Stripe order is refunded through stripe.Refund (the PaymentIntent the webhook stored);
a bank-transfer order is marked refunded and the admin sends the money back by hand. Each
refunded line ends that enrollment, unless the line was a double (needs_refund) whose
enrollment belongs to the other order. Audited and mailed (docs/security.md case 72).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from lms_reflex.mail import Mail
from lms_reflex.mail.payment_messages import refund_mail
from lms_reflex.models import Order, OrderLine, OrderStatus, Provider, User, utcnow
from lms_reflex.services.actor import Actor, require_admin
from lms_reflex.services.audit import record_event
from lms_reflex.services.errors import Conflict, InvalidInput, NotFound
from lms_reflex.services.learning.enrollment import _delete_enrollment
from lms_reflex.services.payments.fulfilment import order_lines
from lms_reflex.services.payments.providers import stripe_refund
from lms_reflex.services.payments.receipts import money
from lms_reflex.services.validation import parse_id

REFUNDABLE = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED)


@dataclass(frozen=True)
class RefundOutcome:
    """What was refunded, and the buyer's mail to send after the reply."""

    reference: str
    amount_label: str
    titles: tuple[str, ...]
    mail: Mail | None


def _chosen(lines: list[OrderLine], line_ids: Sequence[object] | None) -> list[OrderLine]:
    open_lines = [line for line in lines if line.refunded_at is None]
    if line_ids is None:
        chosen = open_lines
    else:
        wanted = {parse_id(i) for i in line_ids}
        chosen = [line for line in open_lines if line.id in wanted]
        if len(chosen) != len(wanted):
            raise InvalidInput("Some of those lines are not in this order or were refunded.")
    if not chosen:
        raise InvalidInput("There is nothing left to refund in this order.")
    return chosen


def _send_money_back(order: Order, amount: int) -> str:
    if order.provider != Provider.STRIPE or amount == 0:
        return ""
    if not order.payment_ref:
        raise Conflict("This Stripe order has no payment to refund.")
    return stripe_refund(
        payment_ref=order.payment_ref, amount_minor=amount, reference=order.reference
    )


def _close_lines(session: Session, order: Order, chosen: list[OrderLine]) -> None:
    now = utcnow()
    for line in chosen:
        line.refunded_at = now
        # A flagged double never enrolled anyone: the enrollment is the other order's.
        if not line.needs_refund and order.user_id and line.course_id:
            _delete_enrollment(session, order.user_id, line.course_id)


def refund_order(
    *,
    session: Session,
    actor: Actor | None,
    order_id: object,
    line_ids: Sequence[object] | None = None,
) -> RefundOutcome:
    """Refund the whole order (`line_ids` None) or the given lines.

    Raises:
        NotSignedIn, PermissionDenied: not a verified admin.
        NotFound: unknown order.
        Conflict: an order that is not paid.
        InvalidInput: lines that are not in the order or were refunded already.
        ProviderError: Stripe refused; nothing changes.
    """
    admin = require_admin(actor)
    order = session.get(Order, parse_id(order_id), with_for_update=True)
    if order is None or order.id is None:
        raise NotFound("We could not find that order.")
    if order.status not in REFUNDABLE:
        raise Conflict("Only a paid order can be refunded.")
    lines = order_lines(session, order.id)
    chosen = _chosen(lines, line_ids)
    amount = sum(line.paid_minor for line in chosen)
    _close_lines(session, order, chosen)
    order.refunded_minor += amount
    done = all(line.refunded_at is not None for line in lines)
    order.status = OrderStatus.REFUNDED if done else OrderStatus.PARTIALLY_REFUNDED
    refund_ref = _send_money_back(order, amount)
    titles = tuple(line.course_title for line in chosen)
    detail = {"order": order.reference, "amount_minor": amount, "lines": len(chosen)}
    detail["provider_refund"] = refund_ref
    record_event(session=session, action="order_refunded", actor_id=admin.id, detail=detail)
    label = money(amount, order.currency)
    user = session.get(User, order.user_id) if order.user_id else None
    mail = refund_mail(user.email, order.reference, titles, label) if user else None
    return RefundOutcome(order.reference, label, titles, mail)


def flagged_lines(*, session: Session, actor: Actor | None) -> int:
    """How many paid lines wait for a refund because the buyer already had the course."""
    require_admin(actor)
    query = select(OrderLine.id).where(
        OrderLine.needs_refund == True,  # noqa: E712  (SQL comparison)
        OrderLine.refunded_at == None,  # noqa: E711
    )
    return len(session.exec(query).all())
