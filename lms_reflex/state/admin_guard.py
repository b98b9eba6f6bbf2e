"""Helpers shared by the admin states: who may see the page, and ids from the browser.

They only shape what the page shows; the services refuse every non-admin on every call.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from lms_reflex import routes
from lms_reflex.services.actor import Actor
from lms_reflex.state.session import current_actor

NOT_AN_ADMIN = "This page is for administrators."


async def actor_or_login(state: rx.State, here: str) -> tuple[Actor | None, Any]:
    """The signed-in user, or a redirect to the sign-in page that comes back `here`."""
    actor = await current_actor(state)
    return actor, (None if actor else rx.redirect(routes.login_url(here)))
