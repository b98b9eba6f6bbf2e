"""A star rating picker: five real radio buttons drawn as stars (issue 17).

Native radios give the keyboard behaviour for free (Tab into the group, arrows move and
choose) and each is announced "N of 5 stars"; the `title` shows the same words on hover.
Nothing is chosen until the user picks: a review needs a deliberate rating.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

STAR = "\u2605"
# Drawn stars fill up to the checked one, or up to the hovered one (CSS :has, no round trip).
_FILL = {
    **{
        f"&:has(input[value='{n}']:checked) label:nth-of-type(-n+{n})": {"color": "var(--amber-9)"}
        for n in range(1, 6)
    },
    **{
        f"&:has(label:nth-of-type({n}):hover) label:nth-of-type(-n+{n})": {
            "color": "var(--amber-10)"
        }
        for n in range(1, 6)
    },
}
# The radio lies, invisible, over its star: a click or a tap on the star is a click on it.
_HIDDEN_INPUT = {"position": "absolute", "inset": "0", "opacity": "0", "width": "100%",
                 "height": "100%", "margin": "0", "cursor": "pointer"}  # fmt: skip


def _star(n: int, name: str, chosen: Any) -> rx.Component:
    words = f"{n} of 5 stars"
    return rx.el.label(
        rx.el.input(type="radio", name=name, value=str(n), id=f"{name}-star-{n}",
                    aria_label=words, default_checked=chosen == n, style=_HIDDEN_INPUT),
        rx.el.span(STAR, aria_hidden="true"),
        title=words,
        style={"position": "relative", "cursor": "pointer", "font_size": "1.75rem",
               "line_height": "1", "color": "var(--gray-9)", "padding": "0 0.1rem"},
    )  # fmt: skip


def star_rating(*, name: str, legend: str, chosen: Any, error: Any, key: Any) -> rx.Component:
    """The picker, with its error sentence right under it.

    Args:
        name: The form field name; the value is "1".."5", or absent when nothing is chosen.
        legend: The group's visible name ("Your rating").
        chosen: The rating to start with (0 for none).
        error: A state var with the sentence to show, "" for none.
        key: Changes when the starting rating changes, so the radios start over.
    """
    error_id = f"{name}-error"
    bad = error != ""
    return rx.vstack(
        rx.el.fieldset(
            rx.el.legend(legend, id=f"{name}-legend", style={"font_weight": "500", "padding": "0",
                                        "margin_bottom": "0.25rem"}),
            *[_star(n, name, chosen) for n in range(1, 6)],
            custom_attrs={"role": "radiogroup"},  # a plain role= prop would become CSS
            aria_labelledby=f"{name}-legend", aria_invalid=rx.cond(bad, "true", "false"),
            aria_describedby=error_id, key=key,
            style={"border": "none", "padding": "0", "margin": "0", "display": "flex",
                   "flex_wrap": "wrap", "align_items": "center",
                   "& label:has(input:focus-visible)": {
                       "outline": "2px solid var(--accent-9)", "outline_offset": "2px",
                       "border_radius": "4px"},
                   **_FILL},
        ),
        rx.text(error, id=error_id, color_scheme="red", size="2"),
        spacing="1",
    )  # fmt: skip
