"""The one confirm pattern for destructive actions (docs/architecture.md, issue 17).

A Radix alert dialog: the title names the thing and the effect, Cancel is the first
control (Radix focuses it when the dialog opens, so Enter never destroys by accident),
and the confirm button is red. Undoable actions offer undo in a toast instead.
"""

from __future__ import annotations

from typing import Any

import reflex as rx


def _confirm_button(label: Any, on_confirm: Any, *, submit: bool) -> rx.Component:
    """Red with high contrast: Radix red on white text fails WCAG AA otherwise."""
    if submit:
        return rx.button(label, type="submit", color_scheme="red", high_contrast=True)
    return rx.button(
        label, type="button", color_scheme="red", high_contrast=True, on_click=on_confirm
    )


def _buttons(cancel_label: str, confirm: rx.Component) -> rx.Component:
    return rx.hstack(
        rx.alert_dialog.cancel(
            rx.button(cancel_label, type="button", variant="soft", color_scheme="gray")
        ),
        confirm,
        justify="end",
        spacing="3",
        margin_top="1rem",
    )


def confirm_dialog(
    *,
    title: Any,
    description: Any,
    confirm_label: Any,
    on_confirm: Any = None,
    trigger: rx.Component | None = None,
    open: Any = None,
    on_open_change: Any = None,
    extra: rx.Component | None = None,
    on_submit: Any = None,
    cancel_label: str = "Cancel",
) -> rx.Component:
    """An alert dialog asking before a destructive action.

    Args:
        title: Names the thing and the effect ("Delete the review?").
        description: What happens, in one or two plain sentences.
        confirm_label: The red button's words ("Delete review").
        on_confirm: The event of the red button (not used with on_submit).
        trigger: A button that opens the dialog; without it the dialog is controlled by
            `open` and `on_open_change` (a state var and its setter).
        open: The state var that shows the dialog (controlled dialogs).
        on_open_change: Called with False on Cancel or Escape (controlled dialogs).
        extra: Fields or a warning shown between the description and the buttons.
        on_submit: Makes the dialog a form (e.g. a password field); the red button submits
            and the state closes the dialog once the action succeeded.
        cancel_label: The words of the button that keeps everything as it is.
    """
    submit = on_submit is not None
    red = _confirm_button(confirm_label, on_confirm, submit=submit)
    if trigger is not None and not submit:
        red = rx.alert_dialog.action(red)
    inner: list[rx.Component] = [
        rx.alert_dialog.title(title),
        rx.alert_dialog.description(description, size="2"),
    ]
    if submit:
        inner.append(
            rx.form(
                extra if extra is not None else rx.fragment(),
                _buttons(cancel_label, red),
                on_submit=on_submit,
                reset_on_submit=True,
            )
        )
    else:
        if extra is not None:
            inner.append(extra)
        inner.append(_buttons(cancel_label, red))
    parts: list[rx.Component] = []
    if trigger is not None:
        parts.append(rx.alert_dialog.trigger(trigger))
    parts.append(rx.alert_dialog.content(*inner, max_width="30rem"))
    props: dict[str, Any] = {}
    if open is not None:
        props["open"] = open
    if on_open_change is not None:
        props["on_open_change"] = on_open_change
    return rx.alert_dialog.root(*parts, **props)
