"""The shared admin paging scaffold: clamped page, page count never below one."""

from __future__ import annotations

from sqlmodel import Session, col, select

from lms_reflex.models import User
from lms_reflex.services.admin.listing import read_page
from lms_reflex.state.admin.listing import one_of


def _read(session: Session, page: int, page_size: int):
    return read_page(
        session,
        id_column=col(User.id),
        clauses=[col(User.id) < 0],
        rows_query=select(User.id).where(col(User.id) < 0),
        to_rows=lambda results: [row[0] for row in results],
        page=page,
        page_size=page_size,
    )


def test_empty_list_is_page_one_of_one(session: Session) -> None:
    found = _read(session, page=-5, page_size=0)
    assert (found.rows, found.total, found.page, found.pages) == ([], 0, 1, 1)


def test_page_number_is_clamped(session: Session) -> None:
    assert _read(session, page=10**9, page_size=25).page == 1000


def test_a_filter_the_page_never_offers_means_any() -> None:
    assert one_of("published", ("draft", "published")) == "published"
    assert one_of("'; drop table", ("draft", "published")) == ""
