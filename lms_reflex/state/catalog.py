"""Catalog pages: home listings, categories, search and the course page."""

from __future__ import annotations

import reflex as rx

from lms_reflex.db import call_service
from lms_reflex.services import catalog
from lms_reflex.services.errors import NotFound
from lms_reflex.services.views import CategoryView, CourseCard, CourseDetail
from lms_reflex.state.session import current_actor
from lms_reflex.state.util import route_param


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
    """The course page."""

    course: CourseDetail | None = None
    missing: bool = False

    @rx.event
    async def load(self) -> None:
        """Fetch the course named in the URL (drafts only for their instructor and admins)."""
        slug = route_param(self, "slug")
        try:
            self.course = await call_service(
                catalog.get_course_detail,
                readonly=True,
                actor=await current_actor(self),
                slug=slug,
            )
            self.missing = False
        except NotFound:
            self.course, self.missing = None, True
