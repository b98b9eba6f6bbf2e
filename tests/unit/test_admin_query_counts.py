"""The admin tables and charts cost the same number of statements for few or many rows."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from lms_reflex.models import Enrollment, Lesson, LessonProgress, Review, Role, Section, utcnow
from lms_reflex.services.admin import catalog as admin_catalog
from lms_reflex.services.admin import platform_stats
from lms_reflex.services.teaching.course_analytics import course_analytics
from tests.unit._helpers import count_selects
from tests.unit.catalog_fixtures import actor, add_course, add_user


def _courses(session: Session, teacher, n: int) -> list:
    return [add_course(session, teacher, f"c{n}-{i}", lessons=2) for i in range(n)]


def _statements(session: Session, fn, **kwargs) -> int:
    with count_selects(session) as counted:
        fn(session=session, **kwargs)
    return counted["n"]


def test_course_list_and_course_stats_do_not_grow_with_courses(session: Session) -> None:
    me = actor(add_user(session, "admin@example.org", Role.ADMIN))
    teacher = add_user(session, "teacher@example.org", Role.INSTRUCTOR)
    student = add_user(session, "s@example.org")
    _courses(session, teacher, 3)
    session.commit()
    few = [
        _statements(session, admin_catalog.list_all_courses, actor=me),
        _statements(session, platform_stats.top_courses, actor=me),
        _statements(session, platform_stats.completion_rate_by_course, actor=me),
    ]
    for course in _courses(session, teacher, 40):
        session.add(Enrollment(user_id=student.id, course_id=course.id))
    session.commit()
    many = [
        _statements(session, admin_catalog.list_all_courses, actor=me, page_size=50),
        _statements(session, platform_stats.top_courses, actor=me, limit=50),
        _statements(session, platform_stats.completion_rate_by_course, actor=me),
    ]
    assert few == many == [2, 1, 2]


def test_daily_series_are_one_statement_whatever_the_range(session: Session) -> None:
    me = actor(add_user(session, "admin@example.org", Role.ADMIN))
    session.commit()
    for fn in (
        platform_stats.signups_per_day,
        platform_stats.enrollments_per_day,
        platform_stats.completions_per_day,
    ):
        short = _statements(session, fn, actor=me, start=date(2026, 3, 1), end=date(2026, 3, 2))
        year = _statements(session, fn, actor=me, start=date(2025, 3, 1), end=date(2026, 2, 28))
        assert short == year == 1


def _busy_course(session: Session, teacher, students: int, lessons: int):
    course = add_course(session, teacher, f"busy-{students}", lessons=lessons)
    lesson_ids = session.exec(
        select(Lesson.id).join(Section).where(Section.course_id == course.id)
    ).all()
    for i in range(students):
        user = add_user(session, f"b{students}-{i}@example.org")
        session.add(Enrollment(user_id=user.id, course_id=course.id))
        session.add(Review(user_id=user.id, course_id=course.id, rating=1 + i % 5))
        for lesson_id in lesson_ids[: 1 + i % lessons]:
            session.add(
                LessonProgress(
                    user_id=user.id, lesson_id=lesson_id, watched_s=30, completed_at=utcnow()
                )
            )
    session.commit()
    return course


def test_course_analytics_do_not_grow_with_students_or_lessons(session: Session) -> None:
    teacher = add_user(session, "teacher@example.org", Role.INSTRUCTOR)
    me = actor(teacher)
    small = _busy_course(session, teacher, students=2, lessons=2)
    big = _busy_course(session, teacher, students=40, lessons=8)
    got_small = _statements(session, course_analytics, actor=me, course_id=small.id)
    got_big = _statements(session, course_analytics, actor=me, course_id=big.id)
    assert got_small == got_big
    analytics = course_analytics(session=session, actor=me, course_id=big.id)
    assert len(analytics.students) == 40 and len(analytics.per_lesson) == 8
    assert (analytics.title, analytics.slug, analytics.course_id) == (big.title, big.slug, big.id)
