"""The student's dashboard: their courses and how far they got."""

from __future__ import annotations

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.certificates import mine
from lms_reflex.services.errors import DomainError
from lms_reflex.services.learning import dashboard
from lms_reflex.services.learning.dashboard import MyCourse
from lms_reflex.state.session import actor_or_login, current_actor
from lms_reflex.state.util import error_toast


class DashboardState(rx.State):
    """The user's courses; the side menu depends on the role the server reports."""

    courses: list[MyCourse] = []
    show: str = "all"
    role: str = ""
    first_name: str = ""
    is_verified: bool = True

    @rx.event
    async def load(self):
        """Anonymous visitors go to the sign-in page; others see their courses."""
        actor, go_login = await actor_or_login(self, routes.DASHBOARD)
        if actor is None:
            return go_login
        self.role, self.first_name, self.is_verified = (
            actor.role,
            actor.first_name,
            actor.is_verified,
        )
        self.courses = await call_service(dashboard.list_my_courses, readonly=True, actor=actor)
        return None

    @rx.event
    async def reissue_certificate(self, course_id: int):
        """Print the caller's own certificate again under their current name.

        The service finds the certificate from the session's user and the course id; it
        never reaches anyone else's (a forged id names no certificate of theirs).
        """
        actor = await current_actor(self)
        try:
            await call_service(mine.reissue_certificate, actor=actor, course_id=course_id)
        except DomainError as exc:
            return error_toast(exc)
        self.courses = await call_service(dashboard.list_my_courses, readonly=True, actor=actor)
        return rx.toast.success("Your certificate now shows your current name.")

    @rx.event
    def set_show(self, value: str | list[str]) -> None:
        """Filter the list: all, in progress or completed (display only)."""
        self.show = value if value in ("all", "in_progress", "completed") else "all"

    @rx.var
    def shown_courses(self) -> list[MyCourse]:
        """The enrolled courses that match the filter."""
        if self.show == "completed":
            return [c for c in self.courses if c.percent >= 100]
        if self.show == "in_progress":
            return [c for c in self.courses if c.percent < 100]
        return self.courses
