"""The signed-in area: dashboard with a role-dependent menu, and account settings."""

from __future__ import annotations

import reflex as rx

from lms_reflex import routes
from lms_reflex.components.confirm import confirm_dialog
from lms_reflex.components.forms import labeled_input, ready_to_submit
from lms_reflex.components.shell import app_shell
from lms_reflex.services.accounts.api_devices import DeviceView
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


def _device_row(device: DeviceView) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(device.device_name),
        rx.table.cell(device.created_label),
        rx.table.cell(device.last_used_label),
        rx.table.cell(
            confirm_dialog(
                title="Sign this device out?",
                description="The app or script on it must sign in again with a password.",
                confirm_label="Sign out device",
                on_confirm=SettingsState.revoke_device(device.id),
                trigger=rx.button(
                    "Sign out",
                    type="button",
                    variant="soft",
                    size="1",
                    aria_label="Sign out " + device.device_name,
                ),
            )
        ),
    )


def _devices() -> rx.Component:
    """API sign-ins (apps and scripts), each revocable (docs/security.md case 54)."""
    return rx.vstack(
        rx.heading("Apps and devices", size="5", as_="h2"),
        rx.cond(
            SettingsState.devices,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Device"),
                        rx.table.column_header_cell("Signed in"),
                        rx.table.column_header_cell("Last used"),
                        rx.table.column_header_cell(rx.el.span("Action", class_name="rt-sr-only")),
                    )
                ),
                rx.table.body(rx.foreach(SettingsState.devices, _device_row)),
            ),
            rx.text("No app or device is signed in through the API.", size="2"),
        ),
        align="start",
        width="100%",
        max_width="40rem",
    )


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
        _devices(),
        rx.vstack(
            rx.heading("My purchases", size="5", as_="h2"),
            rx.text(
                "Your orders, their receipts and refunds. ",
                rx.link("See my purchases", href=routes.PURCHASES, underline="always"),
                ".",
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
