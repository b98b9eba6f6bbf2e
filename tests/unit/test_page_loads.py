"""Every page refreshes the top bar in its first on_load event, and the busiest send one.

A page's on_load events run one after another, each a websocket round trip; the home,
search, course and lesson pages fold the top bar into their own load (`with_top_bar`).
A page that did neither would show the previous user's name after a sign-out elsewhere.
"""

from __future__ import annotations

import inspect

import pytest

from lms_reflex import routes
from lms_reflex.lms_reflex import app
from lms_reflex.state.session import SessionState

BUSIEST = {routes.HOME: 1, routes.SEARCH: 1, routes.COURSE: 1, routes.LEARN: 1}


def load_events(route: str) -> list:
    return list(app.get_load_events(route))  # type: ignore[arg-type]


def refreshes_top_bar(handler) -> bool:
    if handler is SessionState.load:
        return True
    source = inspect.getsource(handler.fn)
    return "with_top_bar(" in source or "top_bar=True" in source


@pytest.mark.parametrize("route", sorted(app._unevaluated_pages))
def test_the_first_load_event_refreshes_the_top_bar(route: str) -> None:
    events = load_events(route)
    assert events, route
    assert refreshes_top_bar(events[0]), route
    assert SessionState.load not in events[1:], route


@pytest.mark.parametrize(("route", "count"), sorted(BUSIEST.items()))
def test_the_busiest_pages_send_one_event_fewer(route: str, count: int) -> None:
    events = load_events(route)
    assert len(events) == count
    assert SessionState.load not in events
