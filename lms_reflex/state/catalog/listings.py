"""Catalog pages: home listings, categories, search and the course page."""

from __future__ import annotations

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.catalog import listings as catalog
from lms_reflex.services.catalog.page_views import home_view
from lms_reflex.services.errors import NotFound
from lms_reflex.services.validation import parse_page
from lms_reflex.services.views import CategoryView, CourseCard
from lms_reflex.state.session import with_top_bar
from lms_reflex.state.util import route_param


class HomeState(rx.State):
    """The home page listings."""

    newest: list[CourseCard] = []
    top_rated: list[CourseCard] = []
    popular: list[CourseCard] = []
    loaded: bool = False

    @rx.event
    async def load(self) -> None:
        """Fetch the newest and the best-rated published courses."""
        found = await with_top_bar(self, home_view)
        self.newest, self.top_rated, self.popular = found.newest, found.top_rated, found.popular
        self.loaded = True


class CategoryState(rx.State):
    """One category, its published courses (sorted, paged) and a few from elsewhere."""

    category: CategoryView | None = None
    courses: list[CourseCard] = []
    others: list[CourseCard] = []
    sort: str = "popular"
    page_number: int = 1
    pages: int = 1
    missing: bool = False

    @rx.event
    async def load(self) -> None:
        """Fetch the category named in the URL with ?sort= and ?page=."""
        slug = route_param(self, "slug")
        sort = route_param(self, "sort")
        self.sort = sort if sort in ("popular", "newest") else "popular"
        page = route_param(self, "page")
        try:
            found = await call_service(
                catalog.list_category_page,
                readonly=True,
                slug=slug,
                sort=self.sort,
                page=parse_page(page),
            )
        except NotFound:
            self.category, self.courses, self.others, self.missing = None, [], [], True
            return
        self.category, self.courses, self.others = found.category, found.courses, found.others
        self.page_number, self.pages, self.missing = found.page, found.pages, False

    @rx.event
    def change(self, sort: str | list[str], page: int = 1) -> rx.event.EventSpec:
        """Re-sort or page through the same category (the URL keeps the choice)."""
        sort = sort if sort in ("popular", "newest") else "popular"
        page = page if isinstance(page, int) and 0 < page < 10_000 else 1
        slug = self.category.slug if self.category else ""
        return rx.redirect(f"{routes.category_url(slug)}?sort={sort}&page={page}")
