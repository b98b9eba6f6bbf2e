"""The payment providers: Stripe Checkout, and bank transfer (always on).

Stripe is reached through the official `stripe` library with a client per call, so the
settings (LMS_STRIPE_SECRET_KEY, LMS_STRIPE_API_BASE for the test stand-in) are read at
call time and nothing is set globally. Stripe never decides that an order is paid here:
only the signed webhook does (services/payments/webhooks.py, docs/security.md case 55).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lms_reflex import routes
from lms_reflex.models import Provider
from lms_reflex.services.errors import DomainError, InvalidInput
from lms_reflex.settings import get_settings

if TYPE_CHECKING:
    import stripe
    from stripe._base_address import BaseAddresses
    from stripe.params import RefundCreateParams
    from stripe.params.checkout import SessionCreateParams

log = logging.getLogger(__name__)

PROVIDER_DOWN = (
    "We could not reach the payment provider, and nothing was charged. "
    "Please try again in a few minutes."
)
REFUND_FAILED = "The payment provider refused the refund, so nothing was changed."


class ProviderError(DomainError):
    """The provider could not be reached or refused; the transaction is rolled back."""


@dataclass(frozen=True)
class ChargeLine:
    """One line as the provider shows it on its checkout page."""

    title: str
    amount_minor: int


@dataclass(frozen=True)
class HostedCheckout:
    """Where to send the buyer, and the provider's id for this checkout."""

    session_id: str
    url: str


def available_providers() -> tuple[str, ...]:
    """Stripe when configured, then bank transfer, which is always offered."""
    if get_settings().stripe_enabled:
        return (Provider.STRIPE, Provider.BANK)
    return (Provider.BANK,)


def check_provider(name: object) -> str:
    """The provider a checkout asked for, if it is on.

    Raises:
        InvalidInput: an unknown provider, or Stripe while it is not configured.
    """
    if not isinstance(name, str) or name not in available_providers():
        raise InvalidInput("That way of paying is not available.")
    return name


def _client() -> stripe.StripeClient:
    # Imported on first use: a site without Stripe never loads it, and the library is
    # about 10 MiB of an idle worker's memory (benchmarks/README.md, "Issue 22 targets").
    import stripe

    settings = get_settings()
    assert settings.stripe_secret_key is not None
    base: BaseAddresses = {"api": settings.stripe_api_base} if settings.stripe_api_base else {}
    return stripe.StripeClient(
        settings.stripe_secret_key.get_secret_value(),
        base_addresses=base,
        max_network_retries=1,
    )


def start_stripe_checkout(
    *, reference: str, order_id: int, currency: str, lines: Sequence[ChargeLine], email: str
) -> HostedCheckout:
    """Create a Stripe Checkout Session charging exactly `lines` (the order's own prices).

    Raises:
        ProviderError: Stripe could not be reached or refused the session.
    """
    from stripe import StripeError

    base = get_settings().base_url
    params: SessionCreateParams = {
        "mode": "payment",
        "client_reference_id": reference,
        "customer_email": email,
        "metadata": {"order_id": str(order_id), "reference": reference},
        "success_url": f"{base}{routes.order_url(reference)}",
        "cancel_url": f"{base}{routes.CART}",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency.lower(),
                    "unit_amount": line.amount_minor,
                    "product_data": {"name": line.title},
                },
            }
            for line in lines
            if line.amount_minor > 0
        ],
    }
    try:
        session = _client().v1.checkout.sessions.create(params=params)
    except StripeError as exc:
        log.warning("stripe checkout session for %s failed: %s", reference, exc)
        raise ProviderError(PROVIDER_DOWN) from None
    if not session.id or not session.url:
        raise ProviderError(PROVIDER_DOWN)
    return HostedCheckout(session_id=session.id, url=session.url)


def stripe_refund(*, payment_ref: str, amount_minor: int, reference: str) -> str:
    """Give `amount_minor` of a Stripe payment back; returns the refund's id.

    Raises:
        ProviderError: Stripe could not be reached or refused the refund.
    """
    from stripe import StripeError

    params: RefundCreateParams = {
        "payment_intent": payment_ref,
        "amount": amount_minor,
        "metadata": {"reference": reference},
    }
    try:
        refund = _client().v1.refunds.create(params=params)
    except StripeError as exc:
        log.warning("stripe refund for %s failed: %s", reference, exc)
        raise ProviderError(REFUND_FAILED) from None
    return refund.id
