"""The notes panel beside the lesson video (issue 21): take, edit, delete, search, export.

The lesson comes from the URL and the course from the server's answer; a note id the
browser sends is only passed on, and the services answer someone else's note "not found"
(docs/security.md case 76). The second of a new note is read from the <video> element in
the browser at the moment of saving (pages/learning/notes.py), like the player's reports.
"""

from __future__ import annotations

import contextlib

import reflex as rx

from lms_reflex.db import call_service
from lms_reflex.services.errors import DomainError
from lms_reflex.services.learning import notes, notes_export
from lms_reflex.services.learning.notes import NoteHit, NoteView
from lms_reflex.services.validation import parse_id
from lms_reflex.state.form_errors import FieldErrors
from lms_reflex.state.session import current_actor
from lms_reflex.state.util import error_toast, field, route_param

TEXT_LIMIT = notes.TEXT_MAX + 100  # the service refuses over TEXT_MAX with a sentence
NOTE_FIELDS = ("text", "edit_text")


class NotesState(FieldErrors, rx.State):
    """The signed-in student's notes on the lesson on screen, and their course search."""

    enabled: bool = False  # an enrolled student on a video lesson
    notes: list[NoteView] = []
    editing: int = 0  # the note whose text is being edited (0: none)
    hits: list[NoteHit] = []
    searched: bool = False
    delete_open: bool = False
    delete_clock: str = ""  # "0:03": names the note in the confirmation
    _delete_target: int = 0
    _lesson_id: int = 0
    _course_id: int = 0

    def _show_notes(self, lesson_id: int, found: notes.LessonNotes | None) -> None:
        """Show one lesson's notes; None hides the panel (no notes for this visitor)."""
        self._lesson_id = lesson_id
        self.enabled, self.notes, self.editing, self.delete_open = False, [], 0, False
        self._clear_field_errors()
        if found is None:
            return
        if found.course_id != self._course_id:
            self.hits, self.searched = [], False
        self.enabled, self.notes, self._course_id = True, found.notes, found.course_id

    @rx.event
    async def load(self):
        """The caller's notes on the lesson in the URL.

        The player's own load reads them in its transaction (`PlayerState._show_panels`);
        this reloads the panel by itself.
        """
        lesson_id = parse_id(route_param(self, "lesson"))
        actor = await current_actor(self, touch=False)
        found = None  # signed out, a preview, a quiz or a lesson they may not open: no panel
        if actor is not None:
            with contextlib.suppress(DomainError):
                found = await call_service(
                    notes.lesson_notes, readonly=True, actor=actor, lesson_id=lesson_id
                )
        self._show_notes(lesson_id, found)

    @rx.event
    async def add_note(self, data: dict):
        """Save a note: `data` is {"text": typed text, "second": the video's current time}."""
        self._clear_field_errors()
        data = data if isinstance(data, dict) else {}
        text = data.get("text")
        try:
            self.notes = await call_service(
                notes.add_note,
                actor=await current_actor(self),
                lesson_id=self._lesson_id,
                position_s=data.get("second"),
                text=text[:TEXT_LIMIT] if isinstance(text, str) else "",
            )
        except DomainError as exc:
            return self._refuse(exc, NOTE_FIELDS, prefix="note-")
        return rx.set_value("note-text", "")

    @rx.event
    def start_edit(self, note_id: int):
        """Show the edit box of one of the notes on screen (display only)."""
        self._clear_field_errors()
        wanted = parse_id(note_id)
        self.editing = wanted if any(n.id == wanted for n in self.notes) else 0

    @rx.event
    def cancel_edit(self):
        """Close the edit box; nothing is saved."""
        self.editing = 0
        self._clear_field_errors()

    @rx.event
    async def save_edit(self, form: dict):
        """Save the edited text of the note whose edit box is open."""
        self._clear_field_errors()
        try:
            self.notes = await call_service(
                notes.edit_note,
                actor=await current_actor(self),
                note_id=self.editing,
                text=field(form, "edit_text", TEXT_LIMIT),
            )
        except DomainError as exc:
            return self._refuse(exc, NOTE_FIELDS, {"text": "edit_text"}, prefix="note-")
        self.editing = 0
        return rx.toast.success("Note saved.")

    @rx.event
    def ask_delete(self, note_id: int):
        """Ask before deleting one of the notes on screen (display only)."""
        wanted = parse_id(note_id)
        note = next((n for n in self.notes if n.id == wanted), None)
        if note is not None:
            self._delete_target, self.delete_clock, self.delete_open = note.id, note.clock, True

    @rx.event
    def set_delete_open(self, value: bool):
        """Closing the confirmation deletes nothing."""
        self.delete_open = value is True and self.delete_open

    @rx.event
    async def confirm_delete(self):
        """Delete the note the confirmation names; the service checks it is the caller's."""
        self.delete_open = False
        try:
            self.notes = await call_service(
                notes.delete_note, actor=await current_actor(self), note_id=self._delete_target
            )
        except DomainError as exc:
            return error_toast(exc)
        self.hits = [h for h in self.hits if h.id != self._delete_target]
        return rx.toast.success("Note deleted.")

    @rx.event
    async def search(self, form: dict):
        """The caller's notes in this course holding the words typed (all when empty)."""
        try:
            self.hits = await call_service(
                notes.search_notes,
                readonly=True,
                actor=await current_actor(self),
                course_id=self._course_id,
                query=field(form, "q", notes.QUERY_MAX),
            )
        except DomainError as exc:
            return error_toast(exc)
        self.searched = True
        return None

    @rx.event
    async def export_markdown(self):
        """Download every note of this course as Markdown, grouped by lesson."""
        try:
            file = await call_service(
                notes_export.notes_markdown,
                readonly=True,
                actor=await current_actor(self),
                course_id=self._course_id,
            )
        except DomainError as exc:
            return error_toast(exc)
        return rx.download(data=file.text, filename=file.filename)
