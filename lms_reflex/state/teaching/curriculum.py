"""The curriculum step of the builder: sections, lessons, their order, and the lesson editor.

Every handler that changes something asks a service, which checks that the signed-in user
owns the course; ids sent by the browser are never trusted here. The course on screen comes
from the URL on load; no var is named `id` (it would shadow the route argument).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import Conflict, DomainError, NotSignedIn
from lms_reflex.services.teaching import course_details, curriculum, quiz_builder
from lms_reflex.services.teaching.course_details import EditorLesson, EditorSection
from lms_reflex.services.validation import parse_id
from lms_reflex.state.form_errors import FieldErrors
from lms_reflex.state.session import current_actor
from lms_reflex.state.util import error_toast, field, route_param

NAME_MODES = ("add_section", "rename_section", "add_lesson", "add_quiz")
DONE = {
    "add_section": "Section added.",
    "rename_section": "Section renamed.",
    "add_lesson": "Lesson added.",
    "add_quiz": "Quiz added. Open it to write its questions.",
}


def layout_from_pairs(pairs: Any) -> Any:
    """[[section_id, [lesson ids]], ...] from the browser as the service's dict.

    JSON has no int keys, so the browser sends pairs. Anything malformed is passed on
    unchanged for the service to refuse with its own message.
    """
    try:
        return {section_id: lessons for section_id, lessons in pairs}
    except (TypeError, ValueError):
        return pairs


def find_lesson(sections: list[EditorSection], lesson_id: int) -> EditorLesson | None:
    """The lesson with that id among the sections on screen, if any."""
    return next((le for s in sections for le in s.lessons if le.id == lesson_id), None)


def arranged(
    sections: list[EditorSection], order: Any, layout: Any = None
) -> list[EditorSection] | None:
    """The sections on screen in a new order, to show a drop at once (None if it does not fit).

    `order` lists section ids; `layout` maps section id -> lesson ids. Only a rearrangement
    of exactly what is on screen is shown early; the server's answer replaces it anyway.
    """
    by_id = {s.id: s for s in sections}
    lessons = {le.id: le for s in sections for le in s.lessons}
    layout = (
        layout
        if isinstance(layout, dict)
        else {s.id: [le.id for le in s.lessons] for s in sections}
    )
    try:
        if sorted(order) != sorted(by_id) or sorted(layout) != sorted(by_id):
            return None
        if sorted(i for ids in layout.values() for i in ids) != sorted(lessons):
            return None
    except TypeError:
        return None
    return [
        dataclasses.replace(by_id[sid], position=pos, lessons=[lessons[i] for i in layout[sid]])
        for pos, sid in enumerate(order)
    ]


class CurriculumState(FieldErrors, rx.State):
    """One course's sections and lessons, and the add / rename / delete dialogs."""

    course_number: int = 0
    course_title: str = ""
    course_slug: str = ""
    sections: list[EditorSection] = []
    problem: str = ""
    loaded: bool = False
    name_open: bool = False
    name_mode: str = ""
    name_target: int = 0
    name_value: str = ""
    delete_open: bool = False
    delete_kind: str = ""
    delete_target: int = 0
    delete_title: str = ""
    delete_warning: str = ""
    busy: bool = False

    async def _refresh(self, actor: Actor | None) -> None:
        """Show the course as the server has it now (also after a refused change)."""
        course = await call_service(
            course_details.get_course_for_editing,
            readonly=True,
            actor=actor,
            course_id=self.course_number,
        )
        self.course_title, self.course_slug = course.title, course.slug
        self.sections = course.sections
        self.problem = ""

    @rx.event
    async def load(self):
        """Open the course in the URL for its instructor; others are told why not."""
        self.loaded, self.name_open, self.delete_open = False, False, False
        self.course_number = parse_id(route_param(self, "id"))
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect(routes.login_url(routes.course_curriculum_url(self.course_number)))
        try:
            await self._refresh(actor)
        except DomainError as exc:
            self.sections, self.course_title, self.problem = [], "", exc.message
        self.loaded = True
        return None

    @rx.event
    def open_name_dialog(self, mode: str, target: int):
        """Ask for a name: a new section, a section's new title, or a new lesson (display only)."""
        if mode not in NAME_MODES:
            return
        self.name_mode, self.name_target = mode, target if isinstance(target, int) else 0
        current = next((s for s in self.sections if s.id == self.name_target), None)
        self.name_value = current.title if mode == "rename_section" and current else ""
        self.name_open = True
        self._clear_field_errors()

    @rx.event
    def set_name_open(self, value: bool):
        """Closing the dialog (Escape, Cancel, outside click) changes nothing."""
        self.name_open = value is True and self.name_open

    @rx.event
    async def submit_name(self, form: dict):
        """Add or rename what the dialog was opened for; the service checks ownership."""
        actor = await current_actor(self)
        if actor is None:
            return error_toast(NotSignedIn())
        title = field(form, "name", 300)
        self._clear_field_errors()
        try:
            if self.name_mode == "rename_section":
                await call_service(
                    curriculum.rename_section, actor=actor, section_id=self.name_target, title=title
                )
            elif self.name_mode == "add_quiz":
                await call_service(
                    quiz_builder.add_quiz_lesson, actor=actor, section_id=self.name_target,
                    title=title,
                )  # fmt: skip
            elif self.name_mode == "add_lesson":
                await call_service(
                    curriculum.add_lesson, actor=actor, section_id=self.name_target, title=title
                )
            else:
                await call_service(
                    curriculum.add_section, actor=actor, course_id=self.course_number, title=title
                )
            await self._refresh(actor)
        except DomainError as exc:
            return self._refuse(exc, ("name",), {"title": "name"})
        self.name_open = False
        return rx.toast.success(DONE.get(self.name_mode, DONE["add_section"]))

    @rx.event
    def ask_delete(self, kind: str, target: int):
        """Open the confirmation for deleting a section or lesson on screen (display only)."""
        if kind == "section":
            found = next((s for s in self.sections if s.id == target), None)
        else:
            found = find_lesson(self.sections, target) if isinstance(target, int) else None
        if found is None:
            return
        self.delete_kind, self.delete_target, self.delete_title = kind, found.id, found.title
        self.delete_warning, self.delete_open = "", True

    @rx.event
    def set_delete_open(self, value: bool):
        """Closing the confirmation deletes nothing."""
        self.delete_open = value is True and self.delete_open
        if not self.delete_open:
            self.delete_warning = ""

    @rx.event
    async def confirm_delete(self):
        """Delete; when students have progress the service refuses once and we ask again."""
        actor = await current_actor(self)
        if actor is None:
            return error_toast(NotSignedIn())
        confirmed = self.delete_warning != ""
        try:
            if self.delete_kind == "section":
                await call_service(
                    curriculum.delete_section, actor=actor, section_id=self.delete_target,
                    confirm_progress_loss=confirmed,
                )  # fmt: skip
            else:
                await call_service(
                    curriculum.delete_lesson, actor=actor, lesson_id=self.delete_target,
                    confirm_progress_loss=confirmed,
                )  # fmt: skip
        except Conflict as exc:
            self.delete_warning = exc.message
            return None
        except DomainError as exc:
            return error_toast(exc)
        self.delete_open, self.delete_warning = False, ""
        await self._refresh(actor)
        return rx.toast.success(f"Deleted \u201c{self.delete_title}\u201d.")

    async def _save_order(self, fn, **kwargs: Any):
        """Save a new order; if refused, show the server's order again with the reason."""
        actor = await current_actor(self)
        if actor is None:
            return error_toast(NotSignedIn())
        problem = None
        try:
            await call_service(fn, actor=actor, course_id=self.course_number, **kwargs)
        except DomainError as exc:
            problem = error_toast(exc)
        try:
            await self._refresh(actor)
        except DomainError as exc:
            return error_toast(exc)
        return problem

    @rx.event
    async def move_sections(self, section_ids: list):
        """Dropped a section: the whole section order, in one transaction."""
        shown = arranged(self.sections, section_ids)
        if shown is not None:
            self.sections = shown
            yield  # the drop shows at once; the server's order follows
        yield await self._save_order(curriculum.reorder_sections, section_ids=section_ids)

    @rx.event
    async def move_lessons(self, layout: list):
        """Dropped a lesson: every section's lessons in order, in one transaction."""
        by_section = layout_from_pairs(layout)
        order = list(by_section) if isinstance(by_section, dict) else []
        shown = arranged(self.sections, order, by_section)
        if shown is not None:
            self.sections = shown
            yield
        yield await self._save_order(curriculum.move_lessons, layout=by_section)
