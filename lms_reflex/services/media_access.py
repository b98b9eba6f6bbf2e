"""Who may fetch a stored media file. Checked on every request by the media route."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import bindparam, or_
from sqlmodel import Session, col, select

from lms_reflex.media.cards import is_card_key, thumbnail_keys
from lms_reflex.models import Course, CourseStatus, Enrollment, Lesson, Profile, Section
from lms_reflex.services.accounts.sessions import check_session
from lms_reflex.services.actor import Actor, is_course_staff, load_actor
from lms_reflex.services.learning.captions import caption_media_query
from lms_reflex.services.learning.lesson_access import is_enrolled, lesson_facts_query
from lms_reflex.services.learning.lessons import can_open_lesson
from lms_reflex.services.prebuilt import Reads, fetch_first

_LESSON_KINDS = ("videos", "posters")


def _course_of_lesson_media(session: Session, key: str) -> tuple[Lesson, Course] | None:
    row = session.exec(
        select(Lesson, Course)
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .join(Course, col(Course.id) == col(Section.course_id))
        .where((col(Lesson.video_key) == key) | (col(Lesson.poster_key) == key))
    ).first()
    return (row[0], row[1]) if row else None


_PICTURE_KINDS = ("thumbnails", "cards")  # a card copy follows its thumbnail's rule


def _course_by_thumbnail(session: Session, key: str) -> Course | None:
    keys = thumbnail_keys(key) if is_card_key(key) else [key]
    return session.exec(select(Course).where(col(Course.thumbnail_key).in_(keys))).first()


def is_public_media(*, session: Session, key: str) -> bool:
    """Thumbnails of published courses, avatars, and preview lessons of published courses."""
    kind = key.split("/", 1)[0]
    if kind == "avatars":
        return session.exec(select(Profile.id).where(Profile.avatar_key == key)).first() is not None
    if kind in _PICTURE_KINDS:
        course = _course_by_thumbnail(session, key)
        return course is not None and course.status == CourseStatus.PUBLISHED
    if kind not in _LESSON_KINDS:
        return False
    found = _course_of_lesson_media(session, key)
    if found is None:
        return False
    lesson, course = found
    return course.status == CourseStatus.PUBLISHED and (lesson.is_preview or kind == "posters")


def can_read_media(*, session: Session, actor: Actor | None, key: str) -> bool:
    """Public media for everyone; course media for its instructor, admins and its students.

    Students enrolled in a course may fetch its lesson videos and posters, also after the
    course went back to draft (the same rule as opening the lesson).
    """
    return is_public_media(session=session, key=key) or can_read_private_media(
        session=session, actor=actor, key=key
    )


def can_read_private_media(*, session: Session, actor: Actor | None, key: str) -> bool:
    """The non-public part of `can_read_media` (callers that already checked public media)."""
    if actor is None:
        return False
    if actor.is_admin:
        return True
    kind = key.split("/", 1)[0]
    if kind in _PICTURE_KINDS:
        course = _course_by_thumbnail(session, key)
        return course is not None and is_course_staff(actor, course.instructor_id)
    if kind not in _LESSON_KINDS:
        return False
    found = _course_of_lesson_media(session, key)
    if found is None:
        return False
    course = found[1]
    assert course.id is not None
    return is_course_staff(actor, course.instructor_id) or is_enrolled(session, actor, course.id)


def can_read_signed_media(*, session: Session, user_id: int, lesson_id: int, key: str) -> bool:
    """Whether a verified signed URL (see lms_reflex.media.signing) still grants the file.

    The signature proves who the link was made for and in which session (the caller checks
    that the cookie's user is that user); access is checked again now, so a link dies with
    its user's enrollment or account.

    Args:
        session: The open session (read only).
        user_id: The user named by the signature.
        lesson_id: The lesson named by the signature.
        key: The requested file; it must be that lesson's video or poster.
    """
    actor = load_actor(session, user_id)
    lesson = session.get(Lesson, lesson_id)
    if actor is None or lesson is None or key not in (lesson.video_key, lesson.poster_key):
        return False
    return can_open_lesson(session=session, actor=actor, lesson_id=lesson_id)


class Grant(StrEnum):
    """What the media route may answer for one request."""

    PUBLIC = "public"  # anyone; cacheable
    PRIVATE = "private"  # this caller only; never cached
    SIGN_IN = "sign-in"  # 401: nobody is signed in and no signature was presented
    DENIED = "denied"  # 403


# One lesson file's course facts and the caller's enrollment, built once: a playing video
# asks this for every Range request.
_LESSON_MEDIA = (
    lesson_facts_query(Lesson.is_preview, Course.status, Course.instructor_id, Enrollment.id)
    .where(or_(Lesson.video_key == bindparam("key"), Lesson.poster_key == bindparam("key")))  # type: ignore[arg-type]
    .limit(1)
)


def _lesson_media_grant(session: Reads, key: str, actor: Actor | None) -> Grant | None:
    """The grant for a lesson video or poster, or None when only a signature could help."""
    params = {"key": key, "user_id": actor.id if actor else None}
    # A caption file follows its lesson's video (docs/security.md, "Captions").
    query = caption_media_query() if key.startswith("captions/") else _LESSON_MEDIA
    row = fetch_first(session, query, params)
    if row is None:
        return None
    preview, status, instructor_id, enrollment_id = tuple(row)
    published = status == CourseStatus.PUBLISHED
    if published and (preview or key.startswith("posters/")):
        return Grant.PUBLIC
    if is_course_staff(actor, instructor_id) or (actor is not None and enrollment_id is not None):
        return Grant.PRIVATE
    return None


def _is_lesson_file(key: str) -> bool:
    return key.split("/", 1)[0] in (*_LESSON_KINDS, "captions")


def lesson_media_grant(*, reads: Reads, key: str, token: str | None) -> Grant | None:
    """The grant of a lesson's video, poster or captions to a caller the lesson rule admits.

    Almost every media request is a Range request of a playing video by its student, and
    this decides it with `media_grant`'s first two statements on a plain connection
    (`db.run_reads`). None means ask `media_grant`: another kind of file, or a caller the
    lesson rule does not admit (admins, signed URLs and refusals are decided there).
    """
    if not _is_lesson_file(key):
        return None
    actor, _due = check_session(session=reads, token=token)
    return _lesson_media_grant(reads, key, actor)


def media_grant(
    *, session: Session, key: str, token: str | None, signed: tuple[int, int] | None, sig: bool
) -> Grant:
    """Every check of one media request in one database session.

    A video streams as many Range requests, so this runs often: lesson files take two
    prebuilt statements (session, then lesson facts with the caller's enrollment).

    Args:
        session: The open session (read only).
        key: The requested storage key.
        token: The session cookie's value, if any.
        signed: (user id, lesson id) from a signature that verified against `token`'s
            session and has not expired, or None.
        sig: Whether the request presented a signature at all (verified or not).
    """
    actor, _due = check_session(session=session, token=token)
    if _is_lesson_file(key):
        grant = _lesson_media_grant(session, key, actor)
    elif is_public_media(session=session, key=key):
        grant = Grant.PUBLIC
    else:
        grant = (
            Grant.PRIVATE if can_read_private_media(session=session, actor=actor, key=key) else None
        )
    if grant is not None:
        return grant
    if actor is not None and actor.is_admin:
        return Grant.PRIVATE  # admins may read any file (a missing one is then a 404)
    # A signature verifies only with the cookie it was made for, and only for that user:
    # a copied URL opens nothing (docs/security.md, "Video URLs bound to the viewer's session").
    if (
        signed is not None
        and actor is not None
        and actor.id == signed[0]
        and can_read_signed_media(session=session, user_id=signed[0], lesson_id=signed[1], key=key)
    ):
        return Grant.PRIVATE
    return Grant.SIGN_IN if actor is None and not sig else Grant.DENIED
