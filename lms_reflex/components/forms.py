"""Form pieces: every input has a visible label bound to it."""

from __future__ import annotations

import reflex as rx

# A native <select> (it binds to <label for> and allows an empty value) styled like Radix inputs.
NATIVE_SELECT_STYLE = {
    "width": "100%",
    "height": "var(--space-7)",
    "padding": "0 var(--space-3)",
    "border_radius": "var(--radius-2)",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-surface)",
    "color": "var(--gray-12)",
    "font_size": "var(--font-size-3)",
}


def labeled_input(
    label: str,
    name: str,
    *,
    type: str = "text",
    autocomplete: str = "",
    required: bool = True,
    hint: str = "",
    error: rx.Var[str] | str = "",
    **props,
) -> rx.Component:
    """A label above its input; the id ties them together for screen readers and tests.

    `error` (a state var) is shown right under the input and named by aria-describedby,
    so a refusal sits next to the field it is about.
    """
    input_id = f"field-{name}"
    props = {**invalid_props(input_id, error), **props}
    return rx.vstack(
        rx.el.label(label, html_for=input_id, style={"font_weight": "500", "font_size": "14px"}),
        rx.input(
            id=input_id,
            name=name,
            type=type,
            auto_complete=autocomplete or None,
            required=required,
            width="100%",
            size="3",
            **props,
        ),
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")),
        field_error(input_id, error),
        spacing="1",
        width="100%",
        align="start",
    )


def invalid_props(input_id: str, error: rx.Var[str] | str) -> dict[str, rx.Var | str]:
    """aria-invalid and aria-describedby for the input `input_id` (state/form_errors.py).

    For inputs drawn without `labeled_input` (text areas, selects, autosaved fields),
    paired with `field_error(input_id, error)` under them.
    """
    if not isinstance(error, rx.Var):
        return {}
    return {
        "aria_invalid": rx.cond(error != "", "true", "false"),
        "aria_describedby": f"{input_id}-error",
    }


def field_error(input_id: str, error: rx.Var[str] | str) -> rx.Component:
    """The refusal under a field, announced to screen readers when it appears."""
    if not isinstance(error, rx.Var):
        return rx.fragment()
    return rx.text(
        error, id=f"{input_id}-error", role="alert", size="2", color_scheme="red", weight="medium"
    )


def ready_to_submit() -> rx.Var[bool]:
    """True once React has hydrated the page and the websocket is up.

    Before that, a click would submit the form natively as a GET to the page itself,
    putting what was typed (a password) in the URL; a disabled submit button also blocks
    submitting with Enter.
    """
    return rx.State.is_hydrated


def loading(label: str, size: str = "2") -> rx.Component:
    """A spinner that screen readers announce as `label`.

    The role sits on a wrapping span: rx.spinner does not know a `role` prop and compiles
    it into a CSS property, which leaves the spinner's aria-label on an element without a
    role (axe: aria-prohibited-attr).
    """
    return rx.el.span(rx.spinner(size=size), role="status", aria_label=label)


def submit_button(text: str, busy: rx.Var[bool]) -> rx.Component:
    """The form's main button; shows a spinner while the server works."""
    return rx.button(
        rx.cond(busy, rx.spinner(size="2"), rx.fragment()),
        text,
        type="submit",
        disabled=busy | ~ready_to_submit(),
        size="3",
        width="100%",
    )


def auth_card(title: str, *children: rx.Component) -> rx.Component:
    """A narrow centred card for the account pages."""
    return rx.center(
        rx.card(
            rx.vstack(rx.heading(title, size="7", as_="h1"), *children, spacing="4", width="100%"),
            width="100%",
            max_width="28rem",
            size="4",
        ),
        width="100%",
        padding_y="2rem",
    )
