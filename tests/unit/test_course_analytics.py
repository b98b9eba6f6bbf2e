"""Course analytics: only the course's instructor and admins; names and progress, no emails."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from lms_reflex.models import Enrollment, Lesson, LessonProgress, Review, Role, Section
from lms_reflex.services.errors import NotFound, NotSignedIn
from lms_reflex.services.teaching.course_analytics import course_analytics
from tests.unit.catalog_fixtures import actor, add_course, add_user


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def world(session: Session) -> dict:
    """Four lessons; ann finished, bob completed 2 (half-way), cid touched 1, dan nothing."""
    teacher = add_user(session, "teacher@example.org", Role.INSTRUCTOR)
    other = add_user(session, "other@example.org", Role.INSTRUCTOR)
    admin = add_user(session, "admin@example.org", Role.ADMIN)
    course = add_course(session, teacher, "data", lessons=4)
    lessons = list(
        session.exec(
            select(Lesson)
            .join(Section)
            .where(Section.course_id == course.id)
            .order_by(Lesson.position)
        ).all()
    )
    people = {}
    for day, name in enumerate(("ann", "bob", "cid", "dan"), start=1):
        user = add_user(session, f"{name}@example.org")
        session.add(Enrollment(user_id=user.id, course_id=course.id, created_at=at(day)))
        people[name] = user
    outsider = add_user(session, "outsider@example.org")  # progress without enrollment

    def watch(user, lesson, seconds, finished):
        session.add(
            LessonProgress(
                user_id=user.id,
                lesson_id=lesson.id,
                watched_s=seconds,
                position_s=seconds,
                completed_at=at(5) if finished else None,
            )
        )

    for lesson in lessons:
        watch(people["ann"], lesson, 60, True)
    watch(people["bob"], lessons[0], 30, True)
    watch(people["bob"], lessons[1], 20, True)
    watch(people["cid"], lessons[0], 0, False)
    watch(outsider, lessons[0], 999, True)
    session.add(Review(user_id=people["ann"].id, course_id=course.id, rating=5))
    session.add(Review(user_id=people["bob"].id, course_id=course.id, rating=3, is_hidden=True))
    session.commit()
    return {
        "course": course,
        "teacher": actor(teacher),
        "other": actor(other),
        "admin": actor(admin),
        "student": actor(people["ann"]),
    }


def test_the_owner_sees_the_funnel_lessons_ratings_and_students(session: Session, world) -> None:
    got = course_analytics(
        session=session,
        actor=world["teacher"],
        course_id=world["course"].id,
        start=date(2026, 3, 1),
        end=date(2026, 3, 5),
    )
    assert [d.count for d in got.enrollments_per_day] == [1, 1, 1, 1, 0]
    funnel = got.funnel
    assert (funnel.enrolled, funnel.started, funnel.halfway, funnel.completed) == (4, 3, 2, 1)
    lessons = [(s.title, s.reached_percent, s.avg_watch_seconds) for s in got.per_lesson]
    assert lessons == [
        ("Lesson 1", 100, 30),  # ann 60, bob 30, cid 0 (the outsider's 999 does not count)
        ("Lesson 2", 66, 40),
        ("Lesson 3", 33, 60),
        ("Lesson 4", 33, 60),
    ]
    assert got.rating_distribution == [0, 0, 0, 0, 1]  # the hidden review is left out
    assert [(s.name, s.percent) for s in got.students] == [
        ("Ann Tester", 100),
        ("Bob Tester", 50),
        ("Cid Tester", 0),
        ("Dan Tester", 0),
    ]
    assert "@" not in str(asdict(got))


def test_admins_see_any_course(session: Session, world) -> None:
    got = course_analytics(session=session, actor=world["admin"], course_id=world["course"].id)
    assert got.funnel.enrolled == 4 and len(got.enrollments_per_day) == 30


def test_others_get_not_found_and_anonymous_must_sign_in(session: Session, world) -> None:
    cid = world["course"].id
    for who in (world["other"], world["student"]):
        with pytest.raises(NotFound):
            course_analytics(session=session, actor=who, course_id=cid)
    with pytest.raises(NotFound):
        course_analytics(session=session, actor=world["admin"], course_id=10**9)
    with pytest.raises(NotSignedIn):
        course_analytics(session=session, actor=None, course_id=cid)


def test_a_course_without_lessons_is_zero_percent_for_everyone(session: Session) -> None:
    teacher = add_user(session, "t@example.org", Role.INSTRUCTOR)
    course = add_course(session, teacher, "empty", lessons=0)
    learner = add_user(session, "l@example.org")
    session.add(Enrollment(user_id=learner.id, course_id=course.id))
    session.commit()
    got = course_analytics(session=session, actor=actor(teacher), course_id=course.id)
    assert got.per_lesson == []
    assert (got.funnel.enrolled, got.funnel.halfway, got.funnel.completed) == (1, 0, 0)
    assert [s.percent for s in got.students] == [0]
