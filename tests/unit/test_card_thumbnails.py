"""Course cards show a 640x360 WebP copy of the thumbnail, made on its first request.

The copy follows its thumbnail's access rule (public for published courses, staff only for
drafts) and goes away with it. benchmarks/frontend_bench.py measures what this saves on
the home page.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from lms_reflex.db import dispose_engines, session_scope
from lms_reflex.media import storage
from lms_reflex.media.cards import card_key, make_card, thumbnail_keys
from lms_reflex.models import Course, CourseStatus, Role
from lms_reflex.services.catalog.listings import list_published_courses
from lms_reflex.services.teaching import course_media
from tests.unit.catalog_fixtures import add_course, add_user
from tests.unit.test_builder import make_course, make_people
from tests.unit.test_course_media import stored_files
from tests.unit.test_media_route import client_for

HEX = "0123456789abcdef" * 2


@pytest.fixture(autouse=True)
def fresh_engines():
    dispose_engines()
    yield
    dispose_engines()


def _jpeg(size: tuple[int, int] = (1280, 720)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 90, 200)).save(out, "JPEG")
    return out.getvalue()


def _course_with_thumbnail(status: str) -> tuple[str, int]:
    """A course whose thumbnail file is stored; returns the thumbnail key and teacher id."""
    key = storage.new_key("thumbnails", ".jpg")
    storage.write_atomic(key, _jpeg())
    with session_scope() as db:
        teacher = add_user(db, "teacher@example.org", Role.INSTRUCTOR)
        course = add_course(db, teacher, "pictured", status=status)
        course.thumbnail_key = key
        db.add(course)
        assert teacher.id is not None
        return key, teacher.id


def test_card_keys_are_named_after_their_thumbnail() -> None:
    assert card_key(f"thumbnails/{HEX}.jpg") == f"cards/{HEX}.webp"
    assert storage.is_valid_key(f"cards/{HEX}.webp")
    assert f"thumbnails/{HEX}.jpg" in thumbnail_keys(f"cards/{HEX}.webp")
    for not_a_thumbnail in (None, "", f"avatars/{HEX}.webp", "thumbnails/../x.jpg"):
        assert card_key(not_a_thumbnail) is None
    for bad in (f"cards/{HEX}.jpg", f"cards/{HEX}.webp/..", "cards/x.webp"):
        assert not storage.is_valid_key(bad) and thumbnail_keys(bad) == []


def test_the_catalog_card_points_at_the_card_copy(engine) -> None:
    key, _ = _course_with_thumbnail(CourseStatus.PUBLISHED)
    with session_scope() as db:
        (card,) = list_published_courses(session=db)
    assert card.thumbnail_url == f"/api/media/{card_key(key)}"


def test_a_published_courses_card_is_made_on_first_request(engine) -> None:
    key = card_key(_course_with_thumbnail(CourseStatus.PUBLISHED)[0])
    assert key is not None and not storage.path_for(key).exists()
    resp = client_for(None).get(f"/api/media/{key}")
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "image/webp"
    assert resp.headers["cache-control"] == "public, max-age=3600"
    picture = Image.open(io.BytesIO(resp.content))
    assert (picture.format, picture.size) == ("WEBP", (640, 360))
    assert storage.path_for(key).read_bytes() == resp.content  # kept for the next visitor
    assert len(resp.content) < len(_jpeg()) / 2


def test_a_drafts_card_follows_the_thumbnails_rule(engine) -> None:
    thumbnail, teacher = _course_with_thumbnail(CourseStatus.DRAFT)
    key = card_key(thumbnail)
    with session_scope() as db:
        stranger = add_user(db, "stranger@example.org").id
    assert client_for(None).get(f"/api/media/{key}").status_code == 401
    assert client_for(stranger).get(f"/api/media/{key}").status_code == 403
    assert not storage.path_for(str(key)).exists()  # nothing made for a refused caller
    resp = client_for(teacher).get(f"/api/media/{key}")
    assert resp.status_code == 200 and resp.headers["cache-control"].startswith("private")


def test_a_card_of_no_course_is_refused_and_nothing_is_written(engine) -> None:
    with session_scope() as db:
        admin = add_user(db, "admin@example.org", Role.ADMIN).id
    assert client_for(None).get(f"/api/media/cards/{HEX}.webp").status_code == 401
    assert client_for(admin).get(f"/api/media/cards/{HEX}.webp").status_code == 404
    assert stored_files() == []


def test_a_card_without_its_thumbnail_file_is_not_made(engine) -> None:
    thumbnail, _ = _course_with_thumbnail(CourseStatus.PUBLISHED)
    storage.delete_key(thumbnail)
    key = str(card_key(thumbnail))
    assert client_for(None).get(f"/api/media/{key}").status_code == 404
    assert make_card(key) is False


def test_a_card_of_an_unreadable_thumbnail_answers_not_found(engine) -> None:
    thumbnail, _ = _course_with_thumbnail(CourseStatus.PUBLISHED)
    storage.write_atomic(thumbnail, b"not a picture")
    key = str(card_key(thumbnail))
    assert client_for(None).get(f"/api/media/{key}").status_code == 404
    assert not storage.path_for(key).exists()


def test_replacing_or_deleting_a_thumbnail_removes_its_card(run, session, make_user) -> None:
    people = make_people(session, make_user)
    course_id = course_media_course(run, people)
    first = session.get(Course, course_id).thumbnail_key
    assert make_card(str(card_key(first)))
    run(course_media.set_course_thumbnail, actor=people.alice, course_id=course_id, data=_jpeg())
    session.expire_all()
    second = session.get(Course, course_id).thumbnail_key
    assert stored_files() == [second]
    assert make_card(str(card_key(second)))
    run(course_media.delete_course, actor=people.alice, course_id=course_id)
    assert stored_files() == []


def course_media_course(run, people) -> int:
    course_id = make_course(run, people.alice, lessons=0)
    run(course_media.set_course_thumbnail, actor=people.alice, course_id=course_id, data=_jpeg())
    return course_id
