"""Payments speed on SQLite: checkout, and the Stripe webhook that pays the order.

Builds a temporary database with the migrations, then for each of N students: a course in
the cart, `checkout.checkout` with provider "stripe" against the local Stripe stand-in
(tests/stripe_standin.py, an HTTP round trip like the real one), and
`webhooks.handle_stripe_webhook` with a signed `checkout.session.completed` event (HMAC
check, order lock, enrollment, receipt PDF). Each call gets a fresh session, as the app
does. Prints p50/p95 in ms for both; asserts nothing.

    python -m benchmarks.payments_bench [--orders 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parents[1]


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    args = parser.parse_args()
    from tests.stripe_standin import SECRET_KEY, WEBHOOK_SECRET, StripeStandin, sign

    standin = StripeStandin().start()
    tmp = Path(tempfile.mkdtemp(prefix="paybench-"))
    os.environ.update(
        LMS_DATABASE_URL=f"sqlite:///{tmp}/lms.db",
        LMS_DATA_DIR=str(tmp),
        LMS_STRIPE_SECRET_KEY=SECRET_KEY,
        LMS_STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        LMS_STRIPE_API_BASE=standin.base_url,
    )
    config = Config(str(ROOT / "alembic.ini"))
    command.upgrade(config, "head")

    from lms_reflex.db import run_service, session_scope
    from lms_reflex.models import CartItem, Role
    from lms_reflex.services.actor import Actor
    from lms_reflex.services.payments import checkout, webhooks
    from tests.unit.catalog_fixtures import add_course, add_user

    with session_scope() as db:
        course = add_course(db, add_user(db, "teacher@example.org", Role.INSTRUCTOR), "paid")
        course.price_cents = 1999
        students = [add_user(db, f"s{i}@example.org") for i in range(args.orders)]
        db.add_all(CartItem(user_id=s.id, course_id=course.id) for s in students)
        actors = [Actor.of(s) for s in students]

    checkouts, hooks = [], []
    for who in actors:
        started = time.perf_counter()
        result = run_service(checkout.checkout, actor=who, provider="stripe")
        checkouts.append((time.perf_counter() - started) * 1000)
        session_id = result.redirect_url.rsplit("/", 1)[1]
        payload = standin.completed_event(session_id)
        started = time.perf_counter()
        outcome = run_service(
            webhooks.handle_stripe_webhook, payload=payload, signature=sign(payload)
        )
        hooks.append((time.perf_counter() - started) * 1000)
        assert outcome.status == 200, outcome.note
    standin.stop()
    print(f"checkout (cart -> pending order -> Stripe session), {args.orders} orders: "
          f"{_percentiles(checkouts)}")  # fmt: skip
    print(f"signed webhook (verify -> paid -> enrolled -> receipt PDF): {_percentiles(hooks)}")


if __name__ == "__main__":
    main()
