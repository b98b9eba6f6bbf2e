"""The top bar's account controls: sign in / sign up, or the signed-in user's menu."""

from __future__ import annotations

import reflex as rx

from lms_reflex import routes
from lms_reflex.state.session import SessionState


def sign_out_form(label: str = "Sign out") -> rx.Component:
    """A real POST to the cookie route: a link or GET could be triggered by another site."""
    return rx.el.form(
        rx.button(label, type="submit", variant="ghost", color_scheme="gray"),
        method="post",
        action="/api/auth/logout",
    )


def account_controls() -> rx.Component:
    """Signed in: dashboard link, settings and sign out. Otherwise: sign in and sign up."""
    return rx.cond(
        SessionState.signed_in,
        rx.hstack(
            rx.link("My learning", href=routes.DASHBOARD, weight="medium"),
            rx.menu.root(
                rx.menu.trigger(
                    rx.button(
                        SessionState.first_name,
                        rx.icon("chevron-down"),
                        variant="soft",
                        aria_label="Account menu",
                    )
                ),
                rx.menu.content(
                    rx.menu.item(rx.link("Dashboard", href=routes.DASHBOARD, width="100%")),
                    rx.menu.item(rx.link("Profile", href=routes.PROFILE, width="100%")),
                    rx.menu.item(rx.link("Settings", href=routes.SETTINGS, width="100%")),
                ),
            ),
            sign_out_form(),
            align="center",
            spacing="3",
        ),
        rx.hstack(
            rx.link(rx.button("Sign in", variant="soft"), href=routes.LOGIN),
            rx.link(rx.button("Sign up"), href=routes.SIGNUP),
            spacing="2",
        ),
    )
