"""Profiles: what users tell about themselves, their photo, and public instructor pages."""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from lms_reflex.media import images, storage
from lms_reflex.models import Course, CourseStatus, Enrollment, Profile, Role, User, utcnow
from lms_reflex.services.actor import Actor, require_actor, require_verified
from lms_reflex.services.catalog.listings import list_published_courses
from lms_reflex.services.errors import InvalidInput, NotFound, NotSignedIn
from lms_reflex.services.formatting import media_url
from lms_reflex.services.validation import has_control_chars
from lms_reflex.services.views import CourseCard

log = logging.getLogger("lms_reflex.profiles")

NAME_MAX_LENGTH = 80
BIO_MAX_LENGTH = 2000
GENDERS: tuple[str, ...] = ("", "female", "male", "non-binary", "prefer not to say", "other")
MIN_AGE_YEARS = 13
BIRTH = "date_of_birth"  # the input its refusals are shown under (DomainError.field)
MAX_AGE_YEARS = 130
PHONE_MAX_INPUT = 40
AVATAR_MAX_BYTES = images.MAX_BYTES
# A square WEBP: it keeps transparency, and nothing from the original file (EXIF, GPS, ICC).
AVATAR = images.PictureSpec(size=(256, 256), encoding="WEBP", noun="photo")
INSTRUCTOR_COURSE_LIMIT = 60

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PHONE_SEPARATORS = re.compile(r"[\s\-.()]")
_PHONE = re.compile(r"\+?[0-9]{7,15}")


@dataclass(frozen=True)
class ProfileView:
    """The signed-in user's own profile form (their own data only; no email, no secrets)."""

    first_name: str
    last_name: str
    bio: str
    gender: str
    date_of_birth: str
    contact_number: str
    avatar_url: str


@dataclass(frozen=True)
class InstructorPage:
    """What anyone may see about a teacher: no email, phone, birth date or gender."""

    name: str
    bio: str
    avatar_url: str
    course_count: int
    student_count: int
    courses: list[CourseCard] = field(default_factory=list)


def _own_rows(session: Session, actor: Actor) -> tuple[User, Profile]:
    """The actor's user row and profile; the profile is made (not added) when missing.

    Raises:
        NotSignedIn: when the account is gone or deactivated since the actor was loaded.
    """
    user = session.get(User, actor.id)
    if user is None or not user.is_active:
        raise NotSignedIn()
    profile = session.exec(select(Profile).where(Profile.user_id == actor.id)).first()
    return user, profile or Profile(user_id=actor.id)


def _view(user: User, profile: Profile) -> ProfileView:
    dob = profile.date_of_birth
    return ProfileView(
        first_name=user.first_name,
        last_name=user.last_name,
        bio=profile.bio,
        gender=profile.gender,
        date_of_birth=dob.isoformat() if dob else "",
        contact_number=profile.contact_number,
        avatar_url=media_url(profile.avatar_key),
    )


def get_my_profile(*, session: Session, actor: Actor | None) -> ProfileView:
    """The signed-in user's profile, for their own profile form.

    Raises:
        NotSignedIn: when nobody is signed in or the account was deactivated.
    """
    user, profile = _own_rows(session, require_actor(actor))
    return _view(user, profile)


def avatar_url_of(*, session: Session, actor: Actor | None) -> str:
    """The signed-in user's photo URL for the top bar ('' when none or signed out)."""
    if actor is None:
        return ""
    key = session.exec(_avatar_query(), params={"user_id": actor.id}).first()
    return media_url(key)


@functools.cache
def _avatar_query() -> SelectOfScalar[str | None]:
    """Built once: the top bar of every page shows the photo."""
    return select(col(Profile.avatar_key)).where(Profile.user_id == bindparam("user_id"))


def clean_name(value: str, label: str) -> str:
    """A trimmed name of 1..80 characters without control characters.

    Raises:
        InvalidInput: when it is empty, too long or has control characters.
    """
    name, field = value.strip(), label.replace(" ", "_")
    if not name:
        raise InvalidInput(f"Please enter your {label}.", field=field)
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(
            f"Your {label} can be at most {NAME_MAX_LENGTH} characters.", field=field
        )
    if has_control_chars(name):
        raise InvalidInput(f"Your {label} contains characters we cannot store.", field=field)
    return name


def clean_bio(value: str) -> str:
    """The bio as typed (trimmed, line endings unified); it is always rendered as text.

    Raises:
        InvalidInput: when it is longer than 2000 characters or holds a NUL character.
    """
    bio = value.replace("\r\n", "\n").strip()
    if len(bio) > BIO_MAX_LENGTH:
        raise InvalidInput(f"Your bio can be at most {BIO_MAX_LENGTH} characters.", field="bio")
    if "\x00" in bio:  # PostgreSQL text cannot hold NUL; refuse it on every engine alike
        raise InvalidInput("Your bio contains characters we cannot store.", field="bio")
    return bio


def clean_gender(value: str) -> str:
    """One of GENDERS ('' means not given).

    Raises:
        InvalidInput: for anything else.
    """
    gender = value.strip().lower()
    if gender not in GENDERS:
        raise InvalidInput(
            "Please pick your gender from the list, or leave it empty.", field="gender"
        )
    return gender


def _age_on(today: date, born: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def parse_birth_date(value: str, *, today: date) -> date | None:
    """An ISO date (YYYY-MM-DD) of someone aged 13 or more, or None when empty.

    Raises:
        InvalidInput: for a malformed or impossible date, a future date, or age under 13.
    """
    text = value.strip()
    if not text:
        return None
    try:
        born = date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:
        born = None
    if born is None:
        raise InvalidInput(
            "Please enter your date of birth as a date, like 1990-04-21.", field=BIRTH
        )
    if born > today:
        raise InvalidInput("Your date of birth cannot be in the future.", field=BIRTH)
    age = _age_on(today, born)
    if age < MIN_AGE_YEARS:
        raise InvalidInput(
            f"You must be at least {MIN_AGE_YEARS} years old to have a profile.", field=BIRTH
        )
    if age > MAX_AGE_YEARS:
        raise InvalidInput("Please check the year of your date of birth.", field=BIRTH)
    return born


def normalize_phone(value: str) -> str:
    """A phone number as '+' (optional) and 7..15 digits, separators removed; '' stays ''.

    Raises:
        InvalidInput: when anything but digits, one leading '+', spaces, dashes, dots or
            parentheses is left, or the digit count is outside 7..15.
    """
    if not value.strip():
        return ""
    digits = _PHONE_SEPARATORS.sub("", value[:PHONE_MAX_INPUT])
    if len(value) > PHONE_MAX_INPUT or not _PHONE.fullmatch(digits):
        raise InvalidInput(
            "Please enter a phone number of 7 to 15 digits, optionally starting with +.",
            field="contact_number",
        )
    return digits


def update_my_profile(
    *,
    session: Session,
    actor: Actor | None,
    first_name: str,
    last_name: str,
    bio: str,
    gender: str,
    date_of_birth: str,
    contact_number: str,
) -> ProfileView:
    """Save the signed-in user's own profile.

    Only the fields named here exist: there is no role, is_active, email or id parameter, so
    a form carrying them cannot change them (docs/security.md case 27).

    Raises:
        NotSignedIn: when nobody is signed in or the account was deactivated.
        PermissionDenied: when the email is not verified yet.
        InvalidInput: when a value is not acceptable (the message names the field).
    """
    user, profile = _own_rows(session, require_verified(actor))
    user.first_name = clean_name(first_name, "first name")
    user.last_name = clean_name(last_name, "last name")
    profile.bio = clean_bio(bio)
    profile.gender = clean_gender(gender)
    profile.date_of_birth = parse_birth_date(date_of_birth, today=utcnow().date())
    profile.contact_number = normalize_phone(contact_number)
    session.add(user)
    session.add(profile)
    session.flush()
    return _view(user, profile)


def _forget_file(key: str | None) -> None:
    """Delete a replaced file; a failure only leaves an orphan, never a broken profile."""
    if not key:
        return
    try:
        storage.delete_key(key)
    except (ValueError, OSError):
        log.warning("could not delete replaced media file %s", key, exc_info=True)


def _commit_avatar(session: Session, profile: Profile, key: str | None) -> str | None:
    """Point the profile at `key` and commit; returns the key it pointed at before."""
    old = profile.avatar_key
    profile.avatar_key = key
    session.add(profile)
    session.commit()
    return old


def set_my_avatar(*, session: Session, actor: Actor | None, data: bytes) -> str:
    """Replace the signed-in user's photo with a cleaned 256x256 copy of `data`.

    Order matters: the file is written (temp file, then rename) under a new server-made
    key, the row is committed, and only then is the old file deleted. A crash in between
    leaves at worst an orphan file, never a profile pointing at a missing one.

    Returns:
        The public URL of the new photo.

    Raises:
        NotSignedIn: when nobody is signed in or the account was deactivated.
        PermissionDenied: when the email is not verified yet (avatars are public files).
        InvalidInput: when the file is not an acceptable photo (see images.picture_from_upload).
    """
    _, profile = _own_rows(session, require_verified(actor))
    encoded = images.picture_from_upload(data, AVATAR)
    key = storage.new_key("avatars", ".webp")
    storage.write_atomic(key, encoded)
    try:
        old = _commit_avatar(session, profile, key)
    except BaseException:
        session.rollback()
        _forget_file(key)
        raise
    _forget_file(old)
    return media_url(key)


def remove_my_avatar(*, session: Session, actor: Actor | None) -> None:
    """Remove the signed-in user's photo (row first, then the file).

    Raises:
        NotSignedIn: when nobody is signed in or the account was deactivated.
        PermissionDenied: when the email is not verified yet.
    """
    _, profile = _own_rows(session, require_verified(actor))
    if profile.avatar_key is None:
        return
    _forget_file(_commit_avatar(session, profile, None))


def _published_counts(session: Session, instructor_id: int) -> tuple[int, int]:
    """Published courses, and learners enrolled in any of them (each learner counted once)."""
    published = (Course.instructor_id == instructor_id, Course.status == CourseStatus.PUBLISHED)
    courses = session.exec(select(func.count(col(Course.id))).where(*published)).one()
    students = session.exec(
        select(func.count(func.distinct(Enrollment.user_id)))
        .join(Course, col(Course.id) == col(Enrollment.course_id))
        .where(*published)
    ).one()
    return int(courses), int(students)


def list_instructor_courses(*, session: Session, instructor_id: int) -> list[CourseCard]:
    """The instructor's published courses as cards, newest first (drafts never appear)."""
    return list_published_courses(
        session=session, instructor_id=instructor_id, limit=INSTRUCTOR_COURSE_LIMIT
    )


def get_instructor_page(*, session: Session, instructor_id: int) -> InstructorPage:
    """The public page of an active instructor (or admin): name, bio, photo, courses.

    Raises:
        NotFound: unknown id, a deactivated account, or someone who does not teach
            (students' names and bios are not published).
    """
    user = session.get(User, instructor_id)
    if user is None or not user.is_active or user.role not in (Role.INSTRUCTOR, Role.ADMIN):
        raise NotFound("We could not find that instructor.")
    profile = session.exec(select(Profile).where(Profile.user_id == instructor_id)).first()
    course_count, student_count = _published_counts(session, instructor_id)
    return InstructorPage(
        name=user.full_name,
        bio=profile.bio if profile else "",
        avatar_url=media_url(profile.avatar_key if profile else None),
        course_count=course_count,
        student_count=student_count,
        courses=list_instructor_courses(session=session, instructor_id=instructor_id),
    )
