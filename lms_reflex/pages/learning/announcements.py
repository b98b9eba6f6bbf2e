"""Course announcements on the learning page, and the opt-out page mailed with each one."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.forms import loading, ready_to_submit
from lms_reflex.components.shell import app_shell
from lms_reflex.services.learning.announcements import AnnouncementView
from lms_reflex.state.learning.announcements import CourseAnnouncementsState as C
from lms_reflex.state.learning.announcements import OptOutState as O


def _announcement(item: rx.Var[AnnouncementView]) -> rx.Component:
    return rx.el.article(
        rx.vstack(
            rx.heading(item.title, size="3", as_="h3"),
            rx.text(item.posted_label, size="1", color_scheme="gray"),
            rx.html(item.body_html),
            spacing="1", width="100%", align="start",
        ),
        style={"width": "100%"},
    )  # fmt: skip


def _mail_choice() -> rx.Component:
    """An enrolled student's switch for this course's announcement mails."""
    return rx.cond(
        C.mail_choice_shown,
        rx.vstack(
            rx.hstack(
                rx.switch(id="announcement-mails", checked=C.mails_on, on_change=C.set_mails),
                rx.el.label("Email me new announcements", html_for="announcement-mails",
                            style={"font_size": "14px"}),
                align="center", spacing="2",
            ),
            rx.cond(C.mail_problem != "",
                    rx.text(C.mail_problem, size="2", color_scheme="red", role="alert")),
            spacing="1",
        ),
    )  # fmt: skip


def announcements_panel() -> rx.Component:
    """The course's announcements, newest first; nothing when there are none to show."""
    return rx.cond(
        C.announcements.length() > 0,
        rx.el.section(
            rx.card(
                rx.vstack(
                    rx.heading("Announcements", size="4", as_="h2", id="announcements-heading"),
                    _mail_choice(),
                    rx.foreach(C.announcements, _announcement),
                    spacing="3", width="100%",
                ),
                width="100%",
            ),
            aria_labelledby="announcements-heading",
            style={"width": "100%"},
        ),
    )  # fmt: skip


def _choice() -> rx.Component:
    return rx.cond(
        O.opted_out,
        rx.vstack(
            rx.callout(rx.text("You will no longer get announcements for ", rx.text.strong(
                O.course_title), " by mail."), icon="circle-check", role="status",
                color_scheme="green", high_contrast=True),
            rx.text("They still show on the course's learning page. Changed your mind?"),
            rx.button("Get announcement mails again", on_click=O.resume_mails,
                      loading=O.busy, disabled=~ready_to_submit(), variant="outline"),
            spacing="3", align="start",
        ),
        rx.vstack(
            rx.text("You will no longer get announcements for ", rx.text.strong(O.course_title),
                    " by mail if you confirm. They still show on the course's learning page."),
            rx.button("Stop announcement mails", on_click=O.stop_mails, loading=O.busy,
                      disabled=~ready_to_submit()),
            spacing="3", align="start",
        ),
    )  # fmt: skip


def opt_out_page() -> rx.Component:
    """Stop or restart one course's announcement mails, from the link in such a mail."""
    return app_shell(
        rx.center(
            rx.card(
                rx.vstack(
                    rx.heading("Announcement mails", size="6", as_="h1"),
                    rx.cond(
                        ~O.loaded,
                        loading("Checking the link"),
                        rx.cond(
                            O.problem != "",
                            rx.callout(O.problem, icon="info", role="alert"),
                            rx.vstack(
                                _choice(),
                                rx.link("Open ", O.course_title, href=O.course_href, size="2"),
                                spacing="4", align="start",
                            ),
                        ),
                    ),
                    spacing="4", width="100%",
                ),
                width="100%", max_width="34rem", size="4",
            ),
            width="100%", padding_y="2rem",
        )
    )  # fmt: skip
