"""The course page: the course with its enroll button, and its reviews.

Both states live here because the course's first paint shows the first page of reviews in
the same event; one module keeps that without an import circle.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from lms_reflex.db import call_service
from lms_reflex.services.catalog import page_views
from lms_reflex.services.errors import DomainError, NotFound
from lms_reflex.services.learning import enrollment, reviews
from lms_reflex.services.learning.enrollment import EnrollmentStatus
from lms_reflex.services.learning.reviews import MyReview
from lms_reflex.services.validation import parse_id, parse_number
from lms_reflex.services.views import CourseDetail, ReviewView
from lms_reflex.state.form_errors import FieldErrors
from lms_reflex.state.session import as_actor, current_actor, with_top_bar
from lms_reflex.state.util import error_toast, field, route_param, send_after_reply

# Focus moves to the first error (issue 17): the first star of the review's rating picker.
FOCUS_FIRST_STAR = "document.getElementById('rating-star-1')?.focus()"


class CourseState(rx.State):
    """The course page and its enroll button."""

    course: CourseDetail | None = None
    status: EnrollmentStatus | None = None
    missing: bool = False
    busy: bool = False

    @rx.var
    def page_title(self) -> str:
        """The tab's title: the course once loaded (the site name is added by the page)."""
        return self.course.title if self.course else "Course"

    @rx.event
    async def load(self) -> None:
        """Fetch the course named in the URL (drafts only for their instructor and admins)."""
        slug = route_param(self, "slug")
        # The page's reviews are shown from here so that the course page is one event (and
        # one transaction) on its first paint.
        shown = await self.get_state(ReviewsState)
        try:
            found = await with_top_bar(self, page_views.course_view, slug=slug)
        except NotFound:
            self.course, self.status, self.missing = None, None, True
            _show_first_page(shown, None, None)
            return
        self.course, self.status = found.course, found.status
        self.missing, self.busy = False, False
        _show_first_page(shown, found.reviews, self.course)

    @rx.event
    async def enroll(self):
        """Enroll in the course on screen; repeated clicks all succeed with one enrollment.

        The course is the one this tab loaded (no id comes from the browser); the service
        checks the user, the course and the price again.
        """
        course_id = self.course.id if self.course is not None else 0
        self.busy = True
        yield
        try:
            actor = await current_actor(self)
            result = await call_service(enrollment.enroll_student, actor=actor, course_id=course_id)
            send_after_reply(result.mail)
            self.status = await call_service(
                enrollment.enrollment_status,
                readonly=True,
                actor=actor,
                course_id=course_id,
            )
        except DomainError as exc:
            yield error_toast(exc)
            return
        finally:
            self.busy = False
        if result.created and self.course is not None:  # the count on screen, at once
            count = self.course.student_count + 1
            self.course = dataclasses.replace(self.course, student_count=count)
        yield rx.toast.success(f"You are enrolled in {result.course_title}.")


class ReviewsState(FieldErrors, rx.State):
    """The course on screen comes from CourseState (loaded by this tab), never from args."""

    items: list[ReviewView] = []
    page_number: int = 1
    pages: int = 1
    total: int = 0
    mine: MyReview | None = None
    is_instructor: bool = False  # shows reply forms; the service decides who may reply
    rating_error: str = ""  # shown under the star picker (components/star_rating.py)

    async def _course_id(self) -> int:
        course = (await self.get_state(CourseState)).course
        return course.id if course is not None else 0

    @rx.event
    async def load(self) -> None:
        """First page of reviews and the visitor's own review, if any (after a change).

        The course page's first paint gets them from CourseState.load, in its own event.
        """
        course_id = await self._course_id()
        if not course_id:
            _show_first_page(self, None, None)
            return
        found = await as_actor(self, page_views.reviews_view, course_id=course_id)
        _show_first_page(self, found, (await self.get_state(CourseState)).course)

    @rx.event
    async def more(self):
        """Append the next page (newest first)."""
        course_id = await self._course_id()
        try:
            found = await call_service(
                reviews.list_reviews,
                readonly=True,
                actor=await current_actor(self),
                course_id=course_id,
                page=self.page_number + 1,
            )
        except DomainError as exc:
            return error_toast(exc)
        self.items = self.items + found.reviews
        self.page_number, self.pages = found.page, found.pages
        return None

    @rx.event
    async def save(self, form: dict):
        """Write or edit the visitor's review; the service checks enrollment and values."""
        self._clear_field_errors()
        rating = parse_number(field(form, "rating", 2))
        if rating is None or not 1 <= rating <= 5:  # no default: the student must choose
            self.rating_error = reviews.RATING_REFUSED
            return rx.call_script(FOCUS_FIRST_STAR)
        self.rating_error = ""
        values = {"rating": rating, "body": field(form, "body", 2100)}
        try:
            actor = await current_actor(self)
            if self.mine is None:
                await call_service(
                    reviews.write_review, actor=actor, course_id=await self._course_id(), **values
                )
            else:
                await call_service(
                    reviews.edit_review, actor=actor, review_id=self.mine.id, **values
                )
        except DomainError as exc:
            return self._refuse(exc, ("body",))
        return [CourseState.load, rx.toast.success("Your review is saved.")]

    @rx.event
    async def delete(self):
        """Remove the visitor's own review (the service checks it is theirs)."""
        review_id = self.mine.id if self.mine is not None else 0
        try:
            await call_service(
                reviews.delete_review, actor=await current_actor(self), review_id=review_id
            )
        except DomainError as exc:
            return error_toast(exc)
        return [CourseState.load, rx.toast.success("Your review is deleted.")]

    @rx.event
    async def reply(self, form: dict):
        """The course's instructor answers a review once (the service checks both)."""
        review_id = field(form, "review_id", 12)
        try:
            await call_service(
                reviews.reply_to_review,
                actor=await current_actor(self),
                review_id=parse_id(review_id),
                body=field(form, "reply", 2100),
            )
        except DomainError as exc:
            return error_toast(exc)
        return [ReviewsState.load, rx.toast.success("Your reply is posted.")]


def _show_first_page(
    shown: ReviewsState, found: page_views.ReviewsView | None, course: CourseDetail | None
) -> None:
    """Show a course's first page of reviews (None: no course on screen).

    A function of this module rather than a method: a public method of a state would be an
    event handler, and both states of the course page use it.
    """
    page = found.found if found else None
    shown.items = page.reviews if page else []
    shown.total = page.total if page else 0
    shown.page_number, shown.pages = (page.page, page.pages) if page else (1, 1)
    shown.mine = found.mine if found else None
    viewer = found.viewer_id if found else None
    shown.is_instructor = bool(viewer and course and viewer == course.instructor_id)
    shown.rating_error = ""
