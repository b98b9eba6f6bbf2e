"""Catalog pages: home listings, categories, search and the course page."""

from __future__ import annotations

import reflex as rx

from lms_reflex.db import call_service
from lms_reflex.mail import enrollment_mail
from lms_reflex.services import accounts, catalog, enrollment
from lms_reflex.services.enrollment import EnrollmentStatus
from lms_reflex.services.errors import DomainError, NotFound
from lms_reflex.services.views import CategoryView, CourseCard, CourseDetail
from lms_reflex.state.session import current_actor
from lms_reflex.state.util import error_toast, route_param, send_mail_off_loop


class NavState(rx.State):
    """The categories menu of the top bar, reloaded with every page."""

    categories: list[CategoryView] = []

    @rx.event
    async def load(self) -> None:
        """Fetch the categories for the menu."""
        self.categories = await call_service(catalog.list_categories, readonly=True)


class HomeState(rx.State):
    """The home page listings."""

    newest: list[CourseCard] = []
    top_rated: list[CourseCard] = []
    loaded: bool = False

    @rx.event
    async def load(self) -> None:
        """Fetch the newest and the best-rated published courses."""
        self.newest = await call_service(
            catalog.list_published_courses, readonly=True, order="newest", limit=8
        )
        self.top_rated = await call_service(
            catalog.list_published_courses, readonly=True, order="top_rated", limit=4
        )
        self.loaded = True


class CategoryState(rx.State):
    """One category and its published courses."""

    category: CategoryView | None = None
    courses: list[CourseCard] = []
    missing: bool = False

    @rx.event
    async def load(self) -> None:
        """Fetch the category named in the URL."""
        slug = route_param(self, "slug")
        try:
            self.category = await call_service(catalog.get_category, readonly=True, slug=slug)
        except NotFound:
            self.category, self.courses, self.missing = None, [], True
            return
        self.missing = False
        self.courses = await call_service(
            catalog.list_published_courses,
            readonly=True,
            order="popular",
            category_slug=slug,
            limit=60,
        )


class SearchState(rx.State):
    """Search results for the ?q= of the URL."""

    query: str = ""
    results: list[CourseCard] = []

    @rx.event
    async def load(self) -> None:
        """Run the search named in the URL."""
        self.query = route_param(self, "q").strip()[: catalog.MAX_QUERY_LEN]
        self.results = await call_service(catalog.search_courses, readonly=True, query=self.query)

    @rx.event
    def submit(self, form: dict[str, str]) -> rx.event.EventSpec:
        """Go to the results page for the typed text."""
        from lms_reflex.routes import search_url

        return rx.redirect(search_url(str(form.get("q", ""))[: catalog.MAX_QUERY_LEN]))


class CourseState(rx.State):
    """The course page and its enroll button."""

    course: CourseDetail | None = None
    status: EnrollmentStatus | None = None
    missing: bool = False
    busy: bool = False

    @rx.event
    async def load(self) -> None:
        """Fetch the course named in the URL (drafts only for their instructor and admins)."""
        slug = route_param(self, "slug")
        actor = await current_actor(self)
        try:
            self.course = await call_service(
                catalog.get_course_detail, readonly=True, actor=actor, slug=slug
            )
            self.status = await call_service(
                enrollment.enrollment_status,
                readonly=True,
                actor=actor,
                course_id=self.course.id,
            )
            self.missing, self.busy = False, False
        except NotFound:
            self.course, self.status, self.missing = None, None, True

    @rx.event
    async def enroll(self):
        """Enroll in the course on screen; repeated clicks all succeed with one enrollment.

        The course is the one this tab loaded (no id comes from the browser); the service
        checks the user, the course and the price again.
        """
        course_id = self.course.id if self.course is not None else 0
        self.busy = True
        yield
        try:
            actor = await current_actor(self)
            result = await call_service(enrollment.enroll_student, actor=actor, course_id=course_id)
            if result.created:
                email = await call_service(accounts.email_of, readonly=True, actor_id=actor.id)
                await send_mail_off_loop(
                    enrollment_mail(email, result.course_title, result.course_slug)
                )
            self.status = await call_service(
                enrollment.enrollment_status,
                readonly=True,
                actor=actor,
                course_id=course_id,
            )
        except DomainError as exc:
            yield error_toast(exc)
            return
        finally:
            self.busy = False
        yield rx.toast.success(f"You are enrolled in {result.course_title}.")
