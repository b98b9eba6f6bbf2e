"""/api/payments/stripe/webhook: Stripe tells us a Checkout Session was paid or expired.

Anyone can POST here; only a body signed with LMS_STRIPE_WEBHOOK_SECRET is acted on
(services/payments/webhooks.py, docs/security.md case 71). The receipt mail goes out after
the answer, so Stripe never waits on SMTP.
"""

from __future__ import annotations

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from lms_reflex import routes as urls
from lms_reflex.db import call_service
from lms_reflex.mail import Mail, send_mail
from lms_reflex.services.payments.webhooks import handle_stripe_webhook

# Stripe's Checkout events are a few kilobytes; anything far larger is not from Stripe.
MAX_WEBHOOK_BYTES = 256 * 1024


def _send_all(mails: tuple[Mail, ...]) -> None:
    for mail in mails:
        send_mail(mail)


async def _read_capped(request: Request) -> bytes | None:
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_WEBHOOK_BYTES:
            return None
    return bytes(body)


async def stripe_webhook(request: Request) -> JSONResponse:
    """Verify and apply one event; 400 when refused (logged), 200 otherwise."""
    payload = await _read_capped(request)
    if payload is None:
        return JSONResponse({"ok": False, "note": "too large"}, status_code=413)
    outcome = await call_service(
        handle_stripe_webhook,
        payload=payload,
        signature=request.headers.get("stripe-signature", ""),
    )
    task = BackgroundTask(_send_all, outcome.mails) if outcome.mails else None
    body = {"ok": outcome.status < 300, "note": outcome.note}
    return JSONResponse(body, status_code=outcome.status, background=task)


routes = [Route(urls.WEBHOOK_STRIPE, stripe_webhook, methods=["POST"])]
