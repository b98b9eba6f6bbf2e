"""The lesson editor's captions: the tracks of the open lesson, upload and delete (issue 21).

The lesson is the one this tab opened in the lesson editor (`LessonEditorState`, whose
opening the curriculum service checked); no lesson id comes from the browser, and the
captions service checks ownership again on every call (docs/security.md, "Captions").
"""

from __future__ import annotations

import reflex as rx

from lms_reflex.db import call_service
from lms_reflex.services.errors import DomainError, InvalidInput, NotSignedIn
from lms_reflex.services.teaching import captions
from lms_reflex.services.teaching.captions import CAPTION_LANGUAGES, EditorCaption
from lms_reflex.state.form_errors import FieldErrors
from lms_reflex.state.session import current_actor
from lms_reflex.state.teaching.lesson_editor import LessonEditorState
from lms_reflex.state.uploads import progress_percent, read_one_upload
from lms_reflex.state.util import error_toast

CAPTION_UPLOAD_ID = "caption-file"
CAPTION_FIELDS = (captions.FILE_FIELD, captions.LANGUAGE_FIELD)
_CODES = {code for code, _ in CAPTION_LANGUAGES}
_LABELS = dict(CAPTION_LANGUAGES)


class CaptionsEditorState(FieldErrors, rx.State):
    """Caption tracks of the lesson open in the editor, and the upload form's state."""

    tracks: list[EditorCaption] = []
    language: str = "en"
    uploading: bool = False
    upload_percent: int = 0
    delete_open: bool = False
    delete_language: str = ""
    delete_label: str = ""

    async def _lesson_id(self) -> int:
        editor = await self.get_state(LessonEditorState)
        return editor.lesson.id if editor.lesson else 0

    async def _reload(self) -> None:
        """Read the tracks again through the ownership-checking service.

        Raises:
            DomainError: from the service.
        """
        self.tracks = await call_service(
            captions.list_lesson_captions,
            readonly=True,
            actor=await current_actor(self),
            lesson_id=await self._lesson_id(),
        )

    @rx.event
    async def load(self):
        """Show the open lesson's caption tracks (when the editor's captions part appears)."""
        self._clear_field_errors()
        self.tracks, self.uploading, self.upload_percent = [], False, 0
        if await current_actor(self) is None:
            return error_toast(NotSignedIn())
        try:
            await self._reload()
        except DomainError as exc:
            return error_toast(exc)
        return None

    @rx.event
    def set_language(self, value: str):
        """The language picker (a code of the list; anything else is ignored)."""
        if isinstance(value, str) and value in _CODES:
            self.language = value

    @rx.event
    def set_upload_progress(self, progress: dict) -> None:
        """Show how much of the file has been sent (display only).

        A small file's last progress report can arrive after the upload handler finished,
        so this never sets `uploading` (which would leave the picker disabled).
        """
        self.upload_percent = progress_percent(progress)

    @rx.event
    async def upload_captions(self, files: list[rx.UploadFile]):
        """Hand the chosen file to the service, which checks, cleans and stores it.

        At most 512 KiB + 1 byte is read; the refusal is shown under the file picker.
        """
        self._clear_field_errors()
        self.uploading = True
        yield
        try:
            data = await read_one_upload(
                files, max_bytes=captions.CAPTION_MAX_BYTES, noun="caption file"
            )
            stored = await call_service(
                captions.upload_lesson_captions,
                actor=await current_actor(self),
                lesson_id=await self._lesson_id(),
                language=self.language,
                data=data,
            )
            await self._reload()
            outcome = rx.toast.success(f"Captions in {stored.label} saved.")
        except DomainError as exc:
            if isinstance(exc, InvalidInput) and not exc.field:  # no file, several, too large
                exc.field = captions.FILE_FIELD
            outcome = self._refuse(exc, CAPTION_FIELDS)
        except Exception as exc:
            outcome = error_toast(exc)
        self.uploading, self.upload_percent = False, 0
        yield [rx.clear_selected_files(CAPTION_UPLOAD_ID), outcome]

    @rx.event
    def ask_delete(self, language: str):
        """Ask before deleting a track of the list on screen (nothing is deleted yet)."""
        label = next((t.label for t in self.tracks if t.language == language), "")
        if label:
            self.delete_language, self.delete_label, self.delete_open = language, label, True

    @rx.event
    def set_delete_open(self, value: bool):
        """Cancel or Escape closes the dialog; only `ask_delete` opens it."""
        self.delete_open = value is True and self.delete_open

    @rx.event
    async def confirm_delete(self):
        """Delete the track that was asked about; the service checks ownership again."""
        self.delete_open = False
        actor = await current_actor(self)
        if actor is None:
            return error_toast(NotSignedIn())
        label = _LABELS.get(self.delete_language, self.delete_language)
        try:
            await call_service(
                captions.delete_lesson_captions,
                actor=actor,
                lesson_id=await self._lesson_id(),
                language=self.delete_language,
            )
            await self._reload()
        except DomainError as exc:
            return error_toast(exc)
        return rx.toast.success(f"Captions in {label} deleted.")
