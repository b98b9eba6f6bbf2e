"""Private timestamped notes on video lessons (issue 21; docs/security.md case 76).

A note belongs to its student alone: every read filters by the caller, and a note id of
someone else is answered "not found" and changes nothing. Taking a note needs an enrolled
student on a video lesson they may open, at a second within the video. Texts are trimmed,
capped and free of control characters, and writes are limited per user per minute.
Notes are shown as plain text (never as markup), so no sanitiser is involved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from lms_reflex import routes
from lms_reflex.models import Course, Lesson, LessonKind, LessonNote, Section, utcnow
from lms_reflex.services.actor import Actor, require_actor
from lms_reflex.services.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    Throttled,
    try_again_in,
)
from lms_reflex.services.formatting import clock_label
from lms_reflex.services.learning.lesson_access import LESSON_NOT_FOUND, open_lesson
from lms_reflex.services.text import clean_text
from lms_reflex.services.validation import valid_id

TEXT_MAX = 5_000
QUERY_MAX = 200
HITS_MAX = 100
WRITES_PER_MINUTE = 20  # far above anyone typing; stops a script filling the table
WRITE_WINDOW = timedelta(minutes=1)
NOTE_NOT_FOUND = "We could not find that note."
ENROLL_FIRST = "Enroll in this course to take notes."
BAD_SECOND = "We could not read the video's time. Please try again."


@dataclass(frozen=True)
class NoteView:
    """A note on screen: its time as seconds and as m:ss, and its text."""

    id: int
    second: int
    clock: str
    text: str


@dataclass(frozen=True)
class LessonNotes:
    """The caller's notes on one lesson, with the course they search and export in."""

    course_id: int
    notes: list[NoteView]


@dataclass(frozen=True)
class NoteHit:
    """A search result: which lesson, at what time, and a link that opens it there."""

    id: int
    lesson_title: str
    clock: str
    text: str
    href: str


def _view(note: LessonNote) -> NoteView:
    return NoteView(note.id or 0, note.position_s, clock_label(note.position_s), note.body)


def _second(position: object, duration_s: int) -> int:
    """The whole second a note is taken at, inside the video (a little past its end is fine).

    Raises:
        InvalidInput: not a finite number of 0 or more, or past the video's end.
    """
    if isinstance(position, bool) or not isinstance(position, int | float):
        raise InvalidInput(BAD_SECOND)
    if not math.isfinite(position) or position < 0:
        raise InvalidInput(BAD_SECOND)
    limit = duration_s + 1 if duration_s > 0 else 24 * 3600
    if position > limit:
        raise InvalidInput(BAD_SECOND)
    return int(position)


def _note_lesson(session: Session, actor: Actor | None, lesson_id: object) -> Lesson:
    """A video lesson the actor may open and is enrolled in.

    Raises:
        NotSignedIn: nobody is signed in.
        NotFound, PermissionDenied: as `lesson_access.open_lesson`, for a quiz, or not enrolled.
    """
    actor = require_actor(actor)
    lesson, _course, enrolled = open_lesson(session, actor, lesson_id)
    if lesson.kind != LessonKind.VIDEO:
        raise NotFound(LESSON_NOT_FOUND)
    if not enrolled:
        raise PermissionDenied(ENROLL_FIRST)
    return lesson


def _own_note(session: Session, actor: Actor | None, note_id: object) -> LessonNote:
    """The actor's note, row-locked on PostgreSQL; other people's notes do not exist.

    Raises:
        NotSignedIn: nobody is signed in.
        NotFound: unknown, malformed, or someone else's id.
    """
    actor = require_actor(actor)
    note = session.get(LessonNote, note_id, with_for_update=True) if valid_id(note_id) else None
    if note is None or note.user_id != actor.id:
        raise NotFound(NOTE_NOT_FOUND)
    return note


def _check_rate(session: Session, user_id: int, field: str) -> None:
    """Refuse a write past WRITES_PER_MINUTE notes written or changed in the last minute.

    Raises:
        Throttled: "You are writing notes very fast. Try again in N seconds."
    """
    now = utcnow()
    query = select(func.count(), func.min(LessonNote.updated_at)).where(
        LessonNote.user_id == user_id, col(LessonNote.updated_at) > now - WRITE_WINDOW
    )
    count, oldest = session.exec(query).one()
    if count >= WRITES_PER_MINUTE and oldest is not None:
        wait = max(1, math.ceil((oldest + WRITE_WINDOW - now).total_seconds()))
        message = f"You are writing notes very fast. {try_again_in(wait)}"
        raise Throttled(message, wait, field=field)


def _lesson_notes(session: Session, user_id: int, lesson_id: int) -> list[NoteView]:
    rows = session.exec(
        select(LessonNote)
        .where(LessonNote.user_id == user_id, LessonNote.lesson_id == lesson_id)
        .order_by(col(LessonNote.position_s), col(LessonNote.id))
    ).all()
    return [_view(row) for row in rows]


def _course_id(session: Session, lesson: Lesson) -> int:
    section = session.get(Section, lesson.section_id)
    assert section is not None
    return section.course_id


def lesson_notes(*, session: Session, actor: Actor | None, lesson_id: int) -> LessonNotes:
    """The caller's notes on a video lesson, in the order of the video.

    Raises:
        NotSignedIn, NotFound, PermissionDenied: see `_note_lesson`.
    """
    lesson = _note_lesson(session, actor, lesson_id)
    assert actor is not None and lesson.id is not None
    notes = _lesson_notes(session, actor.id, lesson.id)
    return LessonNotes(_course_id(session, lesson), notes)


def add_note(
    *, session: Session, actor: Actor | None, lesson_id: int, position_s: float, text: str
) -> list[NoteView]:
    """Take a note at a second of a video lesson.

    Args:
        session: The open session.
        actor: The signed-in student.
        lesson_id: The lesson on screen.
        position_s: The video's current time, read in the browser when the note was saved.
        text: What the student typed.

    Returns:
        The caller's notes on that lesson, the new one included.

    Raises:
        NotSignedIn, NotFound, PermissionDenied: see `_note_lesson`.
        InvalidInput: a bad text (field "text") or a time outside the video.
        Throttled: too many notes written in the last minute (field "text").
    """
    lesson = _note_lesson(session, actor, lesson_id)
    assert actor is not None and lesson.id is not None
    body = clean_text(text, "note", max_len=TEXT_MAX, min_len=1, field="text")
    second = _second(position_s, lesson.duration_s)
    _check_rate(session, actor.id, "text")
    now = utcnow()
    session.add(
        LessonNote(
            user_id=actor.id, lesson_id=lesson.id, position_s=second, body=body,
            created_at=now, updated_at=now,
        )
    )  # fmt: skip
    session.flush()
    return _lesson_notes(session, actor.id, lesson.id)


def edit_note(*, session: Session, actor: Actor | None, note_id: int, text: str) -> list[NoteView]:
    """Change the text of one of the caller's notes (its time stays).

    Returns:
        The caller's notes on the note's lesson.

    Raises:
        NotSignedIn: nobody is signed in.
        NotFound: unknown or someone else's note.
        InvalidInput: a bad text (field "text").
        Throttled: too many notes written in the last minute (field "text").
    """
    note = _own_note(session, actor, note_id)
    body = clean_text(text, "note", max_len=TEXT_MAX, min_len=1, field="text")
    _check_rate(session, note.user_id, "text")
    note.body, note.updated_at = body, utcnow()
    session.add(note)
    session.flush()
    return _lesson_notes(session, note.user_id, note.lesson_id)


def delete_note(*, session: Session, actor: Actor | None, note_id: int) -> list[NoteView]:
    """Delete one of the caller's notes.

    Returns:
        The caller's notes left on the note's lesson.

    Raises:
        NotSignedIn: nobody is signed in.
        NotFound: unknown or someone else's note.
    """
    note = _own_note(session, actor, note_id)
    user_id, lesson_id = note.user_id, note.lesson_id
    session.delete(note)
    session.flush()
    return _lesson_notes(session, user_id, lesson_id)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_notes(
    *, session: Session, actor: Actor | None, course_id: int, query: str
) -> list[NoteHit]:
    """The caller's notes in one course whose text holds `query` (every note when empty).

    Only the caller's own notes are read, so no other check is needed: a course where they
    have none answers an empty list. Ordered as the course is: section, lesson, second.

    Raises:
        NotSignedIn: nobody is signed in.
    """
    actor = require_actor(actor)
    if not valid_id(course_id):
        return []
    words = (query if isinstance(query, str) else "").strip()[:QUERY_MAX]
    statement = (
        select(LessonNote, Lesson, Course)
        .join(Lesson, col(Lesson.id) == LessonNote.lesson_id)
        .join(Section, col(Section.id) == Lesson.section_id)
        .join(Course, col(Course.id) == Section.course_id)
        .where(LessonNote.user_id == actor.id, Section.course_id == course_id)
        .order_by(col(Section.position), col(Lesson.position), col(LessonNote.position_s))
        .limit(HITS_MAX)
    )
    if words:
        statement = statement.where(
            col(LessonNote.body).ilike(f"%{_escape_like(words)}%", escape="\\")
        )
    return [_hit(note, lesson, course) for note, lesson, course in session.exec(statement)]


def _hit(note: LessonNote, lesson: Lesson, course: Course) -> NoteHit:
    href = f"{routes.lesson_url(course.slug, lesson.id or 0)}?t={note.position_s}"
    return NoteHit(note.id or 0, lesson.title, clock_label(note.position_s), note.body, href)
