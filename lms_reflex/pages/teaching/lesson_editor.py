"""The lesson editor dialog of the curriculum page: details form and video upload."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.forms import field_error, invalid_props, labeled_input, ready_to_submit
from lms_reflex.components.video_upload import lesson_video_url, video_upload
from lms_reflex.pages.teaching.captions import captions_part
from lms_reflex.services.teaching.curriculum import LESSON_DESCRIPTION_MAX
from lms_reflex.state.teaching.lesson_editor import LessonEditorState

E = LessonEditorState
LABEL_STYLE = {"font_weight": "500", "font_size": "14px"}


def _details_form() -> rx.Component:
    lesson = E.lesson
    description_error = E.field_errors.get("description", "")
    return rx.form(
        rx.vstack(
            labeled_input("Lesson title", "title", default_value=lesson.title, max_length=120,
                          error=E.field_errors.get("title", "")),
            rx.vstack(
                rx.el.label("Description", html_for="field-description", style=LABEL_STYLE),
                rx.text_area(id="field-description", name="description",
                             default_value=lesson.description, rows="4", width="100%",
                             max_length=LESSON_DESCRIPTION_MAX,
                             **invalid_props("field-description", description_error)),
                field_error("field-description", description_error),
                spacing="1", width="100%",
            ),
            rx.hstack(
                rx.switch(id="field-is_preview", name="is_preview",
                          default_checked=lesson.is_preview),
                rx.el.label("Free preview (anyone may watch this lesson)",
                            html_for="field-is_preview", style=LABEL_STYLE),
                align="center", spacing="2",
            ),
            rx.button("Save lesson", type="submit", disabled=~ready_to_submit()),
            spacing="3", width="100%", align="start",
        ),
        on_submit=E.save,
        key=lesson.id.to_string(),
        width="100%",
    )  # fmt: skip


def _video_part() -> rx.Component:
    lesson = E.lesson
    return rx.vstack(
        rx.heading("Video", as_="h3", size="3"),
        rx.cond(
            lesson.has_video,
            rx.hstack(
                rx.cond(
                    lesson.poster_url != "",
                    rx.image(src=lesson.poster_url, alt="Poster frame of " + lesson.title,
                             width="160px", border_radius="var(--radius-2)"),
                    rx.text("No poster frame yet.", size="2", color_scheme="gray"),
                ),
                rx.text("Duration: ", lesson.duration_s.to_string(), " seconds", size="2"),
                align="center", spacing="3",
            ),
            rx.text("No video yet. MP4, WebM or MOV.", size="2"),
        ),
        video_upload(
            upload_url=lesson_video_url(lesson.id),
            input_id="lesson-video-file",
            label="Lesson video",
            on_done=E.video_uploaded,
            on_error=E.upload_failed,
            key="upload-" + lesson.id.to_string(),
        ),
        spacing="3", width="100%", align="start",
    )  # fmt: skip


def lesson_editor_dialog() -> rx.Component:
    """Edit one lesson: its details, then its video (uploads save on their own)."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Edit lesson"),
            rx.dialog.description("Changes to the details are saved with \u201cSave lesson\u201d; "
                                  "a video is saved as soon as it is uploaded.", size="2"),
            rx.cond(
                E.lesson,
                rx.vstack(_details_form(), rx.separator(size="4"), _video_part(),
                          rx.separator(size="4"), captions_part(),
                          spacing="4", width="100%", margin_top="1rem"),
            ),
            rx.flex(rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                    justify="end", margin_top="1rem"),
            max_width="36rem",
        ),
        open=E.editor_open,
        on_open_change=E.set_editor_open,
    )  # fmt: skip
