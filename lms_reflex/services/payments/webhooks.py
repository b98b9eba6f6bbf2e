"""The Stripe webhook: the only way a Stripe order becomes paid (docs/security.md case 55).

The body is checked with stripe.Webhook.construct_event against LMS_STRIPE_WEBHOOK_SECRET
(an HMAC over the timestamp and the raw body, five minutes of tolerance). An event id is
handled once: its row in processed_webhook is inserted first, and a replay finds it. The
session must name one of our pending orders, and its amount and currency must be the
order's. Anything else is refused, logged and recorded in the audit trail; nothing is
paid and nothing enrolled (docs/security.md case 71).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_reflex.mail import Mail
from lms_reflex.models import Order, ProcessedWebhook, Provider
from lms_reflex.services.audit import record_event
from lms_reflex.services.payments.fulfilment import fail_order, mark_paid
from lms_reflex.settings import get_settings

log = logging.getLogger(__name__)

# A delayed method (a bank debit) completes the session unpaid and pays it later.
PAYS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
FAILS = ("checkout.session.expired", "checkout.session.async_payment_failed")


@dataclass(frozen=True)
class WebhookOutcome:
    """The HTTP answer for the provider (2xx: do not retry) and mails to send after it."""

    status: int
    note: str
    mails: tuple[Mail, ...] = ()


def _refuse(session: Session, reason: str, event_id: str = "") -> WebhookOutcome:
    log.warning("stripe webhook refused: %s (event %s)", reason, event_id or "-")
    record_event(
        session=session,
        action="payment_webhook_refused",
        subject=event_id[:100],
        detail={"reason": reason},
    )
    return WebhookOutcome(400, reason)


def _verified_event(payload: bytes, signature: str) -> Any:
    import stripe  # on first use, as services/payments/providers.py explains

    secret = get_settings().stripe_webhook_secret
    if secret is None:
        raise stripe.SignatureVerificationError("webhook secret not configured", signature)
    return stripe.Webhook.construct_event(payload, signature, secret.get_secret_value())


def _first_time(session: Session, event_id: str, event_type: str) -> ProcessedWebhook | None:
    """Record the event id; None when it was handled before (a replay or a retry)."""
    row = ProcessedWebhook(event_id=event_id, event_type=event_type[:80])
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def _order_for(session: Session, checkout_session: dict[str, Any]) -> Order | None:
    query = select(Order).where(
        Order.provider == Provider.STRIPE,
        Order.provider_ref == str(checkout_session.get("id") or ""),
    )
    return session.exec(query.with_for_update()).first()


def _completed(
    session: Session, event_id: str, obj: dict[str, Any], row: ProcessedWebhook
) -> WebhookOutcome:
    order = _order_for(session, obj)
    if order is None:
        return _refuse(session, "unknown checkout session", event_id)
    row.order_id = order.id
    amount, currency = obj.get("amount_total"), str(obj.get("currency") or "")
    if amount != order.total_minor or currency.upper() != order.currency.upper():
        row.note = f"refused: {amount} {currency} for {order.total_minor} {order.currency}"
        return _refuse(session, f"amount or currency mismatch for {order.reference}", event_id)
    if obj.get("payment_status") != "paid":
        row.note = "not paid yet"
        return WebhookOutcome(200, "waiting for the payment")
    outcome = mark_paid(session, order, payment_ref=str(obj.get("payment_intent") or ""))
    row.note = f"paid: {len(outcome.enrolled)} enrolled, {len(outcome.flagged)} flagged"
    return WebhookOutcome(200, row.note, outcome.mails)


def _expired(session: Session, obj: dict[str, Any], row: ProcessedWebhook) -> WebhookOutcome:
    order = _order_for(session, obj)
    if order is not None:
        row.order_id = order.id
        fail_order(session, order, "checkout session expired or its payment failed")
    return WebhookOutcome(200, "expired")


def handle_stripe_webhook(*, session: Session, payload: bytes, signature: str) -> WebhookOutcome:
    """Verify and apply one Stripe event; answers are never errors raised to the route.

    Returns:
        400 for a bad signature, an unknown session or a mismatch (logged and audited);
        200 for a replay (nothing done), an event we do not use, or one applied.
    """
    from stripe import SignatureVerificationError

    try:
        event = _verified_event(payload, signature)
    except (ValueError, SignatureVerificationError):
        return _refuse(session, "bad signature")
    event_id, event_type = str(event.id), str(event.type)
    row = _first_time(session, event_id, event_type)
    if row is None:
        return WebhookOutcome(200, "already handled")
    obj: dict[str, Any] = event.data.object.to_dict()
    if event_type in PAYS:
        return _completed(session, event_id, obj, row)
    if event_type in FAILS:
        return _expired(session, obj, row)
    row.note = "ignored"
    return WebhookOutcome(200, "ignored")
