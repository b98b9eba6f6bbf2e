"""The cart page: today's prices, a coupon, and checkout (Stripe or bank transfer)."""

from __future__ import annotations

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.errors import DomainError, InvalidInput
from lms_reflex.services.payments import cart, checkout
from lms_reflex.services.payments.cart import CartLine
from lms_reflex.services.validation import parse_id
from lms_reflex.state.payments.shop import go_to
from lms_reflex.state.session import actor_or_login, current_actor
from lms_reflex.state.util import error_toast, field, send_after_reply


class CartState(rx.State):
    """The lines on screen and the coupon the buyer applied (re-checked at checkout)."""

    lines: list[CartLine] = []
    total_label: str = ""
    notes: list[str] = []
    providers: list[str] = []
    coupon: str = ""
    coupon_error: str = ""
    discount_label: str = ""
    busy: bool = False

    @rx.event
    async def load(self):
        """The caller's cart, with owned or withdrawn courses swept out and noted."""
        actor, go_login = await actor_or_login(self, routes.CART)
        if actor is None:
            return go_login
        return await self._show()

    async def _show(self):
        try:
            view = await call_service(cart.cart_view, actor=await current_actor(self))
        except DomainError as exc:
            return error_toast(exc)
        self.lines, self.total_label = list(view.lines), view.total_label
        self.notes, self.providers = list(view.notes), list(view.providers)
        return None

    @rx.event
    async def remove(self, course_id: int):
        """Take one course out of the cart."""
        try:
            await call_service(
                cart.remove_from_cart,
                actor=await current_actor(self),
                course_id=parse_id(course_id),
            )
        except DomainError as exc:
            return error_toast(exc)
        self.coupon, self.discount_label = "", ""
        return await self._show()

    @rx.event
    async def apply_coupon(self, form: dict):
        """Price the cart with a coupon; the reason it does not apply goes under the field."""
        code = field(form, "coupon", 40)
        try:
            quote = await call_service(
                checkout.quote_cart, actor=await current_actor(self), coupon_code=code
            )
        except InvalidInput as exc:
            self.coupon, self.discount_label, self.coupon_error = "", "", exc.message
            return None
        except DomainError as exc:
            return error_toast(exc)
        self.coupon, self.coupon_error = quote.code, ""
        self.discount_label, self.total_label = quote.discount_label, quote.total_label
        return None

    @rx.event
    async def checkout(self, provider: str):
        """Create the order at today's prices and go to Stripe or to the bank details."""
        self.busy = True
        yield
        try:
            result = await call_service(
                checkout.checkout,
                actor=await current_actor(self),
                provider=provider,
                coupon_code=self.coupon,
            )
        except DomainError as exc:
            yield error_toast(exc)
            return
        finally:
            self.busy = False
        send_after_reply(*result.mails)
        yield go_to(result.redirect_url)
