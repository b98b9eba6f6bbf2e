"""/admin/certificates: find a certificate and revoke it with a reason (issue 18)."""

from __future__ import annotations

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.actor import Actor
from lms_reflex.services.admin.listing import Page
from lms_reflex.services.certificates import admin as certificates
from lms_reflex.services.certificates.views import AdminCertificate
from lms_reflex.services.errors import DomainError
from lms_reflex.state.admin.listing import AdminListState
from lms_reflex.state.session import client_ip, current_actor
from lms_reflex.state.util import MAIL_FAILED, error_toast, field, send_mail_off_loop


class AdminCertificatesState(AdminListState, rx.State):
    """Every certificate, newest first, searchable by code, holder or course."""

    rows: list[AdminCertificate] = []
    query: str = ""

    @rx.event
    async def load(self):
        """The first page, no search."""
        return await self._first_page(routes.ADMIN_CERTIFICATES)

    def _clear_filters(self) -> None:
        self.query = ""

    async def _fetch(self, actor: Actor | None) -> Page[AdminCertificate]:
        return await call_service(
            certificates.list_certificates,
            readonly=True,
            actor=actor,
            query=self.query,
            page=self.page_number,
        )

    @rx.event
    async def search(self, form: dict):
        """Find certificates by code (dashes optional), holder name or course title."""
        self.query = field(form, "q", 200)
        self.page_number = 1
        return await self._refresh()

    @rx.event
    async def revoke(self, form: dict):
        """Revoke after the confirm dialog; audited by the service, the holder mailed after."""
        try:
            mail = await call_service(
                certificates.revoke_certificate,
                actor=await current_actor(self),
                code=field(form, "number", 40),
                reason=field(form, "reason", 600),
                ip=client_ip(self),
            )
        except DomainError as exc:
            yield error_toast(exc)
            return
        yield [  # the reply first; the mail after it
            rx.toast.success("Certificate revoked; the holder was told why."),
            AdminCertificatesState.go_to_page(self.page_number),
        ]
        if mail is not None and not await send_mail_off_loop(mail):
            yield rx.toast.error(MAIL_FAILED)
