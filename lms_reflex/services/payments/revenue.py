"""Money in and out: revenue per day for admins, per course for its instructor.

Gross is what paid orders brought in (on the day they were paid), refunds what went back
(on the day of the refund), net the difference. Counted from order rows, never stored;
days are UTC, like every other series (services/admin/platform_stats.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from lms_reflex.models import Order, OrderLine, OrderStatus
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import Actor, require_admin, staff_course
from lms_reflex.services.admin.platform_stats import _as_date, check_range, day_bucket, to_csv

EVER_PAID = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED)


@dataclass(frozen=True)
class DayMoney:
    """One UTC day of revenue, in minor units of the site currency."""

    day: date
    gross_minor: int
    refunds_minor: int

    @property
    def net_minor(self) -> int:
        """What stayed."""
        return self.gross_minor - self.refunds_minor


@dataclass(frozen=True)
class CourseMoney:
    """A course's revenue, all time, with labels for the page."""

    gross_label: str
    refunds_label: str
    net_label: str
    sales: int


def _sums(session: Session, column: Any, amount: Any, since, until, *where: Any) -> dict:
    day = day_bucket(session, column)
    query = select(day, func.sum(amount)).where(column >= since, column < until, *where)
    if column.table is not amount.table:  # a line's money on its order's day
        query = query.join(Order, col(Order.id) == col(OrderLine.order_id))
    rows = session.exec(query.group_by(day)).all()
    return {_as_date(d): int(n or 0) for d, n in rows if d is not None}


def revenue_per_day(
    *, session: Session, actor: Actor | None, start: date, end: date
) -> list[DayMoney]:
    """Gross, refunds and net per UTC day from `start` to `end`, empty days as zero.

    Raises:
        NotSignedIn, PermissionDenied: anyone but a verified admin.
        InvalidInput: a bad range (see platform_stats.check_range).
    """
    require_admin(actor)
    since, until = check_range(start, end)
    paid = col(Order.paid_at)
    gross = _sums(session, paid, col(Order.total_minor), since, until)
    refunded = col(OrderLine.refunded_at)
    refunds = _sums(session, refunded, col(OrderLine.paid_minor), since, until)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return [DayMoney(d, gross.get(d, 0), refunds.get(d, 0)) for d in days]


def course_revenue(*, session: Session, actor: Actor | None, course_id: object) -> CourseMoney:
    """A course's gross, refunds and net for its instructor or an admin.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see actor.staff_course.
    """
    course = staff_course(session, actor, course_id)
    sold = (
        select(
            func.coalesce(func.sum(OrderLine.paid_minor), 0),
            func.count(col(OrderLine.id)),
        )
        .join(Order, col(Order.id) == col(OrderLine.order_id))
        .where(OrderLine.course_id == course.id, col(Order.status).in_(EVER_PAID))
    )
    gross, sales = session.exec(sold).one()
    back = select(func.coalesce(func.sum(OrderLine.paid_minor), 0)).where(
        OrderLine.course_id == course.id, col(OrderLine.refunded_at).is_not(None)
    )
    refunds = int(session.exec(back).one())
    return CourseMoney(
        fmt.money_label(int(gross)),
        fmt.money_label(refunds),
        fmt.money_label(int(gross) - refunds),
        int(sales),
    )


def course_revenue_csv(
    *, session: Session, actor: Actor | None, course_id: object, start: date, end: date
) -> str:
    """A course's gross, refunds and net per UTC day as CSV, for its staff.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: see actor.staff_course.
        InvalidInput: a bad range (see platform_stats.check_range).
    """
    course = staff_course(session, actor, course_id)
    since, until = check_range(start, end)
    mine = col(OrderLine.course_id) == course.id
    gross = _sums(session, col(Order.paid_at), col(OrderLine.paid_minor), since, until, mine)
    back = _sums(session, col(OrderLine.refunded_at), col(OrderLine.paid_minor), since, until, mine)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    rows = (
        (d.isoformat(), *(fmt.major_units(v) for v in (gross.get(d, 0), back.get(d, 0))))
        for d in days
    )
    net_rows = ((day, g, r, g - r) for day, g, r in rows)
    headers = [f"{h} ({fmt.site_currency()})" for h in ("gross", "refunds", "net")]
    return to_csv(net_rows, ["day", *headers])
