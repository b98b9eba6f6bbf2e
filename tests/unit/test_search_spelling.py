"""Search details: a typo still finds courses with a "Did you mean", snippets carry no markdown.

tests/integration/test_services_postgres.py runs the tests that take `session` and
`teacher` again on PostgreSQL, so both engines must give these same answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from lms_reflex.models import CourseStatus, Role, User
from lms_reflex.services.catalog import search, spelling
from tests.unit.catalog_fixtures import add_user
from tests.unit.test_search import find, make_course, slugs


@pytest.fixture
def teacher(session: Session) -> User:
    return add_user(session, "teacher@example.org", Role.INSTRUCTOR)


@pytest.fixture(autouse=True)
def fresh_vocabulary() -> Iterator[None]:
    """Each test's courses are the only known words (the vocabulary is cached per engine)."""
    spelling.forget_vocabulary()
    yield
    spelling.forget_vocabulary()


def test_a_swapped_letter_finds_python_courses_and_suggests_the_word(
    session: Session, teacher: User
) -> None:
    make_course(session, teacher, "py", title="Python for Beginners")
    make_course(session, teacher, "gui", title="Guitar Basics")
    found = find(session, "pyhton")
    assert slugs(found) == ["py"]
    assert found.suggestion == "python"
    assert found.terms == ("python",)


def test_only_the_unknown_word_is_corrected_and_known_words_stay(
    session: Session, teacher: User
) -> None:
    make_course(session, teacher, "ml", title="Machine Learning with Python")
    make_course(session, teacher, "js", title="JavaScript Projects", tags=("react",))
    assert find(session, "machine lerning").suggestion == "machine learning"
    assert slugs(find(session, "javscript react")) == ["js"]


def test_words_that_match_get_no_suggestion(session: Session, teacher: User) -> None:
    make_course(session, teacher, "py", title="Python for Beginners")
    found = find(session, "python")
    assert slugs(found) == ["py"] and found.suggestion == ""


def test_nothing_like_any_title_stays_empty_without_a_suggestion(
    session: Session, teacher: User
) -> None:
    make_course(session, teacher, "py", title="Python for Beginners")
    found = find(session, "zzzqqq")
    assert found.total == 0 and found.suggestion == ""


def test_drafts_do_not_lend_their_words_to_suggestions(session: Session, teacher: User) -> None:
    make_course(session, teacher, "secret", title="Quantum Basics", status=CourseStatus.DRAFT)
    found = find(session, "quantim")
    assert found.total == 0 and found.suggestion == ""


def test_snippets_show_markdown_as_plain_text(session: Session, teacher: User) -> None:
    make_course(
        session,
        teacher,
        "md",
        title="Gardening",
        description="## Why\n\n- Use **python** scripts, see [the docs](https://x.org/a), `code`",
    )
    (hit,) = find(session, "python").results
    shown = "".join(text for text, _ in hit.segments)
    assert ("python", True) in hit.segments
    for raw in ("##", "**", "](", "https://", "`", "- Use"):
        assert raw not in shown
    assert "the docs" in shown and "code" in shown


def test_strip_markdown_keeps_link_text_and_snake_case() -> None:
    assert search.strip_markdown("![logo](a.png) [read *this*](u) my_var _x_") == (
        "logo read this my_var x"
    )
    assert search.strip_markdown("cut here](https://a.org/b) and [start") == "cut here and start"


def test_similarity_follows_pg_trgm() -> None:
    assert spelling.similarity("word", "word") == 1.0
    assert round(spelling.similarity("pyhton", "python"), 2) == 0.27  # 3 shared of 11
    assert spelling.closest_word("pyhton", Counter({"python": 2, "photo": 9})) == "python"
    assert spelling.closest_word("pyt", Counter({"python": 1})) is None  # a prefix: no typo
