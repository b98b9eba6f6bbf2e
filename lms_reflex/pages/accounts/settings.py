"""The signed-in area: dashboard with a role-dependent menu, and account settings."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.confirm import confirm_dialog
from lms_reflex.components.forms import labeled_input, ready_to_submit
from lms_reflex.components.shell import app_shell
from lms_reflex.state.accounts.settings import SettingsState

DELETE_EFFECT = (
    "This removes your profile, enrollments and progress. Reviews stay, without your name. "
    "It cannot be undone."
)


def _error(name: str) -> rx.Var[str]:
    return SettingsState.field_errors.get(name, "")


def _password_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Change password", size="5", as_="h2"),
            labeled_input(
                "Current password",
                "current_password",
                type="password",
                autocomplete="current-password",
                error=_error("current_password"),
            ),
            labeled_input(
                "New password",
                "new_password",
                type="password",
                autocomplete="new-password",
                error=_error("new_password"),
            ),
            labeled_input(
                "Confirm new password",
                "confirm_password",
                type="password",
                autocomplete="new-password",
                error=_error("confirm_password"),
            ),
            rx.button("Change password", type="submit", disabled=~ready_to_submit()),
            width="100%",
            max_width="28rem",
            align="start",
        ),
        on_submit=SettingsState.change_password,
    )


def _delete_form() -> rx.Component:
    """The password is asked in the confirmation itself: one deliberate step, not two."""
    return rx.vstack(
        rx.heading("Delete account", size="5", as_="h2"),
        rx.text(DELETE_EFFECT, size="2"),
        confirm_dialog(
            title="Delete your account?",
            description=DELETE_EFFECT,
            confirm_label="Delete my account",
            trigger=rx.button("Delete my account", type="button", color_scheme="red",
                              variant="outline"),
            extra=rx.box(
                labeled_input("Password to confirm", "delete_password", type="password",
                              autocomplete="current-password", error=_error("delete_password")),
                margin_top="1rem",
            ),
            on_submit=SettingsState.delete_account,
        ),
        width="100%",
        max_width="28rem",
        align="start",
    )  # fmt: skip


def settings_page() -> rx.Component:
    """Password, sessions, data export and deletion."""
    return app_shell(
        rx.heading("Account settings", size="7", as_="h1"),
        _password_form(),
        rx.vstack(
            rx.heading("Sessions", size="5", as_="h2"),
            confirm_dialog(
                title="Sign out everywhere?",
                description="Every browser and device signed in to your account is signed "
                "out, this one included.",
                confirm_label="Sign out everywhere",
                on_confirm=SettingsState.sign_out_everywhere,
                trigger=rx.button("Sign out everywhere", type="button", variant="soft"),
            ),
            align="start",
        ),
        rx.vstack(
            rx.heading("Your data", size="5", as_="h2"),
            rx.button(
                "Download my data (JSON)", on_click=SettingsState.export_data, variant="soft"
            ),
            align="start",
        ),
        _delete_form(),
    )
