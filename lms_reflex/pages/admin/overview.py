"""The admin overview: sign-ups, enrollments, completions and certificates per day, and more."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.admin_charts import chart_with_table, line_chart, numbers_table
from lms_reflex.components.admin_nav import admin_page
from lms_reflex.components.forms import ready_to_submit
from lms_reflex.state.admin.overview import AdminOverviewState as S


def _download(table: str, what: str) -> rx.Component:
    return rx.button(
        rx.icon("download", aria_hidden=True),
        "CSV",
        on_click=S.download(table),
        variant="soft",
        size="1",
        aria_label=f"Download {what} as CSV",
    )


def _date_field(label: str, name: str, value: rx.Var[str]) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"field-{name}", style={"font_weight": "500"}),
        rx.input(id=f"field-{name}", name=name, type="date", default_value=value, key=value),
        spacing="1",
        align="start",
    )


def _range_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            _date_field("From", "start", S.start),
            _date_field("To", "end", S.end),
            rx.button("Show", type="submit", disabled=~ready_to_submit()),
            align="end",
            spacing="3",
            wrap="wrap",
        ),
        on_submit=S.apply_range,
        aria_label="Date range",
    )


def _series(title: str, table: str, data: rx.Var) -> rx.Component:
    return chart_with_table(
        title,
        line_chart(data, "day", "count", empty=f"No {title.lower()} in this period."),
        numbers_table(f"{title} per day", ["Day", title], data, lambda r: [r["day"], r["count"]]),
        download=_download(table, f"{title.lower()} per day"),
    )


def _active() -> rx.Component:
    return rx.hstack(
        rx.card(
            rx.text("Active learners, last 7 days", size="2"),
            rx.heading(S.active_7.to_string(), size="7", as_="p"),
        ),
        rx.card(
            rx.text("Active learners, last 30 days", size="2"),
            rx.heading(S.active_30.to_string(), size="7", as_="p"),
        ),
        spacing="4",
        wrap="wrap",
    )


def _top_courses() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Top courses", size="4", as_="h2"),
                rx.spacer(),
                _download("top_courses", "top courses"),
                width="100%",
            ),
            numbers_table(
                "Courses with the most enrollments",
                ["Course", "Enrollments"],
                S.top,
                lambda c: [c.title, c.enrollments],
            ),
            width="100%",
        ),
        width="100%",
    )


def _completion_rates() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Completion rate by course", size="4", as_="h2"),
                rx.spacer(),
                _download("completion_rates", "completion rates"),
                width="100%",
            ),
            numbers_table(
                "Share of enrolled students who finished each course",
                ["Course", "Students", "Finished", "Rate"],
                S.rates,
                lambda c: [c.title, c.students, c.completed, c.percent.to_string() + " %"],
            ),
            width="100%",
        ),
        width="100%",
    )


def admin_overview_page() -> rx.Component:
    """Platform numbers over a chosen range; every chart has its numbers as a table."""
    return admin_page(
        "overview",
        "Platform overview",
        S.denied,
        _range_form(),
        _active(),
        _series("Sign-ups", "signups", S.signups),
        _series("Enrollments", "enrollments", S.enrollments),
        _series("Course completions", "completions", S.completions),
        _series("Net revenue", "revenue", S.revenue),
        _series("Certificates issued", "certificates", S.certificates),
        _top_courses(),
        _completion_rates(),
    )
