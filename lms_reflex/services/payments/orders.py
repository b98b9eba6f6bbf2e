"""Reading orders: the buyer's order page, "My purchases", and the admin's order list."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from lms_reflex.models import Order, OrderLine, OrderStatus, Provider, User
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import Actor, require_admin, require_verified
from lms_reflex.services.admin.listing import Page, read_page, search_text
from lms_reflex.services.errors import InvalidInput, NotFound
from lms_reflex.services.payments.fulfilment import order_lines
from lms_reflex.services.validation import parse_id
from lms_reflex.settings import get_settings

STATUS_LABELS = {
    OrderStatus.PENDING: "Waiting for payment",
    OrderStatus.PAID: "Paid",
    OrderStatus.FAILED: "Not paid",
    OrderStatus.REFUNDED: "Refunded",
    OrderStatus.PARTIALLY_REFUNDED: "Partly refunded",
}
PAGE_SIZE = 25
ORDER_STATUSES = tuple(status.value for status in OrderStatus)


@dataclass(frozen=True)
class LineView:
    """One line of an order as people read it."""

    id: int
    course_id: int
    title: str
    paid_label: str
    refunded: bool
    needs_refund: bool


@dataclass(frozen=True)
class OrderView:
    """An order: who, what, how much, and what to do next."""

    id: int
    reference: str
    status: str
    status_label: str
    provider: str
    provider_ref: str
    buyer_email: str
    created_label: str
    total_label: str
    discount_label: str
    lines: tuple[LineView, ...]
    bank_instructions: str


def _line(line: OrderLine, currency: str) -> LineView:
    return LineView(
        line.id or 0,
        line.course_id or 0,
        line.course_title,
        fmt.money_label(line.paid_minor, currency),
        line.refunded_at is not None,
        line.needs_refund and line.refunded_at is None,
    )


def _view(session: Session, order: Order, email: str) -> OrderView:
    assert order.id is not None
    waiting = order.provider == Provider.BANK and order.status == OrderStatus.PENDING
    return OrderView(
        id=order.id,
        reference=order.reference,
        status=order.status,
        status_label=STATUS_LABELS.get(OrderStatus(order.status), order.status),
        provider=order.provider,
        provider_ref=order.provider_ref or order.payment_ref or "",
        buyer_email=email,
        created_label=fmt.day_label(order.created_at),
        total_label=fmt.money_label(order.total_minor, order.currency),
        discount_label=fmt.money_label(order.discount_minor, order.currency),
        lines=tuple(_line(li, order.currency) for li in order_lines(session, order.id)),
        bank_instructions=get_settings().bank_instructions if waiting else "",
    )


def order_page(*, session: Session, actor: Actor | None, reference: object) -> OrderView:
    """The buyer's own order (the success page polls it until the webhook has arrived).

    Raises:
        NotSignedIn: for anonymous callers.
        NotFound: unknown reference, or someone else's order (never revealed).
    """
    actor = require_verified(actor)
    ref = reference.strip().upper() if isinstance(reference, str) else ""
    order = session.exec(select(Order).where(Order.reference == ref)).first()
    if order is None or order.user_id != actor.id:
        raise NotFound("We could not find that order.")
    email = session.exec(select(User.email).where(User.id == actor.id)).one()
    return _view(session, order, email)


def my_purchases(*, session: Session, actor: Actor | None) -> tuple[OrderView, ...]:
    """The actor's orders, newest first (failed checkouts left out)."""
    actor = require_verified(actor)
    query = (
        select(Order)
        .where(Order.user_id == actor.id, Order.status != OrderStatus.FAILED)
        .order_by(col(Order.id).desc())
        .limit(100)
    )
    email = session.exec(select(User.email).where(User.id == actor.id)).one()
    return tuple(_view(session, order, email) for order in session.exec(query).all())


def admin_order(*, session: Session, actor: Actor | None, order_id: object) -> OrderView:
    """One order with its lines for the admin's refund dialog.

    Raises:
        NotFound: unknown order.
    """
    require_admin(actor)
    order = session.get(Order, parse_id(order_id))
    if order is None:
        raise NotFound("We could not find that order.")
    email = session.exec(select(User.email).where(User.id == order.user_id)).first() or ""
    return _view(session, order, email)


def admin_orders(
    *, session: Session, actor: Actor | None, query: object = "", status: object = "", page: int = 1
) -> Page[OrderView]:
    """Orders newest first, searched by reference, provider id or buyer email.

    Raises:
        NotSignedIn, PermissionDenied: anyone but a verified admin.
        InvalidInput: an unknown status or a search over 200 characters.
    """
    require_admin(actor)
    text = search_text(query if isinstance(query, str) else "")
    clauses = []
    if status not in ("", None):
        if status not in set(OrderStatus):
            raise InvalidInput("Unknown order status.")
        clauses.append(col(Order.status) == status)
    if text:
        like = f"%{text.lower()}%"
        clauses.append(
            or_(
                func.lower(col(Order.reference)).like(like),
                func.lower(col(Order.provider_ref)).like(like),
                col(Order.user_id).in_(select(User.id).where(func.lower(User.email).like(like))),
            )
        )
    base = select(Order, User.email).outerjoin(User, col(User.id) == col(Order.user_id))
    rows_query = base.where(*clauses).order_by(col(Order.id).desc())
    return read_page(
        session,
        id_column=col(Order.id),
        clauses=clauses,
        rows_query=rows_query,
        to_rows=lambda rows: [_view(session, order, email or "") for order, email in rows],
        page=page,
        page_size=PAGE_SIZE,
    )
