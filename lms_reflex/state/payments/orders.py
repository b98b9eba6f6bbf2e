"""An order's page (it waits for Stripe's webhook), My purchases, and the wishlist page."""

from __future__ import annotations

import asyncio

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.errors import DomainError, NotFound, NotSignedIn
from lms_reflex.services.payments import cart, orders
from lms_reflex.services.payments.cart import CartLine
from lms_reflex.services.payments.orders import OrderView
from lms_reflex.services.validation import parse_id
from lms_reflex.state.session import actor_or_login, current_actor
from lms_reflex.state.util import error_toast, route_param

POLL_EVERY_S = 1.5
POLL_FOR_S = 120


class OrderState(rx.State):
    """The caller's own order named in the URL; the service hides everyone else's."""

    order: OrderView | None = None
    missing: bool = False
    _polling: bool = False

    @rx.var
    def waiting(self) -> bool:
        """A card payment whose webhook has not arrived yet ("Confirming your payment…")."""
        order = self.order
        return order is not None and order.provider == "stripe" and order.status == "pending"

    async def _fetch(self) -> OrderView | None:
        try:
            return await call_service(
                orders.order_page,
                readonly=True,
                actor=await current_actor(self, touch=False),
                reference=route_param(self, "reference"),
            )
        except (NotFound, NotSignedIn):
            return None

    @rx.event
    async def load(self):
        """The order, then (for a card payment still pending) wait for the webhook."""
        here = routes.order_url(route_param(self, "reference"))
        actor, go_login = await actor_or_login(self, here)
        if actor is None:
            return go_login
        self.order = await self._fetch()
        self.missing = self.order is None
        return OrderState.wait_for_payment if self.waiting else None

    @rx.event(background=True)
    async def wait_for_payment(self):
        """Re-read the order until the webhook marked it paid (one poller per tab)."""
        if await current_actor(self, touch=False) is None:
            yield rx.toast.error(NotSignedIn().message)
            return
        async with self:
            if self._polling:
                return
            self._polling = True
        try:  # the poller ends with the tab's order paid, failed, or after POLL_FOR_S
            for _ in range(int(POLL_FOR_S / POLL_EVERY_S)):
                await asyncio.sleep(POLL_EVERY_S)
                async with self:
                    self.order = await self._fetch()
                    if not self.waiting:
                        break
        finally:
            async with self:
                self._polling = False


class PurchasesState(rx.State):
    """My purchases: the caller's orders, newest first."""

    purchases: list[OrderView] = []

    @rx.event
    async def load(self):
        """The caller's orders."""
        actor, go_login = await actor_or_login(self, routes.PURCHASES)
        if actor is None:
            return go_login
        try:
            self.purchases = list(
                await call_service(orders.my_purchases, readonly=True, actor=actor)
            )
        except DomainError as exc:
            return error_toast(exc)
        return None


class WishlistState(rx.State):
    """The caller's saved courses."""

    saved: list[CartLine] = []

    @rx.event
    async def load(self):
        """The caller's wishlist."""
        actor, go_login = await actor_or_login(self, routes.WISHLIST)
        if actor is None:
            return go_login
        return await self._show()

    async def _show(self):
        try:
            found = await call_service(
                cart.wishlist_view, readonly=True, actor=await current_actor(self)
            )
        except DomainError as exc:
            return error_toast(exc)
        self.saved = list(found)
        return None

    @rx.event
    async def remove(self, course_id: int):
        """Forget one saved course."""
        try:
            await call_service(
                cart.remove_from_wishlist,
                actor=await current_actor(self),
                course_id=parse_id(course_id),
            )
        except DomainError as exc:
            return error_toast(exc)
        return await self._show()
