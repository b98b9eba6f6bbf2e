"""/api/media for caption files: the same people as the lesson's video, as text/vtt.

docs/security.md, "Captions" (and cases 32, 33): a caption file follows its lesson's video
exactly, costs the same two statements per request, and its key cannot be bent into a path.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import col, select

from lms_reflex.db import dispose_engines, session_scope
from lms_reflex.media import storage
from lms_reflex.models import Course, CourseStatus, Enrollment, Lesson, Role, Section
from lms_reflex.services.accounts import sessions
from lms_reflex.services.media_access import Grant, media_grant
from lms_reflex.services.teaching import captions
from tests.unit._helpers import count_selects
from tests.unit.catalog_fixtures import actor, add_course, add_user
from tests.unit.test_media_route import client_for, url

SRT = b"1\n00:00:01,000 --> 00:00:02,000\nHello <b>world</b>\n"


@dataclass(frozen=True)
class Setup:
    """Caption keys of a preview and a locked lesson, and the people around the course."""

    course_id: int
    preview_key: str
    locked_key: str
    student: int
    stranger: int
    teacher: int
    other_teacher: int
    admin: int


@pytest.fixture(autouse=True)
def fresh_engines():
    dispose_engines()
    yield
    dispose_engines()


def _caption(db, teacher, lesson: Lesson) -> str:
    lesson.video_key = storage.new_key("videos", ".mp4")
    db.add(lesson)
    db.commit()
    stored = captions.upload_lesson_captions(
        session=db, actor=actor(teacher), lesson_id=lesson.id, language="en", data=SRT
    )
    return stored.url.removeprefix("/api/media/")


@pytest.fixture
def setup(engine) -> Setup:
    with session_scope() as db:
        teacher = add_user(db, "teacher@example.org", Role.INSTRUCTOR)
        course = add_course(db, teacher, "captioned-course", lessons=2)
        preview, locked = db.exec(
            select(Lesson)
            .join(Section)
            .where(Section.course_id == course.id)
            .order_by(col(Lesson.position))
        ).all()
        student = add_user(db, "student@example.org")
        db.add(Enrollment(user_id=student.id, course_id=course.id))
        ids = {
            "stranger": add_user(db, "stranger@example.org").id,
            "other_teacher": add_user(db, "other@example.org", Role.INSTRUCTOR).id,
            "admin": add_user(db, "admin@example.org", Role.ADMIN).id,
        }
        return Setup(
            course_id=course.id,
            preview_key=_caption(db, teacher, preview),
            locked_key=_caption(db, teacher, locked),
            student=student.id,
            teacher=teacher.id,
            **ids,
        )


def test_anonymous_visitors_get_401_for_a_locked_lessons_captions(setup: Setup) -> None:
    assert client_for(None).get(url(setup.locked_key)).status_code == 401


@pytest.mark.parametrize("who", ["stranger", "other_teacher"])
def test_signed_in_people_outside_the_course_get_403(setup: Setup, who: str) -> None:
    assert client_for(getattr(setup, who)).get(url(setup.locked_key)).status_code == 403


@pytest.mark.parametrize("who", ["student", "teacher", "admin"])
def test_students_staff_and_admins_get_webvtt(setup: Setup, who: str) -> None:
    resp = client_for(getattr(setup, who)).get(url(setup.locked_key))
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "text/vtt; charset=utf-8"
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["cache-control"].startswith("private")
    assert resp.text == "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello <b>world</b>\n"


def test_a_preview_lessons_captions_are_public_while_the_course_is_published(
    setup: Setup,
) -> None:
    resp = client_for(None).get(url(setup.preview_key))
    assert resp.status_code == 200 and resp.headers["cache-control"].startswith("public")
    with session_scope() as db:
        course = db.get(Course, setup.course_id)
        course.status = CourseStatus.DRAFT
        db.add(course)
    assert client_for(None).get(url(setup.preview_key)).status_code == 401
    assert client_for(setup.student).get(url(setup.locked_key)).status_code == 200


def test_a_deleted_track_is_no_longer_served(setup: Setup) -> None:
    with session_scope() as db:
        lesson = db.exec(select(Lesson).where(Lesson.is_preview == False)).first()  # noqa: E712
        teacher = add_user(db, "admin2@example.org", Role.ADMIN)
        captions.delete_lesson_captions(
            session=db, actor=actor(teacher), lesson_id=lesson.id, language="en"
        )
    assert client_for(setup.student).get(url(setup.locked_key)).status_code == 403


@pytest.mark.parametrize(
    "path",
    ["captions/../videos/x.mp4", "captions/" + "a" * 32 + ".srt", "captions/%2e%2e/etc/passwd"],
)
def test_caption_path_tricks_are_not_found(setup: Setup, path: str) -> None:
    assert client_for(setup.admin).get(f"/api/media/{path}").status_code == 404


def test_a_caption_request_costs_two_selects_like_a_video(setup: Setup) -> None:
    """Session, then the lesson facts with the caller's enrollment, in one statement."""
    with session_scope() as db:
        token = sessions.create_session(
            session=db, user_id=setup.student, ip="127.0.0.1", user_agent="pytest"
        )
    with session_scope(readonly=True) as db, count_selects(db) as selects:
        grant = media_grant(session=db, key=setup.locked_key, token=token, signed=None, sig=False)
    assert (grant, selects["n"]) == (Grant.PRIVATE, 2)
