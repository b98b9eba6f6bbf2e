"""The admin overview in one call, and its CSV tables (admins only, formula cells neutralised)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from lms_reflex.models import Enrollment, Role
from lms_reflex.services.admin import overview as admin_overview
from lms_reflex.services.errors import InvalidInput, NotSignedIn, PermissionDenied
from tests.unit._helpers import count_selects
from tests.unit.catalog_fixtures import actor, add_course, add_user

START, END = date(2026, 3, 1), date(2026, 3, 3)


@pytest.fixture
def world(session: Session) -> dict:
    admin = add_user(session, "admin@example.org", Role.ADMIN)
    teacher = add_user(session, "teacher@example.org", Role.INSTRUCTOR)
    learner = add_user(session, "learner@example.org")
    learner.created_at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    course = add_course(session, teacher, "evil", title='=HYPERLINK("http://x")')
    session.add(
        Enrollment(
            user_id=learner.id, course_id=course.id, created_at=datetime(2026, 3, 3, tzinfo=UTC)
        )
    )
    session.commit()
    return {"admin": actor(admin), "student": actor(learner)}


def test_the_overview_has_every_series_and_table(session: Session, world) -> None:
    got = admin_overview.overview(session=session, actor=world["admin"], start=START, end=END)
    assert got.series["signups"] == [
        {"day": "2026-03-01", "count": 0},
        {"day": "2026-03-02", "count": 1},
        {"day": "2026-03-03", "count": 0},
    ]
    assert [p["count"] for p in got.series["enrollments"]] == [0, 0, 1]
    assert [p["count"] for p in got.series["completions"]] == [0, 0, 0]
    assert [(c.title, c.enrollments) for c in got.top] == [('=HYPERLINK("http://x")', 1)]
    assert [(r.students, r.completed, r.percent) for r in got.rates] == [(1, 0, 0)]


def test_the_overview_costs_the_same_statements_for_a_week_or_a_year(
    session: Session, world
) -> None:
    me = world["admin"]
    with count_selects(session) as week:
        admin_overview.overview(session=session, actor=me, start=START, end=date(2026, 3, 7))
    with count_selects(session) as year:
        admin_overview.overview(session=session, actor=me, start=date(2025, 3, 3), end=END)
    assert week["n"] == year["n"]


def test_csv_tables_neutralise_formulas(session: Session, world) -> None:
    text = admin_overview.table_csv(
        session=session, actor=world["admin"], table="top_courses", start=START, end=END
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["course", "enrollments"], ['\'=HYPERLINK("http://x")', "1"]]
    series = admin_overview.table_csv(
        session=session, actor=world["admin"], table="signups", start=START, end=END
    )
    assert series.splitlines()[:2] == ["day,sign-ups", "2026-03-01,0"]
    with pytest.raises(InvalidInput):
        admin_overview.table_csv(
            session=session, actor=world["admin"], table="users", start=START, end=END
        )


@pytest.mark.parametrize("table", admin_overview.TABLES)
def test_overview_and_csv_refuse_non_admins(session: Session, world, table: str) -> None:
    for who, error in ((world["student"], PermissionDenied), (None, NotSignedIn)):
        with pytest.raises(error):
            admin_overview.table_csv(session=session, actor=who, table=table, start=START, end=END)
        with pytest.raises(error):
            admin_overview.overview(session=session, actor=who, start=START, end=END)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (5, 5),
        ("12", 12),
        (0, 0),
        (-3, 0),
        ("1e3", 0),
        ("9" * 20, 0),
        (True, 0),
        (None, 0),
        (2.0, 0),
    ],
)
def test_ids_from_the_browser_are_positive_integers_or_zero(raw: object, expected: int) -> None:
    from lms_reflex.services.validation import parse_id, parse_page

    assert parse_id(raw) == expected
    assert parse_page(raw) == max(1, expected)
