"""The instructor's pages: /teach (my courses) and a course's publish step."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.builder_nav import builder_nav
from lms_reflex.components.confirm import confirm_dialog
from lms_reflex.components.forms import labeled_input, loading
from lms_reflex.components.shell import app_shell
from lms_reflex.components.teach_fields import refused_notice, status_badge
from lms_reflex.services.teaching.builder import TITLE_MAX
from lms_reflex.services.teaching.course_list import TeachingCourse
from lms_reflex.services.teaching.course_publishing import ChecklistItem
from lms_reflex.state.teaching.teach import PublishState, TeachState

T = TeachState
P = PublishState
FILTERS = (
    ("all", "All"),
    ("draft", "Drafts"),
    ("published", "Published"),
    ("archived", "Archived"),
)


def _new_course_dialog() -> rx.Component:
    """Ask for a title, create the draft, then go to its details step."""
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("plus", aria_hidden=True), "New course", size="3")),
        rx.dialog.content(
            rx.dialog.title("New course"),
            rx.dialog.description("Give it a working title. You can change it later.", size="2"),
            rx.form(
                rx.vstack(
                    labeled_input("Course title", "title", min_length=3, max_length=TITLE_MAX,
                                  hint="3 to 120 characters.",
                                  error=T.field_errors.get("title", "")),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", type="button", variant="soft",
                                                  color_scheme="gray")),
                        rx.button("Create course", type="submit", loading=T.creating,
                                  disabled=~rx.State.is_hydrated),
                        spacing="3", justify="end", width="100%",
                    ),
                    spacing="4", width="100%",
                ),
                on_submit=T.create_course,
                margin_top="1rem",
            ),
            max_width="28rem",
        ),
    )  # fmt: skip


def _numbers(c: rx.Var[TeachingCourse]) -> rx.Component:
    rating = rx.cond(
        c.rating_count > 0,
        rx.text(c.rating_avg.to_string(), " average rating (", c.rating_count.to_string(),
                rx.cond(c.rating_count == 1, " rating)", " ratings)")),
        rx.text("No ratings yet"),
    )  # fmt: skip
    return rx.flex(
        rx.text(c.students.to_string(), rx.cond(c.students == 1, " student", " students")),
        rating,
        rx.text(c.completion_rate.to_string(), "% completed"),
        spacing="4",
        wrap="wrap",
        color_scheme="gray",
        size="2",
    )


def _course_row(c: rx.Var[TeachingCourse]) -> rx.Component:
    base = "/teach/courses/" + c.id.to_string()
    link = lambda text, href: rx.link(text, href=href, aria_label=text + ": " + c.title)  # noqa: E731
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading(c.title, size="4", as_="h2"),
                status_badge(c.status),
                spacing="3", align="center", wrap="wrap",
            ),
            _numbers(c),
            rx.flex(
                link("Edit details", base + "/edit"),
                link("Curriculum", base + "/curriculum"),
                link("Publish", base + "/publish"),
                link("Analytics", base + "/analytics"),
                rx.cond(c.status == "published", link("Course page", "/courses/" + c.slug),
                        link("Preview as student", "/courses/" + c.slug)),
                spacing="4", wrap="wrap",
            ),
            spacing="2", width="100%",
        ),
        width="100%",
    )  # fmt: skip


def _filter() -> rx.Component:
    """Status filter; scrolls sideways instead of widening the page on a phone."""
    control = rx.segmented_control.root(
        *[
            rx.segmented_control.item(
                label + " (" + T.status_counts[key].to_string() + ")", value=key
            )
            for key, label in FILTERS
        ],
        value=T.show,
        on_change=T.set_show,
        aria_label="Show courses",
        size=rx.breakpoints(initial="1", sm="2"),
    )
    return rx.box(control, max_width="100%", overflow_x="auto", padding_bottom="2px")


def _course_list() -> rx.Component:
    return rx.cond(
        T.courses.length() > 0,
        rx.vstack(
            _filter(),
            rx.foreach(T.shown_courses, _course_row),
            rx.cond(T.shown_courses.length() == 0, rx.text("No courses here.")),
            spacing="3", width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.heading("Create your first course", size="5", as_="h2"),
                rx.text("Start with a title. Add the details, sections and videos next, "
                        "then publish when the checklist is green."),
                _new_course_dialog(),
                spacing="3", align="start",
            ),
            width="100%",
        ),
    )  # fmt: skip


def teach_page() -> rx.Component:
    """The instructor's courses by status, with their numbers and links."""
    return app_shell(
        rx.flex(
            rx.heading("Teaching", size="8", as_="h1"),
            rx.spacer(),
            rx.cond(T.loaded & (T.refusal == "") & (T.courses.length() > 0),
                    _new_course_dialog()),
            align="center", width="100%", wrap="wrap", spacing="3",
        ),
        rx.cond(
            T.loaded,
            rx.cond(T.refusal != "", refused_notice(T.refusal), _course_list()),
            loading("Loading your courses"),
        ),
    )  # fmt: skip


# ------------------------------------------------------------------------------ publish


def _check_item(item: rx.Var[ChecklistItem]) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.cond(
                item.done,
                rx.badge(rx.icon("check", size=14, aria_hidden=True), "Done",
                         color_scheme="green", high_contrast=True),
                rx.cond(item.warning,
                        rx.badge(rx.icon("triangle-alert", size=14, aria_hidden=True),
                                 "Recommended", color_scheme="amber", high_contrast=True),
                        rx.badge(rx.icon("x", size=14, aria_hidden=True), "To do",
                                 color_scheme="red", high_contrast=True)),
            ),
            rx.vstack(
                rx.text(item.label, weight="medium"),
                rx.cond(~item.done, rx.text(item.hint, size="2", color_scheme="gray")),
                spacing="0",
            ),
            align="start", spacing="3",
        ),
        style={"list_style": "none", "margin_bottom": "0.75rem"},
    )  # fmt: skip


def _delete_dialog() -> rx.Component:
    """A confirmation that names the course; the service refuses joined or published ones."""
    return confirm_dialog(
        title=rx.fragment("Delete \u201c", P.title, "\u201d?"),
        description="This removes the course with its sections, lessons, videos and pictures. "
        "It cannot be undone.",
        confirm_label="Delete for good",
        on_confirm=P.delete_course,
        cancel_label="Keep the course",
        trigger=rx.button("Delete course", type="button", color_scheme="red", variant="outline",
                          disabled=P.busy | (P.status == "published")),
    )  # fmt: skip


def _review_form() -> rx.Component:
    """Ask the admins to lift their hold; a refusal shows under the field."""
    return rx.form(
        rx.vstack(
            rx.el.label("What did you change? (sent to the administrators)",
                        html_for="review-message", style={"font_weight": "500"}),
            rx.text_area(id="review-message", name="message", max_length=1000, required=True,
                         width="100%"),
            rx.cond(P.review_error != "",
                    rx.text(P.review_error, color_scheme="red", size="2", role="alert")),
            rx.button("Ask for review", type="submit"),
            spacing="2", width="100%", align="start",
        ),
        on_submit=P.ask_for_review,
        reset_on_submit=False,
        width="100%",
    )  # fmt: skip


def _held_notice() -> rx.Component:
    """Why the course is down, and the way back: an admin's review."""
    return rx.callout.root(
        rx.callout.text(rx.text("An administrator took this course down.", weight="bold")),
        rx.callout.text("The reason given: ", P.held_reason),
        rx.callout.text("It stays as they left it until an administrator lifts this decision. "
                        "Fix what is needed, then ask for a review."),
        rx.cond(P.review_asked != "",
                rx.callout.text("You asked for a review on ", P.review_asked, ".")),
        _review_form(),
        color_scheme="amber", high_contrast=True, role="region", aria_label="Moderation",
        width="100%",
    )  # fmt: skip


def _status_actions() -> rx.Component:
    return rx.flex(
        rx.cond(
            P.status != "published",
            rx.button("Publish", on_click=P.publish, loading=P.busy,
                      disabled=~P.ready | ~rx.State.is_hydrated | P.held),
            rx.button("Unpublish", on_click=P.unpublish, loading=P.busy, variant="soft"),
        ),
        rx.cond(P.status != "archived",
                rx.button("Archive", on_click=P.archive, loading=P.busy, variant="soft",
                          color_scheme="gray")),
        _delete_dialog(),
        spacing="3", wrap="wrap",
    )  # fmt: skip


def _delete_hint() -> rx.Component:
    return rx.cond(
        P.status == "published",
        rx.text("To delete this course, unpublish or archive it first. Courses with enrolled "
                "students cannot be deleted.", size="2", color_scheme="gray"),
        rx.text("Deleting is only possible while no student is enrolled.", size="2",
                color_scheme="gray"),
    )  # fmt: skip


def _publish_body() -> rx.Component:
    return rx.vstack(
        builder_nav(P.course_id, P.title, P.slug, "publish"),
        rx.hstack(rx.text("Status:"), status_badge(P.status), align="center"),
        rx.cond(P.held, _held_notice()),
        rx.heading("Before publishing", size="5", as_="h2"),
        rx.el.ul(rx.foreach(P.checklist, _check_item), style={"padding": 0, "margin": 0}),
        rx.cond(~P.ready & (P.status != "published"),
                rx.text("Publish becomes available when every item is done.", size="2")),
        _status_actions(),
        rx.text("Unpublishing or archiving takes the course out of the catalog and search. "
                "Students already enrolled keep their access.", size="2", color_scheme="gray"),
        _delete_hint(),
        spacing="4", width="100%", align="start",
    )  # fmt: skip


def publish_page() -> rx.Component:
    """The checklist, and Publish / Unpublish / Archive / Delete."""
    return app_shell(
        rx.cond(
            P.loaded,
            rx.cond(
                P.refusal != "",
                rx.vstack(rx.heading("We could not open this course", size="7", as_="h1"),
                          refused_notice(P.refusal), width="100%"),
                _publish_body(),
            ),
            loading("Loading the course"),
        ),
    )  # fmt: skip
