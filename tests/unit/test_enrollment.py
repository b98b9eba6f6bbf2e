"""Enrollment: who may join what, idempotent and race-safe joins, leaving, admin enrollments.

tests/integration/test_services_postgres.py runs the race again on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from lms_reflex.db import session_scope
from lms_reflex.models import (
    AuditEvent,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    Lesson,
    LessonProgress,
    Role,
    Section,
    User,
    utcnow,
)
from lms_reflex.services.admin import enrollments as admin_enrollments
from lms_reflex.services.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    NotSignedIn,
    PermissionDenied,
)
from lms_reflex.services.learning import enrollment
from lms_reflex.services.learning.enrollment import EnrollmentResult
from tests.unit.catalog_fixtures import actor, add_course, add_user


@pytest.fixture
def teacher(session: Session) -> User:
    return add_user(session, "teacher@example.org", Role.INSTRUCTOR)


@pytest.fixture
def student(session: Session) -> User:
    return add_user(session, "student@example.org")


@pytest.fixture
def admin(session: Session) -> User:
    return add_user(session, "admin@example.org", Role.ADMIN)


@pytest.fixture
def free_course(session: Session, teacher: User) -> Course:
    return add_course(session, teacher, "free-course", title="Free course")


@pytest.fixture
def paid_course(session: Session, teacher: User) -> Course:
    course = add_course(session, teacher, "paid-course", title="Paid course")
    course.price_cents = 4900
    session.add(course)
    session.flush()
    return course


def enrollments(session: Session, course_id: int) -> list[Enrollment]:
    query = select(Enrollment).where(Enrollment.course_id == course_id)
    return list(session.exec(query).all())


def enroll(session: Session, user: User | None, course: Course) -> EnrollmentResult:
    assert course.id is not None
    who = actor(user) if user is not None else None
    return enrollment.enroll_student(session=session, actor=who, course_id=course.id)


def lessons_of(session: Session, course: Course) -> list[Lesson]:
    query = (
        select(Lesson)
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .where(Section.course_id == course.id)
        .order_by(col(Lesson.position))
    )
    return list(session.exec(query).all())


# ------------------------------------------------------------------ who may enroll


def test_a_verified_student_enrolls_in_a_free_course(
    session: Session, student: User, free_course: Course
) -> None:
    result = enroll(session, student, free_course)
    assert (result.course_id, result.course_slug, result.course_title, result.created) == (
        free_course.id,
        "free-course",
        "Free course",
        True,
    )
    # The service builds the confirmation; the state only sends it after its reply.
    assert result.mail is not None and result.mail.to == student.email
    assert "Free course" in result.mail.subject
    assert enroll(session, student, free_course).mail is None  # a repeated click mails nothing
    (row,) = enrollments(session, free_course.id)
    assert (row.user_id, row.source) == (student.id, EnrollmentSource.SELF)


def test_anonymous_and_unverified_users_cannot_enroll(
    session: Session, student: User, free_course: Course
) -> None:
    with pytest.raises(NotSignedIn):
        enroll(session, None, free_course)
    student.email_verified_at = None
    with pytest.raises(PermissionDenied, match="verify your email"):
        enroll(session, student, free_course)
    assert enrollments(session, free_course.id) == []


@pytest.mark.parametrize("status", [CourseStatus.DRAFT, CourseStatus.ARCHIVED])
def test_unpublished_courses_are_not_found_for_students(
    session: Session, student: User, teacher: User, status: str
) -> None:
    course = add_course(session, teacher, "hidden", status=status)
    with pytest.raises(NotFound):
        enroll(session, student, course)
    with pytest.raises(NotFound):
        enrollment.enrollment_status(session=session, actor=actor(student), course_id=course.id)
    assert enrollments(session, course.id) == []


def test_an_admin_cannot_join_a_draft_they_can_see(
    session: Session, admin: User, teacher: User
) -> None:
    course = add_course(session, teacher, "draft", status=CourseStatus.DRAFT)
    with pytest.raises(InvalidInput, match="not open"):
        enroll(session, admin, course)


def test_unknown_course_is_not_found(session: Session, student: User) -> None:
    with pytest.raises(NotFound):
        enrollment.enroll_student(session=session, actor=actor(student), course_id=999)


def test_a_priced_course_is_refused_without_a_payment(
    session: Session, student: User, paid_course: Course
) -> None:
    with pytest.raises(PermissionDenied, match=r"^This course is paid: buy it to enroll\.$"):
        enroll(session, student, paid_course)
    assert enrollments(session, paid_course.id) == []


def test_an_instructor_cannot_enroll_in_their_own_course(
    session: Session, teacher: User, free_course: Course
) -> None:
    with pytest.raises(PermissionDenied, match="You teach this course"):
        enroll(session, teacher, free_course)
    assert enrollments(session, free_course.id) == []


def test_an_instructor_may_join_another_instructors_course(
    session: Session, free_course: Course
) -> None:
    other = add_user(session, "other@example.org", Role.INSTRUCTOR)
    assert enroll(session, other, free_course).created


# ------------------------------------------------------------------ idempotent and race-safe


def test_a_second_enroll_reports_success_without_a_second_row(
    session: Session, student: User, free_course: Course
) -> None:
    assert enroll(session, student, free_course).created
    again = enroll(session, student, free_course)
    assert (again.created, again.course_slug) == (False, "free-course")
    assert len(enrollments(session, free_course.id)) == 1


def test_enrolled_students_keep_a_harmless_second_click_after_the_price_changes(
    session: Session, student: User, free_course: Course
) -> None:
    enroll(session, student, free_course)
    free_course.price_cents = 1000
    session.add(free_course)
    assert enroll(session, student, free_course).created is False


@pytest.mark.parametrize("precheck", ["normal", "blind"])
def test_twenty_concurrent_clicks_make_one_row_and_all_succeed(
    session: Session,
    student: User,
    free_course: Course,
    monkeypatch: pytest.MonkeyPatch,
    precheck: str,
) -> None:
    if precheck == "blind":  # every click passes the "already enrolled?" check: the INSERT decides
        monkeypatch.setattr(enrollment, "_find_enrollment", lambda *_args: None)
    session.commit()
    outcomes = race_enrollments(actor(student), free_course.id, clicks=20)
    assert [type(o).__name__ for o in outcomes if isinstance(o, BaseException)] == []
    assert sorted(o.created for o in outcomes) == [False] * 19 + [True]
    session.expire_all()
    assert len(enrollments(session, free_course.id)) == 1


def race_enrollments(who, course_id: int, *, clicks: int) -> list:
    """Call enroll_student from `clicks` threads at once, each with its own session."""
    barrier = threading.Barrier(clicks)
    outcomes: list = [None] * clicks

    def click(i: int) -> None:
        barrier.wait()
        try:
            with session_scope() as db:
                outcomes[i] = enrollment.enroll_student(session=db, actor=who, course_id=course_id)
        except BaseException as exc:  # recorded, so the test names what went wrong
            outcomes[i] = exc

    threads = [threading.Thread(target=click, args=(i,)) for i in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_the_savepoint_fallback_survives_a_duplicate_and_keeps_the_transaction(
    session: Session, student: User, teacher: User, free_course: Course
) -> None:
    other = add_course(session, teacher, "other-course")
    values = {"user_id": student.id, "source": "self", "created_at": utcnow()}
    first = insert(Enrollment).values(course_id=free_course.id, **values)
    assert enrollment._insert_in_savepoint(session, first) is True
    assert enrollment._insert_in_savepoint(session, first) is False
    second = insert(Enrollment).values(course_id=other.id, **values)
    assert enrollment._insert_in_savepoint(session, second) is True
    session.commit()
    total = session.exec(select(func.count()).select_from(Enrollment)).one()
    assert total == 2


# ------------------------------------------------------------------ leaving


def test_a_student_may_leave_a_course_they_have_not_started(
    session: Session, student: User, free_course: Course
) -> None:
    enroll(session, student, free_course)
    gone = enrollment.unenroll_student(
        session=session, actor=actor(student), course_id=free_course.id
    )
    assert (gone.removed, gone.course_slug) == (True, "free-course")
    assert enrollments(session, free_course.id) == []
    again = enrollment.unenroll_student(
        session=session, actor=actor(student), course_id=free_course.id
    )
    assert again.removed is False


def test_leaving_is_refused_once_any_progress_exists(
    session: Session, student: User, free_course: Course
) -> None:
    enroll(session, student, free_course)
    first = lessons_of(session, free_course)[0]
    session.add(LessonProgress(user_id=student.id, lesson_id=first.id, position_s=3))
    session.flush()
    with pytest.raises(Conflict, match="started this course"):
        enrollment.unenroll_student(session=session, actor=actor(student), course_id=free_course.id)
    assert len(enrollments(session, free_course.id)) == 1


def test_progress_in_another_course_does_not_block_leaving(
    session: Session, student: User, teacher: User, free_course: Course
) -> None:
    other = add_course(session, teacher, "other")
    enroll(session, student, free_course)
    enroll(session, student, other)
    lesson = lessons_of(session, other)[0]
    session.add(LessonProgress(user_id=student.id, lesson_id=lesson.id))
    session.flush()
    result = enrollment.unenroll_student(
        session=session, actor=actor(student), course_id=free_course.id
    )
    assert result.removed


def test_a_student_cannot_drop_an_enrollment_an_admin_made(
    session: Session, student: User, admin: User, paid_course: Course
) -> None:
    admin_enrollments.admin_enroll(
        session=session, actor=actor(admin), user_id=student.id, course_id=paid_course.id
    )
    with pytest.raises(PermissionDenied, match="administrator"):
        enrollment.unenroll_student(session=session, actor=actor(student), course_id=paid_course.id)
    assert len(enrollments(session, paid_course.id)) == 1


# ------------------------------------------------------------------ admins


def test_an_admin_enrolls_a_student_in_a_priced_course(
    session: Session, student: User, admin: User, paid_course: Course
) -> None:
    result = admin_enrollments.admin_enroll(
        session=session, actor=actor(admin), user_id=student.id, course_id=paid_course.id
    )
    assert (result.created, result.course_title) == (True, "Paid course")
    (row,) = enrollments(session, paid_course.id)
    assert (row.user_id, row.source) == (student.id, EnrollmentSource.ADMIN)
    again = admin_enrollments.admin_enroll(
        session=session, actor=actor(admin), user_id=student.id, course_id=paid_course.id
    )
    assert again.created is False
    actions = session.exec(select(AuditEvent.action)).all()
    assert actions == ["admin_enroll"]


@pytest.mark.parametrize("role", [Role.STUDENT, Role.INSTRUCTOR])
def test_only_admins_enroll_or_remove_others(
    session: Session, student: User, paid_course: Course, teacher: User, role: str
) -> None:
    caller = teacher if role == Role.INSTRUCTOR else add_user(session, "x@example.org")
    calls: list[Callable[..., object]] = [
        admin_enrollments.admin_enroll,
        admin_enrollments.admin_remove_enrollment,
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call(session=session, actor=actor(caller), user_id=student.id, course_id=paid_course.id)
        with pytest.raises(NotSignedIn):
            call(session=session, actor=None, user_id=student.id, course_id=paid_course.id)
    assert enrollments(session, paid_course.id) == []


def test_admin_enroll_refuses_drafts_unknown_ids_and_the_courses_instructor(
    session: Session, student: User, admin: User, teacher: User, free_course: Course
) -> None:
    draft = add_course(session, teacher, "draft", status=CourseStatus.DRAFT)
    who = actor(admin)
    with pytest.raises(InvalidInput, match="Publish"):
        admin_enrollments.admin_enroll(
            session=session, actor=who, user_id=student.id, course_id=draft.id
        )
    with pytest.raises(InvalidInput, match="teaches"):
        admin_enrollments.admin_enroll(
            session=session, actor=who, user_id=teacher.id, course_id=free_course.id
        )
    with pytest.raises(NotFound):
        admin_enrollments.admin_enroll(
            session=session, actor=who, user_id=999, course_id=free_course.id
        )
    with pytest.raises(NotFound):
        admin_enrollments.admin_enroll(
            session=session, actor=who, user_id=student.id, course_id=999
        )


def test_an_admin_removes_an_enrollment_even_with_progress(
    session: Session, student: User, admin: User, free_course: Course
) -> None:
    enroll(session, student, free_course)
    lesson = lessons_of(session, free_course)[0]
    session.add(LessonProgress(user_id=student.id, lesson_id=lesson.id))
    session.flush()
    removed = admin_enrollments.admin_remove_enrollment(
        session=session, actor=actor(admin), user_id=student.id, course_id=free_course.id
    )
    assert removed.removed and enrollments(session, free_course.id) == []


# ------------------------------------------------------------------ the course page button


def status_for(session: Session, user: User | None, course: Course):
    who = actor(user) if user is not None else None
    return enrollment.enrollment_status(session=session, actor=who, course_id=course.id)


def test_button_for_visitors_students_and_priced_courses(
    session: Session, student: User, free_course: Course, paid_course: Course
) -> None:
    visitor = status_for(session, None, free_course)
    assert (visitor.can_enroll, visitor.label) == (False, "Sign in to enroll")
    ready = status_for(session, student, free_course)
    assert (ready.enrolled, ready.can_enroll, ready.label) == (False, True, "Enroll for free")
    priced = status_for(session, None, paid_course)
    assert (priced.can_enroll, priced.can_buy, priced.label) == (False, False, "Sign in to buy")
    priced = status_for(session, student, paid_course)
    assert (priced.can_enroll, priced.can_buy, priced.label) == (False, True, "Buy now")


def test_button_for_unverified_users_and_the_instructor(
    session: Session, student: User, teacher: User, free_course: Course
) -> None:
    assert status_for(session, teacher, free_course).can_enroll is False
    student.email_verified_at = None
    unverified = status_for(session, student, free_course)
    assert (unverified.can_enroll, unverified.label) == (False, "Verify your email to enroll")


def test_enrolled_students_resume_where_they_left_off(
    session: Session, student: User, teacher: User
) -> None:
    course = add_course(session, teacher, "three", lessons=3)
    enroll(session, student, course)
    first, _second, third = lessons_of(session, course)
    fresh = status_for(session, student, course)
    assert (fresh.enrolled, fresh.label, fresh.next_lesson_id) == (True, "Go to course", first.id)
    assert fresh.progress_percent == 0
    session.add(LessonProgress(user_id=student.id, lesson_id=first.id, completed_at=utcnow()))
    session.add(LessonProgress(user_id=student.id, lesson_id=third.id, position_s=40))
    session.flush()
    midway = status_for(session, student, course)
    assert (midway.next_lesson_id, midway.progress_percent) == (third.id, 33)


def test_a_finished_course_resumes_at_its_first_lesson_and_an_empty_one_nowhere(
    session: Session, student: User, teacher: User
) -> None:
    course = add_course(session, teacher, "done", lessons=2)
    empty = add_course(session, teacher, "empty", lessons=0)
    enroll(session, student, course)
    enroll(session, student, empty)
    for lesson in lessons_of(session, course):
        session.add(LessonProgress(user_id=student.id, lesson_id=lesson.id, completed_at=utcnow()))
    session.flush()
    done = status_for(session, student, course)
    assert (done.next_lesson_id, done.progress_percent) == (lessons_of(session, course)[0].id, 100)
    nothing = status_for(session, student, empty)
    assert (nothing.next_lesson_id, nothing.progress_percent) == (None, 0)
