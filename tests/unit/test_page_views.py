"""The named page-view services: one call per page view, no more statements than its parts.

state/ calls these through `with_top_bar` / `as_actor` instead of closures over a database
session (docs/architecture.md); the statement counts pin that the move added no read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session

from lms_reflex.services.accounts import top_bar
from lms_reflex.services.catalog import listings, page_views
from lms_reflex.services.errors import NotFound
from lms_reflex.services.learning import enrollment, player_page, reviews
from lms_reflex.services.learning import lessons as learning
from tests.unit._helpers import count_selects
from tests.unit.catalog_fixtures import actor
from tests.unit.test_read_paths import _world


def selects(session: Session, read: Callable[[], Any]) -> int:
    session.expunge_all()
    with count_selects(session) as counted:
        read()
    return counted["n"]


def test_the_course_page_is_one_read_with_no_extra_statement(session: Session) -> None:
    world = _world(session)
    me, course = world["me"], world["course"]
    parts = (
        selects(
            session, lambda: listings.get_course_detail(session=session, actor=me, slug=course.slug)
        )
        + selects(
            session,
            lambda: enrollment.enrollment_status(session=session, actor=me, course_id=course.id),
        )
        + selects(
            session,
            lambda: reviews.course_page_reviews(session=session, actor=me, course_id=course.id),
        )
    )
    whole = selects(
        session, lambda: page_views.course_view(session=session, actor=me, slug=course.slug)
    )
    assert whole == parts
    view = page_views.course_view(session=session, actor=me, slug=course.slug)
    assert (view.course.id, view.status.enrolled) == (course.id, True)
    assert view.reviews.mine is not None and view.reviews.viewer_id == me.id
    assert [r.body for r in view.reviews.found.reviews] == ["Good."]
    with pytest.raises(NotFound):
        page_views.course_view(session=session, actor=None, slug="no-such-course")


def test_the_reviews_block_says_who_looks(session: Session) -> None:
    world = _world(session)
    course_id = world["course"].id
    teacher = actor(world["teacher"])
    shown = page_views.reviews_view(session=session, actor=teacher, course_id=course_id)
    assert (shown.viewer_id, shown.mine, shown.found.total) == (teacher.id, None, 1)
    assert (
        page_views.reviews_view(session=session, actor=None, course_id=course_id).viewer_id is None
    )


def test_the_player_is_one_read_with_the_students_review(session: Session) -> None:
    world = _world(session)
    me, course, lesson = world["me"], world["course"], world["lesson"]
    args = {"course_slug": course.slug, "lesson_id": lesson.id}
    parts = selects(
        session, lambda: learning.get_lesson_for_player(session=session, actor=me, **args)
    ) + selects(
        session, lambda: reviews.find_my_review(session=session, actor=me, course_id=course.id)
    )
    assert (
        selects(session, lambda: player_page.player_view(session=session, actor=me, **args))
        == parts
    )
    page = player_page.player_view(session=session, actor=me, **args)
    assert page.view.lesson_id == lesson.id and page.my_review is not None
    preview = player_page.player_view(session=session, actor=actor(world["teacher"]), **args)
    assert (preview.view.tracks_progress, preview.my_review) == (False, None)


def test_home_lists_come_in_one_read(session: Session) -> None:
    world = _world(session)
    home = page_views.home_view(session=session, actor=None)
    assert [c.slug for c in home.newest] == [world["course"].slug]
    assert len(home.top_rated) <= 4 and len(home.popular) <= 4


def test_the_top_bar_is_read_even_when_the_page_refuses(session: Session) -> None:
    world = _world(session)
    me = world["me"]
    bar, page, error = top_bar.page_with_top_bar(
        session=session,
        actor=me,
        with_menu=True,
        read=page_views.course_view,
        args={"slug": "no-such-course"},
    )
    assert bar.actor == me and bar.categories and page is None
    assert isinstance(error, NotFound)
    bar, page, error = top_bar.page_with_top_bar(
        session=session, actor=None, with_menu=False, read=page_views.home_view, args={}
    )
    assert (bar.actor, bar.avatar_url, bar.categories, error) == (None, "", None, None)
    assert page is not None


def test_a_refusal_that_is_not_a_domain_error_is_raised(session: Session) -> None:
    def broken(*, session: Session, actor: Any) -> None:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        top_bar.page_with_top_bar(
            session=session, actor=None, with_menu=False, read=broken, args={}
        )
