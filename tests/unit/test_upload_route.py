"""POST /api/uploads/lessons/<id>/video through the real Starlette app (cases 23, 30-32).

Real users, session cookies and PyAV-made videos; the media folder is checked after each
refusal, so a temp file left behind would fail the test.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from lms_reflex.api import build_api
from lms_reflex.db import dispose_engines, session_scope
from lms_reflex.media import storage
from lms_reflex.media.samples import make_test_video
from lms_reflex.models import Lesson, Role, Section
from lms_reflex.services.accounts import sessions
from lms_reflex.settings import get_settings
from tests.unit.catalog_fixtures import add_course, add_user


@dataclass(frozen=True)
class Setup:
    lesson: int
    teacher: int
    other_teacher: int
    student: int


@pytest.fixture(autouse=True)
def fresh_engines():
    dispose_engines()
    yield
    dispose_engines()


@pytest.fixture(scope="module")
def video_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("video") / "lesson.mp4"
    make_test_video(path, seconds=2, width=64, height=64, fps=12)
    return path.read_bytes()


@pytest.fixture
def setup(engine) -> Setup:
    with session_scope() as db:
        teacher = add_user(db, "teacher@example.org", Role.INSTRUCTOR)
        course = add_course(db, teacher, "upload-course", lessons=1)
        lesson = db.exec(select(Lesson).join(Section).where(Section.course_id == course.id)).one()
        return Setup(
            lesson=lesson.id,
            teacher=teacher.id,
            other_teacher=add_user(db, "other@example.org", Role.INSTRUCTOR).id,
            student=add_user(db, "student@example.org").id,
        )


def client_for(user_id: int | None) -> TestClient:
    client = TestClient(build_api(), raise_server_exceptions=True)
    if user_id is not None:
        with session_scope() as db:
            token = sessions.create_session(
                session=db, user_id=user_id, ip="127.0.0.1", user_agent="pytest"
            )
        client.cookies.set(sessions.cookie_name(), token)
    return client


def post(client: TestClient, lesson_id: int, body: bytes, origin: str | None = None, **headers):
    origin = get_settings().base_origin if origin is None else origin
    return client.post(
        f"/api/uploads/lessons/{lesson_id}/video",
        content=body,
        headers={"Origin": origin, "X-Upload-Name": "my%20video.mp4", **headers},
    )


def media_files() -> list[Path]:
    root = storage.media_root()
    return [p for p in root.rglob("*") if p.is_file()]


def lesson_row(lesson_id: int) -> Lesson:
    """A detached copy of the lesson row as it is in the database now."""
    with session_scope(readonly=True) as db:
        row = db.get(Lesson, lesson_id)
        return Lesson(**row.model_dump())


def test_a_good_video_is_stored_with_its_duration_and_poster(setup: Setup, video_bytes) -> None:
    resp = post(client_for(setup.teacher), setup.lesson, video_bytes)
    assert resp.status_code == 200, resp.text
    assert resp.json()["duration_s"] == 2
    lesson = lesson_row(setup.lesson)
    assert lesson.duration_s == 2
    assert storage.path_for(lesson.video_key).read_bytes() == video_bytes
    assert storage.path_for(lesson.poster_key).read_bytes().startswith(b"\xff\xd8\xff")
    assert list(storage.temp_dir().iterdir()) == []
    assert resp.json()["video_url"].endswith(lesson.video_key)


def test_anonymous_uploads_get_401_and_nothing_is_written(setup: Setup, video_bytes) -> None:
    resp = post(client_for(None), setup.lesson, video_bytes)
    assert resp.status_code == 401
    assert "sign in" in resp.text
    assert media_files() == []


@pytest.mark.parametrize("who", ["other_teacher", "student"])
def test_someone_else_gets_403_and_the_lesson_is_unchanged(
    setup: Setup, video_bytes, who: str
) -> None:
    resp = post(client_for(getattr(setup, who)), setup.lesson, video_bytes)
    assert resp.status_code == 403
    assert resp.text == "You may not change this lesson."
    assert lesson_row(setup.lesson).video_key is None
    assert media_files() == []


def test_an_unknown_lesson_gets_the_same_403(setup: Setup, video_bytes) -> None:
    assert post(client_for(setup.teacher), 999_999, video_bytes).status_code == 403
    assert post(client_for(setup.teacher), 0, video_bytes).status_code == 403


@pytest.mark.parametrize("origin", ["https://evil.example", "null", ""])
def test_cross_origin_posts_are_refused(setup: Setup, video_bytes, origin: str) -> None:
    resp = post(client_for(setup.teacher), setup.lesson, video_bytes, origin=origin)
    assert resp.status_code == 403
    assert "only accepted from this site" in resp.text
    assert lesson_row(setup.lesson).video_key is None


def test_a_body_over_the_cap_is_refused_while_streaming(
    setup: Setup, settings_env, video_bytes
) -> None:
    settings_env(max_upload_mb="1")

    def chunks():  # no Content-Length: the route has to count while receiving
        for _ in range(3):
            yield b"\0" * (512 * 1024)

    resp = post(client_for(setup.teacher), setup.lesson, chunks())
    assert resp.status_code == 413
    assert resp.text == "This file is too large. The limit is 1 MB."
    assert media_files() == []
    assert lesson_row(setup.lesson).video_key is None


def test_a_declared_length_over_the_cap_is_refused_at_once(setup: Setup, settings_env) -> None:
    settings_env(max_upload_mb="1")
    resp = post(client_for(setup.teacher), setup.lesson, b"\0" * (1024 * 1024 + 1))
    assert resp.status_code == 413
    assert media_files() == []


@pytest.mark.parametrize(
    "body",
    [
        b"<html><script>alert(1)</script></html>",
        b"\x00\x00\x00\x18ftypmp42" + b"not really a video" * 100,
        b"",
    ],
)
def test_a_file_that_is_not_a_video_is_refused(setup: Setup, body: bytes) -> None:
    resp = post(client_for(setup.teacher), setup.lesson, body)
    assert resp.status_code == 400
    assert "not a video we can play" in resp.text
    assert media_files() == []
    assert lesson_row(setup.lesson).video_key is None


def test_replacing_a_video_removes_the_old_file(setup: Setup, video_bytes) -> None:
    client = client_for(setup.teacher)
    assert post(client, setup.lesson, video_bytes).status_code == 200
    first = lesson_row(setup.lesson)
    assert post(client, setup.lesson, video_bytes).status_code == 200
    second = lesson_row(setup.lesson)
    assert second.video_key != first.video_key
    remaining = {str(p.relative_to(storage.media_root())) for p in media_files()}
    assert remaining == {second.video_key, second.poster_key}


def test_only_post_is_allowed(setup: Setup) -> None:
    resp = client_for(setup.teacher).get(f"/api/uploads/lessons/{setup.lesson}/video")
    assert resp.status_code == 405


def test_refusals_are_logged_with_user_and_address(setup: Setup, video_bytes, caplog) -> None:
    caplog.set_level("WARNING", logger="lms_reflex.uploads")
    post(client_for(setup.other_teacher), setup.lesson, video_bytes)
    post(client_for(setup.teacher), setup.lesson, video_bytes, origin="https://evil.example")
    lines = [r.getMessage() for r in caplog.records]
    assert any(f"denied: user={setup.other_teacher} lesson={setup.lesson}" in m for m in lines)
    assert any("origin 'https://evil.example' ip=testclient" in m for m in lines)


@pytest.mark.parametrize(
    "raw_id", ["%C2%B2", "%E2%91%A0", "%D9%A1"], ids=["superscript", "circled", "arabic"]
)
def test_an_id_of_other_digits_gets_the_same_403(setup: Setup, video_bytes, raw_id: str) -> None:
    """'²' passes str.isdigit() but int() raises: the id check must not answer with a 500."""
    response = client_for(setup.teacher).post(
        f"/api/uploads/lessons/{raw_id}/video",
        content=video_bytes,
        headers={"Origin": get_settings().base_origin, "X-Upload-Name": "v.mp4"},
    )
    assert response.status_code == 403
