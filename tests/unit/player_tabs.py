"""A player tab for tests that drive `PlayerState`'s real handlers without a browser."""

from __future__ import annotations

import reflex as rx

import lms_reflex.lms_reflex  # noqa: F401  (registers every page and state)
from lms_reflex.services.accounts import sessions
from lms_reflex.state.learning.player import PlayerState


def player_tab(slug: str, lesson_id: int | None, token: str | None) -> PlayerState:
    """A tab on the lesson's page; its websocket handshake carried the session cookie, if any."""
    root = rx.State(_reflex_internal_init=True)
    cookie = {"cookie": f"{sessions.cookie_name()}={token}"} if token else {}
    data = {
        "token": "tab",
        "pathname": "/learn/[course_slug]/[lesson]",
        "query": {"course_slug": slug, "lesson": str(lesson_id)},
        "headers": cookie,
    }
    root.router_data = root._update_router_vars(data, {})
    return root.get_substate(PlayerState.get_full_name().split("."))  # type: ignore[return-value]
