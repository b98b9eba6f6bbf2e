"""Lesson videos, posters and thumbnails: checked by bytes, stored under server keys."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import Session, select

from lms_reflex.media import storage
from lms_reflex.media.samples import make_test_video
from lms_reflex.models import Course, Enrollment, Lesson, Section
from lms_reflex.services.errors import Conflict, InvalidInput
from lms_reflex.services.teaching import course_media, course_publishing
from tests.unit.test_builder import People, make_course, make_people, snapshot


@pytest.fixture
def people(session: Session, make_user) -> People:
    return make_people(session, make_user)


@pytest.fixture(scope="module")
def sample_mp4(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("videos") / "sample.mp4"
    make_test_video(path, seconds=2)
    return path


def upload(source: Path | bytes) -> Path:
    """Stage a file the way the upload route does: into the media temp folder."""
    tmp = storage.new_temp_path()
    if isinstance(source, bytes):
        tmp.write_bytes(source)
    else:
        shutil.copyfile(source, tmp)
    return tmp


def stored_files() -> list[str]:
    """Every file under LMS_MEDIA_DIR, temp folder included, relative to it."""
    root = storage.media_root()
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def first_lesson(session: Session, course_id: int) -> Lesson:
    session.expire_all()
    lesson = session.exec(
        select(Lesson).join(Section).where(Section.course_id == course_id)
    ).first()
    assert lesson is not None
    return lesson


def attach(run, actor, lesson_id: int, tmp: Path, name: str = "lesson.mp4"):
    return run(
        course_media.attach_lesson_video,
        actor=actor,
        lesson_id=lesson_id,
        temp_path=tmp,
        original_name=name,
    )


def test_a_real_mp4_is_accepted_with_a_poster(run, session, people, sample_mp4) -> None:
    course_id = make_course(run, people.alice, lessons=1)
    lesson = first_lesson(session, course_id)
    result = attach(run, people.alice, lesson.id, upload(sample_mp4))
    lesson = first_lesson(session, course_id)
    assert result.duration_s == 2 == lesson.duration_s
    assert result.video_url == f"/api/media/{lesson.video_key}"
    assert storage.is_valid_key(lesson.video_key) and lesson.video_key.endswith(".mp4")
    poster = Image.open(storage.path_for(lesson.poster_key))
    assert poster.format == "JPEG" and poster.size == (320, 180)
    assert stored_files() == sorted([lesson.video_key, lesson.poster_key])


def test_replacing_a_video_removes_the_old_files(run, session, people, sample_mp4) -> None:
    course_id = make_course(run, people.alice, lessons=1)
    lesson_id = first_lesson(session, course_id).id
    attach(run, people.alice, lesson_id, upload(sample_mp4))
    old = first_lesson(session, course_id)
    old_keys = (old.video_key, old.poster_key)
    attach(run, people.alice, lesson_id, upload(sample_mp4))
    new = first_lesson(session, course_id)
    assert (new.video_key, new.poster_key) != old_keys
    assert stored_files() == sorted([new.video_key, new.poster_key])


def _truncated(sample: Path) -> bytes:
    return sample.read_bytes()[:2_000]


def _wrong_magic(sample: Path) -> bytes:
    data = bytearray(sample.read_bytes())
    data[4:8] = b"XXXX"
    return bytes(data)


def _png(_: Path) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "make",
    [
        lambda s: b"just some text, renamed to lesson.mp4\n" * 10,
        lambda s: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        lambda s: b"<!doctype html><html><script>alert(1)</script></html>",
        lambda s: b"<?php system($_GET['c']); ?>",
        lambda s: b"\x00\x00\x00\x18ftypisom" + b"\x00" * 100,  # right magic, no video
        lambda s: b"",
        _truncated,
        _wrong_magic,
        _png,
    ],
    ids=["text", "svg", "html", "php", "fake-mp4", "empty", "truncated", "wrong-magic", "png"],
)
def test_files_that_are_not_videos_are_refused_leaving_nothing(
    run, session, people, sample_mp4, make
) -> None:
    course_id = make_course(run, people.alice, lessons=1)
    lesson_id = first_lesson(session, course_id).id
    before = snapshot(session)
    with pytest.raises(InvalidInput, match="not a video we can play"):
        attach(run, people.alice, lesson_id, upload(make(sample_mp4)))
    assert stored_files() == []
    assert snapshot(session) == before


@pytest.mark.parametrize(
    "name", ["../../x.mp4", "/abs/x.mp4", "nul\x00.mp4", "a" * 300 + ".mp4", "x.html"]
)
def test_browser_file_names_are_ignored(run, session, people, sample_mp4, tmp_path, name) -> None:
    course_id = make_course(run, people.alice, lessons=1)
    lesson_id = first_lesson(session, course_id).id
    attach(run, people.alice, lesson_id, upload(sample_mp4), name=name)
    lesson = first_lesson(session, course_id)
    assert storage.is_valid_key(lesson.video_key)
    assert stored_files() == sorted([lesson.video_key, lesson.poster_key])
    assert not (tmp_path.parent / "x.mp4").exists()


def test_a_too_big_upload_is_refused(run, session, people, settings_env) -> None:
    settings_env(max_upload_mb="1")
    course_id = make_course(run, people.alice, lessons=1)
    lesson_id = first_lesson(session, course_id).id
    with pytest.raises(InvalidInput, match="larger than 1 MB"):
        attach(run, people.alice, lesson_id, upload(b"\x00" * (1024 * 1024 + 1)))
    assert stored_files() == []


def test_a_refused_owner_check_removes_the_upload(run, session, people, sample_mp4) -> None:
    course_id = make_course(run, people.alice, lessons=1)
    lesson_id = first_lesson(session, course_id).id
    with pytest.raises(Exception, match="could not find"):
        attach(run, people.bob, lesson_id, upload(sample_mp4))
    assert stored_files() == []


def test_only_files_from_the_temp_folder_are_taken(run, session, people, sample_mp4) -> None:
    course_id = make_course(run, people.alice, lessons=1)
    with pytest.raises(ValueError, match="new_temp_path"):
        attach(run, people.alice, first_lesson(session, course_id).id, sample_mp4)
    assert sample_mp4.exists()


def test_sniffing_names_the_containers() -> None:
    assert course_media.sniff_video(b"\x00\x00\x00\x20ftypisom0000") == ".mp4"
    assert course_media.sniff_video(b"\x00\x00\x00\x14ftypqt  0000") == ".mov"
    assert course_media.sniff_video(b"\x00\x00\x00\x08moov00000000") == ".mov"
    assert course_media.sniff_video(b"\x1a\x45\xdf\xa3\x00\x00") == ".webm"
    assert course_media.sniff_video(b"<html>") is None


# ------------------------------------------------------------------------------ thumbnails


def _image(fmt: str, size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_thumbnails_are_re_encoded_to_1280x720(run, session, people, fmt) -> None:
    course_id = make_course(run, people.alice, lessons=0)
    url = run(
        course_media.set_course_thumbnail,
        actor=people.alice,
        course_id=course_id,
        data=_image(fmt, (1000, 1000)),
    )
    key = session.get(Course, course_id).thumbnail_key
    assert url == f"/api/media/{key}"
    image = Image.open(storage.path_for(key))
    assert (image.format, image.size) == ("JPEG", (1280, 720))


def test_a_new_thumbnail_replaces_the_old_file(run, session, people) -> None:
    course_id = make_course(run, people.alice, lessons=0)
    data = _image("PNG", (64, 36))
    run(course_media.set_course_thumbnail, actor=people.alice, course_id=course_id, data=data)
    run(course_media.set_course_thumbnail, actor=people.alice, course_id=course_id, data=data)
    session.expire_all()
    assert stored_files() == [session.get(Course, course_id).thumbnail_key]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"GIF89a" + b"\x00" * 20,
        b"\xff\xd8\xff" + b"\x00" * 50,  # JPEG magic, not a JPEG
        b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024),
    ],
    ids=["empty", "svg", "gif", "broken-jpeg", "too-big"],
)
def test_bad_thumbnails_are_refused(run, session, people, data) -> None:
    course_id = make_course(run, people.alice, lessons=0)
    with pytest.raises(InvalidInput):
        run(course_media.set_course_thumbnail, actor=people.alice, course_id=course_id, data=data)
    assert stored_files() == []
    assert session.get(Course, course_id).thumbnail_key is None


# ------------------------------------------------------------------------------ deleting


def test_deleting_a_draft_removes_its_rows_and_files(run, session, people, sample_mp4) -> None:
    course_id = make_course(run, people.alice, sections=2, lessons=1)
    attach(run, people.alice, first_lesson(session, course_id).id, upload(sample_mp4))
    data = _image("PNG", (64, 36))
    run(course_media.set_course_thumbnail, actor=people.alice, course_id=course_id, data=data)
    assert len(stored_files()) == 3
    run(course_media.delete_course, actor=people.alice, course_id=course_id)
    session.expire_all()
    assert session.get(Course, course_id) is None
    assert session.exec(select(Section)).all() == [] and session.exec(select(Lesson)).all() == []
    assert stored_files() == []


def test_courses_with_students_or_published_are_kept(run, session, people) -> None:
    course_id = make_course(run, people.alice, lessons=1)
    course = session.get(Course, course_id)
    course.status = "published"
    session.add(course)
    session.commit()
    with pytest.raises(Conflict, match="Unpublish"):
        run(course_media.delete_course, actor=people.alice, course_id=course_id)
    run(course_publishing.archive_course, actor=people.alice, course_id=course_id)
    session.add(Enrollment(user_id=people.student.id, course_id=course_id))
    session.commit()
    with pytest.raises(Conflict, match="enrolled"):
        run(course_media.delete_course, actor=people.alice, course_id=course_id)
    assert session.get(Course, course_id) is not None
    assert os.environ["LMS_MEDIA_DIR"]
