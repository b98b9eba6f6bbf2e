"""The dashboard page: the signed-in user's courses with their progress."""

from __future__ import annotations

import reflex as rx

from lms_reflex import routes
from lms_reflex.components.course_card import thumbnail
from lms_reflex.components.shell import app_shell
from lms_reflex.services.learning.dashboard import MyCourse
from lms_reflex.state.learning.dashboard import DashboardState
from lms_reflex.state.session import SessionState


def _side_menu() -> rx.Component:
    """Links for what this role may open; the pages themselves check on the server."""
    return rx.el.nav(
        rx.vstack(
            rx.link("My courses", href=routes.MY_COURSES),
            rx.link("Profile", href=routes.PROFILE),
            rx.link("Settings", href=routes.SETTINGS),
            rx.cond(SessionState.can_teach, rx.link("Teaching", href=routes.TEACH)),
            rx.cond(DashboardState.role == "admin", rx.link("Admin", href=routes.ADMIN)),
            spacing="3",
            align="start",
        ),
        aria_label="Dashboard",
        style={"min_width": "12rem"},
    )


def _certificate_actions(course: rx.Var[MyCourse]) -> rx.Component:
    """The certificate instead of "Continue"; a reissue when the name on it is outdated."""
    return rx.hstack(
        rx.button(
            rx.link("Certificate", href=course.certificate_url,
                    aria_label="Certificate for " + course.title),
            size="2", as_child=True, color_scheme="green", high_contrast=True,
        ),
        rx.cond(
            course.certificate_outdated,
            rx.button("Reissue with my current name", size="2", variant="outline",
                      on_click=DashboardState.reissue_certificate(course.course_id),
                      aria_label="Reissue the certificate for " + course.title),
        ),
        spacing="2", wrap="wrap",
    )  # fmt: skip


def _my_course(course: rx.Var[MyCourse]) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.box(thumbnail(course.thumbnail_url, course.title), width="12rem", flex_shrink="0"),
            rx.vstack(
                rx.link(
                    rx.heading(course.title, size="4", as_="h3"), href="/courses/" + course.slug
                ),
                rx.text(course.instructor_name, size="2", color_scheme="gray"),
                rx.cond(
                    course.percent >= 100,
                    rx.badge("Completed", color_scheme="green", high_contrast=True),
                ),
                rx.cond(
                    course.certificate_url != "",
                    _certificate_actions(course),
                    rx.button(
                        rx.link(
                            rx.cond(course.percent > 0, "Continue", "Start course"),
                            href="/learn/" + course.slug,
                            aria_label="Continue " + course.title,
                        ),
                        size="2",
                        as_child=True,
                    ),
                ),
                rx.progress(
                    value=course.percent,
                    max=100,
                    width="100%",
                    aria_label="Progress in " + course.title,
                ),
                rx.text(
                    course.percent.to_string(),
                    "% complete \u00b7 ",
                    course.completed_lessons.to_string(),
                    " of ",
                    course.total_lessons.to_string(),
                    " lessons \u00b7 last activity ",
                    course.last_activity_label,
                    size="2",
                ),
                width="100%",
                align="start",
            ),
            spacing="4",
            width="100%",
            direction=rx.breakpoints(initial="column", sm="row"),
        ),
        width="100%",
    )


def dashboard_page() -> rx.Component:
    """The user's enrolled courses with progress."""
    return app_shell(
        rx.flex(
            _side_menu(),
            rx.vstack(
                rx.heading("My learning", size="7", as_="h1"),
                rx.cond(
                    ~DashboardState.is_verified,
                    rx.callout(
                        "Please verify your email address to enroll in courses.",
                        icon="info",
                        color_scheme="amber",
                    ),
                ),
                rx.cond(
                    DashboardState.courses.length() > 0,
                    rx.vstack(
                        rx.segmented_control.root(
                            rx.segmented_control.item("All", value="all"),
                            rx.segmented_control.item("In progress", value="in_progress"),
                            rx.segmented_control.item("Completed", value="completed"),
                            value=DashboardState.show,
                            on_change=DashboardState.set_show,
                            aria_label="Show courses",
                        ),
                        rx.foreach(DashboardState.shown_courses, _my_course),
                        rx.cond(
                            DashboardState.shown_courses.length() == 0,
                            rx.text("No courses here yet."),
                        ),
                        width="100%",
                    ),
                    rx.vstack(
                        rx.text("You are not enrolled in any course yet."),
                        rx.link("Browse courses", href=routes.HOME),
                    ),
                ),
                width="100%",
                spacing="4",
            ),
            spacing="6",
            width="100%",
            direction=rx.breakpoints(initial="column", md="row"),
        ),
    )
