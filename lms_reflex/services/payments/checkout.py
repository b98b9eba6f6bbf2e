"""Checkout: turn the cart (or one "Buy now" course) into a pending order.

Every price is read from the course rows here, at checkout time; nothing the browser sends
is a price (docs/security.md case 55). The order keeps those prices: if the instructor
changes the price while the buyer is on the provider's page, the order still charges what
it says. Nothing is enrolled here: Stripe orders wait for the signed webhook, bank orders
for an admin (services/payments/fulfilment.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlmodel import Session, select

from lms_reflex import routes
from lms_reflex.mail import Mail
from lms_reflex.models import Course, Order, OrderLine, Provider, User
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import Actor, require_verified
from lms_reflex.services.errors import InvalidInput
from lms_reflex.services.payments import coupons, providers
from lms_reflex.services.payments.cart import _on_sale, sweep_cart
from lms_reflex.services.payments.fulfilment import mark_paid
from lms_reflex.services.payments.pricing import PriceItem, Quote, quote

EMPTY_CART = "Your cart is empty."
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: people type it in a bank form


@dataclass(frozen=True)
class CheckoutResult:
    """Where the buyer goes next: Stripe's page, or our order page (bank details, or done)."""

    reference: str
    redirect_url: str
    provider: str
    mails: tuple[Mail, ...] = ()


@dataclass(frozen=True)
class QuoteView:
    """The cart total with a coupon, before paying (the cart page's "Apply")."""

    subtotal_label: str
    discount_label: str
    total_label: str
    code: str


def new_reference() -> str:
    """A short order reference a person can quote on a bank transfer (e.g. LMS-7K3QX9PD)."""
    return "LMS-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def _items(courses: list[Course]) -> list[PriceItem]:
    return [PriceItem(c.id or 0, c.instructor_id, c.title, c.price_cents) for c in courses]


def _courses(session: Session, actor: Actor, course_id: object | None) -> list[Course]:
    """The courses being bought: one for "Buy now", else what is still buyable in the cart."""
    if course_id is not None:
        return [_on_sale(session, actor, course_id)]
    courses, _notes = sweep_cart(session, actor.id)
    if not courses:
        raise InvalidInput(EMPTY_CART)
    return courses


def quote_cart(
    *, session: Session, actor: Actor | None, coupon_code: object, course_id: object = None
) -> QuoteView:
    """Price the cart with a coupon, or say in a sentence why the coupon does not apply.

    Raises:
        InvalidInput: an empty cart, or the coupon's reason (see coupons.find_coupon).
    """
    actor = require_verified(actor)
    items = _items(_courses(session, actor, course_id))
    coupon = coupons.find_coupon(session, coupon_code, actor.id, items)
    q = quote(items, coupons.terms_of(coupon))
    return QuoteView(
        fmt.money_label(q.subtotal_minor),
        fmt.money_label(q.discount_minor),
        fmt.money_label(q.total_minor),
        coupon.code,
    )


def _write_order(session: Session, actor: Actor, provider: str, q: Quote, code: str) -> Order:
    order = Order(
        reference=new_reference(),
        user_id=actor.id,
        provider=provider if q.total_minor > 0 else Provider.FREE,
        currency=fmt.site_currency(),
        subtotal_minor=q.subtotal_minor,
        discount_minor=q.discount_minor,
        total_minor=q.total_minor,
        coupon_code=code,
    )
    session.add(order)
    session.flush()
    assert order.id is not None
    for line in q.lines:
        session.add(
            OrderLine(
                order_id=order.id,
                course_id=line.item.course_id,
                course_title=line.item.title,
                list_price_minor=line.item.list_price_minor,
                discount_minor=line.discount_minor,
                paid_minor=line.paid_minor,
            )
        )
    session.flush()
    return order


def _send_to_stripe(session: Session, order: Order, q: Quote, actor: Actor) -> str:
    email = session.exec(select(User.email).where(User.id == actor.id)).one()
    hosted = providers.start_stripe_checkout(
        reference=order.reference,
        order_id=order.id or 0,
        currency=order.currency,
        lines=[providers.ChargeLine(li.item.title, li.paid_minor) for li in q.lines],
        email=email,
    )
    order.provider_ref = hosted.session_id
    return hosted.url


def checkout(
    *,
    session: Session,
    actor: Actor | None,
    provider: object,
    coupon_code: object = "",
    course_id: object = None,
) -> CheckoutResult:
    """Create a pending order for the cart (or `course_id` alone) and start paying it.

    The coupon is claimed after the provider's session exists, so the coupon row is
    locked only for the UPDATE, not while Stripe answers. A total of zero (a 100% coupon)
    is paid at once, with no provider.

    Raises:
        NotSignedIn, PermissionDenied: anonymous or unverified actors, their own course.
        InvalidInput: an empty cart, an unavailable provider, a coupon that does not apply.
        ProviderError: Stripe could not be reached (nothing is written).
    """
    actor = require_verified(actor)
    provider = providers.check_provider(provider)
    items = _items(_courses(session, actor, course_id))
    code = coupons.normalise_code(coupon_code)
    coupon = coupons.find_coupon(session, code, actor.id, items) if code else None
    q = quote(items, coupons.terms_of(coupon) if coupon else None)
    order = _write_order(session, actor, provider, q, coupon.code if coupon else "")
    assert order.id is not None
    redirect = routes.order_url(order.reference)
    if order.provider == Provider.STRIPE:
        redirect = _send_to_stripe(session, order, q, actor)
    if coupon is not None and coupon.id is not None:
        coupons.claim_coupon(session, coupon.id, actor.id, order.id)
    mails: tuple[Mail, ...] = ()
    if order.provider == Provider.FREE:
        mails = mark_paid(session, order).mails
    return CheckoutResult(order.reference, redirect, order.provider, mails)
