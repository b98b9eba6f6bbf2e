"""Paid courses: cart, coupons, checkout, the Stripe webhook (against the local stand-in),
bank transfers and refunds (docs/security.md cases 55 and 70-72)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import Session, col, delete, select

from lms_reflex.db import session_scope
from lms_reflex.models import (
    AuditEvent,
    CartItem,
    Coupon,
    CouponKind,
    CouponRedemption,
    CouponScope,
    Course,
    Enrollment,
    EnrollmentSource,
    Order,
    OrderLine,
    OrderStatus,
    Role,
    User,
    utcnow,
)
from lms_reflex.services.admin import overview as admin_overview
from lms_reflex.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lms_reflex.services.payments import (
    cart,
    checkout,
    coupons,
    fulfilment,
    orders,
    refunds,
    revenue,
    webhooks,
)
from lms_reflex.services.payments.coupons import CouponDraft
from tests.stripe_standin import SECRET_KEY, WEBHOOK_SECRET, StripeStandin, sign
from tests.unit.catalog_fixtures import actor, add_course, add_user


@pytest.fixture
def standin() -> Iterator[StripeStandin]:
    server = StripeStandin().start()
    yield server
    server.stop()


@pytest.fixture
def stripe_on(settings_env, standin: StripeStandin) -> StripeStandin:
    settings_env(
        stripe_secret_key=SECRET_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=standin.base_url,
    )
    return standin


@pytest.fixture
def teacher(session: Session) -> User:
    return add_user(session, "teacher@example.org", Role.INSTRUCTOR)


@pytest.fixture
def student(session: Session) -> User:
    return add_user(session, "student@example.org")


@pytest.fixture
def admin(session: Session) -> User:
    return add_user(session, "admin@example.org", Role.ADMIN)


def priced(session: Session, teacher: User, slug: str, cents: int) -> Course:
    course = add_course(session, teacher, slug)
    course.price_cents = cents
    session.flush()
    return course


@pytest.fixture
def python(session: Session, teacher: User) -> Course:
    return priced(session, teacher, "python", 1999)


@pytest.fixture
def rust(session: Session, teacher: User) -> Course:
    return priced(session, teacher, "rust", 4999)


def enrolled(session: Session, user: User, course: Course) -> bool:
    session.commit()  # as call_service would; then read what the database holds
    session.expire_all()
    query = select(Enrollment).where(
        Enrollment.user_id == user.id, Enrollment.course_id == course.id
    )
    return session.exec(query).first() is not None


def audit_actions(session: Session) -> list[str]:
    return list(session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all())


def add_coupon(session: Session, code: str = "SAVE10", **fields) -> Coupon:
    values = {"kind": CouponKind.PERCENT, "amount": 10, "scope": CouponScope.ALL} | fields
    coupon = Coupon(code=code, **values)
    session.add(coupon)
    session.flush()
    return coupon


def stripe_checkout(session: Session, who: User, *course_ids: int, code: str = ""):
    for course_id in course_ids:
        cart.add_to_cart(session=session, actor=actor(who), course_id=course_id)
    result = checkout.checkout(
        session=session, actor=actor(who), provider="stripe", coupon_code=code
    )
    session.commit()
    order = session.exec(select(Order).where(Order.reference == result.reference)).one()
    return result, order


def deliver(session: Session, payload: bytes, header: str | None = None):
    outcome = webhooks.handle_stripe_webhook(
        session=session, payload=payload, signature=header or sign(payload)
    )
    session.commit()
    return outcome


# --- cart -----------------------------------------------------------------------------------


def test_cart_refuses_free_own_and_owned_courses(session, teacher, student, python) -> None:
    free = add_course(session, teacher, "free")
    with pytest.raises(InvalidInput, match="free"):
        cart.add_to_cart(session=session, actor=actor(student), course_id=free.id)
    with pytest.raises(PermissionDenied, match="teach"):
        cart.add_to_cart(session=session, actor=actor(teacher), course_id=python.id)
    cart.add_to_cart(session=session, actor=actor(student), course_id=python.id)
    cart.add_to_cart(session=session, actor=actor(student), course_id=python.id)
    view = cart.cart_view(session=session, actor=actor(student))
    assert [line.title for line in view.lines] == ["Python"]
    assert view.total_label == "$19.99" and view.providers == ("bank",)


def test_a_course_bought_elsewhere_leaves_the_cart_with_a_note(session, student, python) -> None:
    cart.add_to_cart(session=session, actor=actor(student), course_id=python.id)
    session.add(Enrollment(user_id=student.id, course_id=python.id, source="admin"))
    session.flush()
    view = cart.cart_view(session=session, actor=actor(student))
    assert view.lines == () and view.notes == (
        "Python was removed from your cart: you already have it.",
    )


def test_wishlist_toggles(session, student, python) -> None:
    assert cart.toggle_wishlist(session=session, actor=actor(student), course_id=python.id)
    assert [c.slug for c in cart.wishlist_view(session=session, actor=actor(student))] == ["python"]
    assert not cart.toggle_wishlist(session=session, actor=actor(student), course_id=python.id)
    assert cart.wishlist_view(session=session, actor=actor(student)) == ()


# --- coupons --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ends_at": utcnow() - timedelta(days=1)}, coupons.EXPIRED),
        ({"starts_at": utcnow() + timedelta(days=1)}, coupons.NOT_YET),
        ({"usage_limit": 1, "used_count": 1}, coupons.USED_UP),
        ({"scope": CouponScope.COURSE, "course_id": None}, coupons.NOT_FOR_THESE),
    ],
)
def test_coupon_reasons(session, student, python, fields, message) -> None:
    add_coupon(session, **fields)
    cart.add_to_cart(session=session, actor=actor(student), course_id=python.id)
    with pytest.raises(InvalidInput, match=message):
        checkout.quote_cart(session=session, actor=actor(student), coupon_code="save10")


def test_unknown_and_reused_coupons(session, student, python, rust) -> None:
    add_coupon(session)
    cart.add_to_cart(session=session, actor=actor(student), course_id=python.id)
    with pytest.raises(InvalidInput, match=coupons.INVALID):
        checkout.quote_cart(session=session, actor=actor(student), coupon_code="NOPE")
    q = checkout.quote_cart(session=session, actor=actor(student), coupon_code=" save10 ")
    assert (q.discount_label, q.total_label) == ("$2.00", "$17.99")
    checkout.checkout(session=session, actor=actor(student), provider="bank", coupon_code="SAVE10")
    cart.add_to_cart(session=session, actor=actor(student), course_id=rust.id)
    with pytest.raises(InvalidInput, match=coupons.ALREADY_USED):
        checkout.quote_cart(session=session, actor=actor(student), coupon_code="SAVE10")


def test_instructors_make_coupons_for_their_own_courses_only(
    session, teacher, admin, python
) -> None:
    other = add_user(session, "other@example.org", Role.INSTRUCTOR)
    theirs = priced(session, other, "theirs", 999)
    draft = CouponDraft("half", "percent", "50", "course", course_id=str(python.id))
    assert coupons.create_coupon(session=session, actor=actor(teacher), draft=draft)
    with pytest.raises(NotFound, match="find that course"):
        coupons.create_coupon(
            session=session,
            actor=actor(teacher),
            draft=CouponDraft("X-1", "percent", "5", "course", course_id=str(theirs.id)),
        )
    with pytest.raises(InvalidInput, match="own courses"):
        coupons.create_coupon(
            session=session, actor=actor(teacher), draft=CouponDraft("ALL5", "percent", "5", "all")
        )
    coupons.create_coupon(
        session=session, actor=actor(admin), draft=CouponDraft("ALL5", "fixed", "5", "all")
    )
    assert [r.coupon for r in coupons.list_coupons(session=session, actor=actor(teacher))] == [
        "HALF"
    ]
    assert len(coupons.list_coupons(session=session, actor=actor(admin))) == 2
    mine = coupons.coupon_courses(session=session, actor=actor(teacher))
    assert [c.title for c in mine] == ["Python"]  # not the other instructor's course
    assert len(coupons.coupon_courses(session=session, actor=actor(admin))) == 2
    with pytest.raises(PermissionDenied):
        coupons.list_coupons(session=session, actor=actor(add_user(session, "s@example.org")))


@pytest.mark.parametrize("precheck", ["checked", "blind"])
def test_coupon_limit_holds_under_twenty_concurrent_checkouts(
    session, teacher, python, monkeypatch, precheck
) -> None:
    buyers = [add_user(session, f"buyer{i}@example.org") for i in range(20)]
    for buyer in buyers:
        session.add(CartItem(user_id=buyer.id, course_id=python.id))
    add_coupon(session, usage_limit=5)
    session.commit()
    if precheck == "blind":  # every checkout passes the "used up?" read: the UPDATE decides

        def blind(db: Session, *_args: object) -> Coupon:
            return db.exec(select(Coupon)).one()

        monkeypatch.setattr(coupons, "find_coupon", blind)
    outcomes = race_checkouts([actor(b) for b in buyers], "SAVE10")
    errors = [str(o) for o in outcomes if isinstance(o, BaseException)]
    assert errors == [coupons.USED_UP] * 15
    session.expire_all()
    assert session.exec(select(Coupon.used_count)).one() == 5
    assert len(session.exec(select(Order)).all()) == 5


def race_checkouts(buyers: list, code: str) -> list:
    """Check out from one thread per buyer at once, each in its own session."""
    barrier = threading.Barrier(len(buyers))
    outcomes: list = [None] * len(buyers)

    def buy(i: int) -> None:
        barrier.wait()
        try:
            with session_scope() as db:
                outcomes[i] = checkout.checkout(
                    session=db, actor=buyers[i], provider="bank", coupon_code=code
                )
        except BaseException as exc:  # recorded, so the test names what went wrong
            outcomes[i] = exc

    threads = [threading.Thread(target=buy, args=(i,)) for i in range(len(buyers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


# --- bank transfer --------------------------------------------------------------------------


def test_bank_order_waits_for_the_admin(session, student, admin, python, mailbox) -> None:
    cart.add_to_cart(session=session, actor=actor(student), course_id=python.id)
    result = checkout.checkout(session=session, actor=actor(student), provider="bank")
    order = session.exec(select(Order)).one()
    assert (order.status, order.total_minor, result.redirect_url) == (
        "pending",
        1999,
        f"/orders/{order.reference}",
    )
    assert not enrolled(session, student, python)
    with pytest.raises(PermissionDenied):
        fulfilment.admin_mark_paid(session=session, actor=actor(student), order_id=order.id)
    outcome = fulfilment.admin_mark_paid(session=session, actor=actor(admin), order_id=order.id)
    assert enrolled(session, student, python)
    assert "admin_order_marked_paid" in audit_actions(session)
    (mail,) = outcome.mails
    assert mail.to == "student@example.org" and "$19.99" in mail.text
    assert mail.attachments[0][1] == "application/pdf" and mail.attachments[0][2][:5] == b"%PDF-"
    with pytest.raises(Conflict):
        fulfilment.admin_mark_paid(session=session, actor=actor(admin), order_id=order.id)
    assert session.exec(select(CartItem)).all() == []


def test_an_admin_cancels_an_unpaid_order_and_the_coupon_is_free_again(
    session, student, admin, python
) -> None:
    add_coupon(session, usage_limit=1)
    cart.add_to_cart(session=session, actor=actor(student), course_id=python.id)
    checkout.checkout(session=session, actor=actor(student), provider="bank", coupon_code="SAVE10")
    order = session.exec(select(Order)).one()
    with pytest.raises(PermissionDenied):
        fulfilment.admin_cancel_order(session=session, actor=actor(student), order_id=order.id)
    fulfilment.admin_cancel_order(session=session, actor=actor(admin), order_id=order.id)
    assert order.status == OrderStatus.FAILED
    assert session.exec(select(Coupon.used_count)).one() == 0
    assert "admin_order_cancelled" in audit_actions(session)
    with pytest.raises(Conflict):
        fulfilment.admin_mark_paid(session=session, actor=actor(admin), order_id=order.id)
    checkout.checkout(session=session, actor=actor(student), provider="bank", coupon_code="SAVE10")


def test_stripe_is_refused_when_not_configured(session, student, python) -> None:
    cart.add_to_cart(session=session, actor=actor(student), course_id=python.id)
    with pytest.raises(InvalidInput, match="not available"):
        checkout.checkout(session=session, actor=actor(student), provider="stripe")


def test_a_full_coupon_pays_at_once(session, student, python) -> None:
    add_coupon(session, amount=100)
    cart.add_to_cart(session=session, actor=actor(student), course_id=python.id)
    result = checkout.checkout(
        session=session, actor=actor(student), provider="bank", coupon_code="SAVE10"
    )
    assert result.provider == "free" and enrolled(session, student, python)


# --- Stripe ---------------------------------------------------------------------------------


def test_only_the_signed_webhook_pays_and_a_replay_does_nothing(
    session, stripe_on, student, python, rust
) -> None:
    add_coupon(session)
    result, order = stripe_checkout(session, student, python.id, rust.id, code="SAVE10")
    stripe_session = stripe_on.sessions[order.provider_ref or ""]
    assert result.redirect_url == stripe_session["url"]
    assert stripe_session["amount_total"] == order.total_minor == 6998 - 200 - 500
    assert not enrolled(session, student, python)
    payload = stripe_on.completed_event(order.provider_ref or "", event_id="evt_1")
    assert deliver(session, payload).status == 200
    assert enrolled(session, student, python) and enrolled(session, student, rust)
    session.refresh(order)
    assert order.status == OrderStatus.PAID and (order.payment_ref or "").startswith("pi_")
    for row in session.exec(select(Enrollment)).all():
        session.delete(row)
    session.commit()
    assert deliver(session, payload).note == "already handled"
    assert not enrolled(session, student, python)


def test_bad_signature_mismatch_and_unknown_session_are_refused_and_logged(
    session, stripe_on, student, python, caplog
) -> None:
    _, order = stripe_checkout(session, student, python.id)
    ref = order.provider_ref or ""
    payload = stripe_on.completed_event(ref, event_id="evt_sig")
    forged = sign(payload, secret="whsec_wrong")
    assert deliver(session, payload, forged).status == 400
    old = sign(payload, timestamp=1_000_000)
    assert deliver(session, payload, old).status == 400
    cheap = stripe_on.completed_event(ref, event_id="evt_cheap", amount_total=1)
    assert deliver(session, cheap).status == 400
    euros = stripe_on.completed_event(ref, event_id="evt_eur", currency="eur")
    assert deliver(session, euros).status == 400
    unknown = stripe_on.completed_event(ref, event_id="evt_unknown", id="cs_test_nobody")
    assert deliver(session, unknown).status == 400
    assert not enrolled(session, student, python)
    assert audit_actions(session).count("payment_webhook_refused") == 5
    assert "stripe webhook refused" in caplog.text
    session.refresh(order)
    assert order.status == OrderStatus.PENDING


def test_an_expired_session_fails_the_order_and_gives_the_coupon_back(
    session, stripe_on, student, python
) -> None:
    add_coupon(session, usage_limit=1)
    _, order = stripe_checkout(session, student, python.id, code="SAVE10")
    assert session.exec(select(Coupon.used_count)).one() == 1
    expired = json.loads(stripe_on.completed_event(order.provider_ref or "", event_id="evt_x"))
    expired["type"] = "checkout.session.expired"
    assert deliver(session, json.dumps(expired).encode()).note == "expired"
    session.refresh(order)
    assert order.status == OrderStatus.FAILED and not enrolled(session, student, python)
    assert session.exec(select(Coupon.used_count)).one() == 0
    assert session.exec(select(CouponRedemption)).all() == []


def test_a_delayed_payment_pays_on_its_later_event(session, stripe_on, student, python) -> None:
    _, order = stripe_checkout(session, student, python.id)
    ref = order.provider_ref or ""
    unpaid = stripe_on.completed_event(ref, event_id="evt_a", payment_status="unpaid")
    assert deliver(session, unpaid).note == "waiting for the payment"
    assert not enrolled(session, student, python)
    later = json.loads(stripe_on.completed_event(ref, event_id="evt_b"))
    later["type"] = "checkout.session.async_payment_succeeded"
    assert deliver(session, json.dumps(later).encode()).status == 200
    assert enrolled(session, student, python)


def test_a_buyer_who_deletes_their_account_leaves_the_order_in_the_books(
    session, student, admin, python
) -> None:
    cart.add_to_cart(session=session, actor=actor(student), course_id=python.id)
    checkout.checkout(session=session, actor=actor(student), provider="bank")
    order = session.exec(select(Order)).one()
    fulfilment.admin_mark_paid(session=session, actor=actor(admin), order_id=order.id)
    session.exec(delete(Enrollment))
    session.delete(student)
    session.commit()
    session.refresh(order)
    assert (order.user_id, order.status, order.total_minor) == (None, "paid", 1999)


def test_the_data_export_lists_the_buyers_orders(session, student, python) -> None:
    from lms_reflex.services.accounts import own_account

    cart.add_to_cart(session=session, actor=actor(student), course_id=python.id)
    result = checkout.checkout(session=session, actor=actor(student), provider="bank")
    (order,) = own_account.export_my_data(session=session, actor_id=student.id)["orders"]
    assert (order["reference"], order["status"], order["total_minor"]) == (
        result.reference,
        "pending",
        1999,
    )
    assert [line["course_title"] for line in order["lines"]] == ["Python"]


def test_two_tabs_pay_twice_one_enrollment_second_flagged(
    session, stripe_on, student, admin, python
) -> None:
    _, first = stripe_checkout(session, student, python.id)
    _, second = stripe_checkout(session, student, python.id)
    deliver(session, stripe_on.completed_event(first.provider_ref or ""))
    deliver(session, stripe_on.completed_event(second.provider_ref or ""))
    rows = session.exec(select(Enrollment).where(Enrollment.user_id == student.id)).all()
    assert [(r.course_id, r.source) for r in rows] == [(python.id, EnrollmentSource.PAYMENT)]
    lines = session.exec(select(OrderLine).order_by(col(OrderLine.id))).all()
    assert [line.needs_refund for line in lines] == [False, True]
    assert refunds.flagged_lines(session=session, actor=actor(admin)) == 1
    # Refunding the double gives the money back and keeps the course the first order paid.
    refunds.refund_order(session=session, actor=actor(admin), order_id=second.id)
    assert enrolled(session, student, python)
    assert [r["amount"] for r in stripe_on.refunds] == [1999]


def test_a_price_change_during_checkout_charges_what_the_order_says(
    session, stripe_on, student, python
) -> None:
    _, order = stripe_checkout(session, student, python.id)
    python.price_cents = 2999
    session.commit()
    deliver(session, stripe_on.completed_event(order.provider_ref or ""))
    session.refresh(order)
    assert (order.status, order.total_minor) == (OrderStatus.PAID, 1999)
    assert enrolled(session, student, python)


def test_refund_one_line_then_the_rest(
    session, stripe_on, student, admin, python, rust, mailbox
) -> None:
    _, order = stripe_checkout(session, student, python.id, rust.id)
    deliver(session, stripe_on.completed_event(order.provider_ref or ""))
    lines = session.exec(select(OrderLine).order_by(col(OrderLine.id))).all()
    with pytest.raises(PermissionDenied):
        refunds.refund_order(session=session, actor=actor(student), order_id=order.id)
    outcome = refunds.refund_order(
        session=session, actor=actor(admin), order_id=order.id, line_ids=[lines[1].id]
    )
    assert outcome.titles == ("Rust",) and outcome.amount_label == "$49.99"
    assert outcome.mail is not None and "Rust" in outcome.mail.text
    assert not enrolled(session, student, rust) and enrolled(session, student, python)
    session.refresh(order)
    assert (order.status, order.refunded_minor) == (OrderStatus.PARTIALLY_REFUNDED, 4999)
    with pytest.raises(InvalidInput):
        refunds.refund_order(
            session=session, actor=actor(admin), order_id=order.id, line_ids=[lines[1].id]
        )
    refunds.refund_order(session=session, actor=actor(admin), order_id=order.id)
    session.commit()
    session.refresh(order)
    assert order.status == OrderStatus.REFUNDED and not enrolled(session, student, python)
    assert [r["amount"] for r in stripe_on.refunds] == [4999, 1999]
    assert audit_actions(session).count("order_refunded") == 2


# --- reading orders and revenue -------------------------------------------------------------


def test_order_pages_are_private_and_the_admin_list_searches(
    session, student, admin, python, settings_env
) -> None:
    settings_env(bank_instructions="IBAN XX00 1234")
    cart.add_to_cart(session=session, actor=actor(student), course_id=python.id)
    result = checkout.checkout(session=session, actor=actor(student), provider="bank")
    view = orders.order_page(session=session, actor=actor(student), reference=result.reference)
    assert (view.status_label, view.total_label) == ("Waiting for payment", "$19.99")
    assert view.bank_instructions == "IBAN XX00 1234"
    stranger = add_user(session, "stranger@example.org")
    with pytest.raises(NotFound):
        orders.order_page(session=session, actor=actor(stranger), reference=result.reference)
    assert [o.reference for o in orders.my_purchases(session=session, actor=actor(student))] == [
        result.reference
    ]
    found = orders.admin_orders(session=session, actor=actor(admin), query="student@")
    assert [o.reference for o in found.rows] == [result.reference] and found.total == 1
    assert orders.admin_orders(session=session, actor=actor(admin), status="paid").total == 0
    with pytest.raises(PermissionDenied):
        orders.admin_orders(session=session, actor=actor(student))


def test_revenue_per_day_and_per_course(
    session, stripe_on, student, admin, teacher, python, rust
) -> None:
    _, order = stripe_checkout(session, student, python.id, rust.id)
    deliver(session, stripe_on.completed_event(order.provider_ref or ""))
    line = session.exec(select(OrderLine).where(OrderLine.course_id == rust.id)).one()
    refunds.refund_order(session=session, actor=actor(admin), order_id=order.id, line_ids=[line.id])
    today = utcnow().date()
    (day,) = revenue.revenue_per_day(session=session, actor=actor(admin), start=today, end=today)
    assert (day.gross_minor, day.refunds_minor, day.net_minor) == (6998, 4999, 1999)
    money = revenue.course_revenue(session=session, actor=actor(teacher), course_id=rust.id)
    assert (money.gross_label, money.refunds_label, money.net_label) == (
        "$49.99",
        "$49.99",
        "$0.00",
    )
    with pytest.raises(PermissionDenied):
        revenue.revenue_per_day(session=session, actor=actor(teacher), start=today, end=today)


def test_overview_charts_net_revenue_and_its_csv(session, admin, student, python) -> None:
    cart.add_to_cart(session=session, actor=actor(student), course_id=python.id)
    checkout.checkout(session=session, actor=actor(student), provider="bank")
    order = session.exec(select(Order)).one()
    fulfilment.admin_mark_paid(session=session, actor=actor(admin), order_id=order.id)
    today = utcnow().date()
    found = admin_overview.overview(session=session, actor=actor(admin), start=today, end=today)
    assert found.series["revenue"] == [{"day": today.isoformat(), "count": 19.99}]
    text = admin_overview.table_csv(
        session=session, actor=actor(admin), table="revenue", start=today, end=today
    )
    assert text.splitlines() == [
        "day,gross (USD),refunds (USD),net (USD)",
        f"{today.isoformat()},19.99,0.00,19.99",
    ]


def test_course_revenue_csv_for_its_staff_with_negative_days(
    session, stripe_on, student, admin, teacher, python, clock
) -> None:
    _, order = stripe_checkout(session, student, python.id)
    deliver(session, stripe_on.completed_event(order.provider_ref or ""))
    paid_day = clock.now.date()
    clock.advance(days=1)
    refunds.refund_order(session=session, actor=actor(admin), order_id=order.id)
    days = {"start": paid_day, "end": clock.now.date()}
    text = revenue.course_revenue_csv(
        session=session, actor=actor(teacher), course_id=python.id, **days
    )
    assert text.splitlines()[1:] == [
        f"{paid_day.isoformat()},19.99,0.00,19.99",
        f"{clock.now.date().isoformat()},0.00,19.99,-19.99",  # a number, not a quoted text
    ]
    stranger = add_user(session, "other@example.org", Role.INSTRUCTOR)
    with pytest.raises(NotFound):
        revenue.course_revenue_csv(
            session=session, actor=actor(stranger), course_id=python.id, **days
        )
