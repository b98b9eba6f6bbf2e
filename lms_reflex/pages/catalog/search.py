"""The search page: filters, results with highlighted words, pages of 20."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.course_card import rating_line, thumbnail
from lms_reflex.components.forms import loading, ready_to_submit
from lms_reflex.components.shell import app_shell
from lms_reflex.services.views import CategoryView
from lms_reflex.state.catalog.search import ResultRow, SearchState, Snippet
from lms_reflex.state.session import SessionState

LABEL_STYLE = {"font_weight": "500", "font_size": "14px"}
SELECT_STYLE = {
    "padding": "0.4rem",
    "border_radius": "var(--radius-2)",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-surface)",
    "color": "var(--gray-12)",
    "min_width": "9rem",
    "max_width": "16rem",  # a very long category name must not widen the page
}


def _select(label: str, name: str, value: rx.Var[str], *options: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"filter-{name}", style=LABEL_STYLE),
        rx.el.select(
            *options,
            id=f"filter-{name}",
            name=name,
            default_value=value,
            key=value,
            style=SELECT_STYLE,
        ),
        spacing="1",
    )


def _category_option(cat: rx.Var[CategoryView]) -> rx.Component:
    return rx.el.option(cat.name, value=cat.slug)


def filters() -> rx.Component:
    """Filter choices; applying them keeps the words and goes back to page 1."""
    return rx.form(
        rx.flex(
            _select("Category", "category", SearchState.category,
                    rx.el.option("All categories", value=""),
                    rx.foreach(SessionState.categories, _category_option)),
            _select("Level", "level", SearchState.level, rx.el.option("Any level", value=""),
                    *[rx.el.option(t, value=v) for v, t in (
                        ("all", "All levels"), ("beginner", "Beginner"),
                        ("intermediate", "Intermediate"), ("advanced", "Advanced"))]),
            _select("Price", "price", SearchState.price, rx.el.option("Any price", value=""),
                    rx.el.option("Free", value="free"), rx.el.option("Paid", value="paid")),
            _select("Sort by", "sort", SearchState.sort,
                    *[rx.el.option(t, value=v) for v, t in (
                        ("relevance", "Best match"), ("rating", "Highest rated"),
                        ("newest", "Newest"), ("popular", "Most popular"))]),
            rx.button("Apply filters", type="submit", variant="soft",
                      disabled=~ready_to_submit()),
            spacing="3", wrap="wrap", align="end",
        ),
        on_submit=SearchState.apply_filters,
        aria_label="Search filters",
    )  # fmt: skip


def _snippet(piece: rx.Var[Snippet]) -> rx.Component:
    return rx.cond(piece.match, rx.el.mark(piece.text), rx.text.span(piece.text))


def _result(row: rx.Var[ResultRow]) -> rx.Component:
    card = row.card
    return rx.card(
        rx.flex(
            rx.box(thumbnail(card.thumbnail_url, card.title), width="12rem", flex_shrink="0"),
            rx.vstack(
                rx.link(rx.heading(card.title, size="4", as_="h2"), href="/courses/" + card.slug),
                rx.text(card.subtitle, size="2"),
                rx.text(rx.foreach(row.snippet, _snippet), size="2", color_scheme="gray"),
                rx.text(card.instructor_name, " \u00b7 ", card.level, size="2"),
                rating_line(card.rating_avg, card.rating_count),
                rx.text(card.price_label, weight="bold"),
                spacing="1", align="start",
            ),
            spacing="4", direction=rx.breakpoints(initial="column", sm="row"), width="100%",
        ),
        width="100%",
    )  # fmt: skip


def pager() -> rx.Component:
    """Previous / next and where we are."""
    return rx.cond(
        SearchState.pages > 1,
        rx.hstack(
            rx.button("Previous page", on_click=SearchState.go_to_page(SearchState.page_number - 1),
                      disabled=SearchState.page_number <= 1, variant="soft"),
            rx.text("Page ", SearchState.page_number.to_string(), " of ",
                    SearchState.pages.to_string(), size="2"),
            rx.button("Next page", on_click=SearchState.go_to_page(SearchState.page_number + 1),
                      disabled=SearchState.page_number >= SearchState.pages, variant="soft"),
            align="center", spacing="3",
        ),
    )  # fmt: skip


def _empty() -> rx.Component:
    return rx.cond(
        SearchState.query != "",
        rx.vstack(
            rx.text("No courses match your search."),
            rx.text("Try fewer or more general words, check the spelling, or clear filters.",
                    size="2", color_scheme="gray"),
        ),
        rx.text("Type what you want to learn in the search box above, or pick a category "
                "and apply the filters."),
    )  # fmt: skip


def did_you_mean() -> rx.Component:
    """When the typed words found nothing, the results are for corrected words: say which."""
    return rx.cond(
        SearchState.suggestion != "",
        rx.text(
            "No courses match \u201c", SearchState.query, "\u201d. Did you mean ",
            rx.link(SearchState.suggestion, href=SearchState.suggestion_url,
                    underline="always"), "?",
            " Showing results for \u201c", SearchState.suggestion, "\u201d.",
        ),
    )  # fmt: skip


def search_page() -> rx.Component:
    """Search results with filters; the URL holds everything, so results can be shared."""
    return app_shell(
        rx.heading(
            rx.cond(SearchState.query != "", "Results for \u201c" + SearchState.query + "\u201d",
                    "Search courses"),
            size="7", as_="h1",
        ),
        filters(),
        did_you_mean(),
        rx.cond(
            SearchState.total > 0,
            rx.vstack(
                rx.text(SearchState.total.to_string(), " courses found", color_scheme="gray",
                        role="status"),
                rx.foreach(SearchState.results, _result),
                pager(),
                width="100%",
            ),
            rx.cond(SearchState.loaded, _empty(),
                    loading("Searching")),
        ),
    )  # fmt: skip
