"""The admin overview: platform numbers and charts over a chosen date range, CSV downloads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.actor import Actor, require_actor
from lms_reflex.services.admin import overview as admin_overview
from lms_reflex.services.admin.platform_stats import CourseCompletion, CourseCount
from lms_reflex.services.errors import DomainError, InvalidInput, PermissionDenied
from lms_reflex.state.session import actor_or_login, current_actor
from lms_reflex.state.util import error_toast, field

DEFAULT_DAYS = 30


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("Please choose a start and an end date.") from None


class AdminOverviewState(rx.State):
    """Platform numbers; the range lives here, every number comes from the services."""

    start: str = ""
    end: str = ""
    denied: bool = False
    signups: list[dict[str, Any]] = []
    enrollments: list[dict[str, Any]] = []
    completions: list[dict[str, Any]] = []
    revenue: list[dict[str, Any]] = []
    certificates: list[dict[str, Any]] = []
    active_7: int = 0
    active_30: int = 0
    top: list[CourseCount] = []
    rates: list[CourseCompletion] = []

    @rx.event
    async def load(self):
        """The last 30 days for admins; sign-in for visitors; a plain refusal for others."""
        actor, go_login = await actor_or_login(self, routes.ADMIN)
        if actor is None:
            return go_login
        end = datetime.now(UTC).date()
        self.start = (end - timedelta(days=DEFAULT_DAYS - 1)).isoformat()
        self.end = end.isoformat()
        return await self._refresh(actor)

    @rx.event
    async def apply_range(self, form: dict):
        """Show the numbers for the dates in the form (at most 366 days)."""
        self.start, self.end = field(form, "start", 10), field(form, "end", 10)
        return await self._refresh(await current_actor(self))

    @rx.event
    async def download(self, table: str):
        """A CSV file of one table, for the range on screen."""
        name = table if table in admin_overview.TABLES else "unknown"
        days = self._range_or_default()
        try:
            text = await call_service(
                admin_overview.table_csv,
                readonly=True,
                actor=require_actor(await current_actor(self)),
                table=name,
                **days,
            )
        except DomainError as exc:
            return error_toast(exc)
        span = f"{days['start'].isoformat()}-to-{days['end'].isoformat()}"
        return rx.download(data=text, filename=f"{name}-{span}.csv")

    def _range_or_default(self) -> dict[str, date]:
        """The range on screen, or the last 30 days before the page has set one."""
        try:
            return {"start": _parse_day(self.start), "end": _parse_day(self.end)}
        except InvalidInput:
            end = datetime.now(UTC).date()
            return {"start": end - timedelta(days=DEFAULT_DAYS - 1), "end": end}

    async def _refresh(self, actor: Actor | None):
        try:
            found = await call_service(
                admin_overview.overview,
                readonly=True,
                actor=require_actor(actor),
                start=_parse_day(self.start),
                end=_parse_day(self.end),
            )
        except PermissionDenied as exc:
            self.denied = True
            return error_toast(exc)
        except DomainError as exc:
            return error_toast(exc)
        self.denied = False
        self.signups = found.series["signups"]
        self.enrollments = found.series["enrollments"]
        self.completions = found.series["completions"]
        self.revenue = found.series["revenue"]
        self.certificates = found.series["certificates"]
        self.active_7, self.active_30 = found.active_7, found.active_30
        self.top, self.rates = found.top, found.rates
        return None
