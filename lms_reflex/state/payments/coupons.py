"""The coupons page: admins manage every coupon, instructors those of their own courses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.errors import DomainError, InvalidInput
from lms_reflex.services.payments import coupons
from lms_reflex.services.payments.coupons import CouponDraft, CouponRow, CourseChoice
from lms_reflex.state.session import actor_or_login, current_actor
from lms_reflex.state.util import error_toast, field


def _day(text: str, *, end: bool = False) -> datetime | None:
    """A yyyy-mm-dd field as UTC midnight (the end date counts in full)."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("Please pick the dates from the calendar.") from None
    if end:  # ends_at is the first moment it no longer works
        day += timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=UTC)


class CouponsState(rx.State):
    """The coupons the caller manages, and the new-coupon form's error."""

    rows: list[CouponRow] = []
    courses: list[CourseChoice] = []
    form_error: str = ""
    denied: bool = False

    @rx.event
    async def load(self):
        """The caller's coupons (everything for admins)."""
        actor, go_login = await actor_or_login(self, routes.COUPONS)
        if actor is None:
            return go_login
        return await self._show()

    async def _show(self):
        try:
            actor = await current_actor(self)
            found = await call_service(coupons.list_coupons, readonly=True, actor=actor)
            choices = await call_service(coupons.coupon_courses, readonly=True, actor=actor)
        except DomainError as exc:
            self.denied, self.rows, self.courses = True, [], []
            return error_toast(exc)
        self.denied, self.rows, self.courses = False, list(found), list(choices)
        return None

    @rx.event
    async def create(self, form: dict):
        """Make a coupon from the form; a refusal is shown above the form's button."""
        try:
            draft = CouponDraft(
                code=field(form, "code", 40),
                kind=field(form, "kind", 10),
                amount=field(form, "amount", 12),
                scope=field(form, "scope", 12),
                course_id=field(form, "course_id", 12),
                starts_at=_day(field(form, "starts", 10)),
                ends_at=_day(field(form, "ends", 10), end=True),
                usage_limit=field(form, "limit", 8),
            )
            await call_service(coupons.create_coupon, actor=await current_actor(self), draft=draft)
        except InvalidInput as exc:
            self.form_error = exc.message
            return None
        except DomainError as exc:
            return error_toast(exc)
        self.form_error = ""
        await self._show()
        return rx.toast.success(f"Coupon {draft.code.strip().upper()} is ready.")

    @rx.event
    async def end(self, coupon_id: int):
        """Stop a coupon from now on (the page asks first)."""
        try:
            code = await call_service(
                coupons.end_coupon, actor=await current_actor(self), coupon_id=coupon_id
            )
        except DomainError as exc:
            return error_toast(exc)
        await self._show()
        return rx.toast.success(f"Coupon {code} has ended.")
