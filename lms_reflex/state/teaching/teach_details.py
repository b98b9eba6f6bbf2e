"""The builder's details step: every field autosaves, with a visible save status.

Each change (debounced in the browser, and on leaving a field) sends the whole details form
to `course_details.update_course_details`, which checks the caller owns the course and refuses
the lot if one value does not fit; the status line and a toast then say why.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.catalog import listings as catalog
from lms_reflex.services.errors import DomainError
from lms_reflex.services.teaching import course_details, course_media
from lms_reflex.services.teaching.course_details import EditorCourse
from lms_reflex.services.validation import parse_number
from lms_reflex.services.views import CategoryView
from lms_reflex.state.form_errors import FieldErrors
from lms_reflex.state.session import current_actor
from lms_reflex.state.teaching.teach import course_id_in_url, sign_in_first
from lms_reflex.state.uploads import progress_percent, read_one_upload
from lms_reflex.state.util import error_toast

THUMBNAIL_UPLOAD_ID = "course-thumbnail"
# Browser field name -> state var; anything else a browser sends is refused.
TEXT_FIELDS = {
    "title": "title",
    "subtitle": "subtitle",
    "description": "description",
    "category": "category",
    "level": "level",
    "language": "language",
    "price": "price",
    "tags": "tags",
}
LISTS = {"learn": "learn", "requirements": "requirements"}
FIELD_LIMIT = course_details.DESCRIPTION_MAX + 1000
SAVING, SAVED, FAILED = "saving", "saved", "failed"


DETAIL_FIELDS = (*TEXT_FIELDS, *LISTS)


class CourseEditorState(FieldErrors, rx.State):
    """One course's details as its owner edits them."""

    course_id: int = 0
    slug: str = ""
    status: str = ""
    title: str = ""
    heading: str = ""
    subtitle: str = ""
    description: str = ""
    preview_html: str = ""
    category: str = ""
    level: str = "all"
    language: str = ""
    price: str = ""
    currency: str = ""
    learn: list[str] = []
    requirements: list[str] = []
    tags: str = ""
    thumbnail_url: str = ""
    certificate_on_completion: bool = True
    categories: list[CategoryView] = []
    save_status: str = ""
    save_error: str = ""
    refusal: str = ""
    loaded: bool = False
    uploading: bool = False
    upload_percent: int = 0

    @rx.event
    async def load(self):
        """Fill the form from the database, if the caller may build this course."""
        actor = await current_actor(self)
        course_id = course_id_in_url(self)
        if actor is None:
            yield sign_in_first(routes.course_edit_url(course_id) if course_id else routes.TEACH)
            return
        self.loaded, self.refusal, self.save_status, self.course_id = False, "", "", course_id
        self.uploading, self.upload_percent = False, 0
        self._clear_field_errors()
        yield
        try:
            course = await call_service(
                course_details.get_course_for_editing,
                readonly=True,
                actor=actor,
                course_id=course_id,
            )
            self.categories = await call_service(catalog.list_categories, readonly=True)
        except DomainError as exc:
            self.refusal, self.loaded = exc.message, True
            return
        self._show(course)
        self.preview_html = await asyncio.to_thread(
            course_details.description_preview, self.description
        )
        self.loaded = True

    def _show(self, c: EditorCourse) -> None:
        self.slug, self.status, self.title, self.heading = c.slug, c.status, c.title, c.title
        self.subtitle, self.description, self.language = c.subtitle, c.description, c.language
        self.category = str(c.category_id) if c.category_id is not None else ""
        self.level, self.currency = c.level, c.currency
        self.price = "" if c.price_cents == 0 else f"{c.price_cents / 100:.2f}"
        self.learn, self.requirements = c.what_you_will_learn, c.requirements
        self.tags, self.thumbnail_url = ", ".join(c.tags), c.thumbnail_url
        self.certificate_on_completion = c.certificate_on_completion

    def _category_id(self) -> int | None:
        return parse_number(self.category.strip())

    async def _save(self) -> rx.event.EventSpec | None:
        """Send the whole form; the service refuses everything if one value does not fit."""
        try:
            await call_service(
                course_details.update_course_details,
                actor=await current_actor(self),
                course_id=self.course_id,
                title=self.title,
                subtitle=self.subtitle,
                description=self.description,
                category_id=self._category_id(),
                level=self.level,
                language=self.language,
                price_cents=course_details.parse_price(self.price),
                what_you_will_learn=self.learn,
                requirements=self.requirements,
                tags=[tag.strip() for tag in self.tags.split(",")],
            )
        except Exception as exc:
            self.save_status = FAILED
            self.save_error = exc.message if isinstance(exc, DomainError) else "Not saved."
            return self._mark(exc, DETAIL_FIELDS)
        self.save_status, self.save_error = SAVED, ""
        self._clear_field_errors()
        self.heading = self.title.strip()
        return None

    async def _save_now(self):
        self.save_status = SAVING
        yield
        outcome = await self._save()
        if outcome is not None:
            yield outcome

    @rx.event
    async def set_certificate_switch(self, value: bool):
        """Issue certificates on completion, or not (the service checks the course owner)."""
        try:
            self.certificate_on_completion = await call_service(
                course_details.set_certificate_on_completion,
                actor=await current_actor(self),
                course_id=self.course_id,
                enabled=value,
            )
        except DomainError as exc:
            return error_toast(exc)
        return rx.toast.success(
            "Certificates are issued on completion."
            if self.certificate_on_completion
            else "No certificates will be issued for this course."
        )

    @rx.event
    async def edit_field(self, name: str, value: str):
        """Keep a changed field and save the form."""
        if name not in TEXT_FIELDS or not isinstance(value, str):
            yield rx.toast.error("That field cannot be changed here.")
            return
        setattr(self, TEXT_FIELDS[name], value[:FIELD_LIMIT])
        if name == "description":
            self.preview_html = await asyncio.to_thread(course_details.description_preview, value)
        async for update in self._save_now():
            yield update

    def _lines(self, name: object) -> list[str] | None:
        return list(getattr(self, LISTS[name])) if isinstance(name, str) and name in LISTS else None

    @rx.event
    def add_line(self, name: str) -> None:
        """Add an empty line to a list editor (blank lines are never stored, display only)."""
        lines = self._lines(name)
        if lines is not None and len(lines) < course_details.LIST_MAX_ITEMS:
            setattr(self, LISTS[name], [*lines, ""])

    @rx.event
    async def edit_line(self, name: str, index: int, value: str):
        """Change one line of a list editor and save the form (an unknown line changes nothing)."""
        lines = self._lines(name)
        if lines is not None and _known_index(index, lines):
            lines[index] = (
                value[: course_details.LIST_ITEM_MAX + 100] if isinstance(value, str) else ""
            )
            setattr(self, LISTS[name], lines)
        async for update in self._save_now():
            yield update

    @rx.event
    async def remove_line(self, name: str, index: int):
        """Remove one line of a list editor and save the form (an unknown line changes nothing)."""
        lines = self._lines(name)
        if lines is not None and _known_index(index, lines):
            del lines[index]
            setattr(self, LISTS[name], lines)
        async for update in self._save_now():
            yield update

    @rx.event
    def set_upload_progress(self, progress: dict) -> None:
        """Show how much of the picture has been sent (display only)."""
        self.upload_percent = progress_percent(progress)
        self.uploading = True

    @rx.event
    async def upload_course_thumbnail(self, files: list[rx.UploadFile]):
        """Hand the one chosen picture to the service, which re-encodes and stores it.

        At most 5 MB + 1 byte is read; nothing is kept in Reflex's upload folder.
        """
        self.uploading = True
        yield
        try:
            data = await read_one_upload(
                files, max_bytes=course_media.THUMBNAIL_MAX_BYTES, noun="picture"
            )
            self.thumbnail_url = await call_service(
                course_media.set_course_thumbnail,
                actor=await current_actor(self),
                course_id=self.course_id,
                data=data,
            )
            outcome = rx.toast.success("Thumbnail saved.")
        except Exception as exc:
            outcome = error_toast(exc)
        self.uploading, self.upload_percent = False, 0
        yield [rx.clear_selected_files(THUMBNAIL_UPLOAD_ID), outcome]


def _known_index(index: object, lines: list[str]) -> bool:
    return isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(lines)
