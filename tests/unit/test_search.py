"""Full-text search and category pages: literal input, ranking, filters, pages, safe highlights.

tests/integration/test_services_postgres.py runs the engine-neutral tests of this module
again on PostgreSQL (every test that takes only `session` and `teacher`).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlmodel import Session

from lms_reflex.db import make_engine
from lms_reflex.models import Category, Course, CourseStatus, Enrollment, Level, Role, User
from lms_reflex.services.catalog import listings as catalog
from lms_reflex.services.catalog import search
from lms_reflex.services.errors import InvalidInput, NotFound
from tests.unit._helpers import count_selects
from tests.unit.catalog_fixtures import (
    add_category,
    add_course,
    add_course_at_0001,
    add_user,
    add_user_at_0001,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def teacher(session: Session) -> User:
    return add_user(session, "teacher@example.org", Role.INSTRUCTOR)


def make_course(
    session: Session,
    teacher: User,
    slug: str,
    *,
    title: str | None = None,
    subtitle: str = "",
    description: str = "",
    price_cents: int = 0,
    level: str = Level.ALL,
    category: Category | None = None,
    status: str = CourseStatus.PUBLISHED,
    tags: tuple[str, ...] = (),
) -> Course:
    """A course with the searched fields set (the update triggers re-index it)."""
    course = add_course(
        session,
        teacher,
        slug,
        title=title,
        status=status,
        category=category,
        description=description,
        lessons=0,
    )
    course.subtitle, course.price_cents, course.level = subtitle, price_cents, level
    course.tags = list(tags)
    session.add(course)
    session.flush()
    return course


def slugs(page: search.SearchPage) -> list[str]:
    return [hit.card.slug for hit in page.results]


def find(session: Session, query: str, **options) -> search.SearchPage:
    return search.search_courses(session=session, query=query, **options)


# ------------------------------------------------------------------ the query text


def test_query_terms_keep_words_and_drop_every_piece_of_syntax() -> None:
    typed = '"Python" AND (django*) NEAR(web api) title:flask ^rust -go OR NOT c++'
    assert search.query_terms(typed) == [
        "python",
        "django",
        "web",
        "api",
        "title",
        "flask",
        "rust",
        "go",
        "c",
    ]


def test_query_terms_are_capped_at_ten_words_and_200_characters() -> None:
    assert len(search.query_terms("word " * 50)) == 10
    assert search.query_terms("x" * 10_000) == ["x" * 200]


def test_engine_queries_quote_every_term_and_add_prefix_stars_themselves() -> None:
    assert search.fts5_query(["python", "c"]) == '"python"* "c"'
    assert search.tsquery_text(["python", "c"]) == "python:* & c"


# ------------------------------------------------------------------ hostile input


HOSTILE = [
    "' OR 1=1 --",
    '"',
    "*",
    "NEAR(",
    "%",
    "_",
    "\\",
    "'",
    "x" * 10_000,
    "(",
    ")",
    ":",
    "^",
    "AND",
    "OR NOT",
    "title:",
    "-",
    "'; DROP TABLE course; --",
    "\x00",
    "<script>",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_text_is_searched_literally_without_errors(
    session: Session, teacher: User, query: str
) -> None:
    make_course(session, teacher, "python-basics", title="Python Basics")
    make_course(session, teacher, "cooking", title="Cooking 100% better")
    page = find(session, query)
    assert page.results == []
    assert page.total == 0


def test_words_around_syntax_still_find_their_course(session: Session, teacher: User) -> None:
    make_course(session, teacher, "python-basics", title="Python Basics")
    for query in ['"python"', "python*", "NEAR(python", "(python)", "python'", "python OR"]:
        assert slugs(find(session, query)) == ["python-basics"], query


def test_ten_kilobytes_of_a_real_word_is_capped_and_still_matches(
    session: Session, teacher: User
) -> None:
    make_course(session, teacher, "python-basics", title="Python Basics")
    assert slugs(find(session, "python " * 1500)) == ["python-basics"]


def test_random_unicode_never_breaks_the_query(session: Session, teacher: User) -> None:
    make_course(session, teacher, "cafe", title="Café crème")
    pool = "aé\u0301²_%*\"'():^-+~<>/\\;\u00ab\u00bb\ue000\ue001 \t\n中文😀ßİ0123NEARORAND"
    rng = random.Random(36)
    for _ in range(150):
        query = "".join(rng.choice(pool) for _ in range(rng.randint(1, 40)))
        find(session, query)  # no exception is the assertion


# ------------------------------------------------------------------ matching and ranking


def test_title_match_ranks_above_a_description_match(session: Session, teacher: User) -> None:
    make_course(
        session,
        teacher,
        "gardening",
        title="Gardening",
        description="We use a python script to plan the beds.",
    )
    make_course(session, teacher, "python-intro", title="Python for beginners")
    make_course(session, teacher, "knitting", title="Knitting")
    assert slugs(find(session, "python")) == ["python-intro", "gardening"]


def test_every_word_must_match_and_prefixes_count(session: Session, teacher: User) -> None:
    make_course(session, teacher, "py-web", title="Python web development")
    make_course(session, teacher, "py-data", title="Python data analysis")
    assert slugs(find(session, "python web")) == ["py-web"]
    assert set(slugs(find(session, "pyth"))) == {"py-web", "py-data"}
    assert slugs(find(session, "devel")) == ["py-web"]
    assert slugs(find(session, "analyses")) == ["py-data"]  # stemmed: analysis


def test_subtitle_tags_and_instructor_name_are_searched(session: Session, teacher: User) -> None:
    make_course(session, teacher, "one", title="One", subtitle="Learn watercolour")
    make_course(session, teacher, "two", title="Two", tags=("origami",))
    assert slugs(find(session, "watercolour")) == ["one"]
    assert slugs(find(session, "origami")) == ["two"]
    assert set(slugs(find(session, "teacher"))) == {"one", "two"}


def test_index_follows_course_edits_deletes_and_instructor_renames(
    session: Session, teacher: User
) -> None:
    course = make_course(session, teacher, "renamed", title="Old title")
    course.title = "Astronomy tonight"
    session.add(course)
    teacher.first_name = "Zephyrine"
    session.add(teacher)
    session.flush()
    assert slugs(find(session, "old")) == []
    assert slugs(find(session, "astronomy")) == ["renamed"]
    assert slugs(find(session, "zephyrine")) == ["renamed"]
    session.delete(course)
    session.flush()
    assert find(session, "astronomy").total == 0


def test_drafts_and_archived_courses_are_never_found(session: Session, teacher: User) -> None:
    design = add_category(session, "Design")
    make_course(session, teacher, "live", title="Python live", category=design)
    make_course(session, teacher, "draft", title="Python draft", status=CourseStatus.DRAFT)
    make_course(
        session,
        teacher,
        "old",
        title="Python old",
        status=CourseStatus.ARCHIVED,
        category=design,
    )
    assert slugs(find(session, "python")) == ["live"]
    assert find(session, "draft").total == 0
    assert slugs(find(session, "", category_slug="design")) == ["live"]
    for sort in ("relevance", "rating", "newest", "popular"):
        assert slugs(find(session, "python", sort=sort)) == ["live"]


# ------------------------------------------------------------------ filters, sorting, pages


def test_filters_narrow_the_results(session: Session, teacher: User) -> None:
    design = add_category(session, "Design")
    code = add_category(session, "Code")
    make_course(session, teacher, "free-design", title="Intro to art", category=design)
    make_course(
        session,
        teacher,
        "paid-code",
        title="Intro to Rust",
        category=code,
        price_cents=4900,
        level=Level.ADVANCED,
    )
    assert set(slugs(find(session, "intro"))) == {"free-design", "paid-code"}
    assert slugs(find(session, "intro", category_slug="design")) == ["free-design"]
    assert slugs(find(session, "intro", price="paid")) == ["paid-code"]
    assert slugs(find(session, "intro", price="free")) == ["free-design"]
    assert slugs(find(session, "intro", level="advanced")) == ["paid-code"]
    assert slugs(find(session, "intro", category_slug="nope")) == []


def test_a_filter_without_words_browses_and_nothing_at_all_finds_nothing(
    session: Session, teacher: User
) -> None:
    make_course(session, teacher, "free-one", title="Free one")
    make_course(session, teacher, "paid-one", title="Paid one", price_cents=100)
    assert find(session, "").total == 0
    assert find(session, "   ").total == 0
    page = find(session, "", price="free")
    assert (slugs(page), page.total, page.terms) == (["free-one"], 1, ())
    assert find(session, '"', price="free").total == 0  # typed text with no words left


def test_rating_sort_puts_the_best_rated_first(session: Session, teacher: User) -> None:
    low = make_course(session, teacher, "low", title="Chess openings")
    high = make_course(session, teacher, "high", title="Chess endgames")
    low.rating_avg, low.rating_count = 3.1, 10
    high.rating_avg, high.rating_count = 4.8, 3
    session.add_all([low, high])
    session.flush()
    assert slugs(find(session, "chess", sort="rating")) == ["high", "low"]


@pytest.mark.parametrize("options", [{"sort": "loudest"}, {"level": "expert"}, {"price": "cheap"}])
def test_unknown_options_are_refused(session: Session, options: dict) -> None:
    with pytest.raises(InvalidInput):
        find(session, "python", **options)


def test_45_results_come_in_pages_of_20(session: Session, teacher: User) -> None:
    for i in range(45):
        make_course(session, teacher, f"python-{i:02d}", title=f"Python part {i}")
    make_course(session, teacher, "other", title="Cooking")
    pages = [find(session, "python", page=n, page_size=20) for n in (1, 2, 3, 4)]
    assert [len(p.results) for p in pages] == [20, 20, 5, 0]
    assert {(p.total, p.pages) for p in pages} == {(45, 3)}
    seen = [slug for p in pages for slug in slugs(p)]
    assert len(seen) == len(set(seen)) == 45


def test_statement_count_does_not_grow_with_page_size(session: Session, teacher: User) -> None:
    for i in range(25):
        make_course(session, teacher, f"python-{i:02d}", title=f"Python part {i}")
    session.flush()
    with count_selects(session) as small:
        assert len(find(session, "python", page_size=5).results) == 5
    with count_selects(session) as big:
        assert len(find(session, "python", page_size=20).results) == 20
    assert small["n"] == big["n"] == 2


# ------------------------------------------------------------------ highlights


def test_highlight_marks_the_word_and_carries_no_markup(session: Session, teacher: User) -> None:
    make_course(session, teacher, "evil", title="<script>x</script> python")
    (hit,) = find(session, "python").results
    assert hit.card.title == "<script>x</script> python"  # the UI renders it as text
    assert ("python", True) in hit.segments
    assert "\u00abpython\u00bb" in hit.highlight
    for piece in ("<script", "</script", "<", ">", "\ue000", "\ue001"):
        assert piece not in hit.highlight


def test_highlight_comes_from_the_description_when_the_title_does_not_match(
    session: Session, teacher: User
) -> None:
    make_course(
        session,
        teacher,
        "garden",
        title="Gardening",
        description='Plan beds with a <b>python</b> script. <img src=x onerror="alert(1)">',
    )
    (hit,) = find(session, "python").results
    matched = [text for text, is_match in hit.segments if is_match]
    assert [word.lower() for word in matched] == ["python"]
    assert "<" not in hit.highlight and "onerror" not in hit.highlight


def test_highlight_segments_drop_tags_cut_at_the_edge_and_lone_markers() -> None:
    raw = " a <b>\ue000word\ue001</b> and \ue000 lone <scri"
    assert search.highlight_segments(raw) == (("a ", False), ("word", True), (" and lone", False))
    two = search.highlight_segments("\ue000python\ue001 \ue000basics\ue001\n")
    assert two == (("python", True), (" ", False), ("basics", True))


# ------------------------------------------------------------------ category pages


def test_category_page_lists_its_published_courses_and_others(
    session: Session, teacher: User
) -> None:
    design = add_category(session, "Design")
    code = add_category(session, "Code")
    for i in range(5):
        make_course(session, teacher, f"design-{i}", category=design)
    make_course(session, teacher, "design-draft", category=design, status=CourseStatus.DRAFT)
    make_course(session, teacher, "rust", category=code)
    make_course(session, teacher, "loose")
    make_course(session, teacher, "code-draft", category=code, status=CourseStatus.DRAFT)
    page = catalog.list_category_page(session=session, slug="design", page=2, page_size=2)
    assert (page.category.slug, page.total, page.page, page.pages) == ("design", 5, 2, 3)
    assert len(page.courses) == 2
    assert all(c.slug.startswith("design-") and c.slug != "design-draft" for c in page.courses)
    assert {c.slug for c in page.others} == {"rust", "loose"}


def test_category_page_sorts_by_newest_and_by_students(session: Session, teacher: User) -> None:
    design = add_category(session, "Design")
    first = make_course(session, teacher, "first", category=design)
    make_course(session, teacher, "second", category=design)
    student = add_user(session, "s@example.org")
    session.add(Enrollment(user_id=student.id, course_id=first.id))
    session.flush()
    newest = catalog.list_category_page(session=session, slug="design", sort="newest")
    popular = catalog.list_category_page(session=session, slug="design", sort="popular")
    assert [c.slug for c in newest.courses] == ["second", "first"]
    assert [c.slug for c in popular.courses] == ["first", "second"]


def test_category_page_of_an_unknown_slug_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        catalog.list_category_page(session=session, slug="nope")


def test_category_page_statement_count_does_not_grow(session: Session, teacher: User) -> None:
    design = add_category(session, "Design")
    for i in range(12):
        make_course(session, teacher, f"design-{i:02d}", category=design)
    session.flush()
    with count_selects(session) as small:
        catalog.list_category_page(session=session, slug="design", page_size=2)
    with count_selects(session) as big:
        catalog.list_category_page(session=session, slug="design", page_size=12)
    assert small["n"] == big["n"] == 4


# ------------------------------------------------------------------ the migration's index


def test_migration_backfills_courses_that_existed_before_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/migrated.db"
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["url"] = url
    command.upgrade(config, "0001")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            teacher = add_user_at_0001(session, "teacher@example.org", Role.INSTRUCTOR)
            add_course_at_0001(session, teacher, "older", "Bookbinding by hand")
            session.commit()
        command.upgrade(config, "head")
        with Session(engine) as session:
            assert slugs(find(session, "bookbinding")) == ["older"]
            make_course(session, teacher_of(session), "newer", title="Bookbinding, part two")
            assert set(slugs(find(session, "bookbinding"))) == {"older", "newer"}
        command.downgrade(config, "0001")
        with engine.connect() as conn:
            names = conn.execute(text("SELECT name FROM sqlite_master")).scalars().all()
        assert not [name for name in names if "course_fts" in name]
    finally:
        engine.dispose()


def teacher_of(session: Session) -> User:
    user = session.get(User, 1)
    assert user is not None
    return user
