"""Moderation that stays down: an admin's unpublish or archive holds until an admin lifts it.

The instructor cannot publish (or otherwise change the status of) a course on hold; they
may ask for a review, which is audited and mailed to every active admin; an admin lifts
the hold, after which the instructor publishes through the usual checklist.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from lms_reflex.models import AuditEvent, Course, CourseStatus, Lesson, Role, Section
from lms_reflex.services.actor import load_actor
from lms_reflex.services.admin import audit_trail as admin_audit
from lms_reflex.services.admin import catalog as ac
from lms_reflex.services.admin import users as admin_users
from lms_reflex.services.errors import (
    InvalidInput,
    NotFound,
    NotSignedIn,
    PermissionDenied,
    Throttled,
)
from lms_reflex.services.teaching import course_moderation, course_publishing
from tests.unit.catalog_fixtures import actor, add_category, add_course, add_user


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    """A publishable, published course of `teacher`, two admins (one deactivated later)."""
    teacher = add_user(session, "teacher@example.org", Role.INSTRUCTOR)
    other = add_user(session, "other@example.org", Role.INSTRUCTOR)
    student = add_user(session, "student@example.org")
    admin = add_user(session, "admin@example.org", Role.ADMIN)
    admin2 = add_user(session, "admin2@example.org", Role.ADMIN)
    retired = add_user(session, "retired@example.org", Role.ADMIN)
    retired.is_active = False
    course = add_course(session, teacher, "held", category=add_category(session))
    course.description, course.thumbnail_key = "About", "thumbnails/" + "a" * 32 + ".jpg"
    lesson = session.exec(
        select(Lesson).join(Section).where(Section.course_id == course.id)
    ).first()
    assert lesson is not None
    lesson.video_key, lesson.duration_s = "videos/" + "b" * 32 + ".mp4", 60
    session.add_all([course, lesson, retired])
    session.commit()
    people = {"teacher": teacher, "other": other, "student": student, "admin": admin}
    return {"course": course, "admin2": admin2, **{k: actor(v) for k, v in people.items()}}


def take_down(session: Session, w: dict[str, Any], how: str = "unpublish") -> None:
    fn = ac.unpublish_course_with_reason if how == "unpublish" else ac.archive_course_with_reason
    fn(session=session, actor=w["admin"], course_id=w["course"].id, reason="Copied videos")
    session.commit()


def status(session: Session, w: dict[str, Any]) -> str:
    session.expire_all()
    course = session.get(Course, w["course"].id)
    assert course is not None
    return course.status


@pytest.mark.parametrize("how", ["unpublish", "archive"])
def test_the_instructor_cannot_publish_a_course_an_admin_took_down(
    session: Session, world: dict[str, Any], how: str
) -> None:
    take_down(session, world, how)
    before = status(session, world)
    for change in (
        course_publishing.publish_course,
        course_publishing.unpublish_course,
        course_publishing.archive_course,
    ):
        with pytest.raises(PermissionDenied, match="Copied videos"):
            change(session=session, actor=world["teacher"], course_id=world["course"].id)
        session.rollback()
    assert status(session, world) == before


def test_the_publish_step_shows_the_hold_and_its_reason(
    session: Session, world: dict[str, Any]
) -> None:
    cid = world["course"].id
    view = course_moderation.get_moderation(session=session, actor=world["teacher"], course_id=cid)
    assert not view.moderated
    take_down(session, world)
    view = course_moderation.get_moderation(session=session, actor=world["teacher"], course_id=cid)
    assert view.moderated and view.reason == "Copied videos"
    with pytest.raises(NotFound):
        course_moderation.get_moderation(session=session, actor=world["other"], course_id=cid)


def test_asking_for_review_is_audited_and_mails_every_active_admin(
    session: Session, world: dict[str, Any]
) -> None:
    take_down(session, world)
    mails = course_moderation.request_review(
        session=session, actor=world["teacher"], course_id=world["course"].id, message="Fixed <b>"
    )
    assert sorted(m.to for m in mails) == ["admin2@example.org", "admin@example.org"]
    assert all("Fixed <b>" in m.text and "<b>" not in m.html for m in mails)
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "course_review_requested")
    ).one()
    assert event.actor_id == world["teacher"].id and event.detail["message"] == "Fixed <b>"
    rows = ac.list_all_courses(session=session, actor=world["admin"]).rows
    assert rows[0].moderated and rows[0].review_request == "Fixed <b>"


def test_a_second_request_waits_and_says_when(
    session: Session, world: dict[str, Any], clock
) -> None:
    take_down(session, world)
    ask: dict[str, Any] = {"actor": world["teacher"], "course_id": world["course"].id}
    course_moderation.request_review(session=session, message="Please", **ask)
    with pytest.raises(Throttled, match="ask again after") as caught:
        course_moderation.request_review(session=session, message="Again", **ask)
    assert caught.value.message.endswith("Try again in 12 hours.")
    assert 11 * 3600 < caught.value.retry_after_s <= 12 * 3600
    clock.advance(hours=12, seconds=1)
    assert course_moderation.request_review(session=session, message="Again", **ask)


def test_review_requests_need_a_message_and_a_hold(session: Session, world: dict[str, Any]) -> None:
    ask: dict[str, Any] = {"actor": world["teacher"], "course_id": world["course"].id}
    with pytest.raises(InvalidInput, match="not on hold"):
        course_moderation.request_review(session=session, message="Why?", **ask)
    take_down(session, world)
    for bad in ("", "   ", None, "x" * 1001):
        with pytest.raises(InvalidInput):
            course_moderation.request_review(session=session, message=bad, **ask)


def test_forged_review_requests_by_others_are_refused(
    session: Session, world: dict[str, Any]
) -> None:
    take_down(session, world)
    cid = world["course"].id
    admin_users.change_role(
        session=session, actor=world["admin"], user_id=world["teacher"].id, role=Role.STUDENT
    )
    session.commit()
    demoted = load_actor(session, world["teacher"].id)
    refusals = [
        (None, NotSignedIn),
        (world["student"], PermissionDenied),
        (demoted, PermissionDenied),
        (world["other"], NotFound),
    ]
    for who, error in refusals:
        with pytest.raises(error):
            course_moderation.request_review(
                session=session, actor=who, course_id=cid, message="Let me"
            )
    assert not session.exec(
        select(AuditEvent).where(AuditEvent.action == "course_review_requested")
    ).all()


def test_only_an_admin_lifts_the_hold_then_the_instructor_publishes(
    session: Session, world: dict[str, Any]
) -> None:
    take_down(session, world)
    cid = world["course"].id
    for who, error in ((world["teacher"], PermissionDenied), (None, NotSignedIn)):
        with pytest.raises(error):
            course_moderation.lift_moderation(session=session, actor=who, course_id=cid)
    mail = course_moderation.lift_moderation(session=session, actor=world["admin"], course_id=cid)
    session.commit()
    assert mail.to == "teacher@example.org" and f"/teach/courses/{cid}/publish" in mail.text
    assert status(session, world) == CourseStatus.DRAFT  # lifting does not publish
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "course_moderation_lifted")
    ).one()
    assert event.actor_id == world["admin"].id and event.detail["reason"] == "Copied videos"
    with pytest.raises(InvalidInput, match="not on hold"):
        course_moderation.lift_moderation(session=session, actor=world["admin"], course_id=cid)
    trail = admin_audit.list_admin_events(session=session, actor=world["admin"]).rows
    assert "Lifted a course's moderation" in [row.action for row in trail]
    course_publishing.publish_course(session=session, actor=world["teacher"], course_id=cid)
    assert status(session, world) == CourseStatus.PUBLISHED


def test_lifting_an_unknown_course_is_not_found(session: Session, world: dict[str, Any]) -> None:
    for bad in (10_000, "1", None, True):
        with pytest.raises(NotFound):
            course_moderation.lift_moderation(session=session, actor=world["admin"], course_id=bad)


def test_the_instructor_mail_no_longer_says_publish_it_once_more(
    session: Session, world: dict[str, Any]
) -> None:
    mail = ac.unpublish_course_with_reason(
        session=session, actor=world["admin"], course_id=world["course"].id, reason="Bad"
    )
    assert "publish it once more" not in mail.text and "ask for a review" in mail.text
