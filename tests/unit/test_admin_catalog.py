"""Admin catalog work: categories, the course list and moderation, for admins only."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from lms_reflex.models import AuditEvent, Category, Course, CourseStatus, Enrollment, Role, User
from lms_reflex.services.admin import catalog as ac
from lms_reflex.services.catalog import listings as catalog
from lms_reflex.services.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    NotSignedIn,
    PermissionDenied,
)
from tests.unit.catalog_fixtures import actor, add_category, add_course, add_user


@pytest.fixture
def admin(session: Session) -> User:
    return add_user(session, "admin@example.org", Role.ADMIN)


@pytest.fixture
def teacher(session: Session) -> User:
    return add_user(session, "teacher@example.org", Role.INSTRUCTOR)


@pytest.fixture
def learner(session: Session) -> User:
    return add_user(session, "learner@example.org")


@pytest.fixture
def cats(session: Session) -> list[Category]:
    rows = [add_category(session, name) for name in ("Art", "Business", "Code")]
    for position, row in enumerate(rows):
        row.position = position
        session.add(row)
    session.commit()
    return rows


def snapshot(session: Session) -> list:
    session.expire_all()
    cats = session.exec(select(Category).order_by(Category.id)).all()
    courses = session.exec(select(Course).order_by(Course.id)).all()
    return [
        [(c.id, c.name, c.description, c.position) for c in cats],
        [(c.id, c.status) for c in courses],
        session.exec(select(AuditEvent.id)).all(),
    ]


def calls(cats: list[Category], course: Course) -> list[tuple]:
    ids = [c.id for c in reversed(cats)]
    return [
        (ac.create_category, {"name": "New"}),
        (ac.rename_category, {"category_id": cats[0].id, "name": "Other"}),
        (ac.describe_category, {"category_id": cats[0].id, "description": "x"}),
        (ac.reorder_categories, {"category_ids": ids}),
        (ac.delete_category, {"category_id": cats[2].id}),
        (ac.list_all_courses, {}),
        (ac.unpublish_course_with_reason, {"course_id": course.id, "reason": "r"}),
        (ac.archive_course_with_reason, {"course_id": course.id, "reason": "r"}),
    ]


def test_every_admin_catalog_function_refuses_students_instructors_and_anonymous(
    session: Session, cats, teacher, learner
) -> None:
    course = add_course(session, teacher, "mine", category=cats[0])
    session.commit()
    before = snapshot(session)
    for fn, args in calls(cats, course):
        for who in (learner, teacher, None):
            error = NotSignedIn if who is None else PermissionDenied
            with pytest.raises(error):
                fn(session=session, actor=actor(who) if who else None, **args)
            session.rollback()
    assert snapshot(session) == before


def test_create_category_makes_a_unique_slug_and_goes_last(session: Session, admin, cats) -> None:
    got = ac.create_category(session=session, actor=actor(admin), name="  Café   Culture ")
    assert (got.name, got.slug) == ("Café Culture", "cafe-culture")
    assert session.get(Category, got.id).position == 3
    again = ac.create_category(session=session, actor=actor(admin), name="Cafe-Culture")
    assert again.slug == "cafe-culture-2"
    with pytest.raises(Conflict):
        ac.create_category(session=session, actor=actor(admin), name="art")
    for bad in ("", "   ", "x" * 81, None):
        with pytest.raises(InvalidInput):
            ac.create_category(session=session, actor=actor(admin), name=bad)


def test_rename_keeps_the_slug_and_audits_before_and_after(session: Session, admin, cats) -> None:
    got = ac.rename_category(
        session=session, actor=actor(admin), category_id=cats[0].id, name="Fine Art"
    )
    assert (got.name, got.slug) == ("Fine Art", "art")
    event = session.exec(select(AuditEvent)).one()
    assert event.detail["before"] == "Art" and event.detail["after"] == "Fine Art"
    with pytest.raises(Conflict):
        ac.rename_category(
            session=session, actor=actor(admin), category_id=cats[0].id, name="business"
        )
    # Renaming to its own name (other case) is fine.
    ac.rename_category(session=session, actor=actor(admin), category_id=cats[0].id, name="FINE art")
    with pytest.raises(NotFound):
        ac.rename_category(session=session, actor=actor(admin), category_id=10**9, name="Z")


def test_describe_category(session: Session, admin, cats) -> None:
    got = ac.describe_category(
        session=session, actor=actor(admin), category_id=cats[1].id, description=" <b>Money</b> "
    )
    assert got.description == "<b>Money</b>"
    with pytest.raises(InvalidInput):
        ac.describe_category(
            session=session, actor=actor(admin), category_id=cats[1].id, description="x" * 2001
        )


def test_reorder_sets_dense_positions(session: Session, admin, cats) -> None:
    order = [cats[2].id, cats[0].id, cats[1].id]
    got = ac.reorder_categories(session=session, actor=actor(admin), category_ids=order)
    assert [c.id for c in got] == order
    assert [c.id for c in catalog.list_categories(session=session)] == order
    assert [session.get(Category, cid).position for cid in order] == [0, 1, 2]


def test_reorder_refuses_stale_foreign_or_duplicated_lists(session: Session, admin, cats) -> None:
    ids = [c.id for c in cats]
    before = snapshot(session)
    for bad in (ids[:2], [*ids, 10**9], [ids[0], ids[0], ids[1]], [*ids[:2], "3"], None, []):
        with pytest.raises(InvalidInput, match="reload"):
            ac.reorder_categories(session=session, actor=actor(admin), category_ids=bad)
        session.rollback()
    assert snapshot(session) == before


def test_delete_is_refused_while_courses_use_the_category(
    session: Session, admin, teacher, cats
) -> None:
    add_course(session, teacher, "zeta", title="Zeta Drawing", category=cats[0])
    add_course(session, teacher, "alpha", title="Alpha Painting", category=cats[0])
    session.commit()
    with pytest.raises(Conflict) as refused:
        ac.delete_category(session=session, actor=actor(admin), category_id=cats[0].id)
    assert "Alpha Painting" in refused.value.message and "Zeta Drawing" in refused.value.message
    assert refused.value.message.index("Alpha") < refused.value.message.index("Zeta")
    assert session.get(Category, cats[0].id) is not None


def test_delete_closes_the_gap_in_positions(session: Session, admin, cats) -> None:
    ac.delete_category(session=session, actor=actor(admin), category_id=cats[0].id)
    session.expire_all()
    assert session.get(Category, cats[0].id) is None
    assert [session.get(Category, c.id).position for c in cats[1:]] == [0, 1]
    event = session.exec(select(AuditEvent)).one()
    assert event.action == "category_deleted" and event.detail["before"]["name"] == "Art"


def test_list_all_courses_shows_every_status_with_owner_and_students(
    session: Session, admin, teacher, learner, cats
) -> None:
    pub = add_course(session, teacher, "pub", category=cats[0])
    add_course(session, teacher, "draft", status=CourseStatus.DRAFT)
    add_course(session, teacher, "old", status=CourseStatus.ARCHIVED)
    session.add(Enrollment(user_id=learner.id, course_id=pub.id))
    session.commit()
    page = ac.list_all_courses(session=session, actor=actor(admin))
    assert page.total == 3
    rows = {r.slug: r for r in page.rows}
    assert rows["pub"].students == 1 and rows["pub"].category_name == "Art"
    assert rows["draft"].status == "draft" and rows["draft"].students == 0
    assert rows["old"].owner_name == "Teacher Tester"
    drafts = ac.list_all_courses(session=session, actor=actor(admin), status="draft")
    assert [r.slug for r in drafts.rows] == ["draft"]
    small = ac.list_all_courses(session=session, actor=actor(admin), page=2, page_size=2)
    assert (small.total, small.pages, len(small.rows)) == (3, 2, 1)
    with pytest.raises(InvalidInput):
        ac.list_all_courses(session=session, actor=actor(admin), status="gone")


def test_unpublish_with_reason_mails_the_instructor(session: Session, admin, teacher) -> None:
    course = add_course(session, teacher, "bad")
    mail = ac.unpublish_course_with_reason(
        session=session, actor=actor(admin), course_id=course.id, reason="Copied <videos>"
    )
    assert session.get(Course, course.id).status == CourseStatus.DRAFT
    assert mail.to == teacher.email and "Copied <videos>" in mail.text
    assert "<videos>" not in mail.html
    event = session.exec(select(AuditEvent)).one()
    assert event.detail["before"] == "published" and event.detail["after"] == "draft"
    with pytest.raises(InvalidInput):  # already a draft
        ac.unpublish_course_with_reason(
            session=session, actor=actor(admin), course_id=course.id, reason="again"
        )


def test_archive_with_reason_needs_a_reason(session: Session, admin, teacher) -> None:
    course = add_course(session, teacher, "old")
    for reason in ("", "  ", None, "x" * 1001):
        with pytest.raises(InvalidInput):
            ac.archive_course_with_reason(
                session=session, actor=actor(admin), course_id=course.id, reason=reason
            )
    mail = ac.archive_course_with_reason(
        session=session, actor=actor(admin), course_id=course.id, reason="Outdated"
    )
    assert session.get(Course, course.id).status == CourseStatus.ARCHIVED
    assert "Outdated" in mail.text
    with pytest.raises(NotFound):
        ac.archive_course_with_reason(
            session=session, actor=actor(admin), course_id=10**9, reason="x"
        )
