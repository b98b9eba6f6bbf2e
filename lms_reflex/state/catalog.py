"""Catalog pages: home listings, categories, search and the course page."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.mail import enrollment_mail
from lms_reflex.services import accounts, catalog, enrollment, reviews
from lms_reflex.services.actor import Actor
from lms_reflex.services.enrollment import EnrollmentStatus
from lms_reflex.services.errors import DomainError, NotFound
from lms_reflex.services.validation import parse_page
from lms_reflex.services.views import CategoryView, CourseCard, CourseDetail
from lms_reflex.state.session import current_actor, with_top_bar
from lms_reflex.state.util import error_toast, route_param, send_mail_off_loop


class HomeState(rx.State):
    """The home page listings."""

    newest: list[CourseCard] = []
    top_rated: list[CourseCard] = []
    popular: list[CourseCard] = []
    loaded: bool = False

    @rx.event
    async def load(self) -> None:
        """Fetch the newest and the best-rated published courses."""
        self.newest, self.top_rated, self.popular = await with_top_bar(
            self, lambda session, _actor: _home_listings(session=session)
        )
        self.loaded = True


def _home_listings(*, session: Session) -> tuple[list[CourseCard], ...]:
    """The three home lists in one transaction (one hop to a worker thread)."""
    lists: tuple[tuple[catalog.Order, int], ...] = (("newest", 8), ("top_rated", 4), ("popular", 4))
    return tuple(
        catalog.list_published_courses(session=session, order=order, limit=limit)
        for order, limit in lists
    )


class CategoryState(rx.State):
    """One category, its published courses (sorted, paged) and a few from elsewhere."""

    category: CategoryView | None = None
    courses: list[CourseCard] = []
    others: list[CourseCard] = []
    sort: str = "popular"
    page_number: int = 1
    pages: int = 1
    missing: bool = False

    @rx.event
    async def load(self) -> None:
        """Fetch the category named in the URL with ?sort= and ?page=."""
        slug = route_param(self, "slug")
        sort = route_param(self, "sort")
        self.sort = sort if sort in ("popular", "newest") else "popular"
        page = route_param(self, "page")
        try:
            found = await call_service(
                catalog.list_category_page,
                readonly=True,
                slug=slug,
                sort=self.sort,
                page=parse_page(page),
            )
        except NotFound:
            self.category, self.courses, self.others, self.missing = None, [], [], True
            return
        self.category, self.courses, self.others = found.category, found.courses, found.others
        self.page_number, self.pages, self.missing = found.page, found.pages, False

    @rx.event
    def change(self, sort: str | list[str], page: int = 1) -> rx.event.EventSpec:
        """Re-sort or page through the same category (the URL keeps the choice)."""
        sort = sort if sort in ("popular", "newest") else "popular"
        page = page if isinstance(page, int) and 0 < page < 10_000 else 1
        slug = self.category.slug if self.category else ""
        return rx.redirect(f"{routes.category_url(slug)}?sort={sort}&page={page}")


class CourseState(rx.State):
    """The course page and its enroll button."""

    course: CourseDetail | None = None
    status: EnrollmentStatus | None = None
    missing: bool = False
    busy: bool = False

    @rx.event
    async def load(self) -> None:
        """Fetch the course named in the URL (drafts only for their instructor and admins)."""
        slug = route_param(self, "slug")

        def work(session: Session, actor: Actor | None) -> tuple:
            course = catalog.get_course_detail(session=session, actor=actor, slug=slug)
            status = enrollment.enrollment_status(session=session, actor=actor, course_id=course.id)
            found, mine = reviews.course_page_reviews(
                session=session, actor=actor, course_id=course.id
            )
            return course, status, found, mine, actor

        # ReviewsState's module imports this one; the page's reviews are shown from here so
        # that the course page is one event (and one transaction) on its first paint.
        from lms_reflex.state.reviews import ReviewsState

        shown = await self.get_state(ReviewsState)
        try:
            self.course, self.status, found, mine, actor = await with_top_bar(self, work)
            self.missing, self.busy = False, False
        except NotFound:
            self.course, self.status, self.missing = None, None, True
            shown._show_first_page(None, None, None, None)
            return
        shown._show_first_page(found, mine, actor, self.course)

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
            if result.created and actor is not None:  # created means signed in
                email = await call_service(accounts.email_of, readonly=True, actor_id=actor.id)
                await send_mail_off_loop(
                    enrollment_mail(email, result.course_title, result.course_slug)
                )
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
        yield rx.toast.success(f"You are enrolled in {result.course_title}.")
