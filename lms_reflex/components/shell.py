"""The app shell: top bar, main landmark and footer around every page."""

from __future__ import annotations

import reflex as rx

from lms_reflex import routes
from lms_reflex.components.account_menu import account_controls, phone_menu
from lms_reflex.services.views import CategoryView
from lms_reflex.settings import LOGO_ROUTE, get_settings
from lms_reflex.state.catalog.search import SearchState
from lms_reflex.state.session import SessionState


def _category_item(cat: rx.Var[CategoryView]) -> rx.Component:
    return rx.menu.item(rx.link(cat.name, href="/categories/" + cat.slug, width="100%"))


def categories_menu() -> rx.Component:
    """A dropdown of every category."""
    return rx.menu.root(
        rx.menu.trigger(rx.button("Categories", rx.icon("chevron-down"), variant="ghost")),
        rx.menu.content(rx.foreach(SessionState.categories, _category_item)),
    )


def search_box() -> rx.Component:
    """The top bar search form; the label is visually hidden but read by screen readers."""
    return rx.form(
        rx.hstack(
            rx.el.label(
                "Search courses",
                html_for="nav-search",
                class_name="rt-sr-only",
                style={
                    "position": "absolute",
                    "width": "1px",
                    "height": "1px",
                    "overflow": "hidden",
                    "clip": "rect(0 0 0 0)",
                },
            ),
            rx.input(
                id="nav-search",
                name="q",
                placeholder="Search for anything",
                type="search",
                max_length=200,
                width="100%",
                default_value=SearchState.query,
                key=SearchState.query,  # a new search's words replace the old ones
            ),
            rx.button(rx.icon("search", aria_hidden=True), "Search", type="submit"),
            spacing="2",
            width="100%",
        ),
        on_submit=SearchState.submit,
        role="search",
        id="nav-search-form",
        class_name="nav-search-form",
        width="100%",
        max_width="28rem",
    )


# On a phone the search form hides behind a button (assets/app.css, .nav-search-form):
# the button opens it under the header and puts the caret in the field. Pure browser work.
_TOGGLE_SEARCH_JS = (
    "const h = document.getElementById('site-header');"
    " const open = h.toggleAttribute('data-search-open');"
    " document.getElementById('nav-search-toggle').setAttribute('aria-expanded', String(open));"
    " if (open) document.getElementById('nav-search').focus();"
)

ON_PHONE = rx.breakpoints(initial="flex", md="none")
ON_DESKTOP = rx.breakpoints(initial="none", md="flex")


def search_toggle() -> rx.Component:
    """The phone's search button: opens the search field below the header."""
    return rx.icon_button(
        rx.icon("search", aria_hidden=True),
        id="nav-search-toggle",
        aria_label="Show search",
        aria_expanded="false",
        aria_controls="nav-search-form",
        on_click=rx.call_script(_TOGGLE_SEARCH_JS),
        variant="soft",
        size="3",
        display=ON_PHONE,
    )


def site_name() -> str:
    """LMS_SITE_NAME, written into the pages when the frontend is built."""
    return get_settings().site_name


def site_logo(height: str) -> rx.Component:
    """LMS_SITE_LOGO beside the name (decorative: the name says the same), if there is one."""
    if get_settings().site_logo is None:
        return rx.fragment()
    return rx.image(src=LOGO_ROUTE, alt="", height=height, width="auto", flex_shrink="0")


def skip_link() -> rx.Component:
    """The first thing a keyboard reaches: jump past the top bar (styled in assets/app.css)."""
    # The hash jump alone leaves focus on the link once the router has handled it, so the
    # click moves focus into <main> itself (it has tabindex -1 for this).
    return rx.el.a(
        "Skip to content",
        href="#main",
        class_name="skip-link",
        on_click=rx.call_script("document.getElementById('main').focus()"),
    )


def navbar() -> rx.Component:
    """The top bar: logo, categories, search, then account controls.

    Below the md breakpoint it is one row (issue 17): the logo, a search button and a menu
    button whose menu holds the categories, the account, the theme and sign-out.
    """
    return rx.el.header(
        rx.flex(
            rx.link(
                site_logo("28px"),
                rx.text(
                    site_name(),
                    size="5",
                    weight="bold",
                    white_space="nowrap",
                    overflow="hidden",
                    text_overflow="ellipsis",
                ),
                href=routes.HOME,
                underline="none",
                aria_label=f"{site_name()} home",
                min_width="0",
                display="flex",
                align_items="center",
                gap="0.5rem",
            ),
            rx.box(categories_menu(), display=ON_DESKTOP),
            search_box(),
            rx.spacer(),
            rx.flex(
                account_controls(),
                rx.color_mode.button(aria_label="Switch light or dark theme"),
                align="center",
                spacing="4",
                display=ON_DESKTOP,
            ),
            search_toggle(),
            phone_menu(),
            align="center",
            spacing="4",
            wrap=rx.breakpoints(initial="nowrap", md="wrap"),
            padding="0.75rem 1.25rem",
        ),
        id="site-header",
        class_name="site-header",
        style={"border_bottom": "1px solid var(--gray-a5)"},
    )


def footer() -> rx.Component:
    """A quiet footer."""
    return rx.el.footer(
        rx.hstack(
            site_logo("20px"),
            rx.text(
                f"{site_name()} · runs on lms_reflex, a self-hosted course platform.",
                size="1",
                color_scheme="gray",
            ),
            align="center",
            spacing="2",
        ),
        padding="1.5rem 1.25rem",
        style={"border_top": "1px solid var(--gray-a5)"},
    )


def app_shell(*children: rx.Component) -> rx.Component:
    """Every page: top bar, one <main>, footer."""
    return rx.box(
        skip_link(),
        navbar(),
        rx.el.main(
            rx.container(
                rx.vstack(*children, spacing="6", width="100%"),
                size="4",
                padding_y="1.5rem",
                padding_x="1rem",
            ),
            id="main",
            # Focusable by the skip link only, so focus lands inside the page.
            tab_index=-1,
        ),
        footer(),
        min_height="100vh",
        # A word longer than the screen (a pasted link, a hostile 5,000-letter title) wraps
        # instead of widening the whole page (docs/security.md, hostile text).
        overflow_wrap="anywhere",
    )
