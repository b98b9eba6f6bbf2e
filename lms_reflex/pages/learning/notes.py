"""The notes panel beside the lesson video (issue 21): take, edit, delete, search, export.

Beside the video on a wide screen, under it on a phone (a wrapping flex row). Seeking to
a note is browser work on the <video> (like the speed control); nothing is stored.
"""

from __future__ import annotations

import reflex as rx

from lms_reflex.components.confirm import confirm_dialog
from lms_reflex.components.forms import field_error, invalid_props, ready_to_submit
from lms_reflex.services.learning.notes import TEXT_MAX, NoteHit, NoteView
from lms_reflex.state.learning.notes import NotesState
from lms_reflex.state.learning.player import VIDEO_BOX_ID

VIDEO = "document.querySelector('#" + VIDEO_BOX_ID + " video')"
# The note's second is read from the <video> when the student saves, not from the last
# progress report (those come every 5 s).
READ_NOTE_JS = (
    "({text: document.getElementById('note-text').value,"
    " second: ((" + VIDEO + ") || {}).currentTime || 0})"
)
LABEL = {"font_weight": "500", "font_size": "14px"}


def _seek(second: rx.Var[int]) -> rx.event.EventSpec:
    return rx.call_script("(" + VIDEO + ").currentTime = " + second.to_string())


def _add_form() -> rx.Component:
    error = NotesState.field_errors.get("text", "")
    return rx.form(
        rx.vstack(
            rx.el.label("Note at the current time", html_for="note-text", style=LABEL),
            rx.text_area(id="note-text", name="text", rows="3", width="100%",
                         max_length=TEXT_MAX, **invalid_props("note-text", error)),
            field_error("note-text", error),
            rx.button("Add note", type="submit", disabled=~ready_to_submit()),
            width="100%", spacing="2",
        ),
        on_submit=lambda _form: rx.call_script(READ_NOTE_JS, callback=NotesState.add_note),
    )  # fmt: skip


def _edit_form(note: rx.Var[NoteView]) -> rx.Component:
    error = NotesState.field_errors.get("edit_text", "")
    return rx.form(
        rx.vstack(
            rx.el.label("Text of the note at ", note.clock, html_for="note-edit_text", style=LABEL),
            rx.text_area(id="note-edit_text", name="edit_text", default_value=note.text,
                         rows="3", width="100%", max_length=TEXT_MAX,
                         **invalid_props("note-edit_text", error)),
            field_error("note-edit_text", error),
            rx.hstack(
                rx.button("Save note", type="submit", disabled=~ready_to_submit(), size="1"),
                rx.button("Cancel", type="button", on_click=NotesState.cancel_edit,
                          variant="soft", color_scheme="gray", size="1"),
                spacing="2",
            ),
            width="100%", spacing="2",
        ),
        on_submit=NotesState.save_edit,
    )  # fmt: skip


def _note(note: rx.Var[NoteView]) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.button(note.clock, on_click=_seek(note.second), aria_label="Play from " +
                      note.clock, variant="soft", size="1"),
            rx.spacer(),
            rx.icon_button(rx.icon("pencil", size=14), on_click=NotesState.start_edit(note.id),
                           aria_label="Edit note at " + note.clock, variant="ghost", size="1"),
            rx.icon_button(rx.icon("trash-2", size=14), on_click=NotesState.ask_delete(note.id),
                           aria_label="Delete note at " + note.clock, variant="ghost",
                           color_scheme="red", size="1"),
            width="100%", align="center",
        ),
        rx.cond(NotesState.editing == note.id, _edit_form(note),
                rx.text(note.text, size="2", white_space="pre-wrap")),
        style={"list_style": "none", "padding": "0.4rem 0",
               "border_bottom": "1px solid var(--gray-a5)"},
    )  # fmt: skip


def _hit(hit: rx.Var[NoteHit]) -> rx.Component:
    return rx.el.li(
        rx.link(hit.lesson_title, " \u00b7 ", hit.clock, href=hit.href, size="2",
                weight="medium"),
        rx.text(hit.text, size="1", white_space="pre-wrap",
                style={"display": "-webkit-box", "-webkit-line-clamp": "3",
                       "-webkit-box-orient": "vertical", "overflow": "hidden"}),
        style={"list_style": "none", "padding": "0.3rem 0"},
    )  # fmt: skip


def _search() -> rx.Component:
    """Search the student's notes in the whole course; each hit opens its lesson there."""
    return rx.vstack(
        rx.form(
            rx.el.label("Search my notes in this course", html_for="notes-q", style=LABEL),
            rx.hstack(rx.input(id="notes-q", name="q", type="search", max_length=200,
                               width="100%"),
                      rx.button("Search notes", type="submit", variant="soft",
                                disabled=~ready_to_submit()),
                      width="100%", spacing="2"),
            on_submit=NotesState.search, width="100%",
        ),
        rx.cond(NotesState.hits.length() > 0,
                rx.el.ul(rx.foreach(NotesState.hits, _hit), aria_label="Notes found",
                         style={"padding": "0", "margin": "0"}),
                rx.cond(NotesState.searched,
                        rx.text("No notes match.", size="2", role="status"))),
        width="100%", spacing="2",
    )  # fmt: skip


def notes_panel() -> rx.Component:
    """The student's notes on this lesson, with search, export and a delete confirmation."""
    return rx.el.section(
        rx.vstack(
            rx.heading("My notes", size="4", as_="h2"),
            _add_form(),
            rx.cond(NotesState.notes.length() > 0,
                    rx.el.ul(rx.foreach(NotesState.notes, _note), aria_label="Notes on this lesson",
                             style={"padding": "0", "margin": "0", "width": "100%"}),
                    rx.text("No notes on this lesson yet.", size="2", color_scheme="gray")),
            _search(),
            rx.button(rx.icon("download", size=16, aria_hidden=True), "Export notes as Markdown",
                      on_click=NotesState.export_markdown, variant="outline", size="2"),
            width="100%", spacing="3",
        ),
        confirm_dialog(
            title="Delete the note at " + NotesState.delete_clock + "?",
            description="The note is deleted for good.", confirm_label="Delete note",
            on_confirm=NotesState.confirm_delete, open=NotesState.delete_open,
            on_open_change=NotesState.set_delete_open,
        ),
        aria_label="My notes",
        style={"flex": "1 1 16rem", "min_width": "0"},
    )  # fmt: skip


def with_notes(video: rx.Component) -> rx.Component:
    """The video with the notes panel beside it (below it when the row is too narrow)."""
    return rx.flex(
        rx.box(video, style={"flex": "2 1 22rem", "min_width": "0"}),
        rx.cond(NotesState.enabled, notes_panel()),
        wrap="wrap", spacing="4", width="100%", align="start",
    )  # fmt: skip
