"""Profiles: strict fields, photos re-encoded from their bytes, public instructor pages."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import Session, select

from lms_reflex.media import storage
from lms_reflex.models import CourseStatus, Enrollment, Profile, Role, User
from lms_reflex.services.accounts import profiles
from lms_reflex.services.actor import Actor, load_actor
from lms_reflex.services.errors import InvalidInput, NotFound, NotSignedIn, PermissionDenied
from lms_reflex.services.media_access import is_public_media
from tests.unit.catalog_fixtures import add_course

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


def _actor(session: Session, user_id: int) -> Actor:
    found = load_actor(session, user_id)
    assert found is not None
    return found


@pytest.fixture
def me(session: Session, make_user) -> Actor:
    return _actor(session, make_user(first_name="Ada", last_name="Lovelace").id)


def _form(**changes: str) -> dict[str, str]:
    values = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "bio": "I write programs.",
        "gender": "female",
        "date_of_birth": "1990-04-21",
        "contact_number": "+44 20 7946 0958",
    }
    values.update(changes)
    return values


def _update(session: Session, actor: Actor | None, **changes: str) -> profiles.ProfileView:
    return profiles.update_my_profile(session=session, actor=actor, **_form(**changes))


def _image_bytes(fmt: str, size: tuple[int, int] = (640, 360), **save: object) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    img.paste((20, 40, 220), (size[0] // 2, 0, size[0], size[1]))
    out = io.BytesIO()
    img.save(out, fmt, **save)
    return out.getvalue()


def _jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "Secret Photographer"  # Artist
    exif[0x010F] = "PhoneMaker"  # Make
    return _image_bytes("JPEG", exif=exif.tobytes())


def _media_files() -> list[Path]:
    root = storage.media_root()
    return sorted(p for p in root.rglob("*") if p.is_file())


def _stored_path(url: str) -> Path:
    assert url.startswith("/api/media/avatars/")
    return storage.path_for(url.removeprefix("/api/media/"))


# --- details -------------------------------------------------------------------------------


def test_new_profile_is_empty_and_shows_own_names(session: Session, me: Actor) -> None:
    view = profiles.get_my_profile(session=session, actor=me)
    assert view == profiles.ProfileView("Ada", "Lovelace", "", "", "", "", "")


def test_anonymous_callers_cannot_read_or_write_a_profile(session: Session) -> None:
    with pytest.raises(NotSignedIn):
        profiles.get_my_profile(session=session, actor=None)
    with pytest.raises(NotSignedIn):
        _update(session, None)


def test_saved_profile_is_read_back(session: Session, me: Actor) -> None:
    _update(session, me, first_name="  Augusta Ada ", gender="Non-Binary")
    session.commit()
    view = profiles.get_my_profile(session=session, actor=me)
    assert view.first_name == "Augusta Ada"
    assert view.gender == "non-binary"
    assert view.date_of_birth == "1990-04-21"
    assert view.contact_number == "+442079460958"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+49 (151) 234-567.89", "+4915123456789"),
        ("0151 2345678", "01512345678"),
        ("1234567", "1234567"),
        ("+123456789012345", "+123456789012345"),
        ("   ", ""),
        ("", ""),
    ],
)
def test_phone_numbers_are_stored_normalised(
    session: Session, me: Actor, typed: str, stored: str
) -> None:
    assert _update(session, me, contact_number=typed).contact_number == stored


@pytest.mark.parametrize(
    "typed",
    ["123456", "+1234567890123456", "12a4567", "++1234567", "12+34567", "call me",
     "\u0661\u0662\u0663\u0664\u0665\u0666\u0667", "1234567#", "1" * 41],
)  # fmt: skip
def test_bad_phone_numbers_are_refused(session: Session, me: Actor, typed: str) -> None:
    with pytest.raises(InvalidInput, match="phone number"):
        _update(session, me, contact_number=typed)


@pytest.fixture
def march_10_2026(clock) -> date:
    clock.now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    return clock.now.date()


def test_birth_date_in_the_future_is_refused(session: Session, me: Actor, march_10_2026) -> None:
    with pytest.raises(InvalidInput, match="future"):
        _update(session, me, date_of_birth="2026-03-11")


def test_children_under_13_are_refused(session: Session, me: Actor, march_10_2026) -> None:
    for born in ("2026-03-10", "2020-01-01", "2013-03-11"):  # the last turns 13 tomorrow
        with pytest.raises(InvalidInput, match="13"):
            _update(session, me, date_of_birth=born)


def test_age_13_and_an_empty_birth_date_are_accepted(
    session: Session, me: Actor, march_10_2026
) -> None:
    assert _update(session, me, date_of_birth="2013-03-10").date_of_birth == "2013-03-10"
    assert _update(session, me, date_of_birth="").date_of_birth == ""


def test_a_leap_day_birthday_counts_from_march_first() -> None:
    born = "2008-02-29"
    with pytest.raises(InvalidInput, match="13"):
        profiles.parse_birth_date(born, today=date(2021, 2, 28))
    assert profiles.parse_birth_date(born, today=date(2021, 3, 1)) == date(2008, 2, 29)


@pytest.mark.parametrize("typed", ["2000-02-30", "20000101", "01/02/2000", "1880-01-01", "soon"])
def test_malformed_or_impossible_birth_dates_are_refused(
    session: Session, me: Actor, typed: str
) -> None:
    with pytest.raises(InvalidInput):
        _update(session, me, date_of_birth=typed)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"first_name": "   "}, "first name"),
        ({"last_name": "x" * 81}, "last name"),
        ({"first_name": "Ada\nAdmin"}, "first name"),
        ({"bio": "b" * 2001}, "bio"),
        ({"bio": "nul\x00byte"}, "bio"),
        ({"gender": "admin"}, "gender"),
    ],
)
def test_invalid_fields_are_refused_with_a_plain_message(
    session: Session, me: Actor, changes: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        _update(session, me, **changes)


def test_every_listed_gender_is_accepted(session: Session, me: Actor) -> None:
    for gender in profiles.GENDERS:
        assert _update(session, me, gender=gender).gender == gender


def test_a_form_cannot_carry_role_or_account_flags(session: Session, me: Actor) -> None:
    for extra in ("role", "is_active", "email_verified_at", "id", "email", "user_id"):
        with pytest.raises(TypeError):
            profiles.update_my_profile(session=session, actor=me, **_form(), **{extra: "x"})
    before = session.get(User, me.id)
    assert before is not None
    flags = (before.role, before.is_active, before.email_verified_at, before.email)
    _update(session, me)
    session.commit()
    session.expire_all()
    after = session.get(User, me.id)
    assert after is not None
    assert (after.role, after.is_active, after.email_verified_at, after.email) == flags
    assert after.role == Role.STUDENT


def test_xss_in_bio_is_stored_verbatim(session: Session, make_user) -> None:
    teacher = _actor(session, make_user(role=Role.INSTRUCTOR).id)
    assert _update(session, teacher, bio=XSS).bio == XSS
    session.commit()
    page = profiles.get_instructor_page(session=session, instructor_id=teacher.id)
    assert page.bio == XSS


def test_unverified_accounts_cannot_change_their_profile(session: Session, make_user) -> None:
    fresh = _actor(session, make_user(verified=False).id)
    with pytest.raises(PermissionDenied):
        _update(session, fresh)
    with pytest.raises(PermissionDenied):
        profiles.set_my_avatar(session=session, actor=fresh, data=_image_bytes("PNG"))
    assert _media_files() == []


# --- photos --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_image_bytes("PNG"), id="png"),
        pytest.param(_jpeg_with_exif(), id="jpeg-with-exif"),
        pytest.param(_image_bytes("WEBP", size=(300, 900)), id="webp-portrait"),
        pytest.param(_image_bytes("PNG", size=(12, 9)), id="tiny-png"),
    ],
)
def test_photos_are_cropped_to_256_square_and_reencoded_without_metadata(
    session: Session, me: Actor, data: bytes
) -> None:
    url = profiles.set_my_avatar(session=session, actor=me, data=data)
    path = _stored_path(url)
    assert path.suffix == ".webp"
    with Image.open(path) as img:
        assert (img.format, img.size) == ("WEBP", (256, 256))
        assert "exif" not in img.info
        assert len(img.getexif()) == 0
    assert b"Secret Photographer" not in path.read_bytes()
    assert profiles.get_my_profile(session=session, actor=me).avatar_url == url
    assert is_public_media(session=session, key=url.removeprefix("/api/media/"))
    assert _media_files() == [path]  # no temp file left behind


def test_crop_keeps_the_centre_of_a_wide_photo(session: Session, me: Actor) -> None:
    img = Image.new("RGB", (900, 300), (255, 0, 0))
    img.paste((0, 255, 0), (300, 0, 600, 300))  # only the middle third is green
    out = io.BytesIO()
    img.save(out, "PNG")
    url = profiles.set_my_avatar(session=session, actor=me, data=out.getvalue())
    with Image.open(_stored_path(url)) as stored:
        red, green, _ = stored.convert("RGB").getpixel((128, 128))
        left = stored.convert("RGB").getpixel((5, 128))
    assert green > 200 and red < 60
    assert left[1] > 200  # the red sides were cropped away


def _png_with_bad_magic() -> bytes:
    data = bytearray(_image_bytes("PNG"))
    data[1:4] = b"PNX"
    return bytes(data)


BAD_UPLOADS = [
    pytest.param(b"", id="empty"),
    pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                 id="svg"),
    pytest.param(b"<!doctype html><html><script>alert(1)</script></html>", id="html"),
    pytest.param(b"just some text, saved as photo.png", id="text-renamed-png"),
    pytest.param(_png_with_bad_magic(), id="png-wrong-magic"),
    pytest.param(_image_bytes("PNG")[:200], id="truncated-png"),
    pytest.param(b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", id="png-polyglot"),
    pytest.param(_image_bytes("GIF"), id="gif"),
    pytest.param(b"RIFF\x10\x00\x00\x00WEBPVP8 garbage", id="webp-garbage"),
    pytest.param(b"\xff\xd8\xff" + b"\x00" * (6 * 1024 * 1024), id="6-mb"),
]  # fmt: skip


@pytest.mark.parametrize("data", BAD_UPLOADS)
def test_bad_uploads_are_refused_and_nothing_is_written(
    session: Session, me: Actor, data: bytes
) -> None:
    with pytest.raises(InvalidInput):
        profiles.set_my_avatar(session=session, actor=me, data=data)
    assert _media_files() == []
    assert profiles.get_my_profile(session=session, actor=me).avatar_url == ""


def test_decompression_bombs_are_refused_before_decoding(session: Session, me: Actor) -> None:
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, "PNG")  # 64 MP, a few kB on disk
    assert len(out.getvalue()) < profiles.AVATAR_MAX_BYTES
    with pytest.raises(InvalidInput, match="too large"):
        profiles.set_my_avatar(session=session, actor=me, data=out.getvalue())
    assert _media_files() == []


def test_replacing_a_photo_deletes_the_old_file(session: Session, me: Actor) -> None:
    first = _stored_path(
        profiles.set_my_avatar(session=session, actor=me, data=_image_bytes("PNG"))
    )
    second_url = profiles.set_my_avatar(session=session, actor=me, data=_jpeg_with_exif())
    second = _stored_path(second_url)
    assert first != second
    assert not first.exists()
    assert _media_files() == [second]
    row = session.exec(select(Profile).where(Profile.user_id == me.id)).one()
    assert row.avatar_key == second_url.removeprefix("/api/media/")


def test_removing_a_photo_clears_the_row_and_the_file(session: Session, me: Actor) -> None:
    path = _stored_path(profiles.set_my_avatar(session=session, actor=me, data=_image_bytes("PNG")))
    profiles.remove_my_avatar(session=session, actor=me)
    assert not path.exists()
    assert _media_files() == []
    assert profiles.get_my_profile(session=session, actor=me).avatar_url == ""
    profiles.remove_my_avatar(session=session, actor=me)  # a second click is harmless


def test_anonymous_callers_cannot_upload_or_remove_photos(session: Session) -> None:
    with pytest.raises(NotSignedIn):
        profiles.set_my_avatar(session=session, actor=None, data=_image_bytes("PNG"))
    with pytest.raises(NotSignedIn):
        profiles.remove_my_avatar(session=session, actor=None)
    assert _media_files() == []


# --- instructor pages ----------------------------------------------------------------------


def test_instructor_page_lists_published_courses_and_counts(session: Session, make_user) -> None:
    made = make_user(role=Role.INSTRUCTOR, first_name="Grace", last_name="Hopper")
    teacher = session.get(User, made.id)
    assert teacher is not None
    live = add_course(session, teacher, "compilers")
    other = add_course(session, teacher, "cobol")
    add_course(session, teacher, "secret-draft", status=CourseStatus.DRAFT)
    learners = [make_user().id, make_user().id]
    for user_id, course in ((learners[0], live), (learners[0], other), (learners[1], live)):
        session.add(Enrollment(user_id=user_id, course_id=course.id))
    session.commit()
    page = profiles.get_instructor_page(session=session, instructor_id=made.id)
    assert page.name == "Grace Hopper"
    assert sorted(c.slug for c in page.courses) == ["cobol", "compilers"]
    assert (page.course_count, page.student_count) == (2, 2)


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.ADMIN])
def test_teachers_without_courses_have_an_empty_page(
    session: Session, make_user, role: str
) -> None:
    page = profiles.get_instructor_page(session=session, instructor_id=make_user(role=role).id)
    assert (page.courses, page.course_count, page.student_count) == ([], 0, 0)


def test_instructor_page_is_not_found_for_students_unknown_and_inactive(
    session: Session, make_user
) -> None:
    student = make_user()
    gone = make_user(role=Role.INSTRUCTOR)
    row = session.get(User, gone.id)
    assert row is not None
    row.is_active = False
    session.commit()
    for instructor_id in (student.id, gone.id, 999_999, 0, -1):
        with pytest.raises(NotFound):
            profiles.get_instructor_page(session=session, instructor_id=instructor_id)
