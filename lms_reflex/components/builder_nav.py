"""The builder's steps (details, curriculum, publish, analytics, announcements) as links."""

from __future__ import annotations

import reflex as rx

STEPS = (
    ("details", "Details", "edit"),
    ("curriculum", "Curriculum", "curriculum"),
    ("publish", "Publish", "publish"),
    ("analytics", "Analytics", "analytics"),
    ("announcements", "Announcements", "announcements"),
)


def _step(course_id: rx.Var[int], key: str, label: str, path: str, current: str) -> rx.Component:
    href = "/teach/courses/" + course_id.to_string() + "/" + path
    if key == current:
        return rx.link(label, href=href, weight="bold", aria_current="page", underline="always")
    return rx.link(label, href=href)


def builder_nav(
    course_id: rx.Var[int], title: rx.Var[str], slug: rx.Var[str], current: str
) -> rx.Component:
    """Steps of one course's builder; `current` is one of the STEPS keys."""
    return rx.vstack(
        rx.link("\u2190 All my courses", href="/teach", size="2"),
        rx.heading(title, size="6", as_="h1"),
        rx.flex(
            rx.el.nav(
                rx.hstack(
                    *[_step(course_id, key, label, path, current) for key, label, path in STEPS],
                    spacing="5",
                    wrap="wrap",
                ),
                aria_label="Course builder steps",
            ),
            rx.spacer(),
            rx.link(
                "Preview as student",
                href="/courses/" + slug,
                is_external=True,
                size="2",
            ),
            width="100%",
            align="center",
            wrap="wrap",
            spacing="4",
        ),
        rx.separator(size="4"),
        spacing="3",
        width="100%",
        align="start",
    )
