"""The state side of the admin list scaffold: filters from the search form, a page into vars.

The users, courses and audit lists keep the same four vars (rows, total, page_number,
pages); filling them in one place keeps the pager and the count in step on every list.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from lms_reflex.services.admin.listing import Page


class ListVars(Protocol):
    """The vars an admin list state shows its page through."""

    rows: list[Any]
    total: int
    page_number: int
    pages: int
    denied: bool


def one_of(value: str, allowed: Iterable[str]) -> str:
    """The filter a search form picked, or "" (any) for a value the page never offers."""
    return value if value in tuple(allowed) else ""


def show_page(state: ListVars, found: Page[Any]) -> None:
    """Put one page of a list into the state's vars (the service clamped the page number)."""
    state.denied = False
    state.rows, state.total = found.rows, found.total
    state.page_number, state.pages = found.page, found.pages
