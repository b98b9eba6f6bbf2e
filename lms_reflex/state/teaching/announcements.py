"""The builder's announcements tab: write one to the course's students, see and delete past ones.

The course comes from the URL (`/teach/courses/[id]/announcements`) and every call goes to
`services/teaching/announcements.py`, which checks the course's staff rule each time. The
mails are sent after the reply, one after another in one background task, so a course of
thousands holds neither the event loop nor the worker threads (docs/architecture.md,
"Course announcements").
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.mail import Mail, send_mail
from lms_reflex.services.errors import DomainError, NotSignedIn, Throttled
from lms_reflex.services.teaching import announcements as service
from lms_reflex.services.teaching.announcements import BODY_MAX, TITLE_MAX, SentAnnouncement
from lms_reflex.services.validation import parse_id
from lms_reflex.state.form_errors import FieldErrors
from lms_reflex.state.session import actor_or_login, current_actor
from lms_reflex.state.util import error_toast, field, route_param

FORM_FIELDS = ("title", "body")
_batches: set[asyncio.Task[None]] = set()  # strong references until each batch is sent


def _send_all(mails: tuple[Mail, ...]) -> None:
    for mail in mails:
        send_mail(mail)  # a failure is logged there and the next student still gets theirs


async def _send_batch(mails: tuple[Mail, ...]) -> None:
    await asyncio.sleep(0)  # let the handler hand its reply to the framework first
    await asyncio.to_thread(_send_all, mails)


def send_batch_after_reply(mails: tuple[Mail, ...]) -> None:
    """Send a batch of mails in one worker thread, in order, without the handler waiting."""
    if not mails:
        return
    task = asyncio.get_running_loop().create_task(_send_batch(mails))
    _batches.add(task)
    task.add_done_callback(_batches.discard)


async def batches_sent() -> None:
    """Wait until every batch handed to `send_batch_after_reply` went out (for tests)."""
    while _batches:
        await asyncio.gather(*list(_batches), return_exceptions=True)


class AnnouncementsEditorState(FieldErrors, rx.State):
    """One course's announcements as its staff sees them."""

    course_number: int = 0
    course_title: str = ""
    course_slug: str = ""
    audience: int = 0
    items: list[SentAnnouncement] = []
    problem: str = ""
    loaded: bool = False
    busy: bool = False
    delete_open: bool = False
    delete_target: int = 0
    delete_title: str = ""

    async def _refresh(self, actor: Any) -> None:
        page = await call_service(
            service.announcements_page, readonly=True, actor=actor, course_id=self.course_number
        )
        self.course_title, self.course_slug = page.course_title, page.course_slug
        self.audience, self.items = page.audience, page.items

    @rx.event
    async def load(self):
        """The course in the URL, if the visitor is its staff; otherwise why not."""
        self.course_number = parse_id(route_param(self, "id"))
        self.loaded, self.problem, self.delete_open = False, "", False
        self._clear_field_errors()
        here = routes.course_announcements_url(self.course_number)
        actor, go_login = await actor_or_login(self, here)
        if actor is None:
            return go_login
        try:
            await self._refresh(actor)
        except DomainError as exc:
            self.items, self.course_title, self.problem = [], "", exc.message
        self.loaded = True
        return None

    @rx.event
    async def post(self, form: dict[str, Any]):
        """Store the announcement, then mail it after the reply; refusals sit by their field."""
        actor = await current_actor(self)
        if actor is None:
            yield error_toast(NotSignedIn())
            return
        self._clear_field_errors()
        self.busy = True
        yield
        try:
            posted = await call_service(
                service.post_announcement,
                actor=actor,
                course_id=self.course_number,
                title=field(form, "title", TITLE_MAX + 100),
                body=field(form, "body", BODY_MAX + 100),
            )
        except Exception as exc:
            self.busy = False
            yield self._refusal(exc)
            return
        send_batch_after_reply(posted.mails)
        await self._refresh(actor)
        self.busy = False
        yield [
            rx.set_value("field-title", ""),
            rx.set_value("field-body", ""),
            rx.toast.success(f"Announcement posted; mailing {len(posted.mails)} students."),
        ]

    def _refusal(self, exc: Exception) -> rx.event.EventSpec:
        """The rate limit is told under the Post button; bad input under its field."""
        if isinstance(exc, Throttled):
            return self._field_error("post", exc.message)
        return self._refuse(exc, FORM_FIELDS)

    @rx.event
    def ask_delete(self, announcement_id: int):
        """Open the confirmation for an announcement on screen (display only)."""
        found = next((a for a in self.items if a.id == announcement_id), None)
        if found is None:
            return
        self.delete_target, self.delete_title, self.delete_open = found.id, found.title, True

    @rx.event
    def set_delete_open(self, value: bool):
        """Closing the confirmation deletes nothing."""
        self.delete_open = value is True and self.delete_open

    @rx.event
    async def confirm_delete(self):
        """Delete the announcement the dialog names; the service checks the staff rule again."""
        actor = await current_actor(self)
        if actor is None:
            return error_toast(NotSignedIn())
        try:
            title = await call_service(
                service.delete_announcement, actor=actor, announcement_id=self.delete_target
            )
            await self._refresh(actor)
        except DomainError as exc:
            self.delete_open = False
            return error_toast(exc)
        self.delete_open = False
        return rx.toast.success(f"Deleted \u201c{title}\u201d.")
