"""The public catalog never shows drafts, searches literally, and does not do N+1 queries."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from lms_reflex.models import CourseStatus, Role
from lms_reflex.services.catalog import listings as catalog
from lms_reflex.services.errors import NotFound
from tests.unit._helpers import count_selects
from tests.unit.catalog_fixtures import actor, add_category, add_course, add_user


@pytest.fixture
def teacher(session: Session):
    return add_user(session, "teacher@example.org", Role.INSTRUCTOR)


def test_drafts_and_archived_courses_are_never_listed(session: Session, teacher) -> None:
    add_course(session, teacher, "live-course")
    add_course(session, teacher, "secret-draft", status=CourseStatus.DRAFT)
    add_course(session, teacher, "old-course", status=CourseStatus.ARCHIVED)
    for order in ("newest", "top_rated", "popular"):
        slugs = [c.slug for c in catalog.list_published_courses(session=session, order=order)]
        assert slugs == ["live-course"]
    assert catalog.search_courses(session=session, query="secret") == []
    assert catalog.search_courses(session=session, query="old") == []


def test_draft_page_is_not_found_for_visitors_students_and_other_instructors(
    session: Session, teacher
) -> None:
    add_course(session, teacher, "secret-draft", status=CourseStatus.DRAFT)
    student = add_user(session, "s@example.org")
    other = add_user(session, "other@example.org", Role.INSTRUCTOR)
    for who in (None, actor(student), actor(other)):
        with pytest.raises(NotFound):
            catalog.get_course_detail(session=session, actor=who, slug="secret-draft")


def test_draft_page_is_visible_to_its_instructor_and_admins(session: Session, teacher) -> None:
    add_course(session, teacher, "secret-draft", status=CourseStatus.DRAFT)
    admin = add_user(session, "admin@example.org", Role.ADMIN)
    for who in (actor(teacher), actor(admin)):
        detail = catalog.get_course_detail(session=session, actor=who, slug="secret-draft")
        assert detail.status == CourseStatus.DRAFT


def test_unknown_slug_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        catalog.get_course_detail(session=session, actor=None, slug="nope")


def test_course_page_has_its_syllabus_in_order(session: Session, teacher) -> None:
    add_course(session, teacher, "python-basics", lessons=3)
    detail = catalog.get_course_detail(session=session, actor=None, slug="python-basics")
    assert [s.title for s in detail.sections] == ["Getting started"]
    assert [lesson.title for lesson in detail.sections[0].lessons] == [
        "Lesson 1",
        "Lesson 2",
        "Lesson 3",
    ]
    assert detail.lesson_count == 3
    assert detail.sections[0].lessons[0].is_preview
    assert detail.total_duration_label == "3 min"


@pytest.mark.parametrize("query", ["' OR 1=1 --", "%", "_", "\\", '"', "x" * 10_000])
def test_search_treats_sql_and_wildcards_as_literal_text(
    session: Session, teacher, query: str
) -> None:
    add_course(session, teacher, "python-basics")
    assert catalog.search_courses(session=session, query=query) == []


def test_search_matches_title_and_instructor_name(session: Session, teacher) -> None:
    add_course(session, teacher, "python-basics", title="Python Basics")
    add_course(session, teacher, "cooking-100", title="Cooking 100% better")
    assert [c.slug for c in catalog.search_courses(session=session, query="python")] == [
        "python-basics"
    ]
    assert [c.slug for c in catalog.search_courses(session=session, query="100%")] == [
        "cooking-100"
    ]
    assert len(catalog.search_courses(session=session, query="teacher")) == 2


def test_category_listing_only_shows_that_category(session: Session, teacher) -> None:
    design = add_category(session, "Design")
    code = add_category(session, "Code")
    add_course(session, teacher, "figma", category=design)
    add_course(session, teacher, "rust", category=code)
    slugs = [
        c.slug for c in catalog.list_published_courses(session=session, category_slug="design")
    ]
    assert slugs == ["figma"]


def test_listing_uses_the_same_number_of_statements_for_2_or_20_courses(
    session: Session, teacher
) -> None:
    for i in range(20):
        add_course(session, teacher, f"course-{i}")
    session.commit()
    with count_selects(session) as small:
        assert len(catalog.list_published_courses(session=session, limit=2)) == 2
    with count_selects(session) as big:
        assert len(catalog.list_published_courses(session=session, limit=20)) == 20
    assert small["n"] == big["n"] == 1


def test_course_description_markdown_cannot_run_script(session: Session, teacher) -> None:
    evil = (
        "**bold** <script>alert(1)</script> <img src=x onerror=alert(1)> "
        "[click](javascript:alert(1))"
    )
    add_course(session, teacher, "evil", description=evil)
    html = catalog.get_course_detail(session=session, actor=None, slug="evil").description_html
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
