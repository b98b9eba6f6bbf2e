"""Paying for courses in Chromium: Stripe Checkout (the local stand-in) and bank transfer.

The stand-in (tests/stripe_standin.py) is started by conftest.py and the app is pointed at
it with LMS_STRIPE_API_BASE; its Pay button sends the signed webhook to the running app.
docs/security.md cases 55 and 70-73.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accounts import new_email, sign_in, sign_up
from tests.e2e.conftest import db_rows, wait_for_app
from tests.e2e.personas import create_user, run_python
from tests.e2e.smtp_sink import SmtpSink

pytestmark = pytest.mark.e2e

WEB = ("modern-web-apps-with-python", "Modern Web Apps with Python")  # $19.99
ML = ("machine-learning-foundations", "Machine Learning Foundations")  # $29.99


def add_to_cart(page: Page, slug: str, title: str) -> None:
    page.goto(f"/courses/{slug}")
    page.get_by_role("main").get_by_role("button", name=f"Add {title} to the cart").click()
    expect(page.get_by_text(f"{title} is in your cart.")).to_be_visible()


def my_courses(page: Page) -> None:
    page.goto("/dashboard/courses")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def admin_page(browser: Browser, base_url: str, app_env: dict[str, str]) -> Page:
    email, _ = create_user(app_env, "admin", "payadmin")
    admin = browser.new_context(base_url=base_url).new_page()
    sign_in(admin, email)
    expect(admin).to_have_url(re.compile(r"/admin/?$"))  # admins land on their console
    return admin


def open_orders(admin: Page) -> None:
    admin.goto("/admin/orders")
    wait_for_app(admin)
    expect(admin.get_by_text(re.compile(r"^\d+ orders? found$"))).to_be_visible()


def order_reference(app_env: dict[str, str], email: str) -> str:
    rows = db_rows(
        app_env,
        'SELECT o.reference FROM "order" o JOIN "user" u ON u.id = o.user_id '
        "WHERE u.email = :email ORDER BY o.id DESC",
        email=email,
    )
    return rows[0][0]


def test_card_payment_with_a_coupon_then_a_refund(
    page: Page, browser: Browser, base_url: str, app_env, smtp: SmtpSink, check_a11y
) -> None:
    run_python(
        app_env,
        "from lms_reflex.db import session_scope\n"
        "from lms_reflex.models import Coupon\n"
        "with session_scope() as s:\n"
        "    s.add(Coupon(code='E2E10', kind='percent', amount=10, scope='all'))\n",
    )
    email = new_email("buyer")
    sign_up(page, smtp, email)
    add_to_cart(page, *WEB)
    add_to_cart(page, *ML)
    page.goto("/cart")
    expect(page.get_by_role("row", name=re.compile(WEB[1]))).to_be_visible()
    page.get_by_label("Coupon code").fill("NOPE")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("That coupon code is not valid.")).to_be_visible()
    page.get_by_label("Coupon code").fill("e2e10")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name="Total: $44.98")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Pay by card").click()
    expect(page.get_by_role("heading", name="Pay 44.98 USD")).to_be_visible()  # the stand-in
    page.get_by_role("button", name="Pay").click()
    expect(page).to_have_url(re.compile(r"/orders/LMS-"))
    expect(page.get_by_role("link", name="Go to my courses")).to_be_visible()  # webhook in
    check_a11y(page)
    my_courses(page)
    expect(page.get_by_role("heading", name=WEB[1])).to_be_visible()
    expect(page.get_by_role("heading", name=ML[1])).to_be_visible()
    receipt = smtp.wait_for(email, subject_contains="receipt")
    pdfs = [p for p in receipt.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1 and pdfs[0].get_content()[:5] == b"%PDF-"

    reference = order_reference(app_env, email)
    admin = admin_page(browser, base_url, app_env)
    open_orders(admin)
    admin.get_by_label("Reference, provider id or email").fill(email)
    admin.get_by_role("button", name="Search orders").click()
    admin.get_by_role("button", name=f"Refund {ML[1]} of {reference}").click()
    admin.get_by_role("alertdialog").get_by_role("button", name="Refund").click()
    expect(admin.get_by_text(f"Refunded $26.99 of order {reference}.")).to_be_visible()
    smtp.wait_for(email, subject_contains="Refund")
    my_courses(page)
    expect(page.get_by_role("heading", name=WEB[1])).to_be_visible()
    expect(page.get_by_role("heading", name=ML[1])).to_have_count(0)


def test_bank_transfer_is_enrolled_when_the_admin_marks_it_paid(
    page: Page, browser: Browser, base_url: str, app_env, smtp: SmtpSink
) -> None:
    email = new_email("banker")
    sign_up(page, smtp, email)
    add_to_cart(page, *WEB)
    page.goto("/cart")
    page.get_by_role("button", name="Pay by bank transfer").click()
    expect(page).to_have_url(re.compile(r"/orders/LMS-"))
    expect(page.get_by_text("Waiting for payment")).to_be_visible()
    expect(page.get_by_text(re.compile("IBAN XX00 TEST 0000"))).to_be_visible()
    reference = order_reference(app_env, email)
    enrolled = (
        'SELECT count(*) FROM enrollment e JOIN "user" u ON u.id = e.user_id WHERE u.email = :e'
    )
    assert db_rows(app_env, enrolled, e=email) == [(0,)]

    admin = admin_page(browser, base_url, app_env)
    open_orders(admin)
    admin.get_by_label("Reference, provider id or email").fill(reference)
    admin.get_by_role("button", name="Search orders").click()
    admin.get_by_role("button", name=f"Mark {reference} paid").click()
    admin.get_by_role("alertdialog").get_by_role("button", name="Mark paid").click()
    expect(admin.get_by_text(f"Order {reference} is paid and its buyer enrolled.")).to_be_visible()
    assert db_rows(app_env, enrolled, e=email) == [(1,)]
    my_courses(page)
    expect(page.get_by_role("heading", name=WEB[1])).to_be_visible()


def test_wishlist_purchases_coupons_and_orders_pages(
    page: Page, browser: Browser, base_url: str, app_env, smtp: SmtpSink, check_a11y
) -> None:
    teacher_email, _ = create_user(app_env, "instructor", "couponer")
    teacher = browser.new_context(base_url=base_url).new_page()
    sign_in(teacher, teacher_email)
    expect(teacher).to_have_url(re.compile(r"/teach/?$"))
    teacher.goto("/coupons")
    wait_for_app(teacher)
    teacher.get_by_label("Code").fill("MINE20")
    teacher.get_by_label("Percent or amount").fill("20")
    teacher.get_by_label("Applies to").select_option("instructor")
    teacher.get_by_role("button", name="Create coupon").click()
    expect(teacher.get_by_text("Coupon MINE20 is ready.")).to_be_visible()
    expect(teacher.get_by_role("row", name=re.compile("MINE20"))).to_be_visible()
    check_a11y(teacher)

    sign_up(page, smtp, new_email("saver"))
    page.goto(f"/courses/{ML[0]}")
    page.get_by_role("button", name=f"Save {ML[1]} to your wishlist").click()
    expect(page.get_by_text("Saved to your wishlist.")).to_be_visible()
    page.goto("/wishlist")
    expect(page.get_by_role("row", name=re.compile(ML[1]))).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name=f"Add {ML[1]} to the cart").click()
    expect(page.get_by_text(f"{ML[1]} is in your cart.")).to_be_visible()
    page.goto("/purchases")
    expect(page.get_by_text("You have not bought anything yet.")).to_be_visible()
    check_a11y(page)

    admin = admin_page(browser, base_url, app_env)
    open_orders(admin)
    check_a11y(admin)
