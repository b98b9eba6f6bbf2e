"""Captions (issue 21): parsing, SRT to WebVTT, sanitising, and who may change them.

docs/security.md, "Captions": a caption file is rebuilt from its timed text, so no markup
that could run is stored; only the course's staff may upload or delete; a refused file
leaves nothing behind. The service tests run on SQLite and, with LMS_TEST_POSTGRES_URL,
on PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from lms_reflex.media import storage
from lms_reflex.media.captions import (
    MAX_BYTES,
    CaptionError,
    Cue,
    clean_cue_text,
    parse_captions,
    to_webvtt,
)
from lms_reflex.models import Course, Lesson, LessonCaption, Role, Section, User
from lms_reflex.services.errors import InvalidInput, NotFound, NotSignedIn, PermissionDenied
from lms_reflex.services.learning.captions import player_captions
from lms_reflex.services.teaching import captions, course_publishing, curriculum
from lms_reflex.services.teaching.caption_checks import CAPTIONS_LABEL
from tests.unit.catalog_fixtures import actor, add_course, add_user

SRT = (
    b"1\r\n00:00:01,000 --> 00:00:04,500\r\nHello <i>there</i>!\r\n\r\n"
    b"2\r\n00:00:05,000 --> 00:00:07,250\r\nSecond line\r\nand more\r\n"
)
VTT = b"WEBVTT\n\n00:00.500 --> 00:02.000 align:start\nBonjour\n"


# ------------------------------------------------------------------------------ parsing


def test_srt_becomes_webvtt_with_dots_and_hours() -> None:
    out = to_webvtt(parse_captions(SRT)).decode()
    assert out == (
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.500\nHello <i>there</i>!\n\n"
        "00:00:05.000 --> 00:00:07.250\nSecond line\nand more\n"
    )


def test_webvtt_is_read_with_short_times_and_settings_dropped() -> None:
    (cue,) = parse_captions(VTT)
    assert cue == Cue(500, 2000, "Bonjour")
    assert b"align" not in to_webvtt([cue])


def test_notes_styles_and_cue_ids_are_dropped() -> None:
    data = (
        b"\xef\xbb\xbfWEBVTT - a title\n\nNOTE made by hand\n\n"
        b"STYLE\n::cue { background: url(javascript:alert(1)) }\n\n"
        b"intro\n00:01.000 --> 00:02.000\nHi\n"
    )
    out = to_webvtt(parse_captions(data)).decode()
    assert "STYLE" not in out and "javascript" not in out and "intro" not in out
    assert "Hi" in out


@pytest.mark.parametrize(
    "line",
    [
        "00:00:01,000 -> 00:00:02,000",  # no arrow
        "00:00:61,000 --> 00:00:62,000",  # 61 seconds
        "00:60:01.000 --> 00:60:02.000",  # 60 minutes
        "00:00:01.00 --> 00:00:02.000",  # two-digit milliseconds
        "00:00:05.000 --> 00:00:02.000",  # ends before it starts
        "aa:bb:cc.ddd --> 00:00:02.000",
    ],
)
def test_a_bad_timestamp_refuses_the_whole_file(line: str) -> None:
    data = f"1\n00:00:00,000 --> 00:00:01,000\nfine\n\n2\n{line}\nbroken\n".encode()
    with pytest.raises(CaptionError, match="Caption 2"):
        parse_captions(data)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<script>alert(1)</script>Hi", "alert(1)Hi"),
        ('<img src=x onerror="alert(1)">Hi', "Hi"),
        ("<img src=x onerror=alert(1)", ""),  # never closed: dropped to the line's end
        ('<i onclick="x()">a</i>', "a"),  # a kept tag with attributes is not kept
        ("<b>bold <i>both</b> italic</i>", "<b>bold <i>both</i></b> italic"),
        ("<u>open", "<u>open</u>"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<v Roger>Hi <c.loud>there</c>", "Hi there"),
        ("x < y and <3", "x &lt; y and &lt;3"),
        ("tom & jerry --> end", "tom &amp; jerry --&gt; end"),
        ("<00:00:01.500>karaoke", "karaoke"),
        ("a\u202eb\x07c", "abc"),
    ],
)
def test_cue_text_keeps_no_markup_that_could_run(raw: str, expected: str) -> None:
    assert clean_cue_text(raw) == expected


def test_hostile_cues_come_out_as_text() -> None:
    data = (
        b"WEBVTT\n\n00:01.000 --> 00:02.000\n<script>alert(1)</script>\n"
        b'<img src=x onerror="alert(2)">x\n\n'
        b"00:03.000 --> 00:04.000\n<script></script>\n"  # nothing left: the cue goes
    )
    cues = parse_captions(data)
    assert [c.text for c in cues] == ["alert(1)\nx"]
    out = to_webvtt(cues).decode()
    assert "<script" not in out and "<img" not in out and "onerror" not in out


def test_a_huge_file_is_refused_before_parsing() -> None:
    cue = b"00:00:01.000 --> 00:00:02.000\nfiller text\n\n"
    data = b"WEBVTT\n\n" + cue * (MAX_BYTES // len(cue) + 1)
    with pytest.raises(CaptionError, match="512 KB"):
        parse_captions(data)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("Grüße\n".encode("latin-1"), "UTF-8"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\nnul\x00\n", "UTF-8"),
        (b"", "no captions"),
        (b"WEBVTT\n\nNOTE only a note\n", "no captions"),
        (b"just some text\nwithout times\n", "no timing line"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "UTF-8"),
    ],
)
def test_files_that_are_not_captions_get_a_sentence(data: bytes, words: str) -> None:
    with pytest.raises(CaptionError, match=words):
        parse_captions(data)


def test_cues_come_out_in_time_order() -> None:
    data = b"00:00:05,000 --> 00:00:06,000\nsecond\n\n00:00:01,000 --> 00:00:02,000\nfirst\n"
    assert [c.text for c in parse_captions(data)] == ["first", "second"]


# ------------------------------------------------------------------------------ services


class World:
    """A course with a video lesson, its instructor, another instructor, a student, an admin."""

    def __init__(self, session: Session) -> None:
        self.teacher = add_user(session, "teacher@example.org", Role.INSTRUCTOR)
        self.other = add_user(session, "other@example.org", Role.INSTRUCTOR)
        self.student = add_user(session, "student@example.org")
        self.admin = add_user(session, "admin@example.org", Role.ADMIN)
        self.course = add_course(session, self.teacher, "captioned", lessons=2)
        lessons = session.exec(
            select(Lesson).join(Section).where(Section.course_id == self.course.id)
        ).all()
        for lesson in lessons:
            lesson.video_key = storage.new_key("videos", ".mp4")
            session.add(lesson)
        session.commit()
        self.lesson_id = lessons[0].id or 0
        self.other_lesson_id = lessons[1].id or 0


def upload(session: Session, who: User, world: World, data: bytes = SRT, language: str = "en"):
    return captions.upload_lesson_captions(
        session=session, actor=actor(who), lesson_id=world.lesson_id, language=language, data=data
    )


def stored_files() -> list[str]:
    folder = storage.media_root() / "captions"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def rows(session: Session) -> list[LessonCaption]:
    return list(session.exec(select(LessonCaption)).all())


@pytest.fixture
def world(session: Session) -> World:
    return World(session)


def test_the_instructor_uploads_lists_replaces_and_deletes(session: Session, world: World) -> None:
    stored = upload(session, world.teacher, world)
    assert (stored.language, stored.label, stored.cue_count) == ("en", "English", 2)
    assert stored.url.startswith("/api/media/captions/") and stored.url.endswith(".vtt")
    first_file = stored_files()
    assert len(first_file) == 1
    path = storage.path_for(stored.url.removeprefix("/api/media/"))
    assert path.read_bytes().startswith(b"WEBVTT\n")

    replaced = upload(session, world.teacher, world, data=VTT)  # same language: replaced
    assert replaced.cue_count == 1 and len(rows(session)) == 1
    assert stored_files() != first_file and len(stored_files()) == 1
    upload(session, world.teacher, world, language="fr")
    listed = captions.list_lesson_captions(
        session=session, actor=actor(world.teacher), lesson_id=world.lesson_id
    )
    assert [(t.language, t.label) for t in listed] == [("en", "English"), ("fr", "Français")]

    captions.delete_lesson_captions(
        session=session, actor=actor(world.teacher), lesson_id=world.lesson_id, language="fr"
    )
    assert [r.language for r in rows(session)] == ["en"] and len(stored_files()) == 1
    with pytest.raises(NotFound):
        captions.delete_lesson_captions(
            session=session, actor=actor(world.teacher), lesson_id=world.lesson_id, language="fr"
        )


@pytest.mark.parametrize("who", ["other", "student"])
def test_others_cannot_upload_list_or_delete(session: Session, world: World, who: str) -> None:
    upload(session, world.teacher, world)
    before = [(r.language, r.file_key) for r in rows(session)]
    intruder = actor(getattr(world, who))
    with pytest.raises((NotFound, PermissionDenied)):
        upload(session, getattr(world, who), world, language="de")
    with pytest.raises((NotFound, PermissionDenied)):
        captions.delete_lesson_captions(
            session=session, actor=intruder, lesson_id=world.lesson_id, language="en"
        )
    with pytest.raises((NotFound, PermissionDenied)):
        captions.list_lesson_captions(session=session, actor=intruder, lesson_id=world.lesson_id)
    session.rollback()
    assert [(r.language, r.file_key) for r in rows(session)] == before
    assert len(stored_files()) == 1


def test_nobody_signed_in_is_asked_to_sign_in(session: Session, world: World) -> None:
    with pytest.raises(NotSignedIn):
        captions.upload_lesson_captions(
            session=session, actor=None, lesson_id=world.lesson_id, language="en", data=SRT
        )
    assert rows(session) == [] and stored_files() == []


def test_an_admin_may_manage_any_courses_captions(session: Session, world: World) -> None:
    assert upload(session, world.admin, world).language == "en"


@pytest.mark.parametrize(
    ("language", "data", "field"),
    [
        ("en", b"00:00:09,000 --> 00:00:01,000\nbackwards\n", captions.FILE_FIELD),
        ("en", b"", captions.FILE_FIELD),
        ("en", b"x" * (MAX_BYTES + 1), captions.FILE_FIELD),
        ("xx", SRT, captions.LANGUAGE_FIELD),
        ("<script>", SRT, captions.LANGUAGE_FIELD),
    ],
)
def test_a_refused_upload_stores_nothing(
    session: Session, world: World, language: str, data: bytes, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        upload(session, world.teacher, world, data=data, language=language)
    assert refused.value.field == field and refused.value.message.endswith(".")
    session.rollback()
    assert rows(session) == [] and stored_files() == []


def test_a_bad_file_keeps_the_captions_it_would_replace(session: Session, world: World) -> None:
    good = upload(session, world.teacher, world)
    with pytest.raises(InvalidInput):
        upload(session, world.teacher, world, data=b"not captions at all")
    session.rollback()
    assert [r.file_key for r in rows(session)] == [good.url.removeprefix("/api/media/")]
    assert len(stored_files()) == 1


def test_deleting_the_lesson_removes_its_caption_files(session: Session, world: World) -> None:
    upload(session, world.teacher, world)
    curriculum.delete_lesson(session=session, actor=actor(world.teacher), lesson_id=world.lesson_id)
    assert rows(session) == [] and stored_files() == []


def test_the_player_lists_tracks_to_those_who_may_watch(session: Session, world: World) -> None:
    upload(session, world.teacher, world)
    tracks = player_captions(session=session, actor=None, lesson_id=world.lesson_id)  # preview
    assert [(t.language, t.label) for t in tracks] == [("en", "English")]
    with pytest.raises(PermissionDenied):
        player_captions(session=session, actor=actor(world.other), lesson_id=world.other_lesson_id)


def test_the_publish_checklist_warns_and_does_not_block(session: Session, world: World) -> None:
    def item():
        items = course_publishing.publish_checklist(
            session=session, actor=actor(world.teacher), course_id=world.course.id
        )
        return next(i for i in items if i.label == CAPTIONS_LABEL)

    first = item()
    assert (first.done, first.warning) == (False, True)
    assert "Lesson 1" in first.hint and "Lesson 2" in first.hint
    upload(session, world.teacher, world)
    second = item()
    assert "Lesson 1" not in second.hint and "Lesson 2" in second.hint
    course = session.get(Course, world.course.id)
    assert course is not None
    course.description, course.thumbnail_key = "About.", storage.new_key("thumbnails", ".jpg")
    course.category_id = None
    session.add(course)
    session.commit()
    with pytest.raises(InvalidInput) as refused:  # held back by the category, not captions
        course_publishing.publish_course(
            session=session, actor=actor(world.teacher), course_id=world.course.id
        )
    assert "category" in refused.value.message and "caption" not in refused.value.message


# ------------------------------------------------------------------------------ PostgreSQL


@pytest.mark.postgres
def test_upload_replace_refuse_and_delete_on_postgres(pg_session: Session) -> None:
    """The unique (lesson, language) row, the row lock and the cascade, on PostgreSQL."""
    world = World(pg_session)
    upload(pg_session, world.teacher, world)
    upload(pg_session, world.teacher, world, data=VTT)
    assert len(rows(pg_session)) == 1 and len(stored_files()) == 1
    with pytest.raises((NotFound, PermissionDenied)):
        upload(pg_session, world.other, world, language="de")
    pg_session.rollback()
    with pytest.raises((NotFound, PermissionDenied)):
        upload(pg_session, world.student, world, language="de")
    pg_session.rollback()
    curriculum.delete_lesson(
        session=pg_session, actor=actor(world.teacher), lesson_id=world.lesson_id
    )
    assert rows(pg_session) == [] and stored_files() == []
