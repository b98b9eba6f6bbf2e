"""Admin catalog pages: categories (create, edit, reorder, delete) and course moderation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.actor import Actor
from lms_reflex.services.admin import catalog as admin_catalog
from lms_reflex.services.admin import moderation as admin_moderation
from lms_reflex.services.admin.catalog import AdminCourseRow
from lms_reflex.services.admin.listing import Page
from lms_reflex.services.admin.moderation import ModeratedReview
from lms_reflex.services.errors import DomainError, PermissionDenied
from lms_reflex.services.learning import reviews
from lms_reflex.services.teaching import course_moderation
from lms_reflex.services.validation import parse_id, parse_page
from lms_reflex.services.views import CategoryView
from lms_reflex.state.admin.listing import AdminListState, one_of
from lms_reflex.state.form_errors import FieldErrors
from lms_reflex.state.session import SessionState, actor_or_login, current_actor
from lms_reflex.state.util import MAIL_FAILED, error_toast, field, send_mail_off_loop

COURSE_PAGE_SIZE = 25
REVIEW_PAGE_SIZE = 10
STATUSES = ("draft", "published", "archived")


NEW_CATEGORY = "new-category-"  # the ids of the new-category form's inputs


class AdminCategoriesState(FieldErrors, rx.State):
    """Every category in the order the catalog shows them."""

    categories: list[CategoryView] = []
    denied: bool = False

    @rx.event
    async def load(self):
        """The categories, for admins only."""
        actor, go_login = await actor_or_login(self, routes.ADMIN_CATEGORIES)
        if actor is None:
            return go_login
        try:
            self.categories = await call_service(
                admin_moderation.categories_for_admin, readonly=True, actor=actor
            )
        except PermissionDenied as exc:
            self.denied, self.categories = True, []
            return error_toast(exc)
        self.denied = False
        # This tab's top-bar menu fetches the categories again on the next page.
        (await self.get_state(SessionState))._categories_at = 0.0
        return None

    @rx.event
    async def create(self, form: dict):
        """Add a category at the end of the list; a refused value is shown at its field."""
        self._clear_field_errors()
        try:
            await call_service(
                admin_catalog.create_category,
                actor=await current_actor(self),
                name=field(form, "name", 200),
                description=field(form, "description", 2100),
            )
        except DomainError as exc:
            return self._refuse(exc, ("name", "description"), prefix=NEW_CATEGORY)
        return [
            rx.toast.success("Category added."),
            AdminCategoriesState.load,
            rx.set_value(f"{NEW_CATEGORY}name", ""),
            rx.set_value(f"{NEW_CATEGORY}description", ""),
        ]

    @rx.event
    async def save(self, form: dict):
        """Rename and re-describe one category (each only when it changed)."""
        category_id = parse_id(field(form, "category_id", 12))
        old = next((c for c in self.categories if c.id == category_id), None)
        name, text = field(form, "name", 200), field(form, "description", 2100)
        try:
            actor = await current_actor(self)
            if old is None or name != old.name:
                await call_service(
                    admin_catalog.rename_category, actor=actor, category_id=category_id, name=name
                )
            if old is None or text != old.description:
                await call_service(
                    admin_catalog.describe_category,
                    actor=actor,
                    category_id=category_id,
                    description=text,
                )
        except DomainError as exc:
            return error_toast(exc)
        return [rx.toast.success("Category saved."), AdminCategoriesState.load]

    @rx.event
    async def move(self, category_id: int, step: int):
        """Move a category one place up (-1) or down (+1)."""
        ids = [c.id for c in self.categories]
        wanted = parse_id(category_id)
        if wanted in ids and step in (-1, 1):
            at = ids.index(wanted)
            other = at + step
            if 0 <= other < len(ids):
                ids[at], ids[other] = ids[other], ids[at]
        return await self._act(admin_catalog.reorder_categories, "Order saved.", category_ids=ids)

    @rx.event
    async def delete(self, category_id: int):
        """Delete an unused category; the refusal names the courses that use it."""
        return await self._act(
            admin_catalog.delete_category, "Category deleted.", category_id=parse_id(category_id)
        )

    async def _act(self, fn: Callable[..., Any], message: str, **kwargs: Any):
        try:
            await call_service(fn, actor=await current_actor(self), **kwargs)
        except DomainError as exc:
            return error_toast(exc)
        return [rx.toast.success(message), AdminCategoriesState.load]


class AdminCoursesState(AdminListState, rx.State):
    """Every course with status and owner, and the newest reviews for moderation."""

    rows: list[AdminCourseRow] = []
    query: str = ""
    status_filter: str = ""
    review_rows: list[ModeratedReview] = []
    review_page: int = 1
    review_pages: int = 1

    @rx.event
    async def load(self):
        """First page of courses and of reviews."""
        return await self._first_page(routes.ADMIN_COURSES)

    def _clear_filters(self) -> None:
        self.query, self.status_filter, self.review_page = "", "", 1

    @rx.event
    async def search(self, form: dict):
        """Filter courses by title and status."""
        self.query = field(form, "q", 200)
        self.status_filter = one_of(field(form, "status", 20), STATUSES)
        self.page_number = 1
        return await self._refresh()

    @rx.event
    async def reviews_page(self, page: int):
        """Another page of reviews."""
        self.review_page = parse_page(page)
        return await self._refresh()

    @rx.event
    async def moderate(self, form: dict):
        """Unpublish or archive a course with a reason that is mailed to its instructor."""
        action = field(form, "action", 20)
        fn = (
            admin_catalog.archive_course_with_reason
            if action == "archive"
            else admin_catalog.unpublish_course_with_reason
        )
        try:
            mail = await call_service(
                fn,
                actor=await current_actor(self),
                course_id=parse_id(field(form, "course_id", 12)),
                reason=field(form, "reason", 1100),
            )
        except DomainError as exc:
            yield error_toast(exc)
            return
        done = "Course archived" if action == "archive" else "Course unpublished"
        yield [  # the reply first; the mail after it
            rx.toast.success(f"{done}; the instructor was told why."),
            AdminCoursesState.go_to_page(self.page_number),
        ]
        if not await send_mail_off_loop(mail):
            yield rx.toast.error(MAIL_FAILED)

    @rx.event
    async def lift_moderation(self, course_id: int):
        """End an admin hold so the instructor may publish again; they are mailed after."""
        try:
            mail = await call_service(
                course_moderation.lift_moderation,
                actor=await current_actor(self),
                course_id=parse_id(course_id),
            )
        except DomainError as exc:
            yield error_toast(exc)
            return
        yield [
            rx.toast.success("Moderation lifted; the instructor may publish again."),
            AdminCoursesState.go_to_page(self.page_number),
        ]
        if not await send_mail_off_loop(mail):
            yield rx.toast.error(MAIL_FAILED)

    @rx.event
    async def set_review_hidden(self, review_id: int, hidden: bool):
        """Hide an abusive review from its course page, or show it again."""
        try:
            await call_service(
                reviews.hide_review,
                actor=await current_actor(self),
                review_id=parse_id(review_id),
                hidden=hidden,
            )
        except DomainError as exc:
            return error_toast(exc)
        message = "Review hidden." if hidden is True else "Review shown again."
        return [rx.toast.success(message), AdminCoursesState.reviews_page(self.review_page)]

    async def _fetch(self, actor: Actor | None) -> Page[AdminCourseRow]:
        """A page of courses; the newest reviews come along in the same refresh."""
        found = await call_service(
            admin_catalog.list_all_courses,
            readonly=True,
            actor=actor,
            query=self.query,
            status=self.status_filter or None,
            page=self.page_number,
            page_size=COURSE_PAGE_SIZE,
        )
        recent = await call_service(
            admin_moderation.list_recent_reviews,
            readonly=True,
            actor=actor,
            page=self.review_page,
            page_size=REVIEW_PAGE_SIZE,
        )
        self.review_rows = recent.rows
        self.review_page, self.review_pages = recent.page, recent.pages
        return found

    def _deny(self) -> None:
        self.denied, self.rows, self.review_rows = True, [], []
