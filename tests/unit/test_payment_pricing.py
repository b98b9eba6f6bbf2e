"""Money arithmetic: integer minor units, coupons per line, and the site currency label."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms_reflex.models import CouponKind, CouponScope
from lms_reflex.services import formatting as fmt
from lms_reflex.services.payments.pricing import CouponTerms, PriceItem, quote

A = PriceItem(course_id=1, instructor_id=10, title="A", list_price_minor=1999)
B = PriceItem(course_id=2, instructor_id=20, title="B", list_price_minor=4999)
FREE = PriceItem(course_id=3, instructor_id=10, title="Free", list_price_minor=0)


def test_no_coupon_sums_list_prices() -> None:
    q = quote([A, B])
    assert (q.subtotal_minor, q.discount_minor, q.total_minor) == (6998, 0, 6998)


def test_percent_rounds_half_up_per_line() -> None:
    q = quote([A, B], CouponTerms(CouponKind.PERCENT, 25, CouponScope.ALL))
    # 1999 * 25% = 499.75 -> 500; 4999 * 25% = 1249.75 -> 1250
    assert [line.discount_minor for line in q.lines] == [500, 1250]
    assert q.total_minor == 6998 - 1750


def test_course_scope_touches_only_that_course() -> None:
    q = quote([A, B], CouponTerms(CouponKind.PERCENT, 50, CouponScope.COURSE, course_id=2))
    # 2499.5 off rounds half up to 2500: the buyer gets the half cent
    assert [line.paid_minor for line in q.lines] == [1999, 2499]


def test_instructor_scope_and_free_courses_never_discounted() -> None:
    terms = CouponTerms(CouponKind.FIXED, 500, CouponScope.INSTRUCTOR, instructor_id=10)
    q = quote([A, B, FREE], terms)
    assert [line.discount_minor for line in q.lines] == [500, 0, 0]


def test_fixed_amount_is_spread_and_capped() -> None:
    q = quote([A, B], CouponTerms(CouponKind.FIXED, 1000, CouponScope.ALL))
    assert sum(line.discount_minor for line in q.lines) == 1000
    # 285.65 and 714.34: the odd cent goes to the larger remainder
    assert [line.discount_minor for line in q.lines] == [286, 714]
    capped = quote([A], CouponTerms(CouponKind.FIXED, 100_000, CouponScope.ALL))
    assert capped.total_minor == 0 and capped.discount_minor == 1999


def test_hundred_percent_makes_it_free() -> None:
    assert quote([A, B], CouponTerms(CouponKind.PERCENT, 100, CouponScope.ALL)).total_minor == 0


@given(
    prices=st.lists(st.integers(min_value=0, max_value=1_000_000), min_size=1, max_size=6),
    amount=st.integers(min_value=1, max_value=5_000_000),
    percent=st.booleans(),
)
def test_totals_always_add_up(prices: list[int], amount: int, percent: bool) -> None:
    items = [PriceItem(i, 1, str(i), p) for i, p in enumerate(prices)]
    kind = CouponKind.PERCENT if percent else CouponKind.FIXED
    q = quote(items, CouponTerms(kind, min(amount, 100) if percent else amount, CouponScope.ALL))
    assert all(0 <= line.paid_minor <= line.item.list_price_minor for line in q.lines)
    assert q.total_minor == sum(line.paid_minor for line in q.lines) >= 0
    assert q.subtotal_minor - q.discount_minor == q.total_minor


@pytest.mark.parametrize(
    ("currency", "minor", "label"),
    [("USD", 1999, "$19.99"), ("EUR", 500, "€5.00"), ("JPY", 500, "¥500"), ("GBP", 0, "Free")],
)
def test_price_label_uses_the_site_currency(settings_env, currency, minor, label) -> None:
    settings_env(currency=currency)
    assert fmt.price_label(minor) == label


def test_unknown_currency_is_refused(settings_env) -> None:
    from lms_reflex.settings import ConfigError

    with pytest.raises(ConfigError, match="LMS_CURRENCY"):
        settings_env(currency="XYZ1")


def test_half_a_stripe_configuration_is_refused(settings_env) -> None:
    from lms_reflex.settings import ConfigError

    with pytest.raises(ConfigError, match="LMS_STRIPE_WEBHOOK_SECRET"):
        settings_env(stripe_secret_key="sk_test_x")
