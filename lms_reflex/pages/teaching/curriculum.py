"""/teach/courses/<id>/curriculum: sections and lessons, drag and drop, and the lesson editor."""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.builder_nav import builder_nav
from lms_reflex.components.confirm import confirm_dialog
from lms_reflex.components.forms import labeled_input, loading, ready_to_submit
from lms_reflex.components.shell import app_shell
from lms_reflex.components.sortable import (
    curriculum_dnd,
    section_drop,
    sortable_item,
    sortable_list,
)
from lms_reflex.pages.teaching.lesson_editor import lesson_editor_dialog
from lms_reflex.services.teaching.course_details import EditorLesson, EditorSection
from lms_reflex.state.teaching.curriculum import CurriculumState
from lms_reflex.state.teaching.lesson_editor import LessonEditorState

C = CurriculumState
E = LessonEditorState

HELP = (
    "Drag a section or lesson by its handle to move it. With the keyboard: focus a handle, "
    "press Space to pick it up, the arrow keys to move it and Space to drop it."
)


def _lesson_facts(lesson: rx.Var[EditorLesson]) -> rx.Component:
    return rx.hstack(
        rx.cond(
            lesson.kind == "quiz",
            rx.badge("Quiz", color_scheme="amber"),
            rx.cond(
                lesson.has_video,
                rx.badge(
                    "Video \u00b7 ", lesson.duration_s.to_string(), " s", color_scheme="green"
                ),
                rx.badge("No video yet", color_scheme="gray"),
            ),
        ),
        rx.cond(lesson.is_preview, rx.badge("Free preview", color_scheme="indigo")),
        spacing="2",
    )


def _lesson(lesson: rx.Var[EditorLesson]) -> rx.Component:
    title = lesson.title
    row = rx.flex(
        rx.vstack(rx.text(title, weight="medium"), _lesson_facts(lesson), spacing="1"),
        rx.spacer(),
        rx.hstack(
            rx.cond(
                lesson.kind == "quiz",
                rx.button(rx.link("Edit", href="/teach/quizzes/" + lesson.id.to_string(),
                                  aria_label="Edit quiz " + title),
                          as_child=True, variant="soft", size="2"),
                rx.button("Edit", aria_label="Edit lesson " + title, variant="soft", size="2",
                          on_click=E.open_lesson(lesson.id)),
            ),
            rx.button("Delete", aria_label="Delete lesson " + title, variant="soft",
                      color_scheme="red", size="2", on_click=C.ask_delete("lesson", lesson.id)),
            spacing="2",
        ),
        wrap="wrap", spacing="2", align="center", width="100%",
        padding="0.5rem", border_radius="var(--radius-2)", background="var(--gray-a2)",
    )  # fmt: skip
    return sortable_item(
        row,
        kind="lesson",
        item_id=lesson.id,
        label="lesson " + title,
        handle_label="Move lesson " + title,
        key="lesson-" + lesson.id.to_string(),
    )


def _section_header(section: rx.Var[EditorSection]) -> rx.Component:
    title = section.title
    return rx.flex(
        rx.heading(title, as_="h2", size="4"),
        rx.spacer(),
        rx.hstack(
            rx.button("Rename", aria_label="Rename section " + title, variant="soft", size="2",
                      on_click=C.open_name_dialog("rename_section", section.id)),
            rx.button("Delete", aria_label="Delete section " + title, variant="soft",
                      color_scheme="red", size="2", on_click=C.ask_delete("section", section.id)),
            spacing="2",
        ),
        wrap="wrap", spacing="2", align="center", width="100%",
    )  # fmt: skip


def _section(section: rx.Var[EditorSection]) -> rx.Component:
    empty = section.lessons.length() == 0
    lessons = section_drop(
        sortable_list(
            rx.vstack(rx.foreach(section.lessons, _lesson), spacing="2", width="100%"),
            kind="lesson",
            items=section.lessons,
        ),
        rx.cond(empty, rx.text("No lessons yet. Add one, or drop a lesson here.", size="2")),
        section_id=section.id,
        label="the end of section " + section.title,
        empty=empty,
    )
    card = rx.card(
        rx.vstack(
            _section_header(section),
            lessons,
            rx.hstack(
                rx.button("Add lesson", aria_label="Add lesson to " + section.title,
                          variant="outline", on_click=C.open_name_dialog("add_lesson", section.id)),
                rx.button("Add quiz", aria_label="Add quiz to " + section.title,
                          variant="outline", on_click=C.open_name_dialog("add_quiz", section.id)),
                spacing="2", wrap="wrap",
            ),
            spacing="3", width="100%",
        ),
        width="100%",
    )  # fmt: skip
    return sortable_item(
        card,
        kind="section",
        item_id=section.id,
        label="section " + section.title,
        handle_label="Move section " + section.title,
        key="section-" + section.id.to_string(),
    )


def _board() -> rx.Component:
    return curriculum_dnd(
        sortable_list(
            rx.vstack(rx.foreach(C.sections, _section), spacing="4", width="100%"),
            kind="section",
            items=C.sections,
        ),
        layout=C.sections,
        on_move_sections=C.move_sections,
        on_move_lessons=C.move_lessons,
    )


def _name_dialog() -> rx.Component:
    heading = rx.match(C.name_mode, ("rename_section", "Rename section"),
                       ("add_lesson", "New lesson"), ("add_quiz", "New quiz"),
                       "New section")  # fmt: skip
    label = rx.match(C.name_mode, ("add_lesson", "Lesson title"), ("add_quiz", "Quiz title"),
                     "Section title")  # fmt: skip
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(heading),
            rx.dialog.description("Between 3 and 120 characters.", size="2"),
            rx.form(
                rx.vstack(
                    labeled_input(label, "name", default_value=C.name_value, max_length=120,
                                  error=C.field_errors.get("name", "")),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", type="button", variant="soft",
                                                  color_scheme="gray")),
                        rx.button("Save", type="submit", disabled=~ready_to_submit()),
                        justify="end", width="100%",
                    ),
                    spacing="4",
                ),
                on_submit=C.submit_name,
            ),
        ),
        open=C.name_open,
        on_open_change=C.set_name_open,
    )  # fmt: skip


def _delete_dialog() -> rx.Component:
    what = rx.cond(C.delete_kind == "section", "section", "lesson")
    explain = rx.cond(
        C.delete_kind == "section",
        "The section, its lessons and their videos are deleted. This cannot be undone.",
        "The lesson and its video are deleted. This cannot be undone.",
    )
    return confirm_dialog(
        title=rx.fragment("Delete ", what, " \u201c", C.delete_title, "\u201d?"),
        description=explain,
        confirm_label=rx.cond(C.delete_warning != "", "Delete with student progress", "Delete"),
        on_confirm=C.confirm_delete,
        extra=rx.cond(C.delete_warning != "",
                      rx.callout(C.delete_warning, icon="triangle_alert", color_scheme="red",
                                 role="alert", margin_top="1rem")),
        open=C.delete_open,
        on_open_change=C.set_delete_open,
    )  # fmt: skip


def _curriculum() -> rx.Component:
    return rx.vstack(
        builder_nav(C.course_number, C.course_title, C.course_slug, "curriculum"),
        rx.flex(
            rx.text(HELP, size="2", color_scheme="gray", max_width="40rem"),
            rx.spacer(),
            rx.button("Add section", on_click=C.open_name_dialog("add_section", 0)),
            wrap="wrap", spacing="3", align="center", width="100%",
        ),
        rx.cond(C.sections.length() == 0,
                rx.text("This course has no sections yet. Start with \u201cAdd section\u201d.")),
        _board(),
        _name_dialog(),
        _delete_dialog(),
        lesson_editor_dialog(),
        spacing="4", width="100%",
    )  # fmt: skip


def curriculum_page() -> rx.Component:
    """The builder's curriculum step for one course."""
    return app_shell(
        rx.cond(
            C.problem != "",
            rx.vstack(
                rx.heading("Curriculum", as_="h1", size="6"),
                rx.callout(C.problem, icon="info", role="alert"),
                rx.link("Back to my courses", href="/teach"),
                spacing="3",
            ),
            rx.cond(
                C.loaded,
                _curriculum(),
                rx.center(loading("Loading the curriculum", size="3")),
            ),
        )
    )
