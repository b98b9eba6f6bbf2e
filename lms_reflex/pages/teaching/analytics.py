"""A course's analytics for its instructor: enrollments, funnel, lessons, ratings, students."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.admin_charts import (
    bar_chart,
    chart_with_table,
    line_chart,
    numbers_table,
)
from lms_reflex.components.builder_nav import builder_nav
from lms_reflex.components.shell import app_shell
from lms_reflex.services.payments.revenue import CourseMoney
from lms_reflex.state.teaching.analytics import AnalyticsState as S


def _enrollments() -> rx.Component:
    return chart_with_table(
        "Enrollments, last 30 days",
        line_chart(S.per_day, "day", "count", empty="No enrollments in this period."),
        numbers_table(
            "Enrollments per day",
            ["Day", "Enrollments"],
            S.per_day,
            lambda r: [r["day"], r["count"]],
        ),
        summary=rx.text(S.total_in_range.to_string(), " new students in the last 30 days"),
    )


def _funnel() -> rx.Component:
    return rx.vstack(
        _funnel_chart(),
        rx.text(S.certificates_issued.to_string(), " certificates issued", size="3"),
        width="100%",
    )


def _funnel_chart() -> rx.Component:
    return chart_with_table(
        "Completion funnel",
        bar_chart(S.funnel, "step", "students", vertical=True, empty="No students yet."),
        numbers_table(
            "Students at each step",
            ["Step", "Students", "Share of enrolled"],
            S.funnel,
            lambda r: [r["step"], r["students"], r["percent"].to_string() + " %"],
        ),
    )


def _lessons() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Lessons", size="4", as_="h2"),
            rx.text(
                "Reached: the share of students who started the course and opened the lesson.",
                size="2",
            ),
            bar_chart(
                S.per_lesson.to(list[dict]),
                "title",
                "reached_percent",
                empty="No student has opened a lesson yet.",
            ),
            numbers_table(
                "Drop-off and average watch time per lesson",
                ["Lesson", "Reached", "Average watch time (s)"],
                S.per_lesson,
                lambda s: [s.title, s.reached_percent.to_string() + " %", s.avg_watch_seconds],
            ),
            width="100%",
        ),
        width="100%",
    )


def _ratings() -> rx.Component:
    return chart_with_table(
        "Ratings",
        bar_chart(S.ratings, "stars", "reviews", empty="No ratings yet."),
        numbers_table(
            "Reviews per rating",
            ["Rating", "Reviews"],
            S.ratings,
            lambda r: [r["stars"], r["reviews"]],
        ),
    )


def _students() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Students", size="4", as_="h2"),
            rx.cond(
                S.students.length() == 0,
                rx.text("Nobody is enrolled yet."),
                numbers_table(
                    "Students by progress (names only)",
                    ["Student", "Progress"],
                    S.students,
                    lambda s: [s.name, s.percent.to_string() + " %"],
                ),
            ),
            width="100%",
        ),
        width="100%",
    )


def _revenue() -> rx.Component:
    """Money from this course, all time: gross, refunds and what stayed."""
    money = S.revenue.to(CourseMoney)  # type: ignore[union-attr]
    return rx.cond(
        S.revenue,
        rx.vstack(
            rx.heading("Revenue", size="4", as_="h2"),
            rx.text(
                money.sales.to_string(), " sales \u00b7 gross ", money.gross_label,
                " \u00b7 refunds ", money.refunds_label, " \u00b7 net ",
                rx.text.strong(money.net_label),
            ),
            rx.button(rx.icon("download", aria_hidden=True), "Download revenue per day (CSV)",
                      on_click=S.download_revenue, variant="soft", size="1"),
            align="start",
        ),
    )  # fmt: skip


def analytics_page() -> rx.Component:
    """The numbers of one course; others get 'not found', as the service says."""
    return app_shell(
        rx.cond(
            S.missing,
            rx.vstack(
                rx.heading("Course not found", size="7", as_="h1"),
                rx.text("There is no course here that you teach."),
                rx.link("Back to my courses", href="/teach"),
            ),
            rx.vstack(
                builder_nav(S.course_number, S.title, S.slug, current="analytics"),
                _enrollments(),
                _revenue(),
                _funnel(),
                _lessons(),
                _ratings(),
                _students(),
                spacing="5",
                width="100%",
            ),
        )
    )
