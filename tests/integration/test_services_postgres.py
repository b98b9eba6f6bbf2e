"""Enrollment races and full-text search on PostgreSQL, on a schema built by the migrations.

The search tests are the very functions of tests/unit/test_search.py, collected here again
with a PostgreSQL `session`; LMS_REQUIRE_POSTGRES=1 turns a missing server into a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, func, insert, inspect, text
from sqlmodel import Session, select

from lms_reflex.db import make_engine, session_scope
from lms_reflex.models import CartItem, Coupon, CouponRedemption, Enrollment, Role, utcnow
from lms_reflex.services.actor import Actor
from lms_reflex.services.catalog import search
from lms_reflex.services.learning import enrollment
from lms_reflex.services.payments import coupons
from tests.pg import postgres_schema_url
from tests.unit._helpers import apply_env, forget_caches, lms_env
from tests.unit.catalog_fixtures import (
    add_course,
    add_course_at_0001,
    add_user,
    add_user_at_0001,
)
from tests.unit.test_enrollment import race_enrollments
from tests.unit.test_payments import race_checkouts
from tests.unit.test_search import (  # noqa: F401  (collected again here, on PostgreSQL)
    make_course,
    slugs,
    teacher,
    test_45_results_come_in_pages_of_20,
    test_a_filter_without_words_browses_and_nothing_at_all_finds_nothing,
    test_category_page_lists_its_published_courses_and_others,
    test_category_page_of_an_unknown_slug_is_not_found,
    test_category_page_sorts_by_newest_and_by_students,
    test_category_page_statement_count_does_not_grow,
    test_drafts_and_archived_courses_are_never_found,
    test_every_word_must_match_and_prefixes_count,
    test_filters_narrow_the_results,
    test_highlight_comes_from_the_description_when_the_title_does_not_match,
    test_highlight_marks_the_word_and_carries_no_markup,
    test_hostile_text_is_searched_literally_without_errors,
    test_index_follows_course_edits_deletes_and_instructor_renames,
    test_random_unicode_never_breaks_the_query,
    test_rating_sort_puts_the_best_rated_first,
    test_statement_count_does_not_grow_with_page_size,
    test_subtitle_tags_and_instructor_name_are_searched,
    test_ten_kilobytes_of_a_real_word_is_capped_and_still_matches,
    test_title_match_ranks_above_a_description_match,
    test_unknown_options_are_refused,
    test_words_around_syntax_still_find_their_course,
)
from tests.unit.test_search_spelling import (  # noqa: F401  (again, on PostgreSQL)
    fresh_vocabulary,
    test_a_swapped_letter_finds_python_courses_and_suggests_the_word,
    test_drafts_do_not_lend_their_words_to_suggestions,
    test_nothing_like_any_title_stays_empty_without_a_suggestion,
    test_only_the_unknown_word_is_corrected_and_known_words_stay,
    test_snippets_show_markdown_as_plain_text,
    test_words_that_match_get_no_suggestion,
)

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
SECRET = "integration-test-secret-key-that-is-long-enough-0123456789"


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["url"] = url
    return config


@pytest.fixture(scope="module")
def pg_engine() -> Iterator[Engine]:
    """One migrated schema for the module; each test runs in a transaction rolled back."""
    with postgres_schema_url() as url:
        command.upgrade(alembic_config(url), "head")
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def session(pg_engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside a transaction that is rolled back."""
    with pg_engine.connect() as conn:
        outer = conn.begin()
        with Session(
            bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint"
        ) as db:
            yield db
        outer.rollback()


@pytest.fixture
def pg_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh migrated schema that LMS_DATABASE_URL (and so session_scope) points at."""
    with postgres_schema_url() as url:
        command.upgrade(alembic_config(url), "head")
        apply_env(monkeypatch, lms_env(tmp_path, LMS_DATABASE_URL=url, LMS_SECRET_KEY=SECRET))
        try:
            yield url
        finally:
            forget_caches()


@pytest.mark.parametrize("precheck", ["normal", "blind"])
def test_twenty_concurrent_clicks_make_one_row_on_postgres(
    pg_settings: str, monkeypatch: pytest.MonkeyPatch, precheck: str
) -> None:
    if precheck == "blind":  # every click passes the "already enrolled?" check: the INSERT decides
        monkeypatch.setattr(enrollment, "_find_enrollment", lambda *_args: None)
    with session_scope() as db:
        student = add_user(db, "student@example.org")
        course = add_course(db, add_user(db, "t@example.org", Role.INSTRUCTOR), "free")
        who, course_id = Actor.of(student), course.id
    outcomes = race_enrollments(who, course_id, clicks=20)
    assert [repr(o) for o in outcomes if isinstance(o, BaseException)] == []
    assert sorted(o.created for o in outcomes) == [False] * 19 + [True]
    with session_scope(readonly=True) as db:
        query = (
            select(func.count()).select_from(Enrollment).where(Enrollment.course_id == course_id)
        )
        assert db.exec(query).one() == 1


@pytest.mark.parametrize("precheck", ["checked", "blind"])
def test_coupon_limit_holds_under_twenty_concurrent_checkouts_on_postgres(
    pg_settings: str, monkeypatch: pytest.MonkeyPatch, precheck: str
) -> None:
    """docs/security.md case 70, with PostgreSQL's row locks deciding."""
    with session_scope() as db:
        course = add_course(db, add_user(db, "t@example.org", Role.INSTRUCTOR), "paid")
        course.price_cents = 1999
        buyers = [add_user(db, f"buyer{i}@example.org") for i in range(20)]
        db.add_all(CartItem(user_id=b.id, course_id=course.id) for b in buyers)
        db.add(Coupon(code="SAVE10", kind="percent", amount=10, scope="all", usage_limit=5))
        actors = [Actor.of(b) for b in buyers]
    if precheck == "blind":  # every checkout passes the "used up?" read: the UPDATE decides
        monkeypatch.setattr(coupons, "find_coupon", lambda db, *_a: db.exec(select(Coupon)).one())
    outcomes = race_checkouts(actors, "SAVE10")
    assert (
        sorted(str(o) for o in outcomes if isinstance(o, BaseException)) == [coupons.USED_UP] * 15
    )
    with session_scope(readonly=True) as db:
        assert db.exec(select(Coupon.used_count)).one() == 5
        assert db.exec(select(func.count()).select_from(CouponRedemption)).one() == 5


def test_the_savepoint_fallback_keeps_the_postgres_transaction_usable(session: Session) -> None:
    student = add_user(session, "s@example.org")
    course = add_course(session, add_user(session, "t@example.org", Role.INSTRUCTOR), "c")
    row = {"user_id": student.id, "course_id": course.id, "source": "self", "created_at": utcnow()}
    assert enrollment._insert_in_savepoint(session, insert(Enrollment).values(**row)) is True
    assert enrollment._insert_in_savepoint(session, insert(Enrollment).values(**row)) is False
    # Without the SAVEPOINT, PostgreSQL would refuse every statement after the failed one.
    assert session.exec(select(func.count()).select_from(Enrollment)).one() == 1


def test_migration_backfills_and_downgrade_removes_the_postgres_index() -> None:
    with postgres_schema_url() as url:
        config = alembic_config(url)
        command.upgrade(config, "0001")
        engine = make_engine(url)
        try:
            with Session(engine) as db:
                teacher = add_user_at_0001(db, "t@example.org", Role.INSTRUCTOR)
                add_course_at_0001(db, teacher, "older", "Older")
                db.commit()
            command.upgrade(config, "head")
            with Session(engine) as db:
                assert slugs(search.search_courses(session=db, query="older")) == ["older"]
                db.exec(text("UPDATE \"user\" SET first_name = 'Quillon'"))
                assert slugs(search.search_courses(session=db, query="quillon")) == ["older"]
            command.downgrade(config, "0001")
            assert not inspect(engine).has_table("course_search")
            with engine.connect() as conn:
                names = conn.execute(
                    text(
                        "SELECT proname FROM pg_proc WHERE proname LIKE 'course_search%' "
                        "AND pronamespace = current_schema()::regnamespace"
                    )
                ).all()
            assert names == []
        finally:
            engine.dispose()


def test_stop_words_alone_find_nothing_without_an_error(session: Session) -> None:
    author = add_user(session, "author@example.org", Role.INSTRUCTOR)
    make_course(session, author, "the-course", title="The course of the year")
    assert search.search_courses(session=session, query="the of").total == 0
