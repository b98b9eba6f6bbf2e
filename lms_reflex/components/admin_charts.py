"""Charts with a text alternative: every chart sits next to a table of the same numbers."""

from __future__ import annotations

from typing import Any

import reflex as rx

ACCENT = "var(--indigo-9)"


def line_chart(data: rx.Var[list[dict[str, Any]]], x: str, y: str) -> rx.Component:
    """A line per day; the table next to it carries the same numbers as text."""
    return rx.box(
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


def bar_chart(
    data: rx.Var[list[dict[str, Any]]], x: str, y: str, *, vertical: bool = False
) -> rx.Component:
    """Bars per category (funnel steps, lessons, stars)."""
    axes = (
        [
            rx.recharts.x_axis(type_="number", allow_decimals=False),
            rx.recharts.y_axis(data_key=x, type_="category", width=120),
        ]
        if vertical
        else [rx.recharts.x_axis(data_key=x), rx.recharts.y_axis(allow_decimals=False)]
    )
    return rx.box(
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
