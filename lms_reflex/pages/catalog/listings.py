"""Home, category and search pages."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.course_card import course_grid
from lms_reflex.components.forms import loading
from lms_reflex.components.shell import app_shell
from lms_reflex.services.views import CategoryView, CourseCard
from lms_reflex.state.catalog.listings import CategoryState, HomeState
from lms_reflex.state.session import SessionState


def _category_chip(cat: rx.Var[CategoryView]) -> rx.Component:
    return rx.button(
        rx.link(cat.name, href="/categories/" + cat.slug),
        variant="surface",
        radius="full",
        as_child=True,
        # A long category name is cut, not allowed to widen the page.
        max_width="100%",
        overflow="hidden",
    )


def category_strip() -> rx.Component:
    """Every category one click away."""
    return rx.el.nav(
        rx.flex(rx.foreach(SessionState.categories, _category_chip), spacing="2", wrap="wrap"),
        aria_label="Categories",
    )


def _shelf(title: str, cards: rx.Var[list[CourseCard]]) -> rx.Component:
    return rx.cond(
        cards.length() > 0,
        rx.vstack(rx.heading(title, size="6", as_="h2"), course_grid(cards), width="100%"),
    )


def home_page() -> rx.Component:
    """Categories, then the most popular, best rated and newest courses."""
    return app_shell(
        rx.vstack(
            rx.heading("Learn something new today", size="8", as_="h1"),
            rx.text("Video courses from instructors who teach what they do.", size="4",
                    color_scheme="gray"),
            spacing="2",
        ),
        category_strip(),
        _shelf("Most popular", HomeState.popular),
        _shelf("Top rated", HomeState.top_rated),
        rx.vstack(
            rx.heading("Newest courses", size="6", as_="h2"),
            rx.cond(
                HomeState.newest.length() > 0,
                course_grid(HomeState.newest),
                rx.cond(HomeState.loaded,
                        rx.text("No courses are published yet. Check back soon."),
                        loading("Loading courses")),
            ),
            width="100%",
        ),
    )  # fmt: skip


def _category_controls() -> rx.Component:
    return rx.flex(
        rx.segmented_control.root(
            rx.segmented_control.item("Most popular", value="popular"),
            rx.segmented_control.item("Newest", value="newest"),
            value=CategoryState.sort,
            on_change=lambda value: CategoryState.change(value, 1),
            aria_label="Sort courses",
        ),
        rx.cond(
            CategoryState.pages > 1,
            rx.hstack(
                rx.button("Previous page", variant="soft",
                          on_click=CategoryState.change(CategoryState.sort,
                                                        CategoryState.page_number - 1),
                          disabled=CategoryState.page_number <= 1),
                rx.text("Page ", CategoryState.page_number.to_string(), " of ",
                        CategoryState.pages.to_string(), size="2"),
                rx.button("Next page", variant="soft",
                          on_click=CategoryState.change(CategoryState.sort,
                                                        CategoryState.page_number + 1),
                          disabled=CategoryState.page_number >= CategoryState.pages),
                align="center",
            ),
        ),
        spacing="4", wrap="wrap", align="center", justify="between", width="100%",
    )  # fmt: skip


def category_page() -> rx.Component:
    """One category's published courses, most popular or newest first."""
    return app_shell(
        rx.cond(
            CategoryState.missing,
            rx.vstack(rx.heading("Category not found", size="7", as_="h1"),
                      rx.link("Browse all courses", href="/")),
            rx.vstack(
                rx.heading(CategoryState.category.name, size="8", as_="h1"),
                rx.text(CategoryState.category.description, color_scheme="gray", size="3"),
                _category_controls(),
                rx.cond(
                    CategoryState.courses.length() > 0,
                    course_grid(CategoryState.courses),
                    rx.text("No courses in this category yet."),
                ),
                rx.cond(
                    CategoryState.others.length() > 0,
                    rx.vstack(rx.heading("Explore other categories", size="5", as_="h2"),
                              course_grid(CategoryState.others), width="100%"),
                ),
                width="100%", spacing="4",
            ),
        ),
    )  # fmt: skip
