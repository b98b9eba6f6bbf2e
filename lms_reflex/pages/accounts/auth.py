"""Account pages: sign up, verify the email, sign in, forgotten and reset passwords."""

from __future__ import annotations

import reflex as rx

from lms_reflex import routes
from lms_reflex.components.forms import auth_card, labeled_input, submit_button
from lms_reflex.components.shell import app_shell
from lms_reflex.state.accounts.auth import LoginState, PasswordResetState, SignupState, VerifyState

PASSWORD_HINT = "At least 8 characters. A few unrelated words make a strong password."  # noqa: S105


def _signup_error(name: str) -> rx.Var[str]:
    return SignupState.field_errors.get(name, "")


def signup_page() -> rx.Component:
    """Create an account; a code is mailed to confirm the address."""
    return app_shell(
        auth_card(
            "Create your account",
            rx.form(
                rx.vstack(
                    rx.flex(
                        labeled_input(
                            "First name",
                            "first_name",
                            autocomplete="given-name",
                            max_length=80,
                            error=_signup_error("first_name"),
                        ),
                        labeled_input(
                            "Last name",
                            "last_name",
                            autocomplete="family-name",
                            max_length=80,
                            error=_signup_error("last_name"),
                        ),
                        spacing="3",
                        width="100%",
                        direction=rx.breakpoints(initial="column", sm="row"),
                    ),
                    labeled_input(
                        "Email",
                        "email",
                        type="email",
                        autocomplete="email",
                        error=_signup_error("email"),
                    ),
                    labeled_input(
                        "Password",
                        "password",
                        type="password",
                        autocomplete="new-password",
                        hint=PASSWORD_HINT,
                        error=_signup_error("password"),
                    ),
                    labeled_input(
                        "Confirm password",
                        "confirm_password",
                        type="password",
                        autocomplete="new-password",
                        error=_signup_error("confirm_password"),
                    ),
                    rx.el.label(
                        rx.hstack(
                            rx.checkbox(name="wants_to_teach", id="field-wants_to_teach"),
                            rx.text(
                                "I want to teach (an admin reviews instructor requests)", size="2"
                            ),
                            align="center",
                        ),
                        html_for="field-wants_to_teach",
                    ),
                    submit_button("Create account", SignupState.busy),
                    spacing="3",
                    width="100%",
                ),
                on_submit=SignupState.signup,
            ),
            rx.text(
                "Already have an account? ",
                rx.link("Sign in", href=routes.LOGIN, underline="always"),
                size="2",
            ),
        )
    )


def _choose_password_fields() -> rx.Component:
    """Shown when this browser did not choose the account's password: the verifier does.

    docs/security.md, "Account pre-hijacking": whoever proves the mailbox chooses the
    password, so a password set by someone else never survives verification.
    """
    return rx.vstack(
        rx.text(
            "This browser did not choose the password of this account, so choose one now. "
            "It replaces any password set before and signs out every other session.",
            size="2",
        ),
        labeled_input(
            "Choose a password",
            "password",
            type="password",
            autocomplete="new-password",
            hint=PASSWORD_HINT,
            error=VerifyState.field_errors.get("password", ""),
        ),
        labeled_input(
            "Confirm password",
            "confirm_password",
            type="password",
            autocomplete="new-password",
            error=VerifyState.field_errors.get("confirm_password", ""),
        ),
        spacing="3",
        width="100%",
    )


def verify_page() -> rx.Component:
    """Enter the 6-digit code from the email."""
    return app_shell(
        auth_card(
            "Check your email",
            rx.text(
                "We sent a 6-digit code to ",
                rx.text.strong(VerifyState.email),
                ". It works for 10 minutes.",
            ),
            rx.form(
                rx.vstack(
                    labeled_input(
                        "Verification code",
                        "code",
                        autocomplete="one-time-code",
                        input_mode="numeric",
                        pattern="[0-9]{6}",
                        max_length=6,
                        error=VerifyState.field_errors.get("code", ""),
                    ),
                    rx.cond(VerifyState.must_choose, _choose_password_fields()),
                    submit_button("Verify email", VerifyState.busy),
                    spacing="3",
                    width="100%",
                ),
                on_submit=VerifyState.verify,
            ),
            rx.button(
                rx.cond(
                    VerifyState.resend_wait_s > 0,
                    "Send a new code in " + VerifyState.resend_wait_s.to_string() + " s",
                    "Send a new code",
                ),
                on_click=VerifyState.resend,
                disabled=VerifyState.resend_wait_s > 0,
                variant="soft",
                width="100%",
            ),
        )
    )


def login_page() -> rx.Component:
    """Sign in with email and password."""
    return app_shell(
        auth_card(
            "Sign in",
            rx.cond(
                LoginState.expired,
                rx.callout(
                    "That sign-in link expired. Please sign in again.",
                    icon="info",
                    color_scheme="amber",
                ),
            ),
            rx.form(
                rx.vstack(
                    labeled_input(
                        "Email",
                        "email",
                        type="email",
                        autocomplete="email",
                        error=LoginState.field_errors.get("email", ""),
                    ),
                    labeled_input(
                        "Password",
                        "password",
                        type="password",
                        autocomplete="current-password",
                        error=LoginState.field_errors.get("password", ""),
                    ),
                    submit_button("Sign in", LoginState.busy),
                    spacing="3",
                    width="100%",
                ),
                on_submit=LoginState.login,
            ),
            rx.link("Forgot your password?", href=routes.FORGOT, size="2"),
            rx.text(
                "New here? ",
                rx.link("Create an account", href=routes.SIGNUP, underline="always"),
                size="2",
            ),
        )
    )


def forgot_password_page() -> rx.Component:
    """Ask for a reset link; the answer is the same whether the account exists or not."""
    return app_shell(
        auth_card(
            "Reset your password",
            rx.cond(
                PasswordResetState.sent,
                rx.callout(
                    "If an account uses that address, we have sent it a link to reset the "
                    "password. The link works for 30 minutes. If it does not arrive, you can "
                    "ask for another one after a minute.",
                    icon="mail",
                ),
                rx.form(
                    rx.vstack(
                        labeled_input(
                            "Email",
                            "email",
                            type="email",
                            autocomplete="email",
                            error=PasswordResetState.field_errors.get("email", ""),
                        ),
                        submit_button("Send reset link", PasswordResetState.busy),
                        width="100%",
                    ),
                    on_submit=PasswordResetState.request_reset,
                ),
            ),
            rx.link("Back to sign in", href=routes.LOGIN, size="2"),
        )
    )


def reset_password_page() -> rx.Component:
    """Choose a new password from the mailed link."""
    return app_shell(
        auth_card(
            "Choose a new password",
            rx.form(
                rx.vstack(
                    labeled_input(
                        "New password",
                        "password",
                        type="password",
                        autocomplete="new-password",
                        hint=PASSWORD_HINT,
                        error=PasswordResetState.field_errors.get("password", ""),
                    ),
                    labeled_input(
                        "Confirm new password",
                        "confirm_password",
                        type="password",
                        autocomplete="new-password",
                        error=PasswordResetState.field_errors.get("confirm_password", ""),
                    ),
                    submit_button("Save new password", PasswordResetState.busy),
                    spacing="3",
                    width="100%",
                ),
                on_submit=PasswordResetState.set_new_password,
            ),
        )
    )
