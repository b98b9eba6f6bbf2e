"""Who counts as a course's staff: one rule in services/actor.py, read at call time.

Each service that shows or changes a course as staff (analytics, the draft course page,
the builder, curriculum edits, the player of a draft) is asked as five people: the owner
instructor, the same owner after an admin demoted them, another instructor, an admin, and
the owner after deactivation. The actor is loaded from the database for each call, as the
state layer does, so a role change counts from the very next call (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session, select

from lms_reflex.models import CourseStatus, Lesson, Role, Section
from lms_reflex.services.actor import Actor, is_course_staff, load_actor
from lms_reflex.services.admin import users as admin_users
from lms_reflex.services.catalog import listings as catalog
from lms_reflex.services.errors import DomainError
from lms_reflex.services.learning import lessons as learning
from lms_reflex.services.teaching import course_details, curriculum
from lms_reflex.services.teaching.course_analytics import course_analytics
from tests.unit.catalog_fixtures import actor, add_course, add_user

ALLOWED = {"owner": True, "demoted": False, "other": False, "admin": True, "deactivated": False}


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    """A draft course of `teacher`, another instructor and an admin."""
    teacher = add_user(session, "teacher@example.org", Role.INSTRUCTOR)
    other = add_user(session, "other@example.org", Role.INSTRUCTOR)
    admin = add_user(session, "admin@example.org", Role.ADMIN)
    course = add_course(session, teacher, "draft-course", status=CourseStatus.DRAFT)
    lesson_id = session.exec(
        select(Lesson.id).join(Section).where(Section.course_id == course.id)
    ).first()
    session.commit()
    return {
        "teacher": teacher,
        "other": other,
        "admin": admin,
        "course": course,
        "lesson": lesson_id,
    }


def as_who(session: Session, world: dict[str, Any], who: str) -> Actor | None:
    """The actor as the state layer would load it for `who`'s next event."""
    admin = actor(world["admin"])
    teacher_id = world["teacher"].id
    if who == "demoted":
        admin_users.change_role(session=session, actor=admin, user_id=teacher_id, role=Role.STUDENT)
    if who == "deactivated":
        admin_users.deactivate_user(session=session, actor=admin, user_id=teacher_id)
    session.commit()
    user_id = {"other": world["other"].id, "admin": world["admin"].id}.get(who, teacher_id)
    return load_actor(session, user_id)


def _analytics(session: Session, a: Actor | None, w: dict[str, Any]) -> object:
    return course_analytics(session=session, actor=a, course_id=w["course"].id)


def _draft_page(session: Session, a: Actor | None, w: dict[str, Any]) -> object:
    return catalog.get_course_detail(session=session, actor=a, slug=w["course"].slug)


def _builder(session: Session, a: Actor | None, w: dict[str, Any]) -> object:
    return course_details.get_course_for_editing(session=session, actor=a, course_id=w["course"].id)


def _curriculum(session: Session, a: Actor | None, w: dict[str, Any]) -> object:
    return curriculum.add_section(session=session, actor=a, course_id=w["course"].id, title="More")


def _draft_player(session: Session, a: Actor | None, w: dict[str, Any]) -> object:
    return learning.get_lesson_for_player(
        session=session, actor=a, course_slug=w["course"].slug, lesson_id=w["lesson"]
    )


SERVICES: dict[str, Callable[[Session, Actor | None, dict[str, Any]], object]] = {
    "analytics": _analytics,
    "draft course page": _draft_page,
    "builder load": _builder,
    "curriculum edit": _curriculum,
    "draft lesson in the player": _draft_player,
}


@pytest.mark.parametrize("who", list(ALLOWED))
@pytest.mark.parametrize("service", list(SERVICES))
def test_every_staff_service_applies_the_one_rule(
    session: Session, world: dict[str, Any], service: str, who: str
) -> None:
    caller = as_who(session, world, who)
    try:
        SERVICES[service](session, caller, world)
        allowed = True
    except DomainError:
        allowed = False
    session.rollback()
    assert allowed is ALLOWED[who], f"{service} as {who}"


@pytest.mark.parametrize("who", list(ALLOWED))
def test_the_rule_itself(session: Session, world: dict[str, Any], who: str) -> None:
    caller = as_who(session, world, who)
    assert is_course_staff(caller, world["teacher"].id) is ALLOWED[who]


def test_an_unverified_admin_is_not_staff(session: Session, world: dict[str, Any]) -> None:
    admin = actor(world["admin"])
    unverified = Actor(admin.id, admin.role, False, admin.first_name, admin.last_name)
    assert not is_course_staff(unverified, world["teacher"].id)


def test_a_demoted_instructor_keeps_their_published_course_in_the_catalog(
    session: Session, world: dict[str, Any]
) -> None:
    teacher = world["teacher"]
    live = add_course(session, teacher, "live-course", status=CourseStatus.PUBLISHED)
    session.commit()
    as_who(session, world, "demoted")
    detail = catalog.get_course_detail(session=session, actor=None, slug=live.slug)
    assert detail.title == live.title
