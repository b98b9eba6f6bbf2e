"""/admin/orders: find orders, mark bank transfers paid, refund orders or lines.

Marking paid and refunding ask first (components/confirm.py); the services check the admin
on every call (docs/security.md cases 72 and 73).
"""

from __future__ import annotations

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.actor import Actor
from lms_reflex.services.admin.listing import Page
from lms_reflex.services.errors import DomainError
from lms_reflex.services.payments import fulfilment, orders, refunds
from lms_reflex.services.payments.orders import ORDER_STATUSES, OrderView
from lms_reflex.services.validation import parse_id
from lms_reflex.state.admin.listing import AdminListState, one_of
from lms_reflex.state.session import current_actor
from lms_reflex.state.util import error_toast, field, send_after_reply


class AdminOrdersState(AdminListState, rx.State):
    """One page of orders and the action waiting for the admin's confirmation."""

    rows: list[OrderView] = []
    flagged: int = 0  # paid lines for courses their buyers already had (two tabs)
    query: str = ""
    status: str = ""
    # What the open confirm dialog will do: "paid", "cancel" or "refund", on which order and line
    # (line 0: the whole order). Re-checked by the service when confirmed.
    confirm_kind: str = ""
    confirm_order: int = 0
    confirm_line: int = 0
    confirm_text: str = ""

    @rx.event
    async def load(self):
        """The newest orders."""
        return await self._first_page(routes.ADMIN_ORDERS)

    def _clear_filters(self) -> None:
        self.query, self.status = "", ""

    async def _fetch(self, actor: Actor | None) -> Page[OrderView]:
        found = await call_service(
            orders.admin_orders,
            readonly=True,
            actor=actor,
            query=self.query,
            status=self.status,
            page=self.page_number,
        )
        self.flagged = await call_service(refunds.flagged_lines, readonly=True, actor=actor)
        return found

    @rx.event
    async def search(self, form: dict):
        """Search by reference, provider id or buyer email, and filter by status."""
        self.query = field(form, "q", 200)
        self.status = one_of(field(form, "status", 30), ORDER_STATUSES)
        self.page_number = 1
        return await self._refresh()

    @rx.event
    async def ask(self, kind: str, order_id: int, line_id: int):
        """Open the confirm dialog, its sentence built from the order as the server has it."""
        try:
            order = await call_service(
                orders.admin_order,
                readonly=True,
                actor=await current_actor(self),
                order_id=parse_id(order_id),
            )
        except DomainError as exc:
            return error_toast(exc)
        line = next((li for li in order.lines if li.id == parse_id(line_id)), None)
        self.confirm_order, self.confirm_line = order.id, line.id if line else 0
        if kind == "cancel":
            self.confirm_text = (
                f"Cancel {order.reference}? It can no longer be paid, "
                "and its coupon can be used again."
            )
        elif kind == "paid":
            self.confirm_text = (
                f"Mark {order.reference} ({order.total_label}) as paid? "
                "Its buyer is enrolled at once."
            )
        elif line is not None:
            self.confirm_text = (
                f"Refund {line.title} ({line.paid_label}) of {order.reference}? "
                "The student loses that course."
            )
        else:
            self.confirm_text = (
                f"Refund everything left in {order.reference}? The student loses those courses."
            )
        self.confirm_kind = kind if kind in ("paid", "cancel") else "refund"
        return None

    @rx.event
    def close_confirm(self, open: bool = False):
        """Cancel or Escape closes the dialog."""
        if not open:
            self.confirm_kind = ""

    @rx.event
    async def confirm(self):
        """Do what the dialog asked: mark a bank transfer paid, or refund."""
        kind, order_id, line_id = self.confirm_kind, self.confirm_order, self.confirm_line
        self.confirm_kind = ""
        try:
            actor = await current_actor(self)
            if kind == "paid":
                done = await call_service(
                    fulfilment.admin_mark_paid, actor=actor, order_id=order_id
                )
                send_after_reply(*done.mails)
                message = f"Order {done.reference} is paid and its buyer enrolled."
            elif kind == "cancel":
                reference = await call_service(
                    fulfilment.admin_cancel_order, actor=actor, order_id=order_id
                )
                message = f"Order {reference} is cancelled."
            elif kind == "refund":
                lines = [line_id] if line_id else None
                back = await call_service(
                    refunds.refund_order, actor=actor, order_id=order_id, line_ids=lines
                )
                send_after_reply(back.mail)
                message = f"Refunded {back.amount_label} of order {back.reference}."
            else:  # nothing was asked: show the list as the server has it
                return await self._refresh()
        except DomainError as exc:
            return error_toast(exc)
        return [rx.toast.success(message), AdminOrdersState.go_to_page(self.page_number)]
