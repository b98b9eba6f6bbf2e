"""Home, category and search pages."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.course_card import course_grid
from lms_reflex.components.shell import app_shell
from lms_reflex.state.catalog import CategoryState, HomeState, SearchState


def home_page() -> rx.Component:
    """Newest and top-rated courses."""
    return app_shell(
        rx.vstack(
            rx.heading("Learn something new today", size="8", as_="h1"),
            rx.text(
                "Video courses from instructors who teach what they do.",
                size="4",
                color_scheme="gray",
            ),
            spacing="2",
        ),
        rx.cond(
            HomeState.top_rated.length() > 0,
            rx.vstack(
                rx.heading("Top rated", size="6", as_="h2"),
                course_grid(HomeState.top_rated),
                width="100%",
            ),
        ),
        rx.vstack(
            rx.heading("Newest courses", size="6", as_="h2"),
            rx.cond(
                HomeState.newest.length() > 0,
                course_grid(HomeState.newest),
                rx.cond(
                    HomeState.loaded,
                    rx.text("No courses are published yet. Check back soon."),
                    rx.spinner(aria_label="Loading courses"),
                ),
            ),
            width="100%",
        ),
    )


def category_page() -> rx.Component:
    """One category's published courses, most popular first."""
    return app_shell(
        rx.cond(
            CategoryState.missing,
            rx.vstack(
                rx.heading("Category not found", size="7", as_="h1"),
                rx.link("Browse all courses", href="/"),
            ),
            rx.vstack(
                rx.heading(CategoryState.category.name, size="8", as_="h1"),
                rx.text(CategoryState.category.description, color_scheme="gray", size="3"),
                rx.cond(
                    CategoryState.courses.length() > 0,
                    course_grid(CategoryState.courses),
                    rx.text("No courses in this category yet."),
                ),
                width="100%",
                spacing="4",
            ),
        ),
    )


def search_page() -> rx.Component:
    """Search results for ?q=."""
    return app_shell(
        rx.heading(
            rx.cond(
                SearchState.query != "",
                "Results for \u201c" + SearchState.query + "\u201d",
                "Search courses",
            ),
            size="7",
            as_="h1",
        ),
        rx.cond(
            SearchState.results.length() > 0,
            rx.vstack(
                rx.text(
                    SearchState.results.length().to_string(), " courses found", color_scheme="gray"
                ),
                course_grid(SearchState.results),
                width="100%",
            ),
            rx.cond(
                SearchState.query != "",
                rx.text("No courses match your search. Try fewer or different words."),
                rx.text("Type what you want to learn in the search box above."),
            ),
        ),
    )
