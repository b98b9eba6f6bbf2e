"""The builder's details step: the course's words, price, lists and thumbnail, autosaved."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.builder_nav import builder_nav
from lms_reflex.components.forms import invalid_props, loading
from lms_reflex.components.picture_upload import PictureUpload, picture_upload_controls
from lms_reflex.components.shell import app_shell
from lms_reflex.components.teach_fields import (
    AUTOSAVE_DELAY_MS,
    labelled,
    list_editor,
    native_select,
    refused_notice,
    status_badge,
)
from lms_reflex.services.teaching import course_details
from lms_reflex.services.teaching.course_media import THUMBNAIL_MAX_BYTES
from lms_reflex.state.teaching.teach_details import THUMBNAIL_UPLOAD_ID, CourseEditorState

S = CourseEditorState
THUMBNAIL_UPLOAD = PictureUpload(
    THUMBNAIL_UPLOAD_ID, "Choose a picture",
    "or drop one here. JPEG, PNG or WEBP, up to 5 MB; cropped to 16:9.",
    "Upload thumbnail", "Thumbnail upload progress", THUMBNAIL_MAX_BYTES,
)  # fmt: skip
LEVELS = (
    ("all", "All levels"),
    ("beginner", "Beginner"),
    ("intermediate", "Intermediate"),
    ("advanced", "Advanced"),
)


def _error(name: str) -> rx.Var[str]:
    return S.field_errors.get(name, "")


def _text_input(name: str, value: rx.Var[str], **props) -> rx.Component:
    """A controlled input that saves a moment after typing stops, and when left."""
    return rx.input(
        id=f"course-{name}",
        value=value,
        on_change=lambda v: S.edit_field(name, v),
        debounce_timeout=AUTOSAVE_DELAY_MS,
        width="100%",
        **invalid_props(f"course-{name}", _error(name)),
        **props,
    )


def _field(label: str, name: str, control: rx.Component, hint: str | rx.Var[str] = ""):
    """One labelled details field with its refusal under it."""
    return labelled(label, f"course-{name}", control, hint, error=_error(name))


def _save_status() -> rx.Component:
    """Says whether the last change is stored; a live region, so screen readers hear it."""
    return rx.text(
        rx.match(
            S.save_status,
            ("saving", "Saving\u2026"),
            ("saved", "All changes saved"),
            ("failed", "Not saved: " + S.save_error),
            "Changes save automatically",
        ),
        role="status",
        size="2",
        weight="medium",
        color_scheme=rx.cond(S.save_status == "failed", "red", "gray"),
        high_contrast=True,
    )


def _words() -> rx.Component:
    return rx.vstack(
        _field("Title", "title", _text_input("title", S.title, max_length=120),
               "3 to 120 characters."),
        _field("Subtitle", "subtitle",
               _text_input("subtitle", S.subtitle, max_length=course_details.SUBTITLE_MAX)),
        _field(
            "Description", "description",
            rx.text_area(id="course-description", value=S.description,
                         on_change=lambda v: S.edit_field("description", v),
                         debounce_timeout=AUTOSAVE_DELAY_MS, rows="10", width="100%",
                         max_length=course_details.DESCRIPTION_MAX, resize="vertical",
                         **invalid_props("course-description", _error("description"))),
            "Markdown: **bold**, *italic*, lists, links and ## headings. See the preview.",
        ),
        spacing="4", width="100%",
    )  # fmt: skip


def _certificate_switch() -> rx.Component:
    """Whether finishing the course issues a certificate (issue 18; on by default)."""
    return rx.vstack(
        rx.hstack(
            rx.switch(id="course-certificate", checked=S.certificate_on_completion,
                      on_change=S.set_certificate_switch),
            rx.el.label("Certificate on completion", html_for="course-certificate",
                        style={"font_weight": "500"}),
            align="center", spacing="2",
        ),
        rx.text("Students who finish every lesson get a certificate they can download and share.",
                size="1", color_scheme="gray"),
        spacing="1", align="start",
    )  # fmt: skip


def _choices() -> rx.Component:
    category = native_select(
        "course-category", S.category, lambda v: S.edit_field("category", v),
        rx.el.option("No category yet", value=""),
        rx.foreach(S.categories, lambda c: rx.el.option(c.name, value=c.id.to_string())),
        **invalid_props("course-category", _error("category")),
    )  # fmt: skip
    level = native_select(
        "course-level", S.level, lambda v: S.edit_field("level", v),
        *[rx.el.option(label, value=key) for key, label in LEVELS],
        **invalid_props("course-level", _error("level")),
    )  # fmt: skip
    return rx.grid(
        _field("Category", "category", category),
        _field("Level", "level", level),
        _field("Language", "language",
               _text_input("language", S.language, max_length=course_details.LANGUAGE_MAX)),
        _field("Price", "price",
               _text_input("price", S.price, input_mode="decimal", max_length=12),
               "In " + S.currency + ". 0 or empty for a free course."),
        _certificate_switch(),
        columns=rx.breakpoints(initial="1", sm="2"),
        spacing="4", width="100%",
    )  # fmt: skip


def _lists() -> rx.Component:
    return rx.vstack(
        list_editor("What you will learn", S.learn,
                    lambda i, v: S.edit_line("learn", i, v),
                    lambda i: S.remove_line("learn", i), S.add_line("learn"),
                    course_details.LIST_ITEM_MAX, _error("learn"), "course-learn"),
        list_editor("Requirements", S.requirements,
                    lambda i, v: S.edit_line("requirements", i, v),
                    lambda i: S.remove_line("requirements", i), S.add_line("requirements"),
                    course_details.LIST_ITEM_MAX, _error("requirements"), "course-requirements"),
        _field("Tags", "tags", _text_input("tags", S.tags, max_length=2000),
               "Separate tags with commas, like: python, beginners."),
        spacing="4", width="100%",
    )  # fmt: skip


def _thumbnail() -> rx.Component:
    controls = picture_upload_controls(
        THUMBNAIL_UPLOAD, on_upload=S.upload_course_thumbnail, on_progress=S.set_upload_progress,
        busy=S.uploading, percent=S.upload_percent,
    )  # fmt: skip
    return rx.vstack(
        rx.heading("Thumbnail", size="4", as_="h2"),
        rx.cond(S.thumbnail_url != "",
                rx.image(src=S.thumbnail_url, alt="Course thumbnail", width="100%",
                         aspect_ratio="16 / 9", object_fit="cover",
                         border_radius="var(--radius-3)"),
                rx.text("No thumbnail yet.", size="2", color_scheme="gray")),
        *controls,
        spacing="3", width="100%", align="start",
    )  # fmt: skip


def _preview() -> rx.Component:
    return rx.vstack(
        rx.heading("Description preview", size="4", as_="h2", id="preview-heading"),
        rx.box(
            rx.cond(S.preview_html != "", rx.html(S.preview_html),
                    rx.text("The description appears here as students will see it.",
                            color_scheme="gray", size="2")),
            role="region", aria_labelledby="preview-heading", width="100%", padding="1rem",
            border="1px solid var(--gray-a5)", border_radius="var(--radius-3)",
        ),
        spacing="2", width="100%",
    )  # fmt: skip


def _editor() -> rx.Component:
    return rx.vstack(
        builder_nav(S.course_id, S.heading, S.slug, "details"),
        rx.hstack(status_badge(S.status), _save_status(), align="center", spacing="3"),
        rx.flex(
            rx.vstack(_words(), _choices(), _lists(), spacing="5", width="100%",
                      flex="3", min_width="0"),
            rx.vstack(_thumbnail(), _preview(), spacing="5", width="100%", flex="2",
                      min_width="0"),
            direction=rx.breakpoints(initial="column", md="row"),
            spacing="6", width="100%", align="start",
        ),
        spacing="4", width="100%",
    )  # fmt: skip


def course_details_page() -> rx.Component:
    """/teach/courses/[id]/edit: the details step."""
    return app_shell(
        rx.cond(
            S.loaded,
            rx.cond(
                S.refusal != "",
                rx.vstack(rx.heading("We could not open this course", size="7", as_="h1"),
                          refused_notice(S.refusal), width="100%"),
                _editor(),
            ),
            loading("Loading the course"),
        ),
    )  # fmt: skip
