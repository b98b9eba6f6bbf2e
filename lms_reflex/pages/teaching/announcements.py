"""The builder's announcements tab: write to the course's students, see and delete past ones."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.builder_nav import builder_nav
from lms_reflex.components.confirm import confirm_dialog
from lms_reflex.components.forms import (
    field_error,
    invalid_props,
    labeled_input,
    loading,
    ready_to_submit,
)
from lms_reflex.components.shell import app_shell
from lms_reflex.services.teaching.announcements import (
    BODY_MAX,
    POSTS_PER_HOUR,
    TITLE_MAX,
    SentAnnouncement,
)
from lms_reflex.state.teaching.announcements import AnnouncementsEditorState as A


def _students(count: rx.Var[int]) -> rx.Var[str]:
    return count.to_string() + rx.cond(count == 1, " student", " students")


def _new_announcement() -> rx.Component:
    body_error = A.field_errors.get("body", "")
    post_error = A.field_errors.get("post", "")
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("New announcement", size="4", as_="h2"),
                rx.text("It shows on the course's learning page and is mailed to ",
                        _students(A.audience), " now enrolled (those who opted out are left "
                        "out). A course can post ", str(POSTS_PER_HOUR), " an hour.", size="2"),
                labeled_input("Title", "title", max_length=TITLE_MAX,
                              error=A.field_errors.get("title", "")),
                rx.el.label("Message (Markdown)", html_for="field-body",
                            style={"font_weight": "500", "font_size": "14px"}),
                rx.text_area(id="field-body", name="body", rows="8", width="100%",
                             max_length=BODY_MAX, required=True,
                             **invalid_props("field-body", body_error)),
                field_error("field-body", body_error),
                rx.button("Post announcement", type="submit", id="field-post", loading=A.busy,
                          disabled=~ready_to_submit(), **invalid_props("field-post", post_error)),
                field_error("field-post", post_error),
                spacing="2", width="100%", align="start",
            ),
            on_submit=A.post,
            reset_on_submit=False,
            width="100%",
        ),
        width="100%",
    )  # fmt: skip


def _past(item: rx.Var[SentAnnouncement]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading(item.title, size="4", as_="h3"),
                rx.spacer(),
                rx.button("Delete", variant="soft", color_scheme="red", size="2",
                          aria_label="Delete announcement " + item.title,
                          on_click=A.ask_delete(item.id)),
                width="100%", align="center", spacing="3",
            ),
            rx.text("Posted ", item.posted_label, " \u00b7 mailed to ",
                    _students(item.recipients), size="2", color_scheme="gray"),
            rx.html(item.body_html),
            width="100%", align="start", spacing="2",
        ),
        width="100%",
    )  # fmt: skip


def _delete_dialog() -> rx.Component:
    return confirm_dialog(
        title=rx.fragment("Delete \u201c", A.delete_title, "\u201d?"),
        description="It disappears from the course's learning page. Mails already sent stay "
        "in the students' mailboxes.",
        confirm_label="Delete announcement",
        on_confirm=A.confirm_delete,
        open=A.delete_open,
        on_open_change=A.set_delete_open,
    )


def _tab() -> rx.Component:
    return rx.vstack(
        builder_nav(A.course_number, A.course_title, A.course_slug, "announcements"),
        _new_announcement(),
        rx.heading("Past announcements", size="4", as_="h2"),
        rx.cond(A.items.length() == 0, rx.text("No announcements yet.")),
        rx.foreach(A.items, _past),
        _delete_dialog(),
        spacing="4", width="100%",
    )  # fmt: skip


def announcements_page() -> rx.Component:
    """The builder's announcements tab of one course; others get the service's refusal."""
    return app_shell(
        rx.cond(
            A.problem != "",
            rx.vstack(
                rx.heading("Announcements", as_="h1", size="6"),
                rx.callout(A.problem, icon="info", role="alert"),
                rx.link("Back to my courses", href="/teach"),
                spacing="3",
            ),
            rx.cond(A.loaded, _tab(), rx.center(loading("Loading the announcements", size="3"))),
        )
    )
