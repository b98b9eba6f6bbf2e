"""Pieces shared by the admin pages: the side navigation, the refusal, the list search and pager."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from lms_reflex import routes
from lms_reflex.components.forms import ready_to_submit
from lms_reflex.components.shell import app_shell

SECTIONS = (
    ("overview", "Overview", routes.ADMIN),
    ("users", "Users", routes.ADMIN_USERS),
    ("categories", "Categories", routes.ADMIN_CATEGORIES),
    ("courses", "Courses and reviews", routes.ADMIN_COURSES),
    ("orders", "Orders", routes.ADMIN_ORDERS),
    ("coupons", "Coupons", routes.COUPONS),
    ("certificates", "Certificates", routes.ADMIN_CERTIFICATES),
    ("audit", "Audit trail", routes.ADMIN_AUDIT),
)


def _link(key: str, label: str, href: str, current: str) -> rx.Component:
    if key == current:
        return rx.link(
            label,
            href=href,
            weight="bold",
            aria_current="page",
            underline="always",
            high_contrast=True,
        )
    return rx.link(label, href=href, high_contrast=True)


def admin_nav(current: str) -> rx.Component:
    """The admin sections; `current` is one of the SECTIONS keys."""
    return rx.el.nav(
        rx.vstack(
            rx.text("Admin", size="2", weight="bold", color_scheme="gray"),
            *[_link(key, label, href, current) for key, label, href in SECTIONS],
            spacing="3",
            align="start",
        ),
        aria_label="Admin",
        style={"min_width": "12rem"},
    )


def refusal() -> rx.Component:
    """What a signed-in non-admin sees instead of the page (the services refused them)."""
    return rx.callout(
        "This page is for administrators.", icon="lock", color_scheme="gray", role="alert"
    )


def admin_page(
    current: str, title: str, denied: rx.Var[bool], *children: rx.Component
) -> rx.Component:
    """An admin page: side navigation, a heading, then the content or the refusal."""
    return app_shell(
        rx.flex(
            admin_nav(current),
            rx.vstack(
                rx.heading(title, size="7", as_="h1"),
                rx.cond(denied, refusal(), rx.vstack(*children, spacing="5", width="100%")),
                spacing="4",
                width="100%",
                min_width="0",
            ),
            spacing="6",
            width="100%",
            direction=rx.breakpoints(initial="column", md="row"),
        )
    )


def pager(
    what: str,
    page: rx.Var[int],
    pages: rx.Var[int],
    go: Callable[[rx.Var[int]], rx.event.EventSpec],
) -> rx.Component:
    """Previous / next buttons with 'Page 2 of 5'; `what` names the list for screen readers."""
    return rx.hstack(
        rx.button(
            "Previous",
            on_click=go(page - 1),
            disabled=page <= 1,
            variant="soft",
            aria_label=f"Previous page of {what}",
        ),
        rx.text("Page ", page.to_string(), " of ", pages.to_string(), size="2"),
        rx.button(
            "Next",
            on_click=go(page + 1),
            disabled=page >= pages,
            variant="soft",
            aria_label=f"Next page of {what}",
        ),
        align="center",
        spacing="3",
    )


def field_label(text: str | rx.Var[str], for_id: str | rx.Var[str]) -> rx.Component:
    """A visible label tied to its control by id, as on every admin form."""
    return rx.el.label(text, html_for=for_id, style={"font_weight": "500", "font_size": "14px"})


def list_search(
    what: str,
    text_label: str,
    filter_label: str,
    filter_name: str,
    choices: list[tuple[str, str]],
    on_submit: rx.event.EventHandler,
) -> rx.Component:
    """The search box and one filter above an admin list, e.g. users by text and role.

    `what` names the list ("users", "courses"): it makes the ids and the button text.
    `choices` are (label, value) pairs; the first should be the "any" choice with value "".
    """
    text_id, filter_id = f"admin-{what.rstrip('s')}-q", f"admin-{what.rstrip('s')}-{filter_name}"
    return rx.form(
        rx.hstack(
            rx.vstack(
                field_label(text_label, text_id),
                rx.input(id=text_id, name="q", type="search", max_length=200),
                spacing="1",
            ),
            rx.vstack(
                field_label(filter_label, filter_id),
                rx.el.select(
                    *[rx.el.option(label, value=value) for label, value in choices],
                    id=filter_id,
                    name=filter_name,
                    style={"padding": "0.4rem"},
                ),
                spacing="1",
            ),
            rx.button(f"Search {what}", type="submit", disabled=~ready_to_submit()),
            align="end",
            spacing="3",
            wrap="wrap",
        ),
        on_submit=on_submit,
        role="search",
    )


def found_count(total: rx.Var[int], one: str) -> rx.Component:
    """'1 user found' / '7 users found' above an admin list."""
    return rx.text(
        total.to_string(), rx.cond(total == 1, f" {one} found", f" {one}s found"), size="2"
    )


def admin_table(
    headers: list[str], rows: rx.Var[list[Any]], row: Callable[[Any], rx.Component], **box: Any
) -> rx.Component:
    """One admin list as a table that scrolls sideways on narrow screens instead of the page.

    `box` goes to the scrolling box (a table with no buttons passes tab_index, role and
    aria_label so the keyboard can scroll it: axe's scrollable-region-focusable).
    """
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rx.foreach(rows, row)),
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        **box,
    )
