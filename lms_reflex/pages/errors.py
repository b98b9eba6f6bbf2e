"""The not-found page."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.shell import app_shell


def not_found_content() -> rx.Component:
    """The not-found message, also shown by pages whose address names nothing."""
    return rx.vstack(
        rx.heading("Page not found", size="8", as_="h1"),
        rx.text("The page you asked for does not exist. It may have moved."),
        rx.link("Go to the home page", href="/"),
    )


def not_found_page() -> rx.Component:
    """Shown for any unknown address."""
    return app_shell(not_found_content())
