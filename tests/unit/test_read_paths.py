"""The reads behind every page view: few statements, each built once per process.

Building a SQLAlchemy statement and computing its cache key cost more Python time than
SQLite took to answer it, on the pages every student opens (home, course page, player,
top bar). These tests pin the statement counts and the reuse of the prebuilt statements.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from lms_reflex.models import Enrollment, Lesson, Review, Section
from lms_reflex.services.accounts import profiles
from lms_reflex.services.catalog import listings as catalog
from lms_reflex.services.catalog.course_page import build_course_detail
from lms_reflex.services.errors import NotFound
from lms_reflex.services.learning import enrollment, reviews
from lms_reflex.services.learning import lessons as learning
from tests.unit._helpers import count_selects
from tests.unit.catalog_fixtures import actor, add_category, add_course, add_user


@contextmanager
def executed(session: Session) -> Iterator[list[Any]]:
    """The statement objects handed to the engine, in order."""
    seen: list[Any] = []

    def on_execute(_conn, clause, *_args) -> None:
        seen.append(clause)

    engine = session.get_bind()
    event.listen(engine, "before_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_execute", on_execute)


def _twice(session: Session, read: Callable[[], Any]) -> tuple[list[Any], list[Any]]:
    with executed(session) as first:
        read()
    session.expunge_all()  # the second view must not be served from the identity map
    with executed(session) as second:
        read()
    return first, second


def _world(session: Session) -> dict[str, Any]:
    teacher = add_user(session, "teacher@example.org")
    student = add_user(session, "student@example.org")
    course = add_course(session, teacher, "python-101", category=add_category(session), lessons=3)
    session.add(Enrollment(user_id=student.id, course_id=course.id))
    session.add(Review(user_id=student.id, course_id=course.id, rating=5, body="Good."))
    lesson = session.exec(
        select(Lesson).join(Section).where(Section.course_id == course.id)
    ).first()
    session.commit()
    return {"me": actor(student), "course": course, "lesson": lesson, "teacher": teacher}


def test_the_course_page_reads_the_instructor_and_category_in_one_statement(
    session: Session,
) -> None:
    world = _world(session)
    session.expunge_all()  # as in a fresh request: the teacher is not in the identity map
    with count_selects(session) as counted:
        detail = build_course_detail(session, world["course"])
    # names, outline, student count, rating distribution, latest reviews
    assert counted["n"] == 5
    assert detail.instructor_name == "Teacher Tester"
    assert (detail.category_name, detail.category_slug) == ("Programming", "programming")


def test_a_course_without_a_category_shows_none(session: Session) -> None:
    course = add_course(session, add_user(session, "t@example.org"), "uncategorised")
    session.commit()
    detail = build_course_detail(session, course)
    assert (detail.instructor_name, detail.category_name, detail.category_slug) == (
        "T Tester",
        "",
        "",
    )


def test_page_view_reads_reuse_their_prebuilt_statements(session: Session) -> None:
    world = _world(session)
    me, course, lesson = world["me"], world["course"], world["lesson"]
    reads: list[Callable[[], Any]] = [
        lambda: catalog.list_published_courses(session=session, order="popular", limit=4),
        lambda: catalog.list_categories(session=session),
        lambda: profiles.avatar_url_of(session=session, actor=me),
        lambda: build_course_detail(session, course),
        lambda: enrollment.enrollment_status(session=session, actor=me, course_id=course.id),
        lambda: reviews.list_reviews(session=session, actor=me, course_id=course.id),
        lambda: reviews.find_my_review(session=session, actor=me, course_id=course.id),
        lambda: learning.get_lesson_for_player(
            session=session, actor=me, course_slug=course.slug, lesson_id=lesson.id
        ),
    ]
    for read in reads:
        first, second = _twice(session, read)
        prebuilt = [a for a, b in zip(first, second, strict=True) if a is b]
        # session.get (the course by id) is the one statement SQLAlchemy builds itself
        assert len(prebuilt) >= len(first) - 1, read
        assert prebuilt, read


def test_cards_carry_the_same_facts_from_the_narrow_select(session: Session) -> None:
    world = _world(session)
    [card] = catalog.list_published_courses(session=session, order="newest", limit=8)
    assert (card.slug, card.instructor_name, card.category_name) == (
        "python-101",
        "Teacher Tester",
        "Programming",
    )
    assert (card.student_count, card.price_label) == (1, "Free")
    assert card.id == world["course"].id


def test_descriptions_are_rendered_once_and_stay_sanitised() -> None:
    from lms_reflex.services.text import render_markdown

    text = "**Bold** <script>alert(1)</script> [x](javascript:alert(1))"
    before = render_markdown.cache_info().hits
    first, second = render_markdown(text), render_markdown(text)
    assert first is second
    assert render_markdown.cache_info().hits == before + 1
    assert "<strong>Bold</strong>" in first
    assert "<script" not in first and "href" not in first


def test_the_course_page_reviews_come_with_the_visitors_own(session: Session) -> None:
    world = _world(session)
    course_id = world["course"].id
    found, mine = reviews.course_page_reviews(
        session=session, actor=world["me"], course_id=course_id
    )
    assert (found.total, [r.body for r in found.reviews]) == (1, ["Good."])
    assert mine is not None and mine.rating == 5

    teacher = actor(world["teacher"])
    assert (
        reviews.course_page_reviews(session=session, actor=teacher, course_id=course_id)[1] is None
    )
    assert reviews.course_page_reviews(session=session, actor=None, course_id=course_id)[1] is None
    unverified = dataclasses.replace(world["me"], is_verified=False)
    found, mine = reviews.course_page_reviews(
        session=session, actor=unverified, course_id=course_id
    )
    assert (found.total, mine) == (1, None)
    with pytest.raises(NotFound):
        reviews.course_page_reviews(session=session, actor=None, course_id=10_000)
