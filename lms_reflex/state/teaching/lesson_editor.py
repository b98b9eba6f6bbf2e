"""The lesson editor dialog: title, description, free preview, and the video upload's outcome.

The video itself goes to /api/uploads/lessons/<id>/video (lms_reflex/api/uploads.py); the
browser then calls `video_uploaded` and this state reloads what the server stored.
"""

from __future__ import annotations

import reflex as rx

from lms_reflex.db import call_service
from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import DomainError, NotFound, NotSignedIn
from lms_reflex.services.teaching import curriculum
from lms_reflex.services.teaching.course_details import EditorLesson
from lms_reflex.state.form_errors import FieldErrors
from lms_reflex.state.session import current_actor
from lms_reflex.state.teaching.curriculum import CurriculumState, find_lesson
from lms_reflex.state.util import error_toast, field

UPLOAD_MESSAGE_MAX = 300


LESSON_FIELDS = ("title", "description")


class LessonEditorState(FieldErrors, rx.State):
    """The lesson being edited (looked up in the course its owner has on screen)."""

    editor_open: bool = False
    lesson: EditorLesson | None = None

    async def _reload(self, actor: Actor | None, lesson_id: int) -> None:
        """Reload the course through the ownership-checking service, then pick the lesson.

        Raises:
            DomainError: from the service, or NotFound when the lesson is not in this course.
        """
        course = await self.get_state(CurriculumState)
        await course._refresh(actor)
        found = find_lesson(course.sections, lesson_id)
        if found is None:
            raise NotFound(curriculum.LESSON_NOT_FOUND)
        self.lesson = found

    @rx.event
    async def open_lesson(self, lesson_id: int):
        """Open the editor on a lesson of the course on screen."""
        actor = await current_actor(self)
        if actor is None:
            return error_toast(NotSignedIn())
        try:
            await self._reload(actor, lesson_id if isinstance(lesson_id, int) else 0)
        except DomainError as exc:
            return error_toast(exc)
        self.editor_open = True
        self._clear_field_errors()
        return None

    @rx.event
    def set_editor_open(self, value: bool):
        """Closing the editor keeps whatever was saved."""
        self.editor_open = value is True and self.editor_open

    @rx.event
    async def save(self, form: dict):
        """Save title, description and the free-preview switch; the service checks ownership."""
        actor = await current_actor(self)
        if actor is None:
            return error_toast(NotSignedIn())
        lesson_id = self.lesson.id if self.lesson else 0
        self._clear_field_errors()
        try:
            await call_service(
                curriculum.update_lesson, actor=actor, lesson_id=lesson_id,
                title=field(form, "title", 300), description=field(form, "description", 6000),
                is_preview=form.get("is_preview") == "on",
            )  # fmt: skip
            await self._reload(actor, lesson_id)
        except DomainError as exc:
            return self._refuse(exc, LESSON_FIELDS)
        self.editor_open = False
        return rx.toast.success("Lesson saved.")

    @rx.event
    async def video_uploaded(self):
        """The upload route stored the video: show its duration and poster."""
        actor = await current_actor(self)
        if actor is None:
            return error_toast(NotSignedIn())
        try:
            await self._reload(actor, self.lesson.id if self.lesson else 0)
        except DomainError as exc:
            return error_toast(exc)
        return rx.toast.success("Video uploaded.")

    @rx.event
    def upload_failed(self, message: str):
        """The upload route's plain-language refusal, shown as a toast (display only)."""
        text = message if isinstance(message, str) and message else "The upload failed."
        return rx.toast.error(text[:UPLOAD_MESSAGE_MAX])
