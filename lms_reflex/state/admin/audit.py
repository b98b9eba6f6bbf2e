"""The admin audit trail page: pages of admin actions, newest first."""

from __future__ import annotations

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.actor import Actor
from lms_reflex.services.admin.audit_trail import AuditRow, list_admin_events
from lms_reflex.services.admin.listing import Page
from lms_reflex.state.admin.listing import AdminListState

PAGE_SIZE = 25


class AdminAuditState(AdminListState, rx.State):
    """One page of the trail."""

    rows: list[AuditRow] = []

    @rx.event
    async def load(self):
        """The newest admin actions."""
        return await self._first_page(routes.ADMIN_AUDIT)

    async def _fetch(self, actor: Actor | None) -> Page[AuditRow]:
        return await call_service(
            list_admin_events,
            readonly=True,
            actor=actor,
            page=self.page_number,
            page_size=PAGE_SIZE,
        )
