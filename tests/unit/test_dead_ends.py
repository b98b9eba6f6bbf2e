"""No dead ends: where sign-in lands, what a locked lesson offers, how a priced course reads."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from lms_reflex.models import Course, Lesson, Role, Section, User
from lms_reflex.services.accounts.landing import landing_path
from lms_reflex.services.errors import NotFound
from lms_reflex.services.learning import enrollment
from lms_reflex.services.learning.lesson_offer import lesson_offer
from tests.unit.catalog_fixtures import actor, add_course, add_user


@pytest.fixture
def teacher(session: Session) -> User:
    return add_user(session, "teacher@example.org", Role.INSTRUCTOR)


@pytest.fixture
def course(session: Session, teacher: User) -> Course:
    return add_course(session, teacher, "free-course", title="Free course")


def locked_lesson(session: Session, course: Course) -> int:
    query = (
        select(Lesson.id)
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .where(Section.course_id == course.id, col(Lesson.is_preview).is_(False))
    )
    found = session.exec(query).first()
    assert found is not None
    return found


def join(session: Session, user: User, course: Course) -> None:
    assert course.id is not None
    enrollment.enroll_student(session=session, actor=actor(user), course_id=course.id)


def test_consoles_are_the_landing_of_instructors_and_admins_without_courses(
    session: Session, teacher: User
) -> None:
    admin = add_user(session, "admin@example.org", Role.ADMIN)
    student = add_user(session, "student@example.org")
    assert landing_path(session=session, user_id=teacher.id or 0) == "/teach"
    assert landing_path(session=session, user_id=admin.id or 0) == "/admin"
    assert landing_path(session=session, user_id=student.id or 0) == "/dashboard"
    assert landing_path(session=session, user_id=999_999) == "/dashboard"


def test_an_instructor_who_joined_a_course_lands_on_the_dashboard(
    session: Session, teacher: User, course: Course
) -> None:
    other = add_user(session, "other@example.org", Role.INSTRUCTOR)
    join(session, other, course)
    assert landing_path(session=session, user_id=other.id or 0) == "/dashboard"


def test_a_locked_lesson_offers_its_course_enroll_button(session: Session, course: Course) -> None:
    student = add_user(session, "student@example.org")
    offer = lesson_offer(
        session=session,
        actor=actor(student),
        course_slug="free-course",
        lesson_id=locked_lesson(session, course),
    )
    assert (offer.course_id, offer.course_slug, offer.course_title) == (
        course.id,
        "free-course",
        "Free course",
    )
    assert (offer.status.can_enroll, offer.status.label) == (True, "Enroll for free")


def test_the_offer_refuses_a_lesson_of_another_course(session: Session, course: Course) -> None:
    with pytest.raises(NotFound):
        lesson_offer(
            session=session,
            actor=None,
            course_slug="another-course",
            lesson_id=locked_lesson(session, course),
        )


def test_every_lesson_opens_for_the_enrolled_and_the_instructor(
    session: Session, teacher: User, course: Course
) -> None:
    student = add_user(session, "student@example.org")
    assert course.id is not None
    status = enrollment.enrollment_status(
        session=session, actor=actor(student), course_id=course.id
    )
    assert status.opens_all is False
    join(session, student, course)
    for who in (student, teacher):
        status = enrollment.enrollment_status(
            session=session, actor=actor(who), course_id=course.id
        )
        assert status.opens_all is True, who.email
