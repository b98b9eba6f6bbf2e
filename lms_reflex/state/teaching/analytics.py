"""A course's numbers for its own instructor (and admins): the analytics page.

The course comes from the URL (`/teach/courses/[id]/analytics`); no var is named `id`,
which would shadow the route argument. The service answers NotFound for anyone else.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.errors import DomainError, NotFound
from lms_reflex.services.learning.dashboard import percent
from lms_reflex.services.payments.revenue import CourseMoney, course_revenue, course_revenue_csv
from lms_reflex.services.teaching.course_analytics import (
    LessonStat,
    StudentProgress,
    course_analytics,
)
from lms_reflex.services.validation import parse_id
from lms_reflex.state.session import actor_or_login, current_actor
from lms_reflex.state.util import error_toast, route_param


class AnalyticsState(rx.State):
    """What the analytics page shows; plain numbers and names, never emails."""

    course_number: int = 0
    title: str = ""
    slug: str = ""
    missing: bool = False
    per_day: list[dict[str, Any]] = []
    total_in_range: int = 0
    funnel: list[dict[str, Any]] = []
    certificates_issued: int = 0
    per_lesson: list[LessonStat] = []
    ratings: list[dict[str, Any]] = []
    students: list[StudentProgress] = []
    revenue: CourseMoney | None = None

    @rx.event
    async def load(self):
        """The numbers of the course in the URL, if the visitor teaches it or is an admin."""
        raw = route_param(self, "id")
        actor, go_login = await actor_or_login(self, routes.course_analytics_url(parse_id(raw)))
        if actor is None:
            return go_login
        try:
            found = await call_service(
                course_analytics, readonly=True, actor=actor, course_id=parse_id(raw)
            )
        except NotFound:
            self._forget()
            return None
        except DomainError as exc:
            self._forget()  # e.g. demoted meanwhile: the open tab drops the student names
            return error_toast(exc)
        self.missing = False
        self.course_number, self.title, self.slug = found.course_id, found.title, found.slug
        self.per_day = [
            {"day": d.day.isoformat(), "count": d.count} for d in found.enrollments_per_day
        ]
        self.total_in_range = sum(d.count for d in found.enrollments_per_day)
        self.certificates_issued = found.certificates_issued
        f = found.funnel
        self.funnel = [
            {"step": step, "students": n, "percent": percent(n, f.enrolled)}
            for step, n in (
                ("Enrolled", f.enrolled),
                ("Started", f.started),
                ("Half-way", f.halfway),
                ("Completed", f.completed),
            )
        ]
        self.per_lesson = found.per_lesson
        self.ratings = [
            {"stars": f"{i + 1} star" + ("s" if i else ""), "reviews": n}
            for i, n in enumerate(found.rating_distribution)
        ]
        self.students = found.students
        # Money has its own service (services/payments/revenue.py), asked after the numbers.
        self.revenue = await call_service(
            course_revenue, readonly=True, actor=actor, course_id=found.course_id
        )
        return None

    @rx.event
    async def download_revenue(self):
        """This course's gross, refunds and net per day for the last year, as CSV."""
        end = datetime.now(UTC).date()
        try:
            text = await call_service(
                course_revenue_csv,
                readonly=True,
                actor=await current_actor(self),
                course_id=self.course_number,
                start=end - timedelta(days=365),
                end=end,
            )
        except DomainError as exc:
            return error_toast(exc)
        return rx.download(data=text, filename=f"revenue-{self.slug or 'course'}.csv")

    def _forget(self) -> None:
        """Nothing of a course the caller may no longer see stays in this tab."""
        self.reset()
        self.missing = True
