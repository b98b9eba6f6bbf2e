"""Form pieces of the course builder: labelled controls, a list editor, a status badge."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from lms_reflex.components.forms import NATIVE_SELECT_STYLE, field_error

LABEL_STYLE = {"font_weight": "500", "font_size": "14px"}
STATUS_COLORS = {"draft": "amber", "published": "green", "archived": "gray"}
STATUS_LABELS = {"draft": "Draft", "published": "Published", "archived": "Archived"}
AUTOSAVE_DELAY_MS = 800


def labelled(
    label: str,
    input_id: str,
    control: rx.Component,
    hint: str | rx.Var[str] = "",
    error: rx.Var[str] | str = "",
) -> rx.Component:
    """A visible label bound by id to its control, with an optional hint and refusal below.

    The control itself carries `forms.invalid_props(input_id, error)`.
    """
    shown = isinstance(hint, rx.Var) or bool(hint)
    return rx.vstack(
        rx.el.label(label, html_for=input_id, style=LABEL_STYLE),
        control,
        rx.text(hint, size="1", color_scheme="gray") if shown else rx.fragment(),
        field_error(input_id, error),
        spacing="1",
        width="100%",
        align="start",
    )


def native_select(
    input_id: str, value: rx.Var[str], on_change, *options: rx.Component, **props
) -> rx.Component:
    """A native <select>: binds to <label for> and allows an empty 'none' value."""
    return rx.el.select(
        *options, id=input_id, value=value, on_change=on_change, style=NATIVE_SELECT_STYLE, **props
    )


def status_badge(status: rx.Var[str]) -> rx.Component:
    """Draft / Published / Archived in a colour that keeps contrast (high_contrast)."""
    return rx.match(
        status,
        *[
            (key, rx.badge(label, color_scheme=STATUS_COLORS[key], high_contrast=True))
            for key, label in STATUS_LABELS.items()
        ],
        rx.badge(status, high_contrast=True),
    )


def list_editor(
    legend: str,
    items: rx.Var[list[str]],
    on_edit: Callable[[rx.Var[int], rx.Var[str]], rx.event.EventSpec],
    on_remove: Callable[[rx.Var[int]], rx.event.EventSpec],
    on_add: rx.event.EventSpec,
    max_length: int,
    error: rx.Var[str] | str = "",
    list_id: str = "",
) -> rx.Component:
    """Lines under a visible legend; each line is named '<legend>, line N' for screen readers."""

    def line(item: rx.Var[str], index: rx.Var[int]) -> rx.Component:
        name = legend + ", line " + (index + 1).to_string()
        return rx.hstack(
            rx.input(
                value=item,
                on_change=lambda value: on_edit(index, value),
                debounce_timeout=AUTOSAVE_DELAY_MS,
                max_length=max_length,
                aria_label=name,
                width="100%",
            ),
            rx.icon_button(
                rx.icon("trash-2", aria_hidden=True),
                on_click=on_remove(index),
                type="button",
                variant="soft",
                color_scheme="gray",
                aria_label="Remove " + name,
            ),
            width="100%",
            align="center",
        )

    return rx.el.fieldset(
        rx.el.legend(legend, style={**LABEL_STYLE, "margin_bottom": "0.25rem"}),
        rx.vstack(
            rx.foreach(items, line),
            rx.button(
                rx.icon("plus", aria_hidden=True),
                "Add a line to " + legend.lower(),
                on_click=on_add,
                type="button",
                variant="soft",
                size="1",
            ),
            field_error(list_id, error) if list_id else rx.fragment(),
            spacing="2",
            width="100%",
            align="start",
        ),
        id=list_id or None,
        tab_index=-1 if list_id else None,
        style={"border": "none", "padding": 0, "margin": 0, "width": "100%"},
    )


def refused_notice(message: rx.Var[str]) -> rx.Component:
    """What a student, or an instructor on someone else's course, sees instead."""
    return rx.callout(
        rx.vstack(
            rx.text(message, weight="medium"),
            rx.text("Course building is open to approved instructors and admins, for their "
                    "own courses."),
            rx.link("Back to the home page", href="/"),
            spacing="1",
        ),
        icon="info",
        color_scheme="gray",
        width="100%",
    )  # fmt: skip
