"""Charts with a text alternative: every chart sits next to a table of the same numbers."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from reflex.vars.base import Var

ACCENT = "var(--indigo-9)"


def has_values(data: rx.Var[list[dict[str, Any]]], y: str) -> rx.Var[bool]:
    """True when some row's `y` is above zero: an all-zero chart is an empty 0-4 axis."""
    expr = f"(({data}) || []).some((row) => Number(row[{json.dumps(y)}]) > 0)"
    return Var(_js_expr=expr, _var_type=bool, _var_data=data._get_all_var_data())


def or_empty(chart: rx.Component, shown: rx.Var[bool], empty: str | None) -> rx.Component:
    """The chart, or a sentence saying there is nothing to draw yet."""
    if empty is None:
        return chart
    return rx.cond(shown, chart, rx.text(empty, size="2", color_scheme="gray"))


def line_chart(
    data: rx.Var[list[dict[str, Any]]], x: str, y: str, *, empty: str | None = None
) -> rx.Component:
    """A line per day; the table next to it carries the same numbers as text.

    With `empty`, a period with nothing in it says so instead of drawing a flat line.
    """
    chart = rx.box(
        rx.recharts.line_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.line(data_key=y, stroke=ACCENT, dot=False, is_animation_active=False),
            rx.recharts.x_axis(data_key=x),
            rx.recharts.y_axis(allow_decimals=False),
            rx.recharts.graphing_tooltip(),
            data=data,
            height=220,
        ),
        width="100%",
        height="220px",
    )
    return or_empty(chart, has_values(data, y), empty)


def bar_chart(
    data: rx.Var[list[dict[str, Any]]],
    x: str,
    y: str,
    *,
    vertical: bool = False,
    empty: str | None = None,
) -> rx.Component:
    """Bars per category (funnel steps, lessons, stars); `empty` as for line_chart."""
    axes = (
        [
            rx.recharts.x_axis(type_="number", allow_decimals=False),
            rx.recharts.y_axis(data_key=x, type_="category", width=120),
        ]
        if vertical
        else [rx.recharts.x_axis(data_key=x), rx.recharts.y_axis(allow_decimals=False)]
    )
    chart = rx.box(
        rx.recharts.bar_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.bar(data_key=y, fill=ACCENT, is_animation_active=False),
            *axes,
            rx.recharts.graphing_tooltip(),
            data=data,
            layout="vertical" if vertical else "horizontal",
            height=240,
        ),
        width="100%",
        height="240px",
    )
    return or_empty(chart, has_values(data, y), empty)


def numbers_table(
    caption: str,
    headers: list[str],
    rows: rx.Var[list[Any]],
    cells: Any,
) -> rx.Component:
    """A compact table; `cells(row)` returns the row's cells in header order."""
    return rx.table.root(
        rx.el.caption(caption, style={"text_align": "left", "font_weight": "500"}),
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(
            rx.foreach(rows, lambda row: rx.table.row(*[rx.table.cell(c) for c in cells(row)]))
        ),
        size="1",
        width="100%",
    )


def chart_with_table(
    title: str,
    chart: rx.Component,
    table: rx.Component,
    summary: rx.Component | None = None,
    download: rx.Component | None = None,
) -> rx.Component:
    """A titled card: summary line, the chart, and its numbers as a table under a disclosure."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(title, size="4", as_="h2"),
                rx.spacer(),
                download or rx.fragment(),
                width="100%",
                align="center",
            ),
            summary or rx.fragment(),
            chart,
            rx.el.details(
                rx.el.summary(f"{title}: the numbers as a table"),
                table,
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )
