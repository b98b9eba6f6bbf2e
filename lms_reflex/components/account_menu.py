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
