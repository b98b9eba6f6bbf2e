"""The search page: the URL holds the query and every filter, so a search can be shared."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.catalog import search
from lms_reflex.services.errors import InvalidInput
from lms_reflex.services.validation import parse_page
from lms_reflex.services.views import CourseCard
from lms_reflex.state.session import with_top_bar
from lms_reflex.state.util import field, route_param

MAX_QUERY_LEN = 200


@dataclass(frozen=True)
class Snippet:
    """A piece of the excerpt; matched words are drawn highlighted (as text, never HTML)."""

    text: str
    match: bool


@dataclass(frozen=True)
class ResultRow:
    """One search result as the page shows it."""

    card: CourseCard
    snippet: list[Snippet]


def _row(hit: search.SearchHit) -> ResultRow:
    return ResultRow(hit.card, [Snippet(text, match) for text, match in hit.segments])


class SearchState(rx.State):
    """Results for /search?q=&category=&level=&price=&sort=&page=."""

    query: str = ""
    category: str = ""
    level: str = ""
    price: str = ""
    sort: str = "relevance"
    page_number: int = 1
    pages: int = 1
    total: int = 0
    results: list[ResultRow] = []
    suggestion: str = ""  # the corrected words shown instead, when the typed ones found none
    suggestion_url: str = ""
    loaded: bool = False

    @rx.event
    async def load(self) -> None:
        """Run the search the URL describes; unknown filter values fall back to defaults."""
        self.query = route_param(self, "q").strip()[:MAX_QUERY_LEN]
        self.category = route_param(self, "category")[:80]
        self.level, self.price = route_param(self, "level")[:20], route_param(self, "price")[:10]
        self.sort = route_param(self, "sort")[:20] or "relevance"
        try:
            found = await self._run(parse_page(route_param(self, "page")), top_bar=True)
        except InvalidInput:
            self.level, self.price, self.sort = "", "", "relevance"
            found = await self._run(1)
        self.results = [_row(hit) for hit in found.results]
        self.suggestion = found.suggestion
        self.suggestion_url = self._url(q=found.suggestion) if found.suggestion else ""
        self.total, self.page_number, self.pages = found.total, found.page, found.pages
        self.loaded = True

    async def _run(self, page: int, *, top_bar: bool = False) -> search.SearchPage:
        """The search the URL describes; on the page's load, with the top bar's reads."""
        options = {
            "query": self.query, "category_slug": self.category or None,
            "level": self.level or None, "price": self.price or None, "sort": self.sort,
            "page": page,
        }  # fmt: skip
        if top_bar:
            return await with_top_bar(self, search.search_courses, **options)
        return await call_service(search.search_courses, readonly=True, **options)

    def _url(self, **changes: str | int) -> str:
        values = {
            "category": self.category,
            "level": self.level,
            "price": self.price,
            "sort": self.sort if self.sort != "relevance" else "",
            "page": 1,
        }
        values.update(changes)
        query = str(values.pop("q", self.query))
        return routes.search_url(query, **values)

    @rx.event
    def submit(self, form: dict) -> rx.event.EventSpec:
        """A new search from the top bar keeps no old filters."""
        return rx.redirect(routes.search_url(field(form, "q", MAX_QUERY_LEN)))

    @rx.event
    def apply_filters(self, form: dict) -> rx.event.EventSpec:
        """Go to page 1 of the same search with the chosen filters."""
        return rx.redirect(self._url(
            category=field(form, "category", 80), level=field(form, "level", 20),
            price=field(form, "price", 10), sort=field(form, "sort", 20),
        ))  # fmt: skip

    @rx.event
    def go_to_page(self, page: int) -> rx.event.EventSpec:
        """Another page of the same results."""
        number = page if isinstance(page, int) and 0 < page <= max(self.pages, 1) else 1
        return rx.redirect(self._url(page=number))
