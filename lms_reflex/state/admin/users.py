"""The admin user list: search, pages, roles, instructor requests, status and hand enrollments.

Every handler names the user by id (from the browser, so untrusted); the services check
that the caller is an admin and that the id exists, on every call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_hashing_service, call_service
from lms_reflex.services.actor import Actor, require_admin
from lms_reflex.services.admin import enrollments as admin_enrollments
from lms_reflex.services.admin import moderation as admin_moderation
from lms_reflex.services.admin import user_changes
from lms_reflex.services.admin import users as admin_users
from lms_reflex.services.admin.listing import Page
from lms_reflex.services.admin.moderation import CourseChoice, UserEnrollment
from lms_reflex.services.admin.users import AdminUserRow
from lms_reflex.services.errors import DomainError
from lms_reflex.services.validation import parse_id
from lms_reflex.state.admin.listing import AdminListState, one_of
from lms_reflex.state.form_errors import focus_field
from lms_reflex.state.session import client_ip, current_actor
from lms_reflex.state.util import MAIL_FAILED, error_toast, field, send_mail_off_loop

PAGE_SIZE = 25
ROLES = ("student", "instructor", "admin")
ASKS_TO_TEACH = "asks_to_teach"  # a pseudo-role in the filter: pending requests to teach


class AdminUsersState(AdminListState, rx.State):
    """One page of users, and the enrollments of the user picked for hand enrollment."""

    rows: list[AdminUserRow] = []
    query: str = ""
    role_filter: str = ""
    picked_user: int = 0
    picked_name: str = ""
    picked_enrollments: list[UserEnrollment] = []
    course_choices: list[CourseChoice] = []
    # The change waiting for the admin's confirmation (issue 17): "role" or "deactivate".
    pending_kind: str = ""
    pending_user: int = 0
    pending_name: str = ""
    pending_role: str = ""
    pending_effect: str = ""
    needs_proof: bool = False
    confirm_open: bool = False
    proof_error: str = ""

    @rx.event
    async def load(self):
        """First page of everyone, newest first."""
        return await self._first_page(routes.ADMIN_USERS)

    def _clear_filters(self) -> None:
        self.query, self.role_filter = "", ""
        self.picked_user, self.picked_name, self.picked_enrollments = 0, "", []

    @rx.event
    async def search(self, form: dict):
        """Filter by text in the name or email, and by role."""
        self.query = field(form, "q", 200)
        self.role_filter = one_of(field(form, "role", 20), (*ROLES, ASKS_TO_TEACH))
        self.page_number = 1
        return await self._refresh()

    @rx.event
    async def change_role(self, user_id: int, role: str):
        """Make a user a student, an instructor or an admin (never the last admin away)."""
        return await self._act(admin_users.change_role, "Role changed.", user_id, role=role)

    @rx.event
    async def ask_role(self, user_id: int, role: str):
        """Open the confirmation for a role change, naming the user and the effect."""
        return await self._ask(
            "role", user_changes.role_change_preview, user_id=parse_id(user_id), role=role
        )

    @rx.event
    async def ask_deactivate(self, user_id: int):
        """Open the confirmation for a deactivation, with the sessions it ends."""
        return await self._ask(
            "deactivate", user_changes.deactivation_preview, user_id=parse_id(user_id)
        )

    @rx.event
    def close_confirm(self, open: bool):
        """Cancel or Escape: forget the pending change; nothing was changed."""
        if open is False:
            self.confirm_open, self.pending_kind, self.proof_error = False, "", ""

    @rx.event
    async def confirm_pending(self, form: dict):
        """Do the confirmed change; the service checks the admin (and password) again."""
        kind, user_id = self.pending_kind, self.pending_user
        try:
            actor = require_admin(await current_actor(self))  # also when nothing is pending
            if kind == "deactivate":
                await call_service(admin_users.deactivate_user, actor=actor, user_id=user_id)
            elif kind == "role" and self.needs_proof:
                await call_hashing_service(
                    user_changes.promote_to_admin,
                    actor=actor,
                    user_id=user_id,
                    password=field(form, "password", 200),
                    ip=client_ip(self),
                )
            elif kind == "role":
                await call_service(
                    admin_users.change_role,
                    actor=actor,
                    user_id=user_id,
                    role=self.pending_role,
                )
            else:
                return None
        except DomainError as exc:
            if self.needs_proof and kind:  # the wrong password, or "try again in N seconds"
                self.proof_error = exc.message
                return focus_field("password", prefix="promote-")
            return error_toast(exc)
        return self._confirmed(kind, user_id)

    def _confirmed(self, kind: str, user_id: int):
        name = self.pending_name
        self.confirm_open, self.pending_kind, self.proof_error = False, "", ""
        refresh = AdminUsersState.go_to_page(self.page_number)
        if kind != "deactivate":
            return [rx.toast.success(f"Role of {name}: {self.pending_role}."), refresh]
        undo = rx.toast.success(
            f"{name} is deactivated.",
            duration=8000,
            action={"label": "Undo", "on_click": AdminUsersState.set_active(user_id, True)},
        )
        return [undo, refresh]

    async def _ask(self, kind: str, preview: Callable[..., Any], **kwargs: Any):
        try:
            found = await call_service(
                preview, readonly=True, actor=await current_actor(self), **kwargs
            )
        except DomainError as exc:
            return [error_toast(exc), AdminUsersState.go_to_page(self.page_number)]
        self.pending_kind, self.pending_user, self.pending_name = kind, found.user_id, found.name
        self.pending_role, self.pending_effect = found.role, found.effect
        self.needs_proof, self.proof_error = found.needs_password, ""
        self.confirm_open = True
        return None

    @rx.event
    async def approve(self, user_id: int):
        """Grant a request to teach and mail the user."""
        async for update in self._act_and_mail(
            admin_users.approve_instructor_request, "Request approved; the user was told.", user_id
        ):
            yield update

    @rx.event
    async def reject(self, form: dict):
        """Turn down a request to teach, with an optional reason, and mail the user."""
        async for update in self._act_and_mail(
            admin_users.reject_instructor_request,
            "Request turned down; the user was told.",
            parse_id(field(form, "user_id", 12)),
            reason=field(form, "reason", 1100),
        ):
            yield update

    @rx.event
    async def set_active(self, user_id: int, active: bool):
        """Deactivate (ending every session at once) or reactivate an account."""
        if not isinstance(active, bool):
            return rx.toast.error("Please choose deactivate or reactivate.")
        if active:
            return await self._act(admin_users.reactivate_user, "Account reactivated.", user_id)
        return await self._act(admin_users.deactivate_user, "Account deactivated.", user_id)

    @rx.event
    async def resend(self, user_id: int):
        """Mail a fresh sign-up code to a user who has not verified their email."""
        async for update in self._act_and_mail(
            admin_users.resend_verification, "A new code was sent.", user_id
        ):
            yield update

    @rx.event
    async def pick(self, user_id: int):
        """Show a user's enrollments and the courses they can be enrolled in."""
        try:
            actor = await current_actor(self)
            found = await call_service(
                admin_moderation.list_user_enrollments,
                readonly=True,
                actor=actor,
                user_id=parse_id(user_id),
            )
            choices = await call_service(
                admin_moderation.enrollable_courses, readonly=True, actor=actor
            )
        except DomainError as exc:
            return error_toast(exc)
        self.picked_user = parse_id(user_id)
        self.picked_name = next((r.name for r in self.rows if r.id == self.picked_user), "")
        self.picked_enrollments, self.course_choices = found, choices
        return None

    @rx.event
    async def enroll(self, form: dict):
        """Enroll the picked user in the chosen course (a bank transfer, a gift)."""
        try:
            result = await call_service(
                admin_enrollments.admin_enroll,
                actor=await current_actor(self),
                user_id=parse_id(field(form, "user_id", 12)),
                course_id=parse_id(field(form, "course_id", 12)),
            )
        except DomainError as exc:
            return error_toast(exc)
        done = "Enrolled in" if result.created else "Already enrolled in"
        return [
            AdminUsersState.pick(self.picked_user),
            rx.toast.success(f"{done} {result.course_title}."),
        ]

    @rx.event
    async def remove_enrollment(self, user_id: int, course_id: int):
        """Take a user out of a course (progress rows are kept)."""
        try:
            result = await call_service(
                admin_enrollments.admin_remove_enrollment,
                actor=await current_actor(self),
                user_id=parse_id(user_id),
                course_id=parse_id(course_id),
            )
        except DomainError as exc:
            return error_toast(exc)
        done = "Removed from" if result.removed else "Was not enrolled in"
        return [
            AdminUsersState.pick(self.picked_user),
            rx.toast.success(f"{done} {result.course_title}."),
        ]

    async def _act(self, fn: Callable[..., Any], message: str, user_id: object, **kwargs: Any):
        try:
            await call_service(
                fn, actor=await current_actor(self), user_id=parse_id(user_id), **kwargs
            )
        except DomainError as exc:
            return [error_toast(exc), AdminUsersState.go_to_page(self.page_number)]
        return [rx.toast.success(message), AdminUsersState.go_to_page(self.page_number)]

    async def _act_and_mail(
        self, fn: Callable[..., Any], message: str, user_id: object, **kwargs: Any
    ) -> AsyncIterator[Any]:
        """Act, answer the admin, then send the service's mail (the reply never waits on it)."""
        try:
            mail = await call_service(
                fn, actor=await current_actor(self), user_id=parse_id(user_id), **kwargs
            )
        except DomainError as exc:
            yield error_toast(exc)
            return
        if mail is None:
            yield rx.toast.info("Nothing to send: this user is verified or deactivated.")
            return
        yield [rx.toast.success(message), AdminUsersState.go_to_page(self.page_number)]
        if not await send_mail_off_loop(mail):
            yield rx.toast.error(MAIL_FAILED)

    async def _fetch(self, actor: Actor | None) -> Page[AdminUserRow]:
        return await call_service(
            admin_users.list_users,
            readonly=True,
            actor=actor,
            query=self.query,
            role=self.role_filter if self.role_filter in ROLES else None,
            asks_to_teach=self.role_filter == ASKS_TO_TEACH,
            page=self.page_number,
            page_size=PAGE_SIZE,
        )
