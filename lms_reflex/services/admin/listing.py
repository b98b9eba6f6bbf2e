"""One paging scaffold for the admin lists (users, courses, audit trail).

Each list counts its matching rows, then reads one window of them, newest first; the page
number is clamped and the page count never drops below one, so an empty list still shows
"page 1 of 1". Keeping that arithmetic here means the three lists cannot drift apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlmodel import Session, func, select

from lms_reflex.services.catalog.listings import page_window
from lms_reflex.services.errors import InvalidInput

T = TypeVar("T")

MAX_QUERY_LEN = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of an admin list: its rows, how many match in all, and where we are."""

    rows: list[T]
    total: int
    page: int
    pages: int


def read_page(
    session: Session,
    *,
    id_column: Any,
    clauses: Sequence[Any],
    rows_query: Select[*tuple[Any, ...]],
    to_rows: Callable[[Sequence[Any]], list[T]],
    page: int,
    page_size: int,
) -> Page[T]:
    """Count the matches, read one window of `rows_query` and turn the results into rows.

    `rows_query` carries its own filters and order; this adds only limit and offset, so
    each list stays at two statements whatever the page size.
    """
    page, size, offset = page_window(page, page_size)
    total = int(session.exec(select(func.count(id_column)).where(*clauses)).one())
    results = session.execute(rows_query.limit(size).offset(offset)).all()
    return Page(
        rows=to_rows(results),
        total=total,
        page=page,
        pages=max(1, math.ceil(total / size)),
    )


def search_text(query: str) -> str:
    """The search box's text, trimmed; "" for a non-string (any event can send anything).

    Raises:
        InvalidInput: a search text over 200 characters.
    """
    text = query.strip() if isinstance(query, str) else ""
    if len(text) > MAX_QUERY_LEN:
        raise InvalidInput("That search is too long.")
    return text
