"""/api/payments/stripe/webhook through the real Starlette routes: forged requests are
refused, a signed one pays once and mails the receipt after the answer (case 71)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from lms_reflex import routes
from lms_reflex.api import build_api
from lms_reflex.db import dispose_engines
from lms_reflex.models import Enrollment, Order, Role
from lms_reflex.services.payments import cart, checkout
from tests.stripe_standin import SECRET_KEY, WEBHOOK_SECRET, StripeStandin, sign
from tests.unit.catalog_fixtures import actor, add_course, add_user


@pytest.fixture
def paid_setup(settings_env, session: Session):
    standin = StripeStandin().start()
    settings_env(
        stripe_secret_key=SECRET_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=standin.base_url,
    )
    dispose_engines()
    teacher = add_user(session, "t@example.org", Role.INSTRUCTOR)
    student = add_user(session, "s@example.org")
    course = add_course(session, teacher, "paid")
    course.price_cents = 1500
    cart.add_to_cart(session=session, actor=actor(student), course_id=course.id)
    checkout.checkout(session=session, actor=actor(student), provider="stripe")
    session.commit()
    order = session.exec(select(Order)).one()
    yield standin, order
    standin.stop()
    dispose_engines()


def test_forged_and_signed_webhooks(session: Session, paid_setup, mailbox) -> None:
    standin, order = paid_setup
    session.commit()
    client = TestClient(build_api())
    payload = standin.completed_event(order.provider_ref or "", event_id="evt_route")
    url = routes.WEBHOOK_STRIPE
    assert client.post(url, content=payload).status_code == 400
    forged = {"Stripe-Signature": sign(payload, secret="whsec_guess")}
    assert client.post(url, content=payload, headers=forged).status_code == 400
    assert client.post(url, content=b"x" * 300_000).status_code == 413
    assert session.exec(select(Enrollment)).all() == []
    session.commit()  # end the test's own transaction before the route writes
    signed = {"Stripe-Signature": sign(payload)}
    answer = client.post(url, content=payload, headers=signed)
    assert answer.status_code == 200, answer.text
    assert len(session.exec(select(Enrollment)).all()) == 1
    session.commit()
    assert [m.subject for m in mailbox.sent] == [f"Your receipt for order {order.reference}"]
    again = client.post(url, content=payload, headers=signed)
    assert again.json()["note"] == "already handled" and len(mailbox.sent) == 1
