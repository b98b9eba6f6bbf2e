"""Buying from the course page and the course cards: Buy now, Add to cart, the heart.

The course id comes from the browser (a card names its course); the payments services
check the user, the course and its price on every call (docs/security.md case 55).
"""

from __future__ import annotations

import json

import reflex as rx

from lms_reflex import routes
from lms_reflex.db import call_service
from lms_reflex.services.errors import DomainError
from lms_reflex.services.payments import cart, checkout
from lms_reflex.services.payments.providers import available_providers
from lms_reflex.services.validation import parse_id
from lms_reflex.state.session import current_actor
from lms_reflex.state.util import error_toast, send_after_reply


def go_to(url: str) -> rx.event.EventSpec:
    """Leave for `url` (Stripe's page or ours) with a full page load."""
    return rx.call_script(f"window.location.assign({json.dumps(url)})")


class ShopState(rx.State):
    """No vars of its own: each handler acts and answers with a toast or a redirect."""

    busy: bool = False

    @rx.event
    async def add_to_cart(self, course_id: int):
        """Put the course in the caller's cart."""
        try:
            actor = await current_actor(self)
            if actor is None:
                return rx.redirect(routes.login_url(routes.CART))
            title = await call_service(cart.add_to_cart, actor=actor, course_id=parse_id(course_id))
        except DomainError as exc:
            return error_toast(exc)
        return rx.toast.success(f"{title} is in your cart.")

    @rx.event
    async def buy_now(self, course_id: int):
        """Check out this one course with the first way of paying that is on."""
        self.busy = True
        yield
        try:
            actor = await current_actor(self)
            if actor is None:
                yield rx.redirect(routes.login_url(routes.CART))
                return
            result = await call_service(
                checkout.checkout,
                actor=actor,
                provider=available_providers()[0],
                course_id=parse_id(course_id),
            )
        except DomainError as exc:
            yield error_toast(exc)
            return
        finally:
            self.busy = False
        send_after_reply(*result.mails)
        yield go_to(result.redirect_url)

    @rx.event
    async def toggle_wishlist(self, course_id: int):
        """Save the course for later, or forget it."""
        try:
            actor = await current_actor(self)
            if actor is None:
                return rx.redirect(routes.login_url(routes.WISHLIST))
            saved = await call_service(
                cart.toggle_wishlist, actor=actor, course_id=parse_id(course_id)
            )
        except DomainError as exc:
            return error_toast(exc)
        return rx.toast.success(
            "Saved to your wishlist." if saved else "Removed from your wishlist."
        )
