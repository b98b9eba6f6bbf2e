"""The admin audit trail page: pages of admin actions, newest first."""

from __future__ import annotations

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.admin.audit_trail import AuditRow, list_admin_events
from lms_reflex.services.errors import DomainError, PermissionDenied
from lms_reflex.services.validation import parse_page
from lms_reflex.state.admin.listing import show_page
from lms_reflex.state.session import actor_or_login, current_actor
from lms_reflex.state.util import error_toast

PAGE_SIZE = 25


class AdminAuditState(rx.State):
    """One page of the trail."""

    rows: list[AuditRow] = []
    total: int = 0
    page_number: int = 1
    pages: int = 1
    denied: bool = False

    @rx.event
    async def load(self):
        """The newest admin actions."""
        actor, go_login = await actor_or_login(self, routes.ADMIN_AUDIT)
        if actor is None:
            return go_login
        self.page_number = 1
        return await self._refresh()

    @rx.event
    async def go_to_page(self, page: int):
        """Older or newer actions."""
        self.page_number = parse_page(page)
        return await self._refresh()

    async def _refresh(self):
        try:
            found = await call_service(
                list_admin_events,
                readonly=True,
                actor=await current_actor(self),
                page=self.page_number,
                page_size=PAGE_SIZE,
            )
        except PermissionDenied as exc:
            self.denied, self.rows = True, []
            return error_toast(exc)
        except DomainError as exc:
            return error_toast(exc)
        show_page(self, found)
        return None
