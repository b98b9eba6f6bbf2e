"""The state side of the admin list scaffold: page vars, the pager and a guarded refresh.

The users, courses and audit lists keep the same vars (rows, total, page_number, pages,
denied); one mixin holds them, the pager event and the refresh that turns a refusal into
an empty, denied list, so the pager and the count stay in step on every list.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import reflex as rx

from lms_reflex.services.actor import Actor
from lms_reflex.services.admin.listing import Page
from lms_reflex.services.errors import DomainError, PermissionDenied
from lms_reflex.services.validation import parse_page
from lms_reflex.state.session import actor_or_login, current_actor
from lms_reflex.state.util import error_toast


def one_of(value: str, allowed: Iterable[str]) -> str:
    """The filter a search form picked, or "" (any) for a value the page never offers."""
    return value if value in tuple(allowed) else ""


class AdminListState(rx.State, mixin=True):
    """One page of an admin list; each list says how to fetch a page (`_fetch`)."""

    total: int = 0
    page_number: int = 1
    pages: int = 1
    denied: bool = False
    if TYPE_CHECKING:
        rows: list[Any]  # each list declares its own, typed for the page's foreach

    @rx.event
    async def go_to_page(self, page: int):
        """Another page of the same list (the service clamps the number)."""
        self.page_number = parse_page(page)
        return await self._refresh()

    async def _first_page(self, here: str):
        """The page's on_load: sign-in first, then the first page with no filters."""
        actor, go_login = await actor_or_login(self, here)
        if actor is None:
            return go_login
        self._clear_filters()
        self.page_number = 1
        return await self._refresh()

    def _clear_filters(self) -> None:
        """Lists with a search form reset it here."""

    async def _fetch(self, actor: Actor | None) -> Page[Any]:
        raise NotImplementedError

    def _deny(self) -> None:
        self.denied, self.rows = True, []

    async def _refresh(self):
        try:
            found = await self._fetch(await current_actor(self))
        except PermissionDenied as exc:
            self._deny()
            return error_toast(exc)
        except DomainError as exc:
            return error_toast(exc)
        self.denied = False
        self.rows, self.total = found.rows, found.total
        self.page_number, self.pages = found.page, found.pages
        return None
