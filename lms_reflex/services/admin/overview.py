"""The admin overview in one call: every platform number for a date range, and CSV tables.

Each number comes from `platform_stats`, which checks the admin role on every function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from lms_reflex.services.actor import Actor
from lms_reflex.services.admin import platform_stats as ps
from lms_reflex.services.errors import InvalidInput
from lms_reflex.services.formatting import major_units, site_currency
from lms_reflex.services.payments.revenue import revenue_per_day

SeriesFn = Callable[..., list[ps.DayCount]]
SERIES: dict[str, tuple[str, SeriesFn]] = {
    "signups": ("sign-ups", ps.signups_per_day),
    "enrollments": ("enrollments", ps.enrollments_per_day),
    "completions": ("course completions", ps.completions_per_day),
    "certificates": ("certificates issued", ps.certificates_per_day),
}
TABLES = (*SERIES, "revenue", "top_courses", "completion_rates")
TOP_ON_SCREEN = 10


@dataclass(frozen=True)
class Overview:
    """Per-day series as chart points ({"day": "2026-03-01", "count": 4}) and the tables."""

    series: dict[str, list[dict[str, Any]]]
    active_7: int
    active_30: int
    top: list[ps.CourseCount]
    rates: list[ps.CourseCompletion]


def _points(days: list[ps.DayCount]) -> list[dict[str, Any]]:
    return [{"day": d.day.isoformat(), "count": d.count} for d in days]


def overview(*, session: Session, actor: Actor | None, start: date, end: date) -> Overview:
    """Everything the overview page shows, in a fixed number of statements.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        InvalidInput: a bad range (end before start, over 366 days, not dates).
    """
    series = {
        key: _points(fn(session=session, actor=actor, start=start, end=end))
        for key, (_, fn) in SERIES.items()
    }
    money = revenue_per_day(session=session, actor=actor, start=start, end=end)
    # Chart points only: the y axis wants a number; money stays integer everywhere else.
    series["revenue"] = [
        {"day": d.day.isoformat(), "count": float(major_units(d.net_minor))} for d in money
    ]
    return Overview(
        series=series,
        active_7=ps.active_learners(session=session, actor=actor, days=7),
        active_30=ps.active_learners(session=session, actor=actor, days=30),
        top=ps.top_courses(session=session, actor=actor, limit=TOP_ON_SCREEN),
        rates=ps.completion_rate_by_course(session=session, actor=actor),
    )


def table_csv(*, session: Session, actor: Actor | None, table: str, start: date, end: date) -> str:
    """One overview table as CSV text; cells starting with = + - @ are neutralised.

    Args:
        session: The open session (read only).
        actor: The signed-in admin.
        table: One of TABLES.
        start: First day of the per-day series (UTC).
        end: Last day of the per-day series (UTC).

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
        InvalidInput: an unknown table or a bad range.
    """
    if table in SERIES:
        label, fn = SERIES[table]
        days = fn(session=session, actor=actor, start=start, end=end)
        return ps.to_csv(((d.day.isoformat(), d.count) for d in days), ["day", label])
    if table == "revenue":
        money = revenue_per_day(session=session, actor=actor, start=start, end=end)
        rows = (
            (
                d.day.isoformat(),
                *(major_units(v) for v in (d.gross_minor, d.refunds_minor, d.net_minor)),
            )
            for d in money
        )
        return ps.to_csv(
            rows, ["day", *(f"{h} ({site_currency()})" for h in ("gross", "refunds", "net"))]
        )
    if table == "top_courses":
        top = ps.top_courses(session=session, actor=actor, limit=ps.MAX_TOP)
        return ps.to_csv(((c.title, c.enrollments) for c in top), ["course", "enrollments"])
    if table == "completion_rates":
        rates = ps.completion_rate_by_course(session=session, actor=actor)
        rows = ((r.title, r.students, r.completed, r.percent) for r in rates)
        return ps.to_csv(rows, ["course", "students", "completed", "percent"])
    raise InvalidInput("There is no such table.")
