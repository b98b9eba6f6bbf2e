"""The audit trail and the moderation lists: admins only, readable, constant query counts."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from lms_reflex.models import CourseStatus, Enrollment, Review, Role, User
from lms_reflex.services import audit
from lms_reflex.services.admin import catalog as admin_catalog
from lms_reflex.services.admin import moderation as admin_moderation
from lms_reflex.services.admin import users as admin_users
from lms_reflex.services.admin.audit_trail import list_admin_events
from lms_reflex.services.admin.enrollments import admin_enroll
from lms_reflex.services.errors import NotFound, NotSignedIn, PermissionDenied
from lms_reflex.services.learning import reviews
from tests.unit._helpers import count_selects
from tests.unit.catalog_fixtures import actor, add_course, add_user


@pytest.fixture
def admin(session: Session) -> User:
    return add_user(session, "admin@example.org", Role.ADMIN)


@pytest.fixture
def teacher(session: Session) -> User:
    return add_user(session, "teacher@example.org", Role.INSTRUCTOR)


@pytest.fixture
def learner(session: Session) -> User:
    return add_user(session, "learner@example.org")


READERS = [
    (list_admin_events, {}),
    (admin_moderation.list_recent_reviews, {}),
    (admin_moderation.enrollable_courses, {}),
]


@pytest.mark.parametrize(("fn", "args"), READERS)
def test_admin_lists_refuse_students_instructors_and_anonymous(
    session: Session, teacher, learner, fn, args
) -> None:
    for who in (learner, teacher):
        with pytest.raises(PermissionDenied):
            fn(session=session, actor=actor(who), **args)
    with pytest.raises(NotSignedIn):
        fn(session=session, actor=None, **args)


def test_user_enrollments_are_for_admins_only(session: Session, teacher, learner) -> None:
    with pytest.raises(PermissionDenied):
        admin_moderation.list_user_enrollments(
            session=session, actor=actor(teacher), user_id=learner.id
        )
    with pytest.raises(NotSignedIn):
        admin_moderation.list_user_enrollments(session=session, actor=None, user_id=learner.id)


def test_the_trail_shows_who_what_and_before_after_newest_first(
    session: Session, admin, learner
) -> None:
    me = actor(admin)
    admin_users.change_role(session=session, actor=me, user_id=learner.id, role=Role.INSTRUCTOR)
    admin_catalog.create_category(session=session, actor=me, name="Design")
    audit.record_event(session=session, action="login_failed", subject="x@example.org")
    session.commit()
    page = list_admin_events(session=session, actor=me)
    assert page.total == 2  # the failed sign-in is not an admin action
    newest, oldest = page.rows
    assert (newest.action, newest.who, newest.after) == (
        "Created a category",
        "Admin Tester",
        '{"name": "Design"}',
    )
    assert (oldest.action, oldest.before, oldest.after) == (
        "Changed a role",
        "student",
        "instructor",
    )
    assert oldest.about == f"user: Learner Tester (#{learner.id})"
    assert oldest.when_label.endswith("UTC")


def test_the_trail_names_courses_and_pages(session: Session, admin, teacher, learner) -> None:
    me = actor(admin)
    course = add_course(session, teacher, "python", title="Python")
    admin_enroll(session=session, actor=me, user_id=learner.id, course_id=course.id)
    for i in range(4):
        admin_catalog.create_category(session=session, actor=me, name=f"C{i}")
    session.commit()
    page = list_admin_events(session=session, actor=me, page=2, page_size=4)
    assert (page.total, page.page, page.pages, len(page.rows)) == (5, 2, 2, 1)
    assert "course: Python" in page.rows[0].about and "user: Learner Tester" in page.rows[0].about


def test_the_trail_uses_the_same_number_of_statements_for_5_or_50_events(
    session: Session, admin, teacher
) -> None:
    me = actor(admin)
    course = add_course(session, teacher, "busy")
    for i in range(50):
        student = add_user(session, f"s{i}@example.org")
        admin_enroll(session=session, actor=me, user_id=student.id, course_id=course.id)
    session.commit()
    with count_selects(session) as small:
        assert len(list_admin_events(session=session, actor=me, page_size=5).rows) == 5
    with count_selects(session) as big:
        assert len(list_admin_events(session=session, actor=me, page_size=50).rows) == 50
    assert small["n"] == big["n"] == 4


def _review(session: Session, course, user: User, rating: int, hidden: bool = False) -> Review:
    session.add(Enrollment(user_id=user.id, course_id=course.id))
    row = Review(user_id=user.id, course_id=course.id, rating=rating, body="ok", is_hidden=hidden)
    session.add(row)
    session.flush()
    return row


def test_recent_reviews_include_hidden_ones_with_full_names(
    session: Session, admin, teacher, learner
) -> None:
    course = add_course(session, teacher, "python", title="Python")
    row = _review(session, course, learner, 2)
    session.commit()
    me = actor(admin)
    reviews.hide_review(session=session, actor=me, review_id=row.id)
    session.commit()
    page = admin_moderation.list_recent_reviews(session=session, actor=me)
    (seen,) = page.rows
    assert (seen.course_title, seen.author, seen.rating, seen.hidden) == (
        "Python",
        "Learner Tester",
        2,
        True,
    )


def test_recent_reviews_use_two_statements_for_5_or_50(session: Session, admin, teacher) -> None:
    course = add_course(session, teacher, "python")
    for i in range(50):
        _review(session, course, add_user(session, f"r{i}@example.org"), 1 + i % 5)
    session.commit()
    me = actor(admin)
    with count_selects(session) as small:
        rows = admin_moderation.list_recent_reviews(session=session, actor=me, page_size=5).rows
        assert len(rows) == 5
    with count_selects(session) as big:
        rows = admin_moderation.list_recent_reviews(session=session, actor=me, page_size=50).rows
        assert len(rows) == 50
    assert small["n"] == big["n"] == 2


def test_user_enrollments_show_the_source(session: Session, admin, teacher, learner) -> None:
    me = actor(admin)
    mine = add_course(session, teacher, "python", title="Python")
    other = add_course(session, teacher, "rust", title="Rust")
    session.add(Enrollment(user_id=learner.id, course_id=other.id))
    admin_enroll(session=session, actor=me, user_id=learner.id, course_id=mine.id)
    session.commit()
    got = admin_moderation.list_user_enrollments(session=session, actor=me, user_id=learner.id)
    assert sorted((e.course_title, e.source) for e in got) == [
        ("Python", "admin"),
        ("Rust", "self"),
    ]
    with pytest.raises(NotFound):
        admin_moderation.list_user_enrollments(session=session, actor=me, user_id=10**9)
    with pytest.raises(NotFound):
        admin_moderation.list_user_enrollments(session=session, actor=me, user_id="1")  # type: ignore[arg-type]


def test_enrollable_courses_leave_drafts_out(session: Session, admin, teacher) -> None:
    add_course(session, teacher, "b", title="B published")
    add_course(session, teacher, "a", title="A archived", status=CourseStatus.ARCHIVED)
    add_course(session, teacher, "c", title="C draft", status=CourseStatus.DRAFT)
    session.commit()
    got = admin_moderation.enrollable_courses(session=session, actor=actor(admin))
    assert [c.title for c in got] == ["A archived", "B published"]


def test_the_category_editor_list_is_for_admins(session: Session, admin, learner) -> None:
    admin_catalog.create_category(session=session, actor=actor(admin), name="Design")
    session.commit()
    got = admin_moderation.categories_for_admin(session=session, actor=actor(admin))
    assert [c.name for c in got] == ["Design"]
    with pytest.raises(PermissionDenied):
        admin_moderation.categories_for_admin(session=session, actor=actor(learner))


def test_the_user_list_filters_pending_requests_to_teach(session: Session, admin, learner) -> None:
    other = add_user(session, "other@example.org")
    learner.instructor_requested_at = other.created_at
    session.add(learner)
    session.commit()
    me = actor(admin)
    asking = admin_users.list_users(session=session, actor=me, asks_to_teach=True)
    assert [r.email for r in asking.rows] == ["learner@example.org"] and asking.total == 1
    assert admin_users.list_users(session=session, actor=me).total == 3
