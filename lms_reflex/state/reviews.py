"""Reviews on the course page: pages of reviews, and the student's own review form."""

from __future__ import annotations

import reflex as rx

from lms_reflex.db import call_service
from lms_reflex.services import reviews
from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import DomainError
from lms_reflex.services.reviews import MyReview, ReviewPage
from lms_reflex.services.validation import parse_id, parse_number
from lms_reflex.services.views import CourseDetail, ReviewView
from lms_reflex.state.catalog import CourseState
from lms_reflex.state.session import as_actor, current_actor
from lms_reflex.state.util import error_toast, field


class ReviewsState(rx.State):
    """The course on screen comes from CourseState (loaded by this tab), never from args."""

    items: list[ReviewView] = []
    page_number: int = 1
    pages: int = 1
    total: int = 0
    mine: MyReview | None = None
    is_instructor: bool = False  # shows reply forms; the service decides who may reply

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
            self._show_first_page(None, None, None, None)
            return
        actor, (found, mine) = await as_actor(
            self,
            lambda session, actor: (
                actor,
                reviews.course_page_reviews(session=session, actor=actor, course_id=course_id),
            ),
        )
        self._show_first_page(found, mine, actor, (await self.get_state(CourseState)).course)

    def _show_first_page(
        self,
        found: ReviewPage | None,
        mine: MyReview | None,
        actor: Actor | None,
        course: CourseDetail | None,
    ) -> None:
        """Show a course's first page of reviews (None: no course on screen)."""
        self.items = found.reviews if found else []
        self.total = found.total if found else 0
        self.page_number, self.pages = (found.page, found.pages) if found else (1, 1)
        self.mine = mine
        self.is_instructor = bool(actor and course and actor.id == course.instructor_id)

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
        rating = field(form, "rating", 2)
        values = {
            "rating": parse_number(rating),
            "body": field(form, "body", 2100),
        }
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
            return error_toast(exc)
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
