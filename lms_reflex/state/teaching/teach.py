"""The instructor's /teach list and a course's publish step.

Thin glue: who is calling comes from the session cookie on every event, and the builder
services decide (role AND ownership). The course a tab works on is the one its URL named
at load; a forged call can only name a course the service then refuses.
"""

from __future__ import annotations

import contextlib

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.errors import DomainError, NotSignedIn
from lms_reflex.services.teaching import (
    course_details,
    course_media,
    course_moderation,
    course_publishing,
)
from lms_reflex.services.teaching import course_list as teaching
from lms_reflex.services.teaching.course_list import TeachingCourse
from lms_reflex.services.teaching.course_publishing import ChecklistItem
from lms_reflex.services.validation import parse_id
from lms_reflex.state.form_errors import FieldErrors
from lms_reflex.state.session import current_actor
from lms_reflex.state.util import MAIL_FAILED, error_toast, field, route_param, send_mail_off_loop

STATUSES = ("all", "draft", "published", "archived")


def course_id_in_url(state: rx.State) -> int:
    """The [id] of a /teach/courses/[id]/... URL, or 0 when it is not a plain number."""
    return parse_id(route_param(state, "id").strip())


def sign_in_first(here: str) -> rx.event.EventSpec:
    """Anonymous visitors of a teaching page go to sign in and come back."""
    return rx.redirect(routes.login_url(here))


class TeachState(FieldErrors, rx.State):
    """The courses the signed-in instructor teaches, with their numbers."""

    courses: list[TeachingCourse] = []
    show: str = "all"
    refusal: str = ""
    loaded: bool = False
    creating: bool = False

    @rx.event
    async def load(self):
        """Instructors and admins see their courses; others a plain refusal.

        Only the tab's first visit shows the spinner. A revisit keeps the list on screen
        while it refreshes: hiding it would unmount a "New course" dialog the instructor
        already opened, and the title typed into it (the tab's state is reset whenever its
        session changes, so the list kept is always this user's).
        """
        actor = await current_actor(self)
        if actor is None:
            yield sign_in_first(routes.TEACH)
            return
        self.creating = False
        if not self.loaded:
            yield
        try:
            courses = await call_service(teaching.list_my_teaching, readonly=True, actor=actor)
            self.courses, self.refusal = courses, ""
        except DomainError as exc:
            self.courses, self.refusal = [], exc.message
        self.loaded = True

    @rx.event
    def set_show(self, value: str | list[str]) -> None:
        """Filter the list by status (display only)."""
        self.show = value if value in STATUSES else "all"

    @rx.var
    def shown_courses(self) -> list[TeachingCourse]:
        """The courses that match the status filter."""
        if self.show == "all":
            return self.courses
        return [c for c in self.courses if c.status == self.show]

    @rx.var
    def status_counts(self) -> dict[str, int]:
        """How many courses each filter shows."""
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for course in self.courses:
            counts[course.status] = counts.get(course.status, 0) + 1
        counts["all"] = len(self.courses)
        return counts

    @rx.event
    async def create_course(self, form: dict):
        """Start a draft with the typed title and open its details step."""
        self._clear_field_errors()
        self.creating = True
        yield
        try:
            course_id = await call_service(
                course_details.create_course,
                actor=await current_actor(self),
                title=field(form, "title", 400),
            )
        except Exception as exc:
            self.creating = False
            yield self._refuse(exc, ("title",))
            return
        self.creating = False
        yield rx.redirect(routes.course_edit_url(course_id))


class PublishState(rx.State):
    """A course's publish step: the checklist and the status buttons."""

    course_id: int = 0
    title: str = ""
    slug: str = ""
    status: str = ""
    checklist: list[ChecklistItem] = []
    refusal: str = ""
    loaded: bool = False
    busy: bool = False
    held: bool = False  # an admin took the course down and has not lifted it yet
    held_reason: str = ""
    review_asked: str = ""  # when the instructor last asked for a review ('' if never)
    review_error: str = ""

    @rx.var
    def ready(self) -> bool:
        """Whether every checklist item is done (the service checks again on publish)."""
        return bool(self.checklist) and all(item.done or item.warning for item in self.checklist)

    @rx.event
    async def load(self):
        """Show the course named in the URL if the caller may build it."""
        actor = await current_actor(self)
        course_id = course_id_in_url(self)
        if actor is None:
            yield sign_in_first(routes.course_publish_url(course_id) if course_id else routes.TEACH)
            return
        self.loaded, self.refusal, self.busy, self.course_id = False, "", False, course_id
        self.review_error = ""
        yield
        try:
            await self._refresh()
        except DomainError as exc:
            self.refusal = exc.message
        self.loaded = True

    async def _refresh(self) -> None:
        actor = await current_actor(self)
        course = await call_service(
            course_details.get_course_for_editing,
            readonly=True,
            actor=actor,
            course_id=self.course_id,
        )
        self.title, self.slug, self.status = course.title, course.slug, course.status
        self.checklist = await call_service(
            course_publishing.publish_checklist,
            readonly=True,
            actor=actor,
            course_id=self.course_id,
        )
        hold = await call_service(
            course_moderation.get_moderation, readonly=True, actor=actor, course_id=self.course_id
        )
        self.held, self.held_reason = hold.moderated, hold.reason
        self.review_asked = hold.review_requested_label

    async def _change(self, service, done: str):
        """Run one status change, reload what the page shows, and say what happened."""
        self.busy = True
        yield
        try:
            await call_service(service, actor=await current_actor(self), course_id=self.course_id)
            await self._refresh()
            outcome = rx.toast.success(done)
        except Exception as exc:
            outcome = error_toast(exc)
        self.busy = False
        yield outcome

    @rx.event
    async def publish(self):
        """Put the course in the catalog (refused until the checklist is complete)."""
        async for update in self._change(
            course_publishing.publish_course, "The course is published."
        ):
            yield update

    @rx.event
    async def unpublish(self):
        """Back to draft: out of the catalog; enrolled students keep access."""
        async for update in self._change(
            course_publishing.unpublish_course,
            "The course is a draft again. Enrolled students keep access.",
        ):
            yield update

    @rx.event
    async def archive(self):
        """Hide the course from the catalog for good; enrolled students keep access."""
        async for update in self._change(
            course_publishing.archive_course, "The course is archived."
        ):
            yield update

    @rx.event
    async def ask_for_review(self, form: dict):
        """Ask the admins to review a course they took down; they are mailed after the reply."""
        self.review_error = ""
        try:
            mails = await call_service(
                course_moderation.request_review,
                actor=await current_actor(self),
                course_id=self.course_id,
                message=field(form, "message", 1100),
            )
        except NotSignedIn:
            here = routes.course_publish_url(self.course_id) if self.course_id else routes.TEACH
            yield sign_in_first(here)
            return
        except DomainError as exc:
            self.review_error = exc.message  # shown under the message field
            return
        with contextlib.suppress(DomainError):  # the request stands even if this fails
            await self._refresh()  # shows when they asked
        yield rx.toast.success("Your request was sent to the administrators.")
        sent = [await send_mail_off_loop(mail) for mail in mails]
        if not all(sent):
            yield rx.toast.error(MAIL_FAILED)

    @rx.event
    async def delete_course(self):
        """Delete the course and its files (the service refuses published or joined courses)."""
        self.busy = True
        yield
        try:
            await call_service(
                course_media.delete_course,
                actor=await current_actor(self),
                course_id=self.course_id,
            )
        except Exception as exc:
            self.busy = False
            yield error_toast(exc)
            return
        self.busy = False
        yield [rx.redirect(routes.TEACH), rx.toast.success(f"{self.title} is deleted.")]
