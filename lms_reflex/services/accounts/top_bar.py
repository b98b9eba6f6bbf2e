"""The top bar's reads, alone or next to a page's own read in the same transaction.

The busiest pages (home, search, course, player) fold the top bar into their own load
event: a page's on_load events run one after another, each a round trip, so one event per
page view is cheaper. Their state hands a named page-view service to `page_with_top_bar`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session

from lms_reflex.services.accounts import profiles
from lms_reflex.services.actor import Actor
from lms_reflex.services.catalog import listings
from lms_reflex.services.errors import DomainError
from lms_reflex.services.views import CategoryView

T = TypeVar("T")


@dataclass(frozen=True)
class TopBar:
    """What the top bar shows; `categories` is None when the menu was not read again."""

    actor: Actor | None
    avatar_url: str
    categories: list[CategoryView] | None


def read_top_bar(*, session: Session, actor: Actor | None, with_menu: bool) -> TopBar:
    """The signed-in user's name and picture, and the category menu when it is due."""
    avatar = profiles.avatar_url_of(session=session, actor=actor) if actor else ""
    menu = listings.list_categories(session=session) if with_menu else None
    return TopBar(actor, avatar, menu)


def page_with_top_bar(
    *,
    session: Session,
    actor: Actor | None,
    with_menu: bool,
    read: Callable[..., T],
    args: dict[str, Any],
) -> tuple[TopBar, T | None, DomainError | None]:
    """The top bar, then `read(session=, actor=, **args)` (a page-view service).

    The top bar is read even when the page's read refuses (NotFound, NotSignedIn...):
    its error is returned, not raised, so the caller can show the bar and then the error.
    """
    bar = read_top_bar(session=session, actor=actor, with_menu=with_menu)
    try:
        return bar, read(session=session, actor=actor, **args), None
    except DomainError as exc:
        return bar, None, exc
