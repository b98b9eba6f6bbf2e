"""What an order costs: list prices, a coupon's discount per line, and the totals.

Pure arithmetic on integer minor units, so it is tested without a database. A percentage
is rounded half up per line; a fixed amount is spread over the eligible lines in
proportion to their prices (the last line takes the remainder), so a refund of one line
gives back what that line really cost (docs/architecture.md, "Payments").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lms_reflex.models import CouponKind, CouponScope


@dataclass(frozen=True)
class PriceItem:
    """One course as checkout sees it, with its price read at checkout time."""

    course_id: int
    instructor_id: int
    title: str
    list_price_minor: int


@dataclass(frozen=True)
class CouponTerms:
    """The parts of a coupon that decide a discount."""

    kind: str
    amount: int
    scope: str
    course_id: int | None = None
    instructor_id: int | None = None


@dataclass(frozen=True)
class PricedLine:
    """A line with its discount and what is paid for it."""

    item: PriceItem
    discount_minor: int
    paid_minor: int


@dataclass(frozen=True)
class Quote:
    """Every line and the totals; total = subtotal - discount, never below zero."""

    lines: tuple[PricedLine, ...]
    subtotal_minor: int
    discount_minor: int
    total_minor: int


def applies_to(terms: CouponTerms, item: PriceItem) -> bool:
    """Whether the coupon's scope covers this course (free courses never get a discount)."""
    if item.list_price_minor <= 0:
        return False
    if terms.scope == CouponScope.COURSE:
        return item.course_id == terms.course_id
    if terms.scope == CouponScope.INSTRUCTOR:
        return item.instructor_id == terms.instructor_id
    return terms.scope == CouponScope.ALL


def _percent_off(price: int, percent: int) -> int:
    return min(price, (price * percent + 50) // 100)


def _spread_fixed(prices: Sequence[int], amount: int) -> list[int]:
    """Split `amount` (capped at the sum) over `prices` in proportion; sums exactly."""
    total = sum(prices)
    amount = min(amount, total)
    if total == 0:
        return [0 for _ in prices]
    shares = [price * amount // total for price in prices]
    # Largest remainder: the cents lost to flooring go to the lines that lost the most,
    # one each, so no line is discounted past its own price.
    by_remainder = sorted(
        range(len(prices)), key=lambda i: prices[i] * amount % total, reverse=True
    )
    for i in by_remainder[: amount - sum(shares)]:
        shares[i] += 1
    return shares


def discounts(items: Sequence[PriceItem], terms: CouponTerms | None) -> list[int]:
    """The discount of each item, in order (zeros without a coupon)."""
    result = [0] * len(items)
    if terms is None:
        return result
    eligible = [i for i, item in enumerate(items) if applies_to(terms, item)]
    if terms.kind == CouponKind.PERCENT:
        for i in eligible:
            result[i] = _percent_off(items[i].list_price_minor, terms.amount)
    elif eligible:
        shares = _spread_fixed([items[i].list_price_minor for i in eligible], terms.amount)
        for i, share in zip(eligible, shares, strict=True):
            result[i] = share
    return result


def quote(items: Sequence[PriceItem], terms: CouponTerms | None = None) -> Quote:
    """Price `items` with an optional coupon."""
    lines = tuple(
        PricedLine(item, off, item.list_price_minor - off)
        for item, off in zip(items, discounts(items, terms), strict=True)
    )
    subtotal = sum(item.list_price_minor for item in items)
    discount = sum(line.discount_minor for line in lines)
    return Quote(lines, subtotal, discount, subtotal - discount)
