"""The top bar's account controls: sign in / sign up, or the signed-in user's menu."""

from __future__ import annotations

import reflex as rx

from lms_reflex import routes
from lms_reflex.state.session import SessionState

# Reflex forms always preventDefault, so the POST form is built and submitted by hand.
_SIGN_OUT_JS = (
    "const f = document.createElement('form'); f.method = 'post';"
    " f.action = '/api/auth/logout'; document.body.appendChild(f); f.submit();"
)


def sign_out_button(label: str = "Sign out") -> rx.Component:
    """A real POST to the cookie route: a link or GET could be triggered by another site."""
    return rx.button(
        label, on_click=rx.call_script(_SIGN_OUT_JS), variant="ghost", color_scheme="gray"
    )


def account_controls() -> rx.Component:
    """Signed in: dashboard link, settings and sign out. Otherwise: sign in and sign up."""
    return rx.cond(
        SessionState.signed_in,
        rx.hstack(
            rx.link("My learning", href=routes.DASHBOARD, weight="medium"),
            rx.link("Cart", href=routes.CART, weight="medium"),
            # Display only: the teach and admin pages ask the services on every call.
            rx.cond(
                SessionState.is_admin,
                rx.link("Admin", href=routes.ADMIN, weight="medium"),
                rx.cond(
                    SessionState.can_teach,
                    rx.link("Teach", href=routes.TEACH, weight="medium"),
                ),
            ),
            rx.menu.root(
                rx.menu.trigger(
                    rx.button(
                        rx.avatar(
                            src=SessionState.avatar_url,
                            fallback=SessionState.first_name[:1],
                            size="1",
                            radius="full",
                            alt="",
                        ),
                        # A very long name is cut, not allowed to widen the page.
                        rx.text(
                            SessionState.first_name,
                            max_width="12em",
                            overflow="hidden",
                            text_overflow="ellipsis",
                            white_space="nowrap",
                        ),
                        rx.icon("chevron-down"),
                        variant="soft",
                        aria_label="Account menu",
                    )
                ),
                rx.menu.content(
                    rx.menu.item(rx.link("Dashboard", href=routes.DASHBOARD, width="100%")),
                    rx.menu.item(rx.link("Profile", href=routes.PROFILE, width="100%")),
                    rx.menu.item(rx.link("Settings", href=routes.SETTINGS, width="100%")),
                    rx.menu.item(rx.link("Wishlist", href=routes.WISHLIST, width="100%")),
                    rx.menu.item(rx.link("My purchases", href=routes.PURCHASES, width="100%")),
                    rx.cond(
                        SessionState.can_teach,
                        rx.menu.item(rx.link("Teaching", href=routes.TEACH, width="100%")),
                    ),
                    rx.cond(
                        SessionState.can_teach,
                        rx.menu.item(rx.link("Coupons", href=routes.COUPONS, width="100%")),
                    ),
                ),
            ),
            sign_out_button(),
            align="center",
            spacing="3",
        ),
        rx.hstack(
            rx.button(rx.link("Sign in", href=routes.LOGIN), variant="soft", as_child=True),
            rx.button(rx.link("Sign up", href=routes.SIGNUP), as_child=True),
            spacing="2",
        ),
    )


def _menu_link(text: rx.Var[str] | str, href: rx.Var[str] | str) -> rx.Component:
    """A menu item that opens a page: a tap, a click and Enter all select it.

    A link inside an item would follow only a click (Radix selects the item on Enter),
    and Radix's as_child cannot slot onto rx.link; so selecting navigates in the browser.
    """
    return rx.menu.item(text, on_select=rx.redirect(href))


def _phone_account_items() -> rx.Component:
    signed_in = rx.fragment(
        _menu_link("My learning", routes.DASHBOARD),
        rx.cond(SessionState.is_admin, _menu_link("Admin", routes.ADMIN)),
        rx.cond(SessionState.can_teach, _menu_link("Teach", routes.TEACH)),
        _menu_link("Profile", routes.PROFILE),
        _menu_link("Settings", routes.SETTINGS),
    )
    signed_out = rx.fragment(
        _menu_link("Sign in", routes.LOGIN),
        _menu_link("Sign up", routes.SIGNUP),
    )
    return rx.cond(SessionState.signed_in, signed_in, signed_out)


def phone_menu() -> rx.Component:
    """The phone's one menu: categories, the account, the theme and sign-out (issue 17).

    A Radix dropdown menu: arrow keys move, Escape closes and focus returns to the button.
    Hidden from the md breakpoint up, where the top bar shows these controls itself. Not
    modal: a modal menu aria-hides the page while its links stay focusable (axe:
    aria-hidden-focus).
    """
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(
                rx.icon("menu", aria_hidden=True),
                aria_label="Menu",
                variant="soft",
                size="3",
                display=rx.breakpoints(initial="flex", md="none"),
            )
        ),
        rx.menu.content(
            rx.menu.sub(
                rx.menu.sub_trigger("Categories"),
                rx.menu.sub_content(
                    rx.foreach(
                        SessionState.categories,
                        lambda c: _menu_link(c.name, "/categories/" + c.slug),
                    ),
                    max_height="70vh",
                    overflow_y="auto",
                ),
            ),
            rx.menu.separator(),
            _phone_account_items(),
            rx.menu.separator(),
            rx.menu.item("Switch light or dark theme", on_select=rx.toggle_color_mode),
            rx.cond(
                SessionState.signed_in,
                rx.menu.item("Sign out", on_select=rx.call_script(_SIGN_OUT_JS)),
            ),
            max_height="80vh",
            overflow_y="auto",
        ),
        modal=False,
    )
